"""Answers from a replay file or a config file's default_context, through the real
command line: every answer is checked as on the prompt, one line on stderr names the
field, the value and what is allowed, nothing is left on disk, and nothing beside the
output folder is touched.

A replay file is the project's own .cookiecutter.json, which the generated README tells
the owner to re-render with (`cookiecutter --replay-file .cookiecutter.json -f -o ..`).
"""

import json
import subprocess
from pathlib import Path

import pytest
from conftest import BIN
from matrix import TEMPLATE_DIR

EXAMPLE_ANSWERS = TEMPLATE_DIR / "examples" / "defaults" / ".cookiecutter.json"


def replay_answers(**changed) -> dict:
    """The default project's answers as its replay file holds them, changed."""
    recorded = json.loads(EXAMPLE_ANSWERS.read_text())
    recorded["cookiecutter"] |= {"_template": str(TEMPLATE_DIR)} | changed
    recorded["cookiecutter"].pop("_commit")
    return recorded


@pytest.fixture
def workspace(tmp_path):
    """An output folder that does not exist yet, and a victim folder beside it that a
    path built from an answer (output/<project>/../../victim) would reach."""
    parent = tmp_path / "a" / "b"
    (parent / "victim").mkdir(parents=True)
    (parent / "victim" / "keep.txt").write_text("mine")
    yield parent
    assert (parent / "victim" / "keep.txt").read_text() == "mine", "the victim folder was touched"
    assert sorted(p.name for p in (parent / "victim").iterdir()) == ["keep.txt"]


def cookiecutter(*args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [BIN / "cookiecutter", *map(str, args), TEMPLATE_DIR],
        capture_output=True, text=True, stdin=subprocess.DEVNULL,
    )  # fmt: skip


def replay(workspace: Path, content) -> subprocess.CompletedProcess:
    replay_file = workspace / "answers.json"
    replay_file.write_text(content if isinstance(content, str) else json.dumps(content))
    result = cookiecutter("--replay-file", replay_file, "-o", workspace / "out")
    replay_file.unlink()
    return result


REFUSED_REPLAYS = [
    # (answers changed in the replay file, the whole line on stderr)
    ({"license": "../../../victim/nothing"}, "license='../../../victim/nothing' is not allowed: "
     "expected one of MIT, BSD-3-Clause, Apache-2.0, proprietary."),
    ({"dockerfile": "../../../victim/x"}, "dockerfile='../../../victim/x' is not allowed: "
     "expected one of slim, distroless."),
    ({"license": 'MIT"\nevil = "injected'}, "license='MIT\"\\nevil = \"injected' is not "
     "allowed: expected one of MIT, BSD-3-Clause, Apache-2.0, proprietary."),
    ({"python_version": '3.13" #" PYTHON_IMAGE=evil.example/python:3.13'}, "python_version="
     "'3.13\" #\" PYTHON_IMAGE=evil.example/python:3.13' is not allowed: expected one of 3.13, "
     "3.14."),
    ({"postgresql_version": "17\n    privileged: true\n    x-evil:"}, "postgresql_version='17\\n"
     "    privileged: true\\n    x-evil:' is not allowed: expected one of 17, 18."),
    ({"dockerfile": "alpine"}, "dockerfile='alpine' is not allowed: expected one of slim, "
     "distroless."),
    ({"postgresql_version": "16"}, "postgresql_version='16' is not allowed: expected one of 17, "
     "18."),
    ({"database": "oracle"}, "database='oracle' is not allowed: expected one of postgresql, "
     "mariadb, sqlite."),
    ({"use_drf": "maybe"}, "use_drf='maybe' is not allowed: expected yes or no (true or "
     "false)."),
    ({"datbase": "sqlite"}, "datbase='sqlite' is not allowed: expected an answer this template "
     "asks for; the nearest is database."),
    ({"use-drf": False}, "use-drf=False is not allowed: expected an answer this template asks "
     "for; the nearest is use_drf."),
    ({"Project_Name": "Shop"}, "Project_Name='Shop' is not allowed: expected an answer this "
     "template asks for; the nearest is project_name."),
    ({"description": "a\x00b"}, "description='a\\x00b' is not allowed: expected one line of "
     "printable text, at most 200 characters (no control characters: found U+0000)."),
    ({"project_slug": "a/b"}, "project_slug='a/b' is not allowed: expected a Python package "
     "name: a lowercase letter, then lowercase letters, digits or underscores, ending in a "
     "letter or digit, 40 characters at most."),
    ({"__image": "evil.example/x"}, "__image='evil.example/x' is not allowed: expected "
     "'ghcr.io/jane-doe/my-django-project'; it is derived from project_slug, "
     "container_registry, registry_namespace: do not set it."),
    ({"_copy_without_render": []}, "_copy_without_render=[] is not allowed: expected "
     "['_locks/*'], the template's own setting."),
]  # fmt: skip


@pytest.mark.parametrize(("changed", "line"), REFUSED_REPLAYS, ids=lambda v: str(v)[:40])
def test_a_bad_replayed_answer_is_refused_and_nothing_is_touched(workspace, changed, line):
    result = replay(workspace, replay_answers(**changed))

    assert (result.returncode, result.stderr, result.stdout) == (1, f"ERROR: {line}\n", "")
    assert sorted(p.name for p in workspace.iterdir()) == ["victim"]


def test_a_replay_file_without_the_extension_setting_is_refused(workspace):
    answers = replay_answers()
    del answers["cookiecutter"]["_extensions"]

    result = replay(workspace, answers)

    assert result.returncode == 1
    assert result.stderr == (
        "ERROR: _extensions is missing: expected a value for every answer in the replay file "
        "(as the project's .cookiecutter.json holds them).\n"
    )
    assert sorted(p.name for p in workspace.iterdir()) == ["victim"]


def without_the_extension(result: subprocess.CompletedProcess) -> None:
    """The project folder's name calls the extension's check: without the extension it
    does not render, and cookiecutter stops before it makes any folder."""
    assert result.returncode == 1
    assert "Error message: 'answers_checked' is undefined" in result.stdout, result.stdout[-2000:]


def test_a_replay_file_that_drops_the_extension_makes_nothing(workspace):
    # cookiecutter would make out/../victim (out does not exist yet, so neither does
    # the path), call it its own and remove it when a hook fails.
    answers = replay_answers(project_slug="../victim")
    answers["cookiecutter"]["_extensions"] = []

    without_the_extension(replay(workspace, answers))
    assert sorted(p.name for p in workspace.iterdir()) == ["victim"]


def test_a_config_file_that_drops_the_extension_makes_nothing(workspace):
    config = config_file(workspace, {"_extensions": [], "project_slug": "../victim"})

    without_the_extension(
        cookiecutter("--no-input", "--config-file", config, "-o", workspace / "out")
    )
    assert sorted(p.name for p in workspace.iterdir()) == ["config.yaml", "victim"]


def test_a_replayed_yes_no_word_becomes_a_boolean_once(workspace):
    """cookiecutter passes a replay file's "no" on as a string, which a template reads as
    true; the template converts it with cookiecutter's own words."""
    result = replay(workspace, replay_answers(use_drf="no", use_sentry="Yes"))

    assert result.returncode == 0, result.stderr
    project = workspace / "out" / "my_django_project"
    recorded = json.loads((project / ".cookiecutter.json").read_text())["cookiecutter"]
    assert (recorded["use_drf"], recorded["use_sentry"]) == (False, True)
    assert not (project / "my_django_project" / "api").exists()
    assert "djangorestframework" not in (project / "pyproject.toml").read_text()
    assert (project / "my_django_project" / "sentry.py").exists()


def test_the_projects_own_replay_file_renders_it_again(workspace):
    result = replay(workspace, replay_answers())

    assert result.returncode == 0, result.stderr
    assert (workspace / "out" / "my_django_project" / "manage.py").exists()


# What cookiecutter reads before any code of the template runs: a replay file that is no
# JSON object with a "cookiecutter" object in it. Its own traceback ends in this line.
MALFORMED_REPLAYS = [
    ("", "json.decoder.JSONDecodeError: Expecting value: line 1 column 1 (char 0)"),
    ("{", "json.decoder.JSONDecodeError: Expecting property name enclosed in double quotes: "
     "line 1 column 2 (char 1)"),
    ({"answers": {}}, "ValueError: Context is required to contain a cookiecutter key"),
    ({"cookiecutter": ["a"]}, "AttributeError: 'list' object has no attribute 'items'"),
]  # fmt: skip


@pytest.mark.parametrize(("content", "last_line"), MALFORMED_REPLAYS, ids=str)
def test_a_malformed_replay_file_is_refused_by_cookiecutter(workspace, content, last_line):
    result = replay(workspace, content)

    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == last_line
    assert sorted(p.name for p in workspace.iterdir()) == ["victim"]
    assert last_line in (TEMPLATE_DIR / "README.md").read_text()


REFUSED_CONFIGS = [
    # (the config file's default_context, the last line on stderr)
    ({"database": "oracle"}, "database='oracle' is not allowed: expected one of postgresql, "
     "mariadb, sqlite (from the config file's default_context)."),
    ({"datbase": "sqlite"}, "datbase='sqlite' is not allowed: expected an answer this template "
     "asks for (from the config file's default_context); the nearest is database."),
    ({"use_drf": "maybe"}, "use_drf='maybe' is not allowed: expected yes or no (true or false) "
     "(from the config file's default_context)."),
    ({"domain_name": "x{{y}}"}, "domain_name='x{{y}}' is not allowed: expected text that "
     "renders: cookiecutter reads {{ }}, {% %} and {# #} in an answer as a template, and here "
     "'y' is undefined."),
    ({"timezone": "localtime"}, "timezone='localtime' is not allowed: expected an IANA time zone "
     "name such as UTC or Europe/Paris."),
]  # fmt: skip


def config_file(workspace: Path, default_context) -> Path:
    path = workspace / "config.yaml"
    path.write_text(json.dumps({"default_context": default_context}))  # JSON is YAML
    return path


@pytest.mark.parametrize(("default_context", "line"), REFUSED_CONFIGS, ids=str)
def test_a_bad_config_default_is_refused(workspace, default_context, line):
    config = config_file(workspace, default_context)

    result = cookiecutter("--no-input", "--config-file", config, "-o", workspace / "out")

    assert result.returncode == 1
    # cookiecutter may warn first of a choice it falls back from; the verdict is the last.
    assert result.stderr.splitlines()[-1] == f"ERROR: {line}"
    assert sorted(p.name for p in workspace.iterdir()) == ["config.yaml", "victim"]


def test_config_keys_meant_for_other_templates_are_left_alone(workspace):
    """A user's default_context serves every template they use: only near misses of this
    template's keys are refused."""
    # A list narrows a choice: cookiecutter takes its first value as the default.
    defaults = {"full_name": "Jane", "github_username": "jd", "database": ["sqlite", "mariadb"],
                "use_drf": "no"}  # fmt: skip
    config = config_file(workspace, defaults)

    result = cookiecutter("--no-input", "--config-file", config, "-o", workspace / "out")

    assert result.returncode == 0, result.stderr
    recorded = json.loads((workspace / "out/my_django_project/.cookiecutter.json").read_text())
    assert (recorded["cookiecutter"]["database"], recorded["cookiecutter"]["use_drf"]) == (
        "sqlite",
        False,
    )


def test_a_config_file_whose_defaults_are_no_mapping_is_refused_by_cookiecutter(workspace):
    config = config_file(workspace, ["a"])

    result = cookiecutter("--no-input", "--config-file", config, "-o", workspace / "out")

    last_line = "AttributeError: 'list' object has no attribute 'items'"
    assert (result.returncode, result.stderr.splitlines()[-1]) == (1, last_line)
    assert sorted(p.name for p in workspace.iterdir()) == ["config.yaml", "victim"]
