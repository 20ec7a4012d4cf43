"""Refuse bad answers before anything is written.

Each answer has one rule and each forbidden combination one row. On the first problem
the hook prints one line naming the field, the value and what is allowed, and exits
non-zero. The same rules run twice: first as the last derived answer (through
local_extensions.py, before cookiecutter makes any folder), then as this hook.
"""

import json
import keyword
import re
import sys
import unicodedata
from collections.abc import Callable
from zoneinfo import ZoneInfo

# Answers arrive as data: a JSON document in a raw string, never pasted into code.
ANSWERS = json.loads(r"""{{ cookiecutter | tojson }}""")
# What each derived (__) answer is for these answers, rendered from cookiecutter.json in
# its order (a pair list: tojson sorts keys); the top-level modules of every package the
# project can install, from the lock that ships with the template; and the names the
# project uses at its top level. All three come from local_extensions.py.
DERIVED_ANSWERS = dict(
    json.loads(r"""{{ derived_answers(cookiecutter).items() | list | tojson }}""")
)
DEPENDENCY_MODULES = frozenset(json.loads(r"""{{ dependency_modules | tojson }}"""))
PROJECT_PATHS = frozenset(json.loads(r"""{{ project_paths | tojson }}"""))
# Packages the project's own code is split into.
PACKAGE_NAMES = {"api", "config", "core", "site", "test", "tests", "users"}

# Registries the pipelines push to (their hosts: __registry_host in cookiecutter.json).
REGISTRIES = ("ghcr", "dockerhub", "gitlab")

# Its last character too must be valid in a DNS label once _ becomes - (__app_name).
SLUG = re.compile(r"[a-z]([a-z0-9_]{0,38}[a-z0-9])?")
# The common shape of an address: no quotes, spaces or characters a shell, an env file
# or YAML would read specially.
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@([A-Za-z0-9-]+\.)+[A-Za-z]{2,63}")
DOMAIN_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")
# PEP 440 public versions in their normalised spelling, as uv and pip write them back.
NUMBER = r"(0|[1-9][0-9]*)"
VERSION = re.compile(rf"{NUMBER}(\.{NUMBER})*((a|b|rc){NUMBER})?(\.post{NUMBER})?(\.dev{NUMBER})?")
# uv keeps each number of a version in 64 bits.
VERSION_NUMBER_LIMIT = 2**64
# A host name has at most 253 characters; the Kubernetes staging overlay serves
# staging.<domain_name>.
HOST_NAME_LIMIT = 253
STAGING_PREFIX = "staging."
# An image tag (the version becomes one) has at most 128 characters (OCI).
TAG_LIMIT = 128
# Path components of an image name, as the OCI distribution spec spells them; clients
# limit host + "/" + name to 255 characters.
COMPONENT = r"[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*"
NAMESPACE = re.compile(rf"{COMPONENT}(/{COMPONENT})*")
IMAGE_LIMIT = 255
DOCKER_HUB_NAMESPACE = re.compile(r"[a-z0-9]{4,30}")
TEXT_LIMIT = 200
# Unicode categories no answer may hold: control characters, lone surrogates, and line
# and paragraph separators; and the bidirectional controls that reorder what is shown.
FORBIDDEN_CATEGORIES = {"Cc", "Cs", "Zl", "Zp"}
BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

# A rule takes the answer and returns None when it is allowed, or what is allowed.
Rule = Callable[[str], "str | None"]


def text_problem(value: str) -> str | None:
    """One line of printable text: a name, a title, a description."""
    allowed = f"one line of printable text, at most {TEXT_LIMIT} characters"
    if not value.strip() or value != value.strip():
        return f"{allowed}, not empty and without spaces around it"
    if len(value) > TEXT_LIMIT:
        return allowed
    for character in value:
        if unicodedata.category(character) in FORBIDDEN_CATEGORIES or character in BIDI_CONTROLS:
            return f"{allowed} (no control characters: found U+{ord(character):04X})"
    return None


def slug_problem(value: str) -> str | None:
    if not SLUG.fullmatch(value):
        return (
            "a Python package name: a lowercase letter, then lowercase letters, digits "
            "or underscores, ending in a letter or digit, 40 characters at most"
        )
    if keyword.iskeyword(value) or keyword.issoftkeyword(value):
        return "a name that is not a Python keyword"
    if value in sys.stdlib_module_names:
        return "a name that is not a module of Python's standard library"
    if value in DEPENDENCY_MODULES:
        return "a name that no installed package uses: it is a module of a dependency"
    if value in PACKAGE_NAMES or value in PROJECT_PATHS:
        return "a name the project does not use already for a file, folder or package"
    return None


def email_problem(value: str) -> str | None:
    if len(value) <= 254 and EMAIL.fullmatch(value):
        return None
    return "an address such as jane@example.com (letters, digits and . _ % + - before the @)"


def domain_problem(value: str) -> str | None:
    labels = value.split(".")
    if not (
        len(labels) >= 2
        and all(DOMAIN_LABEL.fullmatch(label) for label in labels)
        and labels[-1].isalpha()
    ):
        return "a lowercase host name such as example.com (no scheme, port or path)"
    if len(value) > HOST_NAME_LIMIT:
        return f"a host name of at most {HOST_NAME_LIMIT} characters"
    return None


def version_problem(value: str) -> str | None:
    if not VERSION.fullmatch(value):
        return "a PEP 440 version such as 0.1.0 or 1.0rc1"
    if any(int(n) >= VERSION_NUMBER_LIMIT for n in re.findall(r"[0-9]+", value)):
        return f"a version whose numbers are below 2**64 ({VERSION_NUMBER_LIMIT}), uv's limit"
    if len(value) > TAG_LIMIT:
        return f"at most {TAG_LIMIT} characters: the version becomes an image tag"
    return None


def timezone_problem(value: str) -> str | None:
    allowed = "an IANA time zone name such as UTC or Europe/Paris"
    if not re.fullmatch(r"[A-Za-z0-9_+\-]+(/[A-Za-z0-9_+\-]+)*", value):
        return allowed
    try:
        ZoneInfo(value)
    except Exception:
        return allowed
    return None


def one_of(values: tuple[str, ...]) -> Rule:
    return lambda value: None if value in values else "one of " + ", ".join(values)


def matches(pattern: re.Pattern, limit: int, allowed: str) -> Rule:
    return lambda value: None if len(value) <= limit and pattern.fullmatch(value) else allowed


# field -> its rule. The derived (__) answers have none: each must be what
# cookiecutter.json derives from the others (set on the command line, they could hold
# anything).
FIELD_RULES: dict[str, Rule] = {
    "project_name": text_problem,
    "project_slug": slug_problem,
    "description": text_problem,
    "author_name": text_problem,
    "email": email_problem,
    "domain_name": domain_problem,
    "version": version_problem,
    "timezone": timezone_problem,
    "container_registry": one_of(REGISTRIES),
    "registry_namespace": matches(
        NAMESPACE,
        200,
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
        "media_storage",
        lambda a: a["deploy_kubernetes"] and a["media_storage"] == "volume",
        "web pods run on several nodes, and a volume on one node would hold each upload "
        "on one pod only: choose media_storage=s3, or deploy_kubernetes=n",
    ),
    (
        "domain_name",
        lambda a: (
            a["deploy_kubernetes"] and len(STAGING_PREFIX + a["domain_name"]) > HOST_NAME_LIMIT
        ),
        f"the staging overlay serves {STAGING_PREFIX}<domain_name>, and a host name has at "
        f"most {HOST_NAME_LIMIT} characters: choose a domain of at most "
        f"{HOST_NAME_LIMIT - len(STAGING_PREFIX)}",
    ),
    (
        "registry_namespace",
        lambda a: (
            a["container_registry"] == "dockerhub"
            and not DOCKER_HUB_NAMESPACE.fullmatch(a["registry_namespace"])
        ),
        "Docker Hub namespaces are 4 to 30 lowercase letters and digits",
    ),
    (
        "registry_namespace",
        lambda a: a["container_registry"] != "gitlab" and "/" in a["registry_namespace"],
        "only GitLab has nested namespaces (group/subgroup): name one user or organisation",
    ),
]

# Limits on what the derived answers hold, each made of accepted answers; same shape.
DERIVED_LIMITS: list[tuple[str, Callable[[dict], bool], str]] = [
    (
        "registry_namespace",
        lambda a: len(a["__image"]) > IMAGE_LIMIT,
        f"the image name <registry>/<namespace>/<project> has at most {IMAGE_LIMIT} "
        "characters: choose a shorter namespace",
    ),
]


def shown(value) -> str:
    """The value as the message shows it: quoted, escaped, and cut when long."""
    if isinstance(value, str) and len(value) > 60:
        return f"{value[:40]!r}... ({len(value)} characters)"
    return repr(value)


def problems(answers: dict) -> list[str]:
    """Every reason to refuse these answers, one line each."""
    found = []
    for field, rule in FIELD_RULES.items():
        value = answers[field]
        allowed = rule(value) if isinstance(value, str) else "text"
        if allowed:
            found.append(f"{field}={shown(value)} is not allowed: expected {allowed}.")
    if found:
        return found  # the derived answers and the combinations read these
    for field, value in DERIVED_ANSWERS.items():
        if answers[field] != value:
            found.append(
                f"{field}={shown(answers[field])} is not allowed: expected {shown(value)}; "
                "it is derived from the other answers: do not set it."
            )
    if found:
        return found
    for field, forbidden, why in FORBIDDEN_COMBINATIONS + DERIVED_LIMITS:
        if forbidden(answers):
            found.append(f"{field}={shown(answers[field])} is not allowed here: {why}.")
    return found


def main() -> int:
    found = problems(ANSWERS)
    if found:
        print(f"ERROR: {found[0]}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
