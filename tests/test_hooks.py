"""Unit tests of the hooks' functions, loaded the way cookiecutter renders them."""

import tomllib

import pytest
from conftest import load_hook
from matrix import OPTIONS, TEMPLATE_DIR

SLUG_DIR = TEMPLATE_DIR / "{{cookiecutter.project_slug}}"
SUPERSET = (SLUG_DIR / "_locks" / "uv.lock").read_text()
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


def test_every_variant_path_exists_in_the_template(post):
    for path, answer, kept_when in post.VARIANT_PATHS:
        assert (SLUG_DIR / path.format(slug="{{cookiecutter.project_slug}}")).exists(), path
        assert answer in OPTIONS
        assert kept_when <= set(OPTIONS[answer]), (path, kept_when)


def test_every_chosen_file_has_its_alternatives(post):
    for _destination, alternative in post.CHOSEN_FILES:
        answer = alternative.split("{")[1].split("}")[0]
        present = {
            value
            for value in OPTIONS[answer]
            if (SLUG_DIR / alternative.format(**{answer: value})).exists()
        }
        assert present == set(OPTIONS[answer]) - {"proprietary"}, alternative


def test_defaults_drop_only_the_unchosen_alternatives(post):
    assert post.paths_to_remove(post.ANSWERS) == [
        "deploy/mariadb",
        "deploy/nginx",
        "deploy/k8s",
        ".gitlab-ci.yml",
        "renovate.json",
    ]


def test_answers_drop_their_paths(post):
    answers = post.ANSWERS | {"use_drf": False, "task_queue": "none", "cache": "none"}

    removed = post.paths_to_remove(answers)

    assert "my_django_project/api" in removed
    assert "tests/test_api.py" in removed
    assert "my_django_project/celery.py" in removed
    assert "tests/test_health_cache.py" in removed
    assert "my_django_project/sentry.py" not in removed


def pyproject(runtime, dev=("pytest==9.2.0",)):
    return {
        "project": {
            "name": "shop_app",
            "version": "1.2rc1",
            "requires-python": ">=3.13",
            "dependencies": list(runtime),
        },
        "dependency-groups": {"dev": list(dev)},
    }


def test_project_lock_keeps_only_what_the_pins_reach(post):
    lock = tomllib.loads(post.project_lock(SUPERSET, pyproject(["django==6.1.3"])))

    names = {p["name"] for p in lock["package"]}
    assert {"django", "asgiref", "sqlparse", "pytest", "shop-app"} <= names
    assert not names & {"celery", "psycopg", "redis", "superset", "gunicorn"}
    root = next(p for p in lock["package"] if p["name"] == "shop-app")
    assert root["version"] == "1.2rc1"
    assert root["metadata"]["requires-dist"] == [{"name": "django", "specifier": "==6.1.3"}]


def test_project_lock_follows_extras(post):
    lock = tomllib.loads(post.project_lock(SUPERSET, pyproject(["psycopg[binary]==3.3.9"])))

    names = {p["name"] for p in lock["package"]}
    assert {"psycopg", "psycopg-binary"} <= names
    root = next(p for p in lock["package"] if p["name"] == "shop-app")
    assert root["dependencies"] == [{"name": "psycopg", "extra": ["binary"]}]


def test_an_unpinned_dependency_is_refused(post):
    with pytest.raises(ValueError, match="exact pin"):
        post.project_lock(SUPERSET, pyproject(["django>=6"]))


def test_requirements_carry_pins_hashes_and_markers(post):
    lock = post.project_lock(SUPERSET, pyproject(["django==6.1.3"]))

    text = post.requirements_from_lock(lock, ["django==6.1.3"], exclude=set())

    assert "django==6.1.3 \\\n    --hash=sha256:" in text
    assert "tzdata==" in text and "; sys_platform == 'win32'" in text
    assert "pytest" not in text


def test_env_gets_fresh_secrets_only_where_the_example_leaves_them_empty(post):
    example = "DJANGO_SECRET_KEY=\nDATABASE_PASSWORD=\nDJANGO_DEBUG=true\nSENTRY_DSN=\n"

    first = post.env_with_generated_values(example, post.GENERATED_VALUES)
    second = post.env_with_generated_values(example, post.GENERATED_VALUES)

    values = dict(line.split("=", 1) for line in first.splitlines())
    assert len(values["DJANGO_SECRET_KEY"]) >= 50
    assert len(values["DATABASE_PASSWORD"]) >= 24
    assert values["DJANGO_DEBUG"] == "true"
    assert values["SENTRY_DSN"] == ""
    assert first != second


def test_recorded_answers_leave_out_machine_paths(post):
    answers = post.ANSWERS | {"_output_dir": "/tmp/x", "_template": "gh:org/repo"}

    recorded = post.recorded_answers(answers)

    assert recorded["_template"] == "gh:org/repo"
    assert "_output_dir" not in recorded
    assert "__prompts__" not in recorded
    assert recorded["project_slug"] == "my_django_project"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("project_slug", "my-app"),
        ("project_slug", "class"),
        ("project_slug", "django"),
        ("project_slug", "json"),
        ("project_slug", "Shop"),
        ("project_slug", "a" * 41),
        ("email", "not-an-email"),
        ("domain_name", "https://example.com"),
        ("domain_name", "example"),
        ("version", "1.0.0-beta"),
        ("timezone", "Mars/Olympus_Mons"),
        ("timezone", "../../etc/passwd"),
        ("project_name", "   "),
        ("author_name", "two\nlines"),
    ],
)
def test_pre_hook_names_the_field_and_value(pre, field, value):
    found = pre.problems(pre.ANSWERS | {field: value})

    assert len(found) == 1
    assert found[0].startswith(f"{field}={value!r} is not allowed: expected ")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("project_slug", "shop_2"),
        ("email", "first.last+tag@mail.example.org"),
        ("domain_name", "www.example.co.uk"),
        ("version", "2.0.post1.dev3"),
        ("timezone", "America/Argentina/Buenos_Aires"),
        ("author_name", HOSTILE),
    ],
)
def test_pre_hook_accepts_good_values(pre, field, value):
    assert pre.problems(pre.ANSWERS | {field: value}) == []


def test_pre_hook_refuses_celery_without_a_broker(pre):
    found = pre.problems(pre.ANSWERS | {"task_queue": "celery", "cache": "none"})

    assert found == [
        "task_queue='celery' is not allowed here: celery needs a broker: choose "
        "cache=redis or cache=valkey, or task_queue=none."
    ]
