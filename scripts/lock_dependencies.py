"""Regenerate the superset lock that the post-generation hook cuts per project.

Every exact pin in the template's pyproject.toml (all options at once) is locked
together with uv. The hook then keeps, for each rendered project, only the packages
its own dependencies reach (`_locks/locking.py`), so rendering needs no network.
Beside the lock, `modules.json` lists the top-level modules each locked package
installs, read from its wheel: a project may not be named like one of them.

Run after changing a pin:  uv run python scripts/lock_dependencies.py
"""

import hashlib
import io
import json
import re
import subprocess
import sys
import tempfile
import tomllib
import urllib.request
import zipfile
from pathlib import Path

# The generated project's folder (its name runs the answer rules: hooks/answer_rules.py).
PROJECT_FOLDER = "{{cookiecutter.project_slug if answers_checked(cookiecutter)}}"
TEMPLATE = Path(__file__).resolve().parent.parent / PROJECT_FOLDER
LOCKS = TEMPLATE / "_locks"
SUPERSET_LOCK = LOCKS / "uv.lock"
MODULES = LOCKS / "modules.json"
PIN = re.compile(r'\s*"([A-Za-z0-9_.\-]+(?:\[[a-z0-9,\-]+\])?==[^"]+)",\s*')
# The oldest Python a project can pick: the lock serves it and every newer one.
REQUIRES_PYTHON = ">=3.13"


def template_pins() -> tuple[list[str], list[str]]:
    """The runtime and dev pins written in the template's pyproject.toml."""
    runtime, dev, section = [], [], None
    for line in (TEMPLATE / "pyproject.toml").read_text().splitlines():
        if line.startswith("dependencies = ["):
            section = runtime
        elif line.startswith("dev = ["):
            section = dev
        elif line.startswith("]"):
            section = None
        elif section is not None and (match := PIN.fullmatch(line)):
            section.append(match.group(1))
    return runtime, dev


def superset_pyproject(runtime: list[str], dev: list[str]) -> str:
    quoted = lambda pins: "".join(f'    "{pin}",\n' for pin in pins)  # noqa: E731
    return (
        '[project]\nname = "superset"\nversion = "0"\n'
        f'requires-python = "{REQUIRES_PYTHON}"\n'
        f"dependencies = [\n{quoted(runtime)}]\n\n"
        f"[dependency-groups]\ndev = [\n{quoted(dev)}]\n"
    )


def wheel_top_level(url: str, sha256: str) -> set[str]:
    """The importable top-level names a wheel installs (its RECORD)."""
    with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 (the lock's URL)
        data = response.read()
    if hashlib.sha256(data).hexdigest() != sha256:
        raise RuntimeError(f"{url}: the download does not match the lock's hash")
    names = set()
    with zipfile.ZipFile(io.BytesIO(data)) as wheel:
        record = next(n for n in wheel.namelist() if n.endswith(".dist-info/RECORD"))
        for line in wheel.read(record).decode().splitlines():
            top = line.split(",", 1)[0].split("/", 1)[0]
            if top.endswith((".dist-info", ".data")) or not top:
                continue
            name = top.removesuffix(".py").split(".")[0]
            if name.isidentifier():
                names.add(name)
    return names


def locked_modules(lock_text: str) -> dict[str, list[str]]:
    """Package -> the top-level modules its first wheel in the lock installs."""
    modules = {}
    for package in tomllib.loads(lock_text)["package"]:
        if package.get("source", {}).get("virtual"):
            continue  # the superset project itself
        wheel = package["wheels"][0]
        modules[package["name"]] = sorted(
            wheel_top_level(wheel["url"], wheel["hash"].removeprefix("sha256:"))
        )
    return modules


def main() -> int:
    runtime, dev = template_pins()
    with tempfile.TemporaryDirectory() as work:
        Path(work, "pyproject.toml").write_text(superset_pyproject(runtime, dev))
        # Start from the current lock, so versions that still fit stay where they are.
        Path(work, "uv.lock").write_text(SUPERSET_LOCK.read_text())
        subprocess.run(["uv", "lock", "--directory", work, "--python", sys.executable], check=True)
        SUPERSET_LOCK.write_text(Path(work, "uv.lock").read_text())
    packages = locked_modules(SUPERSET_LOCK.read_text())
    every = sorted({name for names in packages.values() for name in names})
    MODULES.write_text(
        json.dumps({"packages": packages, "modules": every}, indent=1, sort_keys=True) + "\n"
    )
    print(f"locked {len(runtime)} runtime and {len(dev)} dev pins into {SUPERSET_LOCK}")
    print(f"{len(every)} top-level modules of {len(packages)} packages into {MODULES}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
