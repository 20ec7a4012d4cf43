"""Render the example projects in examples/: what an owner gets, for review.

    uv run python scripts/render_examples.py      # rewrite examples/ from the template

tests/test_examples.py renders them again and fails on any difference, so every change
to the template shows, in review, as the change to these projects. What differs on
every render is left out (.env, .env.production and .secrets/, generated per project)
or replaced by a fixed placeholder (this checkout's path and commit in the answers
files).
"""

import contextlib
import io
import json
import shutil
import sys
import tempfile
from pathlib import Path

from cookiecutter.main import cookiecutter

TEMPLATE_DIR = Path(__file__).resolve().parent.parent
EXAMPLES_DIR = TEMPLATE_DIR / "examples"
EXAMPLES = {
    "defaults": {},
    "smallest": {
        "database": "sqlite", "cache": "none", "task_queue": "none", "use_drf": False,
        "use_sentry": False, "reverse_proxy": "none", "deploy_swarm": False,
        "ci_provider": "none",
    },
    "largest": {
        "dockerfile": "distroless", "media_storage": "s3", "deploy_kubernetes": True,
        "ci_provider": "gitlab", "web_server": "granian", "license": "Apache-2.0",
    },
}  # fmt: skip
LEFT_OUT = {".env", ".env.production", ".secrets"}
PLACEHOLDERS = {"_template": "<the template's location>", "_commit": "<the template's commit>"}


def render(answers: dict, output: Path) -> Path:
    with contextlib.redirect_stdout(io.StringIO()):
        project = cookiecutter(
            str(TEMPLATE_DIR), no_input=True, extra_context=answers, output_dir=str(output)
        )
    return Path(project)


def fixed(path: str, text: str) -> str:
    """The file's text with the values that change on every render replaced."""
    if path == ".cookiecutter.json":
        recorded = json.loads(text)
        recorded["cookiecutter"] |= {k: PLACEHOLDERS[k] for k in PLACEHOLDERS}
        return json.dumps(recorded, indent=2, sort_keys=True) + "\n"
    if path == ".cruft.json":
        state = json.loads(text)
        state["template"], state["commit"] = PLACEHOLDERS["_template"], PLACEHOLDERS["_commit"]
        state["context"]["cookiecutter"] |= PLACEHOLDERS
        return json.dumps(state, indent=2, sort_keys=True) + "\n"
    return text


def example_files(answers: dict) -> dict[str, str]:
    """Relative path -> text of the example project these answers make."""
    with tempfile.TemporaryDirectory() as output:
        project = render(answers, Path(output))
        return {
            rel: fixed(rel, path.read_text())
            for path in sorted(project.rglob("*"))
            if path.is_file()
            and not LEFT_OUT & set((rel := str(path.relative_to(project))).split("/"))
        }


def main() -> int:
    for name, answers in EXAMPLES.items():
        folder = EXAMPLES_DIR / name
        shutil.rmtree(folder, ignore_errors=True)
        for rel, text in example_files(answers).items():
            (folder / rel).parent.mkdir(parents=True, exist_ok=True)
            (folder / rel).write_text(text)
        print(f"examples/{name}: rendered")
    return 0


if __name__ == "__main__":
    sys.exit(main())
