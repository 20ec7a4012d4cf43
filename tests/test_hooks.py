"""Unit tests of the hooks' functions, loaded the way cookiecutter renders them."""

import json
import os
import stat
import sys

import pytest
from conftest import load_hook
from matrix import CONTEXT, TEMPLATE_DIR

import local_extensions

SLUG_DIR = TEMPLATE_DIR / "{{cookiecutter.project_slug}}"
HOSTILE = 'O\'Brien "the" \\ hacker """ \\'


@pytest.fixture
def post():
    return load_hook("post_gen_project")


@pytest.fixture
def pre():
    return load_hook("pre_gen_project")


def test_answers_with_quotes_and_backslashes_reach_both_hooks_intact():
    for hook in ("pre_gen_project", "post_gen_project"):
        module = load_hook(hook, author_name=HOSTILE, description=HOSTILE + "\nline 2")
        assert module.ANSWERS["author_name"] == HOSTILE
        assert module.ANSWERS["description"] == HOSTILE + "\nline 2"


def test_a_malicious_answer_stays_data():
    payload = '"""); import os; os.system("touch /tmp/pwned"); ("'
    module = load_hook("pre_gen_project", description=payload)
    assert module.ANSWERS["description"] == payload


def test_every_chosen_file_has_its_alternatives(post):
    for _destination, alternative in post.CHOSEN_FILES:
        answer = alternative.split("{")[1].split("}")[0]
        values = CONTEXT[answer]
        present = {v for v in values if (SLUG_DIR / alternative.format(**{answer: v})).exists()}
        assert present == set(values) - {"proprietary"}, alternative


def test_recorded_answers_are_a_replay_file_without_machine_paths(post):
    answers = post.ANSWERS | {"_output_dir": "/tmp/x", "_repo_dir": "/home/me/t"}

    recorded = post.recorded_answers(answers)

    assert set(recorded) == {"cookiecutter"}
    assert "_output_dir" not in recorded["cookiecutter"]
    assert "_repo_dir" not in recorded["cookiecutter"]
    assert "__prompts__" not in recorded["cookiecutter"]
    assert recorded["cookiecutter"]["__image"] == "ghcr.io/acme/my-django-project"


def test_next_steps_name_the_folder_and_the_commands(post):
    text = post.next_steps(post.ANSWERS | {"project_slug": "shop"}, ["storage_access_key_id"])

    lines = text.splitlines()
    assert lines[1:3] == ["  cd shop", "  make up                           # build and start "
                          "the development stack"]  # fmt: skip
    assert any("make manage ARGS=createsuperuser" in line for line in lines)
    assert "  open http://localhost:8000/" in lines
    assert "  fill in .secrets/storage_access_key_id before deploying" in lines
    assert lines[-1] == "The rest is in shop/README.md."


# --- the pre-generation rules --------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("project_slug", "my-app", "a Python package name"),
        ("project_slug", "class", "a name that is not a Python keyword"),
        ("project_slug", "json", "a name that is not a module of Python's standard library"),
        ("project_slug", "django", "no installed package uses"),
        ("project_slug", "asgiref", "no installed package uses"),
        ("project_slug", "kombu", "no installed package uses"),
        ("project_slug", "pytest_django", "no installed package uses"),
        ("project_slug", "storages", "no installed package uses"),
        ("project_slug", "deploy", "does not use already"),
        ("project_slug", "staticfiles", "does not use already"),
        ("project_slug", "htmlcov", "does not use already"),
        ("project_slug", "scripts", "does not use already"),
        ("project_slug", "users", "does not use already"),
        ("project_slug", "Shop", "a Python package name"),
        ("project_slug", "a" * 41, "a Python package name"),
        ("project_slug", "shop\n", "a Python package name"),
        ("email", "not-an-email", "an address"),
        ("email", "jane@example.com\n", "an address"),
        ("email", "o'brien@example.com", "an address"),
        ("domain_name", "https://example.com", "a lowercase host name"),
        ("domain_name", "example", "a lowercase host name"),
        ("domain_name", "example.com\n", "a lowercase host name"),
        ("domain_name", "example\n.com", "a lowercase host name"),
        ("domain_name", ("a" * 63 + ".") * 4 + "com", "a host name of at most 253"),
        ("version", "1.0.0-beta", "a PEP 440 version"),
        ("version", "1.0\n", "a PEP 440 version"),
        ("version", "999999999999999999999", "below 2**64"),
        ("version", "1." * 64 + "0", "at most 128 characters"),
        ("timezone", "Mars/Olympus_Mons", "an IANA time zone"),
        ("timezone", "../../etc/passwd", "an IANA time zone"),
        ("timezone", "UTC\n", "an IANA time zone"),
        ("project_name", "   ", "not empty"),
        ("project_name", " padded", "without spaces around it"),
        ("project_name", "x" * 201, "at most 200 characters"),
        ("project_name", "two\nlines", "no control characters: found U+000A"),
        ("author_name", "tab\there", "found U+0009"),
        ("description", "evil \u202e txt", "found U+202E"),
        ("description", "line\u2028separator", "found U+2028"),
        ("registry_namespace", "jane\n", "a lowercase user or organisation"),
        ("registry_namespace", "Acme", "a lowercase user or organisation"),
        ("container_registry", "quay", "one of ghcr, dockerhub, gitlab"),
        ("__image", "x\nEVIL=1", "expected 'ghcr.io/acme/my-django-project'; it is derived"),
        ("__app_name", "My App", "do not set it"),
        ("__registry_host", "evil.example", "expected 'ghcr.io'; it is derived"),
        ("__services", "", "expected 'db cache'; it is derived"),
    ],
)
def test_a_bad_answer_is_named_with_what_is_allowed(pre, field, value, expected):
    found = pre.problems(pre.ANSWERS | {field: value})

    assert len(found) == 1, found
    assert found[0].startswith(f"{field}={pre.shown(value)} is not allowed: expected ")
    assert expected in found[0]
    assert "\n" not in found[0]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("project_slug", "shop_2"),
        ("email", "first.last+tag@mail.example.org"),
        ("domain_name", "www.example.co.uk"),
        ("domain_name", ("a" * 63 + ".") * 3 + "b" * 57 + ".com"),  # 253 characters
        ("version", "2.0.post1.dev3"),
        ("version", str(2**64 - 1)),
        ("timezone", "America/Argentina/Buenos_Aires"),
        ("author_name", HOSTILE),
        ("author_name", "Zoë 🦊 Ó Briain"),
        ("description", "Family 👨\u200d👩\u200d👧 app, نیم\u200cفاصله"),
        ("project_name", 'Bob\'s "Quoted" {App} #1 & co.'),
        ("registry_namespace", "acme.labs"),
    ],
)
def test_a_good_answer_is_accepted(pre, field, value):
    assert pre.problems(pre.ANSWERS | {field: value}) == []


def test_every_free_text_answer_has_a_rule(pre):
    """Choices and yes/no answers are checked by cookiecutter itself."""
    free_text = {k for k, v in CONTEXT.items() if isinstance(v, str) and not k.startswith("__")}

    assert free_text <= set(pre.FIELD_RULES)


DERIVED_FIELDS = sorted(
    k for k, v in CONTEXT.items() if k.startswith("__") and isinstance(v, str)
    if k != "__answers_checked"
)  # fmt: skip


@pytest.mark.parametrize("field", DERIVED_FIELDS)
@pytest.mark.parametrize("value", ["", "{#", "x\nEVIL=1", "changed"])
def test_a_derived_answer_given_on_the_command_line_is_refused(pre, field, value):
    """Derived answers can be given on the command line like any other: only the value
    cookiecutter.json derives from the other answers is accepted."""
    found = pre.problems(pre.ANSWERS | {field: value})

    derived = pre.shown(pre.ANSWERS[field])
    assert found == [
        f"{field}={pre.shown(value)} is not allowed: expected {derived}; it is derived "
        "from the other answers: do not set it."
    ]


@pytest.mark.parametrize(
    ("answers", "derived"),
    [
        ({"database": "sqlite", "cache": "none", "task_queue": "none"}, {"__services": ""}),
        ({"container_registry": "gitlab", "registry_namespace": "acme/web"},
         {"__image": "registry.gitlab.com/acme/web/my-django-project"}),
        ({"dockerfile": "distroless", "cache": "valkey"},
         {"__app_uid": "65532", "__cache_label": "Valkey"}),
    ],
)  # fmt: skip
def test_derived_answers_follow_the_other_answers(answers, derived):
    pre = load_hook("pre_gen_project", **answers)

    assert pre.DERIVED_ANSWERS.items() >= derived.items()
    assert pre.problems(pre.ANSWERS) == []


def test_the_message_shortens_a_long_value(pre):
    (message,) = pre.problems(pre.ANSWERS | {"project_name": "a" * 5000})

    assert message.startswith("project_name='" + "a" * 40 + "'... (5000 characters) is not")
    assert len(message) < 200


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        (
            {"task_queue": "celery", "cache": "none"},
            "task_queue='celery' is not allowed here: celery needs a broker",
        ),
        (
            {"container_registry": "ghcr", "registry_namespace": "acme/web"},
            "registry_namespace='acme/web' is not allowed here: only GitLab has nested",
        ),
        (
            {"container_registry": "dockerhub", "registry_namespace": "jane-doe"},
            "registry_namespace='jane-doe' is not allowed here: Docker Hub namespaces are",
        ),
        (
            {"deploy_kubernetes": True, "media_storage": "s3",
             "domain_name": ("a" * 63 + ".") * 3 + "b" * 55 + ".com"},
            "domain_name='" + "a" * 40 + "'... (251 characters) is not allowed here: the "
            "staging overlay serves staging.<domain_name>",
        ),
        (
            {"container_registry": "gitlab", "registry_namespace": "a" * 200,
             "project_slug": "b" * 40},
            "registry_namespace='" + "a" * 40 + "'... (200 characters) is not allowed here: "
            "the image name <registry>/<namespace>/<project> has at most 255 characters",
        ),
        (
            {"deploy_kubernetes": True, "media_storage": "volume", "database": "postgresql"},
            "media_storage='volume' is not allowed here: web pods run on several nodes",
        ),
    ],
)  # fmt: skip
def test_a_forbidden_combination_is_named(answers, message):
    pre = load_hook("pre_gen_project", **answers)

    found = pre.problems(pre.ANSWERS)

    assert len(found) == 1, found
    assert found[0].startswith(message)


# --- local_extensions.py --------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["plain", 'quo"te \\ back', "emoji 🦊 and ünïcode", "tab\tnew\nline", "del\x7f"]
)
def test_toml_string_round_trips(text):
    import tomllib

    assert tomllib.loads(f"x = {local_extensions.toml_string(text)}")["x"] == text


def test_an_old_python_is_refused_with_one_line(capsys):
    with pytest.raises(SystemExit) as exit_info:
        local_extensions.refuse_old_python((3, 10, 13))

    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("ERROR: this template renders with Python 3.11 or newer")
    assert "3.10.13" in err
    local_extensions.refuse_old_python(sys.version_info)  # this one passes


def test_project_paths_come_from_the_project_and_its_ignore_files():
    paths = set(local_extensions.project_paths())

    assert {"deploy", "tests", "scripts", "manage", "staticfiles", "media", "htmlcov"} <= paths


# --- the project's env_files script, run by the post hook ------------------------------


@pytest.fixture
def env_files(bake):
    result = bake(database="mariadb")
    assert result.exit_code == 0, result.exception
    project = result.project_path
    sys.path.insert(0, str(project / "scripts"))
    sys.modules.pop("env_files", None)
    try:
        import env_files

        yield project, env_files
    finally:
        sys.path.pop(0)
        sys.modules.pop("env_files", None)


def test_secret_files_are_private_from_the_start(env_files):
    project, _ = env_files

    assert stat.S_IMODE((project / ".env").stat().st_mode) == 0o600
    assert stat.S_IMODE((project / ".secrets").stat().st_mode) == 0o700
    for path in (project / ".secrets").iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_completing_keeps_every_value_and_adds_only_what_is_missing(env_files):
    project, module = env_files
    env = project / ".env"
    env.write_text(env.read_text().replace("DJANGO_DEBUG=true", "DJANGO_DEBUG=false"))
    lines = env.read_text().splitlines()
    env.write_text("\n".join(line for line in lines if not line.startswith("DATABASE_ROOT")))
    before = env.read_text()
    key = (project / ".secrets/django_secret_key").read_text()
    (project / ".secrets/cache_password").unlink()
    (project / ".secrets/cache.conf").unlink()

    added = module.complete_env(project) + module.complete_secrets(project)

    assert added == ["DATABASE_ROOT_PASSWORD", "cache_password", "cache.conf"]
    after = env.read_text()
    assert after.startswith(before) and "DJANGO_DEBUG=false" in after
    root_password = after.rsplit("DATABASE_ROOT_PASSWORD=", 1)[1].strip()
    assert len(root_password) >= 24
    assert (project / ".secrets/django_secret_key").read_text() == key
    password = (project / ".secrets/cache_password").read_text()
    assert (project / ".secrets/cache.conf").read_text() == f"requirepass {password}\n"
    assert module.complete_env(project) + module.complete_secrets(project) == []


def test_the_script_reports_what_it_added(env_files, capsys, monkeypatch):
    project, module = env_files
    (project / ".secrets/database_password").unlink()
    monkeypatch.chdir(project)

    assert module.main() == 0

    assert capsys.readouterr().out == "added to .secrets/: database_password\n"
    assert os.stat(project / ".secrets/database_password").st_mode & 0o077 == 0


def test_recorded_answers_file_is_json(bake):
    result = bake()
    recorded = json.loads((result.project_path / ".cookiecutter.json").read_text())
    assert recorded["cookiecutter"]["project_slug"] == "my_django_project"


def test_projects_use_the_uv_the_template_is_tested_with():
    import tomllib

    tooling = tomllib.loads((TEMPLATE_DIR / "pyproject.toml").read_text())
    assert f"uv=={CONTEXT['__uv_version']}" in tooling["dependency-groups"]["dev"]


@pytest.mark.parametrize(
    ("answers", "services", "uid"),
    [
        ({}, "db cache", "10001"),
        ({"database": "sqlite"}, "cache", "10001"),
        ({"database": "sqlite", "cache": "none", "task_queue": "none"}, "", "10001"),
        ({"cache": "none", "task_queue": "none", "dockerfile": "distroless"}, "db", "65532"),
    ],
)
def test_derived_facts(answers, services, uid):
    derived = load_hook("pre_gen_project", **answers).ANSWERS
    assert derived["__services"] == services
    assert derived["__app_uid"] == uid
