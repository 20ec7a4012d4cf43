"""Bad answers through the real command line: one clear line, non-zero exit, no output."""

import subprocess
from pathlib import Path

import pytest
from conftest import BIN, check_keys
from matrix import TEMPLATE_DIR

BAD_ANSWERS = [
    # (answers, the message's start)
    ({"project_slug": "my-app"}, "project_slug='my-app' is not allowed: expected a lowercase"),
    ({"project_slug": "django"}, "project_slug='django' is not allowed"),
    ({"project_slug": "site"}, "project_slug='site' is not allowed"),
    ({"project_slug": "import"}, "project_slug='import' is not allowed"),
    ({"project_name": "123 Go"}, "project_slug='123_go' is not allowed"),
    ({"project_name": " "}, "project_name=' ' is not allowed: expected a non-empty name"),
    ({"author_name": ""}, "author_name='' is not allowed: expected a non-empty name"),
    ({"email": "jane.example.com"}, "email='jane.example.com' is not allowed: expected an address"),
    ({"domain_name": "example.com/app"}, "domain_name='example.com/app' is not allowed"),
    ({"version": "v1"}, "version='v1' is not allowed: expected a PEP 440 version"),
    (
        {"timezone": "Europe/Atlantis"},
        "timezone='Europe/Atlantis' is not allowed: expected an IANA",
    ),
    (
        {"task_queue": "celery", "cache": "none"},
        "task_queue='celery' is not allowed here: celery needs a broker",
    ),
    (
        {"dockerfile": "distroless", "python_version": "3.14"},
        "python_version='3.14' is not allowed here: the distroless image carries Debian 13's",
    ),
    (
        {"dockerfile": "distroless", "database": "mariadb"},
        "database='mariadb' is not allowed here: the distroless image lacks MariaDB's",
    ),
    (
        {"deploy_kubernetes": "y", "database": "sqlite"},
        "database='sqlite' is not allowed here: SQLite lives in one pod's volume",
    ),
    (
        {"container_registry": "quay"},
        "container_registry='quay' is not allowed: expected one of ghcr, dockerhub, gitlab",
    ),
    (
        {"registry_namespace": "Acme Corp"},
        "registry_namespace='Acme Corp' is not allowed: expected a lowercase user",
    ),
    (
        {"container_registry": "dockerhub", "registry_namespace": "jane-doe"},
        "registry_namespace='jane-doe' is not allowed here: Docker Hub namespaces are 4 to 30",
    ),
    (
        {"container_registry": "ghcr", "registry_namespace": "acme/web"},
        "registry_namespace='acme/web' is not allowed here: Docker Hub namespaces are 4 to 30 "
        "lowercase letters and digits, and only GitLab has nested",
    ),
]


def cookiecutter(tmp_path: Path, answers: dict) -> subprocess.CompletedProcess:
    check_keys(answers)
    args = [f"{key}={value}" for key, value in answers.items()]
    return subprocess.run(
        [BIN / "cookiecutter", "--no-input", TEMPLATE_DIR, "-o", tmp_path, *args],
        capture_output=True,
        text=True,
    )


@pytest.mark.parametrize(("answers", "message"), BAD_ANSWERS, ids=lambda v: str(v)[:40])
def test_bad_answer_is_refused_with_one_clear_line(tmp_path, answers, message):
    result = cookiecutter(tmp_path, answers)

    assert result.returncode != 0
    errors = [line for line in result.stderr.splitlines() if line.startswith("ERROR: ")]
    assert len(errors) == 1, result.stderr
    assert errors[0].startswith(f"ERROR: {message}")
    assert list(tmp_path.iterdir()) == [], "a refused render left files behind"


def test_an_existing_project_is_never_overwritten(tmp_path):
    existing = tmp_path / "my_django_project"
    existing.mkdir()
    (existing / "notes.txt").write_text("mine")

    result = cookiecutter(tmp_path, {})

    assert result.returncode != 0
    assert "already exists" in result.stdout + result.stderr
    assert [p.name for p in existing.iterdir()] == ["notes.txt"]
    assert (existing / "notes.txt").read_text() == "mine"


def test_an_unknown_choice_is_refused(tmp_path):
    result = cookiecutter(tmp_path, {"database": "oracle"})

    assert result.returncode != 0
    assert "oracle" in result.stderr and "postgresql" in result.stderr
    assert list(tmp_path.iterdir()) == []
