"""hadolint, `docker compose config` and `docker stack config` over the Docker files of
every valid combination, each distinct rendering checked once (see projection.py).
"""

import subprocess

import pytest
from conftest import BIN, docker_cli
from matrix import OPTIONS, every_valid_combination
from projection import render_distinct

COMPOSE_FILES = ["compose.yaml", "compose.production.yaml"]
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


def test_the_option_space():
    combos = sum(1 for _ in every_valid_combination())
    assert combos > 100_000
    print(
        f"{combos} valid combinations; distinct files: "
        + ", ".join(f"{n} {len(r)}" for n, r in RENDERED.items())
    )


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


@pytest.mark.parametrize("name", COMPOSE_FILES)
def test_compose_accepts_every_compose_file(name, tmp_path):
    docker = docker_cli()
    (tmp_path / ".env").write_text(ENV_FILE)
    failures = []
    for text, combos in RENDERED[name].items():
        (tmp_path / name).write_text(text)
        result = subprocess.run(
            [docker, "compose", "-f", name, "config", "-q"],
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
        result = subprocess.run(
            [docker, "stack", "config", "-c", stack], cwd=tmp_path, capture_output=True, text=True
        )
        if result.returncode != 0:
            failures.append(f"{combos[0]}:\n{result.stderr}")
    assert RENDERED[STACK_FILE]
    assert not failures, "\n".join(failures[:3])
