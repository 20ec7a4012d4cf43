"""The developer's loop on a real engine: `docker compose watch`, and the devcontainer.

- Watch (`make watch`): with the stack up under `docker compose -f compose.yaml watch`
  (no bind mount), a view's text changed on the host is served within 5 s, by the same
  container; a change to the lock rebuilds the image and replaces the container.
- Devcontainer: the reference CLI (@devcontainers/cli, from npm) brings the web service
  up from .devcontainer/devcontainer.json, and the project's tests pass inside it.
"""

import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
from conftest import free_port, get, unavailable
from loops import wait_until
from matrix import DEFAULTS
from stacks import Stack

pytestmark = pytest.mark.docker

# SQLite, no cache: the loop itself is what is measured, not a database's start.
ANSWERS = DEFAULTS | {"database": "sqlite", "cache": "none", "task_queue": "none"}


def started_at(docker: str, name: str) -> tuple[str, str] | None:
    """(container id, start time) of the project's running web container, if one runs."""
    listing = subprocess.run(
        [docker, "ps", "-a", "--filter", f"label=com.docker.compose.project={name}",
         "--format", "{{.ID}} {{.Label \"com.docker.compose.service\"}} {{.State}}"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    ids = [line.split()[0] for line in listing.splitlines() if " web running" in line]
    assert len(ids) <= 1, listing
    if not ids:
        return None
    state = subprocess.run(
        [docker, "inspect", "--format", "{{.State.StartedAt}}", ids[0]],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    return ids[0], state


def page(url: str) -> bytes:
    try:
        status, body, _ = get(url, timeout=2)
    except OSError:
        return b""
    return body if status == 200 else b""


def test_compose_watch_syncs_code_and_rebuilds_on_new_dependencies(engine, bake):
    result = bake(**ANSWERS, project_slug="watched")
    assert result.exit_code == 0, result.exception
    project = Path(result.project_path)
    name, port = "watched-dev", free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env |= {"WEB_PORT": str(port), "COMPOSE_PROJECT_NAME": name}
    stack = Stack(engine, project, name, "compose.yaml", env)
    url = f"http://127.0.0.1:{port}/"
    # `make watch`: builds, starts the stack, then watches.
    watch = subprocess.Popen(
        [engine, "compose", "-f", "compose.yaml", "watch"], cwd=project, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )  # fmt: skip
    try:
        wait_until(lambda: page(url).startswith(b"It works."), 600, "the front page")
        before = started_at(engine, name)
        assert before, "no web container runs"

        views = project / "watched" / "core" / "views.py"
        views.write_text(views.read_text().replace("It works.", "It still works."))
        took = wait_until(lambda: page(url).startswith(b"It still works."), 5,
                          "the edited text served", every=0.1)  # fmt: skip
        print(f"edit on the host to new text served: {took:.1f} s")
        assert started_at(engine, name) == before, "the container was restarted"

        # `make lint` as the README has it, in the watched container (no bind mount, and
        # no Dockerfile in the image: hadolint reads it from standard input).
        lint = subprocess.run(["make", "lint"], cwd=project, env=env, capture_output=True,
                              text=True, timeout=300)  # fmt: skip
        assert lint.returncode == 0, lint.stdout[-2000:] + lint.stderr[-2000:]

        lock = project / "uv.lock"
        lock.write_text(lock.read_text() + "\n")
        wait_until(lambda: (started_at(engine, name) or before)[0] != before[0], 300,
                   "a new container after the lock changed")  # fmt: skip
        wait_until(lambda: page(url).startswith(b"It still works."), 60, "the rebuilt web")
    finally:
        if watch.poll() is None:
            os.killpg(watch.pid, signal.SIGINT)
        try:
            print(watch.communicate(timeout=30)[0][-2000:])
        except subprocess.TimeoutExpired:
            os.killpg(watch.pid, signal.SIGKILL)
        stack("down", "-v", check=False)


def test_the_devcontainer_comes_up_and_runs_the_tests(engine, bake):
    cli = shutil.which("devcontainer")
    if not cli:
        unavailable("the devcontainer CLI is not installed (.ci/run installs @devcontainers/cli)")
    result = bake(**ANSWERS, project_slug="insider")
    assert result.exit_code == 0, result.exception
    project = Path(result.project_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env |= {"WEB_PORT": str(free_port())}
    compose_project = None
    try:
        started = time.monotonic()
        up = subprocess.run(
            [cli, "up", "--workspace-folder", project, "--log-format", "json"],
            capture_output=True, text=True, env=env, timeout=900,
        )  # fmt: skip
        outcome = json.loads(up.stdout.strip().splitlines()[-1])
        compose_project = outcome.get("composeProjectName")
        assert up.returncode == 0 and outcome["outcome"] == "success", up.stderr[-3000:]
        tests = subprocess.run(
            [cli, "exec", "--workspace-folder", project, "pytest", "-q", "-p", "no:cacheprovider"],
            capture_output=True, text=True, env=env, timeout=600,
        )  # fmt: skip
        assert tests.returncode == 0, tests.stdout[-3000:] + tests.stderr[-3000:]
        assert " passed" in tests.stdout and "failed" not in tests.stdout
        print(f"devcontainer up and tests: {time.monotonic() - started:.0f} s")
    finally:
        if compose_project:
            subprocess.run([engine, "compose", "-p", compose_project, "down", "-v"],
                           cwd=project, capture_output=True)  # fmt: skip
