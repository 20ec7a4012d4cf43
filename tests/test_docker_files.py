"""hadolint, `docker compose config` and `docker stack config` over the Docker files of
every valid combination, each distinct rendering checked once (see projection.py).
"""

import subprocess

import pytest
from conftest import BIN, docker_cli
from matrix import OPTIONS
from projection import render, render_distinct

COMPOSE_FILES = ["compose.yaml", "compose.production.yaml", "compose.override.yaml"]
STACK_FILE = "deploy/swarm/stack.yaml"
# Every file Compose would read from .env, with placeholder values.
ENV_FILE = "\n".join(
    [
        "DJANGO_SECRET_KEY=placeholder-secret-key",
        "DATABASE_PASSWORD=placeholder-password",
        "DATABASE_ROOT_PASSWORD=placeholder-root-password",
        "HOST_UID=1000",
        "HOST_GID=1000",
    ]
)

RENDERED = {name: render_distinct(name) for name in COMPOSE_FILES}
RENDERED[STACK_FILE] = render_distinct(STACK_FILE, {"deploy_swarm": True})
for kind in OPTIONS["dockerfile"]:
    RENDERED[f"{kind}.Dockerfile"] = render_distinct(
        f"_dockerfiles/{kind}.Dockerfile", {"dockerfile": kind}
    )


@pytest.mark.parametrize("name", list(RENDERED))
def test_every_option_a_docker_file_names_changes_it(name):
    """No dead condition: for each option the file's Jinja reads, two valid
    combinations that differ only in that option render it differently."""
    renders = [(values, text) for text, sets in RENDERED[name].items() for values in sets]
    # Options held fixed (the file exists only under one value) have nothing to compare.
    named = {
        option
        for option in {o for values, _ in renders for o in values}
        if len({values[option] for values, _ in renders}) > 1
    }
    dead = []
    for option in named:
        texts_by_rest: dict[tuple, set[str]] = {}
        for values, text in renders:
            rest = tuple(sorted((k, v) for k, v in values.items() if k != option))
            texts_by_rest.setdefault(rest, set()).add(text)
        if not any(len(texts) > 1 for texts in texts_by_rest.values()):
            dead.append(option)
    assert not dead, f"{name} names options that change nothing in it: {dead}"


@pytest.mark.parametrize("kind", OPTIONS["dockerfile"])
def test_hadolint_passes_on_every_dockerfile(kind, tmp_path):
    failures = []
    for i, (text, combos) in enumerate(RENDERED[f"{kind}.Dockerfile"].items()):
        path = tmp_path / f"Dockerfile.{i}"
        path.write_text(text)
        result = subprocess.run(
            [BIN / "hadolint", "--no-color", "--failure-threshold", "info", path],
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            failures.append(f"{combos[0]}:\n{result.stdout}{result.stderr}")
    assert not failures, "\n".join(failures[:3])


@pytest.mark.parametrize("name", ["compose.yaml", "compose.production.yaml"])
def test_compose_accepts_every_compose_file(name, tmp_path):
    docker = docker_cli()
    (tmp_path / ".env").write_text(ENV_FILE)
    # compose.yaml as `docker compose up` reads it: with its override.
    files = ["-f", name] + (["-f", "compose.override.yaml"] if name == "compose.yaml" else [])
    failures = []
    for text, combos in RENDERED[name].items():
        (tmp_path / name).write_text(text)
        (tmp_path / ".env.production").write_text(render(".env.production.example", combos[0]))
        if name == "compose.yaml":
            override = render("compose.override.yaml", combos[0])
            (tmp_path / "compose.override.yaml").write_text(override)
        result = subprocess.run(
            [docker, "compose", *files, "config", "-q"],
            cwd=tmp_path,
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            failures.append(f"{combos[0]}:\n{result.stderr}")
    assert not failures, "\n".join(failures[:3])


def test_docker_stack_accepts_every_stack_file(tmp_path):
    docker = docker_cli()
    stack = tmp_path / STACK_FILE
    stack.parent.mkdir(parents=True)
    failures = []
    for text, combos in RENDERED[STACK_FILE].items():
        stack.write_text(text)
        (tmp_path / ".env.production").write_text(render(".env.production.example", combos[0]))
        result = subprocess.run(
            [docker, "stack", "config", "-c", stack], cwd=tmp_path, capture_output=True, text=True
        )
        if result.returncode != 0:
            failures.append(f"{combos[0]}:\n{result.stderr}")
    assert RENDERED[STACK_FILE]
    assert not failures, "\n".join(failures[:3])
