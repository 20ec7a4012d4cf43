"""Bad answers through the real command line: one clear line, non-zero exit, nothing on disk.

The template's rules run before cookiecutter makes the first folder, so a refused
render leaves nothing behind, also when -o names a folder that does not exist yet.
A choice or yes/no answer on the command line outside its list is refused by cookiecutter
itself before the template runs anything: its output is cookiecutter's traceback, whose
last line the README quotes and these tests pin.
"""

import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import BIN, unavailable
from matrix import TEMPLATE_DIR

BAD_ANSWERS = [
    # (answers, the whole line on stderr)
    ({"project_slug": "django"}, "project_slug='django' is not allowed: expected a name that no "
     "installed package uses: it is a module of a dependency."),
    ({"project_name": "a/b"}, "project_name='a/b' is not allowed: expected a name whose package "
     "name (project_slug='a/b') is a Python package name: a lowercase letter, then lowercase "
     "letters, digits or underscores, ending in a letter or digit, 40 characters at most; or "
     "set project_slug."),
    ({"project_name": "Makefile"}, "project_name='Makefile' is not allowed: expected a name whose "
     "package name (project_slug='makefile') is a name the project does not use already for a "
     "file, folder or package; or set project_slug."),
    ({"project_slug": "nul"}, "project_slug='nul' is not allowed: expected a name Windows does "
     "not keep for a device (con, aux, nul, prn, com1, lpt1...)."),
    ({"timezone": "posixrules"}, "timezone='posixrules' is not allowed: expected an IANA time "
     "zone name such as UTC or Europe/Paris."),
    # Keys cookiecutter itself would drop without a word.
    ({"datbase": "sqlite"}, "datbase='sqlite' is not allowed: expected an answer this template "
     "asks for; the nearest is database."),
    # The check marker of earlier versions skipped the early check: now it is no answer.
    ({"__answers_checked": "yes", "project_slug": "a/b"}, "__answers_checked='yes' is not "
     "allowed: expected an answer this template asks for."),
    ({"_template": "elsewhere"}, "_template='elsewhere' is not allowed: expected an answer this "
     "template asks for."),
    # Answers cookiecutter renders as templates, whose Jinja does not render.
    ({"description": "{%"}, "description='{%' is not allowed: expected text that renders: "
     "cookiecutter reads {{ }}, {% %} and {# #} in an answer as a template, and here tag name "
     "expected."),
    ({"version": "{{ 1/0 }}"}, "version='{{ 1/0 }}' is not allowed: expected text that renders: "
     "cookiecutter reads {{ }}, {% %} and {# #} in an answer as a template, and here "
     "ZeroDivisionError('division by zero')."),
    # cookiecutter renders it with the answers before it, which do not hold the slug yet.
    ({"project_name": "{{ cookiecutter.project_slug }}"}, "project_name='{{ cookiecutter."
     "project_slug }}' is not allowed: expected text that renders: cookiecutter reads {{ }}, "
     "{% %} and {# #} in an answer as a template, and here 'dict object' has no attribute "
     "'project_slug'."),
    ({"domain_name": "example.com{{x}}"}, "domain_name='example.com{{x}}' is not allowed: "
     "expected text that renders: cookiecutter reads {{ }}, {% %} and {# #} in an answer as a "
     "template, and here 'x' is undefined."),
    ({"project_name": "a" * 5000}, "project_name='" + "a" * 40 + "'... (5000 characters) is "
     "not allowed: expected one line of printable text, at most 200 characters."),
    ({"domain_name": "example\n.com"}, "domain_name='example\\n.com' is not allowed: expected a "
     "lowercase host name such as example.com (no scheme, port or path)."),
    ({"version": "999999999999999999999"}, "version='999999999999999999999' is not allowed: "
     "expected a version whose numbers are below 2**64 (18446744073709551616), uv's limit."),
    ({"__image": "x\nEVIL=1"}, "__image='x\\nEVIL=1' is not allowed: expected "
     "'ghcr.io/jane-doe/my-django-project'; it is derived from project_slug, "
     "container_registry, registry_namespace: do not set it."),
    # cookiecutter renders the value as a template first: '{#' becomes ''.
    ({"__services": "{#"}, "__services='' is not allowed: expected 'db cache'; it is derived "
     "from database, cache: do not set it."),
    ({"registry_namespace": "jane\n"}, "registry_namespace='jane\\n' is not allowed: expected a "
     "lowercase user or organisation name such as jane-doe (letters and digits, with . _ or - "
     "between them; GitLab subgroups as group/subgroup)."),
    ({"project_slug": "kombu"}, "project_slug='kombu' is not allowed: expected a name that no "
     "installed package uses: it is a module of a dependency."),
    ({"project_slug": "shop_"}, "project_slug='shop_' is not allowed: expected a Python "
     "package name: a lowercase letter, then lowercase letters, digits or underscores, ending "
     "in a letter or digit, 40 characters at most."),
    ({"project_slug": "deploy"}, "project_slug='deploy' is not allowed: expected a name the "
     "project does not use already for a file, folder or package."),
    ({"project_name": " "}, "project_name=' ' is not allowed: expected one line of printable "
     "text, at most 200 characters, not empty and without spaces around it."),
    ({"email": "jane.example.com"}, "email='jane.example.com' is not allowed: expected an "
     "address such as jane@example.com (letters, digits and . _ % + - before the @)."),
    ({"timezone": "Europe/Atlantis"}, "timezone='Europe/Atlantis' is not allowed: expected an "
     "IANA time zone name such as UTC or Europe/Paris."),
    ({"task_queue": "celery", "cache": "none"}, "task_queue='celery' is not allowed here: celery "
     "needs a broker: choose cache=redis or cache=valkey, or task_queue=none."),
    ({"dockerfile": "distroless", "python_version": "3.14"}, "python_version='3.14' is not "
     "allowed here: the distroless image carries Debian 13's Python 3.13: choose "
     "python_version=3.13, or dockerfile=slim."),
    ({"dockerfile": "distroless", "database": "mariadb"}, "database='mariadb' is not allowed "
     "here: the distroless image lacks MariaDB's client library that mysqlclient needs: choose "
     "database=postgresql or sqlite, or dockerfile=slim."),
    ({"deploy_kubernetes": "y", "database": "sqlite", "media_storage": "s3"}, "database='sqlite' "
     "is not allowed here: SQLite lives in one pod's volume and Kubernetes runs several web "
     "pods: choose database=postgresql or mariadb, or deploy_kubernetes=n."),
    ({"container_registry": "quay"}, "container_registry='quay' is not allowed: expected one of "
     "ghcr, dockerhub, gitlab."),
    ({"container_registry": "dockerhub", "registry_namespace": "jane-doe"}, "registry_namespace="
     "'jane-doe' is not allowed here: Docker Hub namespaces are 4 to 30 lowercase letters and "
     "digits."),
    ({"container_registry": "ghcr", "registry_namespace": "acme/web"}, "registry_namespace="
     "'acme/web' is not allowed here: only GitLab has nested namespaces (group/subgroup): name "
     "one user or organisation."),
]  # fmt: skip


def cookiecutter(output: Path, answers: dict, python: Path = BIN / "python"):
    args = [f"{key}={value}" for key, value in answers.items()]
    return subprocess.run(
        [python, "-m", "cookiecutter", "--no-input", TEMPLATE_DIR, "-o", output, *args],
        capture_output=True,
        text=True,
    )


@pytest.mark.parametrize(("answers", "line"), BAD_ANSWERS, ids=lambda v: str(v)[:40])
def test_bad_answer_is_refused_with_one_line_and_nothing_on_disk(tmp_path, answers, line):
    # -o names a folder that does not exist yet: it must not be made either.
    result = cookiecutter(tmp_path / "new", answers)

    assert result.returncode == 1
    assert result.stderr == f"ERROR: {line}\n"
    assert result.stdout == ""
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


# What cookiecutter itself prints, before the template runs: the README quotes these.
COOKIECUTTER_REFUSALS = [
    (
        {"database": "oracle"},
        "ValueError: oracle provided for choice variable database, but the choices are "
        "['postgresql', 'mariadb', 'sqlite'].",
    ),
    (
        {"use_drf": "maybe"},
        "ValueError: maybe provided for variable use_drf could not be converted to a boolean.",
    ),
]


@pytest.mark.parametrize(("answers", "last_line"), COOKIECUTTER_REFUSALS, ids=str)
def test_what_cookiecutter_refuses_itself(tmp_path, answers, last_line):
    result = cookiecutter(tmp_path / "new", answers)

    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == last_line
    assert list(tmp_path.iterdir()) == []
    assert last_line in (TEMPLATE_DIR / "README.md").read_text()


def test_an_old_python_is_refused_before_any_question(tmp_path):
    """cookiecutter installs on Python 3.10; the template needs 3.11 (see README)."""
    candidates = [*Path.home().glob(".pyenv/versions/3.10*/bin/python3.10"), "python3.10"]
    python310 = next((str(p) for p in candidates if shutil.which(p)), None)
    if not python310:
        unavailable("no Python 3.10 on this machine to run cookiecutter with")
    venv = tmp_path / "venv"
    subprocess.run([python310, "-m", "venv", venv], check=True)
    install = subprocess.run(
        [venv / "bin/pip", "install", "-q", "cookiecutter==2.7.1"], capture_output=True, text=True
    )
    assert install.returncode == 0, install.stderr

    result = cookiecutter(tmp_path / "out", {}, python=venv / "bin/python")

    assert result.returncode == 1
    assert result.stderr.startswith(
        "ERROR: this template renders with Python 3.11 or newer, and cookiecutter runs on "
        "Python 3.10."
    )
    assert result.stderr.count("\n") == 1
    assert not (tmp_path / "out").exists()
