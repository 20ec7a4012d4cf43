"""Refuse bad answers before anything is written.

Each free-text answer has one rule; each forbidden combination one row. On the first
problem the hook prints one line naming the field, the value and what is allowed, and
exits non-zero; cookiecutter then removes the half-made output directory.
"""

import json
import keyword
import re
import sys
from collections.abc import Callable
from zoneinfo import ZoneInfo

# Answers arrive as data: a JSON document in a raw string, never pasted into code.
ANSWERS = json.loads(r"""{{ cookiecutter | tojson }}""")

# Top-level names the generated project imports or creates: a package of the same
# name would shadow them.
TAKEN_NAMES = {
    "api", "celery", "config", "core", "django", "granian", "gunicorn", "manage",
    "MySQLdb", "psycopg", "pytest", "redis", "rest_framework", "sentry_sdk", "site",
    "test", "tests", "users", "uvicorn", "whitenoise",
}  # fmt: skip
SLUG = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
DOMAIN_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
# PEP 440 public versions in their normalised spelling, as uv and pip write them back.
NUMBER = r"(0|[1-9][0-9]*)"
# Registries the pipelines push to (their host names: __registry_host in cookiecutter.json).
REGISTRIES = ("ghcr", "dockerhub", "gitlab")
# Path components of an image name, as the OCI distribution spec spells them.
COMPONENT = r"[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*"
NAMESPACE = re.compile(rf"^{COMPONENT}(/{COMPONENT})*$")
DOCKER_HUB_NAMESPACE = re.compile(r"^[a-z0-9]{4,30}$")
VERSION = re.compile(
    rf"^{NUMBER}(\.{NUMBER})*((a|b|rc){NUMBER})?(\.post{NUMBER})?(\.dev{NUMBER})?$"
)


def valid_slug(value: str) -> bool:
    return (
        bool(SLUG.match(value))
        and not keyword.iskeyword(value)
        and value not in TAKEN_NAMES
        and value not in sys.stdlib_module_names
    )


def valid_domain(value: str) -> bool:
    labels = value.split(".")
    return (
        len(value) <= 253
        and len(labels) >= 2
        and all(DOMAIN_LABEL.match(label) for label in labels)
        and labels[-1].isalpha()
    )


def valid_timezone(value: str) -> bool:
    if not re.match(r"^[A-Za-z0-9_+\-]+(/[A-Za-z0-9_+\-]+)*$", value):
        return False
    try:
        ZoneInfo(value)
    except Exception:
        return False
    return True


def single_line(value: str) -> bool:
    return bool(value.strip()) and "\n" not in value and "\r" not in value


# field -> (rule, what is allowed)
FIELD_RULES: dict[str, tuple[Callable[[str], bool], str]] = {
    "project_name": (single_line, "a non-empty name on one line"),
    "project_slug": (
        valid_slug,
        "a lowercase Python identifier of at most 40 characters (letters, digits, "
        "underscores, starting with a letter) that is not a keyword, a standard-library "
        "module or a name the project imports (django, test, site, celery, ...)",
    ),
    "author_name": (single_line, "a non-empty name on one line"),
    "email": (lambda v: bool(EMAIL.match(v)), "an address such as jane@example.com"),
    "domain_name": (
        valid_domain,
        "a lowercase host name such as example.com (no scheme, port or path)",
    ),
    "version": (lambda v: bool(VERSION.match(v)), "a PEP 440 version such as 0.1.0 or 1.0rc1"),
    "timezone": (valid_timezone, "an IANA time zone name such as UTC or Europe/Paris"),
    "container_registry": (lambda v: v in REGISTRIES, "one of " + ", ".join(REGISTRIES)),
    "registry_namespace": (
        lambda v: len(v) <= 200 and bool(NAMESPACE.match(v)),
        "a lowercase user or organisation name such as jane-doe (letters and digits, "
        "with . _ or - between them; GitLab subgroups as group/subgroup)",
    ),
}

# (field the message names, predicate that is True for a forbidden combination, why)
FORBIDDEN_COMBINATIONS: list[tuple[str, Callable[[dict], bool], str]] = [
    (
        "task_queue",
        lambda a: a["task_queue"] == "celery" and a["cache"] == "none",
        "celery needs a broker: choose cache=redis or cache=valkey, or task_queue=none",
    ),
    (
        "python_version",
        lambda a: a["dockerfile"] == "distroless" and a["python_version"] != "3.13",
        "the distroless image carries Debian 13's Python 3.13: choose python_version=3.13, "
        "or dockerfile=slim",
    ),
    (
        "database",
        lambda a: a["dockerfile"] == "distroless" and a["database"] == "mariadb",
        "the distroless image lacks MariaDB's client library that mysqlclient needs: choose "
        "database=postgresql or sqlite, or dockerfile=slim",
    ),
    (
        "database",
        lambda a: a["deploy_kubernetes"] and a["database"] == "sqlite",
        "SQLite lives in one pod's volume and Kubernetes runs several web pods: choose "
        "database=postgresql or mariadb, or deploy_kubernetes=n",
    ),
    (
        "registry_namespace",
        lambda a: not valid_namespace_for_registry(a),
        "Docker Hub namespaces are 4 to 30 lowercase letters and digits, and only GitLab "
        "has nested namespaces (group/subgroup)",
    ),
]


def valid_namespace_for_registry(answers: dict) -> bool:
    namespace, registry = answers["registry_namespace"], answers["container_registry"]
    if registry == "dockerhub":
        return bool(DOCKER_HUB_NAMESPACE.match(namespace))
    return registry == "gitlab" or "/" not in namespace


def problems(answers: dict) -> list[str]:
    """Every reason to refuse these answers, one line each."""
    found = []
    for field, (rule, allowed) in FIELD_RULES.items():
        value = answers[field]
        if not isinstance(value, str) or not rule(value):
            found.append(f"{field}={value!r} is not allowed: expected {allowed}.")
    for field, forbidden, why in FORBIDDEN_COMBINATIONS:
        if forbidden(answers):
            found.append(f"{field}={answers[field]!r} is not allowed here: {why}.")
    return found


def main() -> int:
    found = problems(ANSWERS)
    if found:
        print(f"ERROR: {found[0]}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
