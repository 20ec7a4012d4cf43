"""Shape the rendered tree to the answers: drop unused variants, lock, add secrets.

What the answers decide about files is in the tables below (VARIANT_PATHS,
CHOSEN_FILES, PRODUCTION_SECRETS); the functions only apply them. Runs inside the new
project directory and needs no network.
"""

import json
import os
import re
import secrets
import shutil
import sys
import tomllib
from pathlib import Path

# Answers arrive as data: a JSON document in a raw string, never pasted into code.
ANSWERS = json.loads(r"""{{ cookiecutter | tojson }}""")

# Paths kept only when an answer has one of the listed values; "{slug}" is the package.
VARIANT_PATHS = [
    # path                          answer            kept when one of
    ("{slug}/celery.py",            "task_queue",     {"celery"}),
    ("{slug}/core/tasks.py",        "task_queue",     {"celery"}),
    ("tests/test_tasks.py",         "task_queue",     {"celery"}),
    ("{slug}/api",                  "use_drf",        {True}),
    ("tests/test_api.py",           "use_drf",        {True}),
    ("{slug}/sentry.py",            "use_sentry",     {True}),
    ("tests/test_sentry.py",        "use_sentry",     {True}),
    ("tests/test_health_cache.py",  "cache",          {"redis", "valkey"}),
    ("deploy/mariadb",              "database",       {"mariadb"}),
    ("deploy/caddy",                "reverse_proxy",  {"caddy"}),
    ("deploy/nginx",                "reverse_proxy",  {"nginx"}),
    ("deploy/swarm",                "deploy_swarm",   {True}),
    ("deploy/k8s",                  "deploy_kubernetes", {True}),
    ("deploy/k8s/base/celery.yaml", "task_queue",     {"celery"}),
    (".github",                     "ci_provider",    {"github"}),
    (".gitlab-ci.yml",              "ci_provider",    {"gitlab"}),
    ("renovate.json",               "ci_provider",    {"gitlab"}),
]  # fmt: skip

# Files picked by an answer from a folder of alternatives; the folders then go.
CHOSEN_FILES = [
    # destination      alternative named by the answers (absent: no file)
    ("LICENSE",        "_licenses/{license}"),
    ("Dockerfile",     "_dockerfiles/{dockerfile}.Dockerfile"),
]  # fmt: skip
SUPERSET_LOCK = "_locks/uv.lock"

# Variables left empty in .env.example that get a value, made at render time, in .env.
GENERATED_VALUES = {
    "DJANGO_SECRET_KEY": lambda: secrets.token_urlsafe(50),
    "DATABASE_PASSWORD": lambda: secrets.token_urlsafe(24),
    "DATABASE_ROOT_PASSWORD": lambda: secrets.token_urlsafe(24),
    # Development containers run as you, so bind-mounted files stay yours.
    "HOST_UID": lambda: str(os.getuid()),
    "HOST_GID": lambda: str(os.getgid()),
}

# Production secrets, one file each in .secrets/ (git- and docker-ignored), mounted by
# compose.production.yaml as Docker secrets: (file, answer, kept when one of,
# random bytes in the value).
PRODUCTION_SECRETS = [
    ("django_secret_key",       None,        None,                       50),
    ("database_password",       "database",  {"postgresql", "mariadb"},  24),
    ("database_root_password",  "database",  {"mariadb"},                24),
]  # fmt: skip
SECRETS_DIR = ".secrets"

# Answers worth recording: everything the user was asked, plus where it came from.
RECORDED_PRIVATE_KEYS = {"_template", "_commit"}

REQUIREMENT = re.compile(r"^(?P<name>[A-Za-z0-9_.\-]+)(\[(?P<extras>[^\]]+)\])?==(?P<version>\S+)$")


def paths_to_remove(answers: dict) -> list[str]:
    slug = answers["project_slug"]
    return [
        path.format(slug=slug)
        for path, answer, kept_when in VARIANT_PATHS
        if answers[answer] not in kept_when
    ]


# --- dependency lock -----------------------------------------------------------------


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def parse_requirement(text: str) -> tuple[str, list[str], str]:
    match = REQUIREMENT.match(text)
    if not match:
        raise ValueError(f"{text!r} is not an exact pin (name==version)")
    extras = [e.strip() for e in (match["extras"] or "").split(",") if e.strip()]
    return normalise(match["name"]), sorted(extras), match["version"]


def reachable(packages: dict, roots: list[tuple[str, list[str]]]) -> dict[str, list[str]]:
    """Package name -> the markers of the edges that reach it ('' = unconditional)."""
    found: dict[str, list[str]] = {}
    todo = [(name, extras, "") for name, extras in roots]
    seen = set()
    while todo:
        name, extras, marker = todo.pop()
        found.setdefault(name, []).append(marker)
        key = (name, tuple(extras))
        if key in seen:
            continue
        seen.add(key)
        package = packages[name]
        edges = list(package.get("dependencies", []))
        for extra in extras:
            edges += package.get("optional-dependencies", {}).get(extra, [])
        for edge in edges:
            todo.append((edge["name"], edge.get("extra", []), edge.get("marker", "")))
    return found


def toml_list(key: str, rows: list[str]) -> str:
    return f"{key} = [\n" + "".join(f"    {row},\n" for row in rows) + "]\n"


def inline_table(pairs: list[tuple[str, str]]) -> str:
    # Built by joining, not f-strings: doubled braces would read as Jinja here.
    return "{ " + ", ".join(f"{key} = {value}" for key, value in pairs) + " }"


def root_package_block(name: str, version: str, runtime: list, dev: list) -> str:
    """The project's own entry, spelled exactly as `uv lock` writes it."""

    def edge(req):
        dep, extras, _ = req
        return inline_table(
            [("name", json.dumps(dep))] + ([("extra", json.dumps(extras))] if extras else [])
        )

    def spec(req):
        dep, extras, pinned = req
        return inline_table(
            [("name", json.dumps(dep))]
            + ([("extras", json.dumps(extras))] if extras else [])
            + [("specifier", json.dumps("==" + pinned))]
        )

    return (
        f'name = "{normalise(name)}"\nversion = "{version}"\n'
        + "source = "
        + inline_table([("virtual", '"."')])
        + "\n"
        + toml_list("dependencies", [edge(r) for r in runtime])
        + "\n[package.dev-dependencies]\n"
        + toml_list("dev", [edge(r) for r in dev])
        + "\n[package.metadata]\n"
        + toml_list("requires-dist", [spec(r) for r in runtime])
        + "\n[package.metadata.requires-dev]\n"
        + toml_list("dev", [spec(r) for r in dev])
    )


def project_lock(superset_text: str, pyproject: dict) -> str:
    """Prune the superset lock down to what this project's pins reach."""
    project = pyproject["project"]
    runtime = sorted(parse_requirement(r) for r in project["dependencies"])
    dev = sorted(parse_requirement(r) for r in pyproject["dependency-groups"]["dev"])
    packages = {p["name"]: p for p in tomllib.loads(superset_text)["package"]}
    keep = reachable(packages, [(n, e) for n, e, _ in runtime + dev])

    header, *blocks = superset_text.split("\n[[package]]\n")
    chosen = {}
    for block in blocks:
        name = tomllib.loads(block.split("\n\n", 1)[0])["name"]
        if name in keep:
            chosen[name] = block.rstrip("\n") + "\n"
    chosen[normalise(project["name"])] = root_package_block(
        project["name"], project["version"], runtime, dev
    )
    header = re.sub(
        r'^requires-python = ".*"$',
        f'requires-python = "{project["requires-python"]}"',
        header,
        flags=re.MULTILINE,
    )
    return (
        header.rstrip("\n")
        + "\n"
        + "".join(f"\n[[package]]\n{chosen[name]}" for name in sorted(chosen))
    )


def requirements_from_lock(lock_text: str, roots: list[str], exclude: set[str]) -> str:
    """A pip requirements file with exact pins and hashes for what `roots` reach."""
    lock = tomllib.loads(lock_text)
    packages = {p["name"]: p for p in lock["package"]}
    found = reachable(packages, [parse_requirement(r)[:2] for r in roots])
    lines = []
    for name in sorted(set(found) - exclude):
        package = packages[name]
        markers = found[name]
        marker = "" if "" in markers else " ; " + " or ".join(sorted(set(markers)))
        hashes = [f["hash"] for f in package.get("wheels", [])]
        if "sdist" in package:
            hashes.append(package["sdist"]["hash"])
        lines.append(
            f"{name}=={package['version']}{marker} \\\n"
            + " \\\n".join(f"    --hash={h}" for h in hashes)
        )
    return "\n".join(lines) + "\n"


def write_dependency_files(root: Path, package_manager: str) -> None:
    pyproject = tomllib.loads((root / "pyproject.toml").read_text())
    lock = project_lock((root / SUPERSET_LOCK).read_text(), pyproject)
    if package_manager == "uv":
        (root / "uv.lock").write_text(lock)
        return
    runtime = pyproject["project"]["dependencies"]
    dev = pyproject["dependency-groups"]["dev"]
    regenerate = "# Regenerate: uv pip compile pyproject.toml --generate-hashes{} -o {}\n"
    runtime_names = set(
        reachable(
            {p["name"]: p for p in tomllib.loads(lock)["package"]},
            [parse_requirement(r)[:2] for r in runtime],
        )
    )
    (root / "requirements.txt").write_text(
        regenerate.format("", "requirements.txt")
        + requirements_from_lock(lock, runtime, exclude=set())
    )
    (root / "requirements-dev.txt").write_text(
        regenerate.format(" --group dev", "requirements-dev.txt")
        + "-r requirements.txt\n"
        + requirements_from_lock(lock, dev, exclude=runtime_names)
    )


# --- secrets and answers -------------------------------------------------------------


def env_with_generated_values(example: str, generators: dict) -> str:
    """Fill each empty `NAME=` line of .env.example whose NAME has a generator."""

    def fill(match: re.Match) -> str:
        name = match["name"]
        return f"{name}={generators[name]()}" if name in generators else match[0]

    return re.sub(r"^(?P<name>[A-Z0-9_]+)=$", fill, example, flags=re.MULTILINE)


def write_production_secrets(root: Path, answers: dict) -> None:
    folder = root / SECRETS_DIR
    folder.mkdir(mode=0o700)
    for name, answer, kept_when, size in PRODUCTION_SECRETS:
        if answer is None or answers[answer] in kept_when:
            path = folder / name
            path.write_text(secrets.token_urlsafe(size))
            # Readable inside the containers, whose users differ from yours; the folder
            # (0700) keeps other accounts on this machine out.
            path.chmod(0o644)


def recorded_answers(answers: dict) -> dict:
    return {
        key: value
        for key, value in answers.items()
        if not key.startswith("_") or key in RECORDED_PRIVATE_KEYS
    }


def main() -> int:
    root = Path.cwd()
    for path in paths_to_remove(ANSWERS):
        target = root / path
        if not target.exists():
            continue  # inside a folder removed by an earlier row
        shutil.rmtree(target) if target.is_dir() else target.unlink()

    for destination, alternative in CHOSEN_FILES:
        chosen = root / alternative.format(**ANSWERS)
        if chosen.exists():
            chosen.rename(root / destination)
        shutil.rmtree(chosen.parent)

    write_dependency_files(root, ANSWERS["package_manager"])
    shutil.rmtree(root / Path(SUPERSET_LOCK).parent)

    env_file = root / ".env"
    env_file.write_text(
        env_with_generated_values((root / ".env.example").read_text(), GENERATED_VALUES)
    )
    env_file.chmod(0o600)
    write_production_secrets(root, ANSWERS)
    (root / ".cookiecutter.json").write_text(
        json.dumps(recorded_answers(ANSWERS), indent=2, sort_keys=True) + "\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
