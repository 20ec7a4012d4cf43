"""Unit tests of the hooks' functions, loaded the way cookiecutter renders them."""

import json
import os
import stat
import sys

import answer_rules
import pytest
from conftest import load_hook
from matrix import CONTEXT, PROJECT_TEMPLATE, TEMPLATE_DIR

import local_extensions

SLUG_DIR = PROJECT_TEMPLATE
HOSTILE = 'O\'Brien "the" \\ hacker """ \\'


@pytest.fixture
def post():
    return load_hook("post_gen_project")


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
    paths = set(answer_rules.project_paths(SLUG_DIR))

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
