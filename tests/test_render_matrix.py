"""Render the defaults and a pairwise cover of every option, and check each output."""

import itertools
import json
import re
import subprocess
import tomllib
from pathlib import Path

import pytest
from conftest import BIN
from matrix import OPTIONS, combo_id, covering_set, is_valid

COMBOS = covering_set()
# Left-over Jinja openings; the project ships no Django templates of its own.
DEBRIS = re.compile(r"\{\{|\{%|\{#|\bcookiecutter\.(?!json)")
# The workflow's own syntax: GitHub expressions and docker/metadata-action's placeholders.
WORKFLOW_SYNTAX = re.compile(r"\$\{\{ [^{}]+ \}\}|\{\{(version|major|minor|is_default_branch)\}\}")


def run(args: list, cwd: Path) -> subprocess.CompletedProcess:
    result = subprocess.run(args, cwd=cwd, capture_output=True, text=True)
    assert result.returncode == 0, f"{args} failed:\n{result.stdout}\n{result.stderr}"
    return result


def test_the_cover_holds_every_valid_pair():
    names = list(OPTIONS)
    valid_pairs = {
        ((a, va), (b, vb))
        for a, b in itertools.combinations(names, 2)
        for va, vb in itertools.product(OPTIONS[a], OPTIONS[b])
        if any(
            is_valid(dict(zip(names, values, strict=True)))
            for values in itertools.product(*OPTIONS.values())
            if values[names.index(a)] == va and values[names.index(b)] == vb
        )
    }
    covered = {((a, c[a]), (b, c[b])) for c in COMBOS for a, b in itertools.combinations(names, 2)}
    assert valid_pairs <= covered
    assert all(is_valid(c) for c in COMBOS)
    print(f"{len(COMBOS)} combinations rendered out of {len(valid_pairs)} valid pairs")


@pytest.mark.parametrize("combo", COMBOS, ids=combo_id)
def test_render(bake, combo):
    result = bake(**combo)
    assert result.exit_code == 0, result.exception
    project = Path(result.project_path)
    files = [p for p in project.rglob("*") if p.is_file() and ".venv" not in p.parts]

    for path in files:
        text = path.read_text()
        if ".github" in path.parts:
            text = WORKFLOW_SYNTAX.sub("", text)
        assert not DEBRIS.search(text), f"template debris in {path.relative_to(project)}"
        if path.suffix == ".py":
            compile(text, str(path), "exec")
    assert not any("_locks" in p.parts or "_licenses" in p.parts for p in files)

    run([BIN / "ruff", "check", "--no-cache", "."], project)
    run([BIN / "ruff", "format", "--check", "--no-cache", "."], project)

    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    assert pyproject["project"]["name"] == combo.get("project_slug", "my_django_project")
    recorded = json.loads((project / ".cookiecutter.json").read_text())["cookiecutter"]
    assert recorded.items() >= combo.items()
    assert (project / "LICENSE").exists() == (combo["license"] != "proprietary")
    assert (project / ".python-version").read_text().strip() == combo["python_version"]

    if combo["package_manager"] == "uv":
        assert not (project / "requirements.txt").exists()
        run([BIN / "uv", "lock", "--check", "--offline", "--python", BIN / "python"], project)
    else:
        assert not (project / "uv.lock").exists()
        requirements = (project / "requirements.txt").read_text()
        for pin in pyproject["project"]["dependencies"]:
            name = pin.split("[")[0].split("==")[0]
            version = pin.split("==")[1]
            assert f"\n{name}=={version} \\\n    --hash=sha256:" in requirements

    # Secrets: generated into the git-ignored .env, and nowhere else.
    env = dict(
        line.split("=", 1) for line in (project / ".env").read_text().splitlines() if "=" in line
    )
    secret_key = env["DJANGO_SECRET_KEY"]
    assert len(secret_key) >= 50
    assert ".env" in (project / ".gitignore").read_text().splitlines()
    leaked = [p for p in files if p.name != ".env" and secret_key in p.read_text()]
    assert leaked == []
    if combo["database"] != "sqlite":
        assert len(env["DATABASE_PASSWORD"]) >= 24

    # Production secrets: their own files, their own values, kept out of git and images.
    secrets_dir = project / ".secrets"
    expected = {"django_secret_key", "email_password"}
    expected |= {"database_password"} if combo["database"] != "sqlite" else set()
    expected |= {"database_root_password"} if combo["database"] == "mariadb" else set()
    expected |= {"cache_password", "cache.conf"} if combo["cache"] != "none" else set()
    if combo["media_storage"] == "s3":
        expected |= {"storage_access_key_id", "storage_secret_access_key"}
    assert {p.name for p in secrets_dir.iterdir()} == expected
    assert secrets_dir.stat().st_mode & 0o777 == 0o700
    assert {p.stat().st_mode & 0o777 for p in secrets_dir.iterdir()} == {0o600}
    assert (project / ".env").stat().st_mode & 0o777 == 0o600
    production_key = (secrets_dir / "django_secret_key").read_text()
    assert len(production_key) >= 50 and production_key != secret_key
    assert not [p for p in files if ".secrets" not in p.parts and production_key in p.read_text()]
    assert ".secrets/" in (project / ".gitignore").read_text().splitlines()
    ignored = (project / ".dockerignore").read_text().splitlines()
    assert {".git", ".env", ".secrets"} <= set(ignored)
    assert (project / "Dockerfile").exists() and not (project / "_dockerfiles").exists()
