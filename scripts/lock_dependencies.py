"""Regenerate the superset lock that the post-generation hook prunes per project.

Every exact pin in the template's pyproject.toml (all options at once) is locked
together with uv. The hook then keeps, for each rendered project, only the packages
its own dependencies reach, so rendering needs no network.

Run after changing a pin:  uv run python scripts/lock_dependencies.py
"""

import re
import subprocess
import sys
import tempfile
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parent.parent / "{{cookiecutter.project_slug}}"
SUPERSET_LOCK = TEMPLATE / "_locks" / "uv.lock"
PIN = re.compile(r'^\s*"([A-Za-z0-9_.\-]+(?:\[[a-z0-9,\-]+\])?==[^"]+)",\s*$')
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
        elif section is not None and (match := PIN.match(line)):
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


def main() -> int:
    runtime, dev = template_pins()
    with tempfile.TemporaryDirectory() as work:
        Path(work, "pyproject.toml").write_text(superset_pyproject(runtime, dev))
        # Start from the current lock, so versions that still fit stay where they are.
        Path(work, "uv.lock").write_text(SUPERSET_LOCK.read_text())
        subprocess.run(["uv", "lock", "--directory", work], check=True)
        SUPERSET_LOCK.write_text(Path(work, "uv.lock").read_text())
    print(f"locked {len(runtime)} runtime and {len(dev)} dev pins into {SUPERSET_LOCK}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
