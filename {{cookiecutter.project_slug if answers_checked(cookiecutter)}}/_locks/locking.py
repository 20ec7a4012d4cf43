"""One project's lock, cut from the superset lock of every option's packages.

`uv.lock` beside this file locks every exact pin the template can write, for every
option at once (`scripts/lock_dependencies.py` regenerates it). A project keeps only the
packages its own pins reach: as `uv.lock`, or as hashed requirements files for pip.
Rendering therefore needs no network. Plain Python, copied into the project unrendered,
imported by the post-generation hook and by the lock script, and removed with `_locks/`.
"""

import json
import re
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
SUPERSET_LOCK = HERE / "uv.lock"
REQUIREMENT = re.compile(r"(?P<name>[A-Za-z0-9_.\-]+)(\[(?P<extras>[^\]]+)\])?==(?P<version>\S+)")


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def parse_requirement(text: str) -> tuple[str, list[str], str]:
    match = REQUIREMENT.fullmatch(text)
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


REGENERATE = "# Regenerate: uv pip compile pyproject.toml --generate-hashes{} -o {}\n"


def write_dependency_files(root: Path, package_manager: str) -> list[str]:
    """Write the project's lock (uv) or requirements files (pip); return their names."""
    pyproject = tomllib.loads((root / "pyproject.toml").read_text())
    lock = project_lock(SUPERSET_LOCK.read_text(), pyproject)
    if package_manager == "uv":
        (root / "uv.lock").write_text(lock)
        return ["uv.lock"]
    runtime = pyproject["project"]["dependencies"]
    dev = pyproject["dependency-groups"]["dev"]
    runtime_names = set(
        reachable(
            {p["name"]: p for p in tomllib.loads(lock)["package"]},
            [parse_requirement(r)[:2] for r in runtime],
        )
    )
    (root / "requirements.txt").write_text(
        REGENERATE.format("", "requirements.txt")
        + requirements_from_lock(lock, runtime, exclude=set())
    )
    (root / "requirements-dev.txt").write_text(
        REGENERATE.format(" --group dev", "requirements-dev.txt")
        + "-r requirements.txt\n"
        + requirements_from_lock(lock, dev, exclude=runtime_names)
    )
    return ["requirements.txt", "requirements-dev.txt"]
