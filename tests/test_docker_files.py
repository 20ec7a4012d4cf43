"""hadolint, `docker compose config` and `docker stack config` over the Docker files of
every valid combination.

Rendering a whole project takes 0.2 s, too slow for all 10,000-odd combinations; the
three Docker templates alone render in milliseconds with cookiecutter's own Jinja
environment. Combinations that render identical files are checked once.
"""

import itertools
import re
import shutil
import subprocess

import pytest
from conftest import BIN, unavailable
from cookiecutter.utils import create_env_with_context
from matrix import CONTEXT, OPTIONS, TEMPLATE_DIR, is_valid

SLUG_DIR = TEMPLATE_DIR / "{{cookiecutter.project_slug}}"
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


def every_valid_combination():
    names = list(OPTIONS)
    for values in itertools.product(*OPTIONS.values()):
        combo = dict(zip(names, values, strict=True))
        if is_valid(combo):
            yield combo


def render_docker_files() -> dict[str, dict[str, list[dict]]]:
    """file name -> rendered text -> the combinations that produce it.

    A template's output depends only on the answers it names, so each template renders
    once per distinct set of values of those answers.
    """
    sources = {name: (SLUG_DIR / name).read_text() for name in [*COMPOSE_FILES, STACK_FILE]}
    sources |= {
        f"{kind}.Dockerfile": (SLUG_DIR / "_dockerfiles" / f"{kind}.Dockerfile").read_text()
        for kind in OPTIONS["dockerfile"]
    }
    env = create_env_with_context({"cookiecutter": CONTEXT})
    rendered: dict[str, dict[str, list[dict]]] = {name: {} for name in sources}
    for name, source in sources.items():
        template = env.from_string(source)
        named = sorted(set(re.findall(r"cookiecutter\.(\w+)", source)) & set(OPTIONS))
        by_values: dict[tuple, str] = {}
        for combo in every_valid_combination():
            if name.endswith(".Dockerfile") and name != f"{combo['dockerfile']}.Dockerfile":
                continue
            if name == STACK_FILE and not combo["deploy_swarm"]:
                continue
            key = tuple(combo[k] for k in named)
            if key not in by_values:
                context = CONTEXT | combo | {"project_slug": "my_django_project"}
                by_values[key] = template.render(cookiecutter=context)
            rendered[name].setdefault(by_values[key], []).append(combo)
    return rendered


RENDERED = render_docker_files()


def test_every_valid_combination_is_covered():
    combos = sum(1 for _ in every_valid_combination())
    for name in COMPOSE_FILES:
        assert sum(len(c) for c in RENDERED[name].values()) == combos
    dockerfiles = sum(
        len(c) for n, r in RENDERED.items() if n.endswith("Dockerfile") for c in r.values()
    )
    assert dockerfiles == combos
    print(
        f"{combos} combinations; distinct files: "
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


def docker_cli() -> str:
    docker = shutil.which("docker")
    if not docker or subprocess.run([docker, "compose", "version"], capture_output=True).returncode:
        unavailable(
            "the docker CLI with its compose plugin is not installed"
            " (.ci/docker-engine installs it)"
        )
    return docker


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
