"""The template's rules for its answers: one module, imported by the Jinja extension
(local_extensions.py, inside cookiecutter) and by the pre-generation hook.

Each answer has one rule and each forbidden combination one row. `problems()` takes the
answers as data and returns every reason to refuse them, one line each, naming the
field, the value and what is allowed. The choices and the yes/no answers come from
cookiecutter.json itself, so every answer is checked whatever path brought it: the
prompt, the command line, a replay file or a config file's default_context.

Standard library only, plus Jinja (which cookiecutter brings) to render the derived
answers; syntax that Python 3.10 can at least read (local_extensions.py refuses it).
"""

import difflib
import json
import keyword
import re
import sys
import unicodedata
from collections.abc import Callable
from functools import cache
from importlib import resources
from pathlib import Path

CONTEXT_FILE = "cookiecutter.json"
PROJECT_FOLDER = "{{cookiecutter.project_slug if answers_checked(cookiecutter)}}"

# Keys cookiecutter (and cruft) add to the answers themselves: where the template and
# the output are. Any value is theirs to give.
RUN_KEYS = {"_template", "_output_dir", "_repo_dir", "_checkout", "_commit"}
# Template settings a replay file records: they must be the template's own.
SETTING_KEYS = ("_extensions", "_copy_without_render")
# Packages the project's own code is split into.
PACKAGE_NAMES = {"api", "config", "core", "site", "test", "tests", "users"}
# Files the post-generation hook writes at the top level (its CHOSEN_FILES).
CHOSEN_FILE_NAMES = {"LICENSE", "Dockerfile"}
# Names Windows keeps for devices, whatever the case or extension: a folder of that name
# cannot be checked out there.
WINDOWS_DEVICES = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"{p}{n}" for p in ("COM", "LPT") for n in range(10)),
}

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
# Registries the pipelines push to (their hosts: __registry_host in cookiecutter.json).
REGISTRIES = ("ghcr", "dockerhub", "gitlab")


class Template:
    """What the rules read from the template's own files."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.context = json.loads((self.folder / CONTEXT_FILE).read_text())
        project = self.folder / PROJECT_FOLDER
        self.dependency_modules = frozenset(
            json.loads((project / "_locks" / "modules.json").read_text())["modules"]
        )
        self.project_paths = frozenset(project_paths(project)) | CHOSEN_FILE_NAMES

    @property
    def choices(self) -> dict[str, list]:
        return {k: v for k, v in self.context.items() if isinstance(v, list) and k[0] != "_"}

    @property
    def yes_no(self) -> list[str]:
        return [k for k, v in self.context.items() if isinstance(v, bool)]

    @property
    def derivations(self) -> dict[str, str]:
        """Private answers derived from the others, in cookiecutter.json's order: name ->
        its Jinja expression."""
        return {k: v for k, v in self.context.items() if k.startswith("__") and isinstance(v, str)}

    @property
    def known_keys(self) -> set[str]:
        return set(self.context) | RUN_KEYS


def project_paths(project: Path) -> list[str]:
    """Names the project uses at its top level: its files and folders, and everything
    its .gitignore and .dockerignore name there."""
    names = {path.name.split(".")[0] for path in project.iterdir()}
    for ignore_file in (".gitignore", ".dockerignore"):
        for line in (project / ignore_file).read_text().splitlines():
            pattern = line.strip().strip("/")
            if pattern and not pattern.startswith(("#", "!")) and "*" not in pattern:
                names.add(pattern.split("/")[0])
    return sorted(name for name in names if name)


@cache
def iana_zones() -> frozenset[str]:
    """The IANA time zones, from the tzdata package (cookiecutter's arrow brings it),
    not from this host's zoneinfo folder, which also holds files such as localtime,
    posixrules and right/UTC."""
    zones = resources.files("tzdata").joinpath("zones").read_text()
    return frozenset(line.strip() for line in zones.splitlines() if line.strip())


def render_expression(raw: str, answers: dict, environment=None):
    """A derived answer's Jinja expression rendered as cookiecutter renders it; None
    where an answer it reads is itself refused (a registry with no host)."""
    from jinja2 import TemplateError

    if environment is None:
        from cookiecutter.environment import StrictEnvironment

        environment = StrictEnvironment()
    try:
        return environment.from_string(raw).render(cookiecutter=answers)
    except (TemplateError, LookupError, TypeError, AttributeError):
        return None


def derived_answers(answers: dict, template: Template, environment=None) -> dict:
    """What each derived answer is for these answers, in cookiecutter.json's order,
    whatever values were given for the derived ones."""
    derived: dict = {}
    for name, raw in template.derivations.items():
        derived[name] = render_expression(raw, {**answers, **derived}, environment)
    return derived


# --- the rules: each takes the answer and returns None, or what is allowed -------------

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


def slug_rule(template: Template) -> Rule:
    taken = {name.lower() for name in template.project_paths | PACKAGE_NAMES}

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
        if value in template.dependency_modules:
            return "a name that no installed package uses: it is a module of a dependency"
        if value in taken:
            # In any case: macOS and Windows check out makefile and Makefile as one file.
            return "a name the project does not use already for a file, folder or package"
        if value.upper() in WINDOWS_DEVICES:
            return "a name Windows does not keep for a device (con, aux, nul, prn, com1, lpt1...)"
        return None

    return slug_problem


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
    if value in iana_zones():
        return None
    return "an IANA time zone name such as UTC or Europe/Paris"


def listed(values) -> str:
    return "one of " + ", ".join(map(str, values))


def one_of(values) -> Callable[[object], "str | None"]:
    return lambda value: None if value in values else listed(values)


def matches(pattern: re.Pattern, limit: int, allowed: str) -> Rule:
    return lambda value: None if len(value) <= limit and pattern.fullmatch(value) else allowed


def text_rules(template: Template) -> dict[str, Rule]:
    """field -> its rule, for the answers typed as text. The derived (__) answers have
    none: each must be what cookiecutter.json derives from the others."""
    return {
        "project_name": text_problem,
        "project_slug": slug_rule(template),
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


# --- the check -------------------------------------------------------------------------


def shown(value) -> str:
    """The value as the message shows it: quoted, escaped, and cut when long."""
    if isinstance(value, str) and len(value) > 60:
        return f"{value[:40]!r}... ({len(value)} characters)"
    text = repr(value)
    return f"{text[:60]}... ({len(text)} characters)" if len(text) > 80 else text


def shown_key(key: str) -> str:
    """A key as the message names it: as it is when plain, else quoted like a value."""
    return key if re.fullmatch(r"[A-Za-z0-9_.-]{1,60}", key) else shown(key)


def refused(field: str, value, allowed: str) -> str:
    return f"{field}={shown(value)} is not allowed: expected {allowed}."


def nearest(key: str, known) -> str | None:
    """The known key a misspelt one was meant as: same letters in another case or with -
    for _, or close by difflib's measure."""

    def folded(name: str) -> str:
        return name.lower().replace("-", "_")

    for name in sorted(known):
        if folded(name) == folded(key):
            return name
    close = difflib.get_close_matches(key, sorted(known), n=1, cutoff=0.6)
    return close[0] if close else None


def unknown_key_problem(key: str, value, known, source: str = "") -> str:
    guess = nearest(key, known)
    hint = f"; the nearest is {guess}" if guess else ""
    return refused(shown_key(key), value, f"an answer this template asks for{source}{hint}")


def derived_from(name: str, template: Template) -> list[str]:
    """The answers a derived one is made of, through other derived ones, in
    cookiecutter.json's order."""
    sources, todo = set(), [name]
    while todo:
        for read in re.findall(r"cookiecutter\.(\w+)", template.derivations.get(todo.pop(), "")):
            if read.startswith("__"):
                todo.append(read)
            else:
                sources.add(read)
    return [key for key in template.context if key in sources]


def key_problems(answers: dict, template: Template) -> list[str]:
    """Keys the template does not know (a replay file's typos), and template settings
    that are not the template's."""
    known = template.known_keys
    found = [
        unknown_key_problem(key, value, {k for k in known if not k.startswith("_")})
        for key, value in answers.items()
        if key not in known
    ]
    for key in SETTING_KEYS:
        if key in answers and answers[key] != template.context[key]:
            own = f"{template.context[key]!r}, the template's own setting"
            found.append(refused(key, answers[key], own))
    commit = answers.get("_commit")
    if commit and not (isinstance(commit, str) and re.fullmatch(r"[0-9a-f]{7,64}", commit)):
        found.append(refused("_commit", commit, "a git commit's hex digits, as cruft records it"))
    missing = missing_answers(answers, template)
    if missing:
        found.append(
            f"{missing[0]} is missing: expected a value for every answer (a replay file "
            "holds them all, as the project's .cookiecutter.json does)."
        )
    return found


def missing_answers(answers: dict, template: Template) -> list[str]:
    """The template's keys the answers lack (cookiecutter drops __prompts__ itself)."""
    return [key for key in template.context if key not in answers and key != "__prompts__"]


def value_problems(answers: dict, template: Template, environment=None) -> list[str]:
    """Each answer against its own rule: a choice one of its list, a yes/no a boolean,
    text its rule."""
    found = []
    for field, values in template.choices.items():
        if answers[field] not in values:
            found.append(refused(field, answers[field], listed(values)))
    for field in template.yes_no:
        if not isinstance(answers[field], bool):
            found.append(refused(field, answers[field], "yes or no (true or false)"))
    slug_from_name = render_expression(template.context["project_slug"], answers, environment)
    for field, rule in text_rules(template).items():
        value = answers[field]
        allowed = rule(value) if isinstance(value, str) else "text"
        if allowed and field == "project_slug" and value == slug_from_name:
            # A package name derived from the project's name: the name is what to change.
            found.append(
                refused(
                    "project_name",
                    answers["project_name"],
                    f"a name whose package name (project_slug={shown(value)}) is {allowed}; "
                    "or set project_slug",
                )
            )
        elif allowed:
            found.append(refused(field, value, allowed))
    return found


def problems(answers: dict, template: Template, environment=None) -> list[str]:
    """Every reason to refuse these answers, one line each; empty when they are fine.
    Each stage reads only answers the earlier stages accepted."""
    found = key_problems(answers, template)
    if found:
        return found
    found = value_problems(answers, template, environment)
    if found:
        return found
    for field, value in derived_answers(answers, template, environment).items():
        if answers[field] != value:
            sources = ", ".join(derived_from(field, template))
            why = f"it is derived from {sources}" if sources else "it is the template's own"
            found.append(
                f"{field}={shown(answers[field])} is not allowed: expected {shown(value)}; "
                f"{why}: do not set it."
            )
    if found:
        return found
    for field, forbidden, why in FORBIDDEN_COMBINATIONS + DERIVED_LIMITS:
        if forbidden(answers):
            found.append(f"{field}={shown(answers[field])} is not allowed here: {why}.")
    return found


def main(answers: dict, folder: Path) -> int:
    """The pre-generation hook's entry point: 1, with the first problem on stderr."""
    found = problems(answers, Template(folder))
    if found:
        print(f"ERROR: {found[0]}", file=sys.stderr)
        return 1
    return 0
