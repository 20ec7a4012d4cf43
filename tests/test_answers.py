"""Free-text answers land intact in every file, and recorded answers re-render the project."""

import json
import subprocess
import tomllib
from pathlib import Path

from conftest import BIN

HOSTILE = {
    "project_name": 'Bob\'s "Quoted" \\ App',
    "project_slug": "bobs_app",
    "author_name": 'O\'Brien "Bobby" \\ Jr.\\',
    "description": "Line \"one\" \\ with 'quotes'\nline two, ending in a backslash \\",
    "version": "1.0rc1",
}


def test_hostile_free_text_is_carried_verbatim(bake):
    result = bake(**HOSTILE)
    assert result.exit_code == 0, result.exception
    project = Path(result.project_path)

    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    assert pyproject["project"]["description"] == HOSTILE["description"]
    assert pyproject["project"]["authors"] == [
        {"name": HOSTILE["author_name"], "email": "jane@example.com"}
    ]
    assert pyproject["project"]["version"] == "1.0rc1"
    recorded = json.loads((project / ".cookiecutter.json").read_text())
    assert {k: recorded[k] for k in HOSTILE} == HOSTILE
    assert (project / "README.md").read_text().startswith(f"# {HOSTILE['project_name']}\n")
    assert HOSTILE["author_name"] in (project / "LICENSE").read_text()
    lint = subprocess.run([BIN / "ruff", "check", "--no-cache", "."], cwd=project)
    assert lint.returncode == 0
    lock = subprocess.run(
        [BIN / "uv", "lock", "--check", "--offline", "--python", BIN / "python"], cwd=project
    )
    assert lock.returncode == 0


def test_recorded_answers_re_render_the_same_project(cookies, tmp_path):
    answers = {"database": "mariadb", "web_server": "granian", "use_drf": "n", "license": "MIT"}
    first = cookies.bake(extra_context=answers)
    assert first.exit_code == 0, first.exception
    recorded = json.loads((Path(first.project_path) / ".cookiecutter.json").read_text())
    assert recorded["use_drf"] is False
    assert not any(key.startswith("_") and key != "_template" for key in recorded)

    replay = {k: v for k, v in recorded.items() if not k.startswith("_")}
    second = cookies.bake(extra_context=replay)
    assert second.exit_code == 0, second.exception

    def tree(root: Path) -> dict:
        return {
            str(p.relative_to(root)): p.read_bytes()
            for p in root.rglob("*")
            # Secrets are generated afresh on every render.
            if p.is_file() and p.name != ".env" and ".secrets" not in p.parts
        }

    assert tree(Path(first.project_path)) == tree(Path(second.project_path))
