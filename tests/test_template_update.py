"""Updates from the template, with cruft, as a project's owner runs them.

The template is copied into a git repository (commit A). A project is created from it
with `cruft create`, committed by its owner, then edited and committed again. The
template changes (commit B: a new setting and its variable, a changed Compose service,
a new file, a changed derived answer). In the project, the README's update command
applies B with no conflict and no .rej file, keeping the owner's edit, .env and
.secrets/, and derives the derived answers afresh (cruft passes on only the answers
that were asked); `make env`'s script then adds the new variable to .env; the
project's own tests pass; `cruft check` says it is current.
Rendering in place with `cookiecutter -f` is tested in test_answers.py.
"""

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import answer_rules
from conftest import BIN
from matrix import TEMPLATE_DIR

# A project whose own tests need no server.
ANSWERS = {"database": "sqlite", "cache": "none", "task_queue": "none", "ci_provider": "none"}
OWNER_NOTE = "\n## Our notes\n\nDeploys go out on Tuesdays.\n"
COPY_IGNORE = shutil.ignore_patterns(
    ".git", ".venv", "__pycache__", ".pytest_cache", ".ruff_cache", ".hypothesis"
)


def run(args, cwd, env=None) -> str:
    result = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, f"{args}:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result.stdout


def commit(folder: Path, message: str) -> None:
    run(["git", "add", "-A"], folder)
    run(["git", "-c", "user.name=Owner", "-c", "user.email=owner@example.com",
         "commit", "-q", "-m", message], folder)  # fmt: skip


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1))


def change_the_template(template: Path) -> None:
    """Commit B: what a later version of the template brings."""
    project = template / answer_rules.PROJECT_FOLDER
    edit(project / ".env.example", "DJANGO_DEBUG=true\n",
         "DJANGO_DEBUG=true\nDJANGO_FEATURE_FLAG=false\n")  # fmt: skip
    settings = project / "{{cookiecutter.project_slug}}" / "settings" / "base.py"
    settings.write_text(
        settings.read_text() + '\nFEATURE_FLAG = env_bool("DJANGO_FEATURE_FLAG", default=False)\n'
    )
    edit(project / "compose.yaml", "      interval: 10s\n", "      interval: 5s\n")
    (project / "docs").mkdir(exist_ok=True)
    (project / "docs" / "operations.md").write_text("# Operations\n\nRunbooks live here.\n")
    edit(template / "cookiecutter.json", "{'caddy': 'Caddy',", "{'caddy': 'Caddy 2',")
    commit(template, "B: a feature flag, a faster healthcheck, an operations page, a label")


def test_cruft_update_applies_a_template_change_and_keeps_local_state(tmp_path):
    template = tmp_path / "template"
    shutil.copytree(TEMPLATE_DIR, template, ignore=COPY_IGNORE)
    run(["git", "init", "-q", "-b", "main"], template)
    commit(template, "A")

    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    run([BIN / "cruft", "create", template, "--no-input", "--output-dir", tmp_path / "out",
         "--extra-context", json.dumps(ANSWERS)], tmp_path, env)  # fmt: skip
    project = tmp_path / "out" / "my_django_project"
    assert json.loads((project / ".cruft.json").read_text())["template"] == str(template)
    run(["git", "init", "-q", "-b", "main"], project)
    commit(project, "Generated")
    (project / "README.md").write_text((project / "README.md").read_text() + OWNER_NOTE)
    commit(project, "Our notes")
    env_before = (project / ".env").read_text()
    secrets_before = {p.name: p.read_text() for p in (project / ".secrets").iterdir()}

    change_the_template(template)
    updating = (project / "docs" / "updating.md").read_text()
    command = re.search(r"^(cruft update .*?) +# apply", updating, re.MULTILINE)[1].split()
    update = run([BIN / "cruft", *command[1:]], project, env | {"PATH": f"{BIN}:{env['PATH']}"})

    files = [p for p in project.rglob("*") if p.is_file() and ".git" not in p.parts]
    assert not [p for p in files if p.suffix == ".rej"], update
    conflict = re.compile(r"^(<<<<<<<|>>>>>>>) ", re.MULTILINE)
    assert not [p for p in files if conflict.search(p.read_text(errors="replace"))]
    assert (project / "README.md").read_text().endswith(OWNER_NOTE)
    assert "DJANGO_FEATURE_FLAG" in (project / "my_django_project/settings/base.py").read_text()
    assert "      interval: 5s\n" in (project / "compose.yaml").read_text()
    assert (project / "docs" / "operations.md").exists()
    assert "\n- Caddy 2 in front of it in production\n" in (project / "README.md").read_text()
    context = json.loads((project / ".cruft.json").read_text())["context"]["cookiecutter"]
    assert context["__proxy_label"] == "Caddy 2"
    assert "DJANGO_FEATURE_FLAG=false" in (project / ".env.example").read_text()
    assert (project / ".env").read_text() == env_before
    assert {p.name: p.read_text() for p in (project / ".secrets").iterdir()} == secrets_before

    # The second command of the README's update section: what .env lacks, added.
    added = run(["python3", "scripts/env_files.py"], project, env)
    assert added == "added to .env: DJANGO_FEATURE_FLAG\n"
    assert (project / ".env").read_text() == env_before + "DJANGO_FEATURE_FLAG=false\n"

    commit(project, "Update from the template")
    run([BIN / "cruft", "check"], project, env)
    env |= {"UV_PROJECT_ENVIRONMENT": ".venv"}
    run([BIN / "uv", "sync", "--locked", "--python", BIN / "python"], project, env)
    tests = run([project / ".venv/bin/pytest", "-q", "-p", "no:cacheprovider"], project, env)
    assert " passed" in tests and "failed" not in tests
