import fcntl
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import matrix  # noqa: E402
from matrix import CONTEXT  # noqa: E402
from standins.build import ensure  # noqa: E402

# Tools installed beside the interpreter running the tests (the template's .venv).
BIN = Path(sys.executable).parent
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def unavailable(reason: str):
    """Skip on a developer's machine; fail in CI, where everything must run."""
    if IN_CI:
        pytest.fail(f"{reason}: CI must run this test")
    pytest.skip(reason)


def reachable(port: int, host: str = "127.0.0.1") -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def check_keys(answers: dict) -> None:
    # pytest-cookies silently drops an extra_context key cookiecutter.json lacks.
    unknown = sorted(set(answers) - set(CONTEXT))
    assert not unknown, f"not options of cookiecutter.json: {unknown}"


@pytest.fixture
def bake(cookies):
    def _bake(**answers):
        check_keys(answers)
        return cookies.bake(extra_context=answers)

    return _bake


def load_hook(name: str, **answers):
    """The hook rendered as cookiecutter renders it, imported as a module."""
    check_keys(answers)
    return matrix.load_hook(name, answers)


# --- Docker ------------------------------------------------------------------------


@pytest.fixture(scope="session")
def engine():
    docker = shutil.which("docker")
    if not docker or subprocess.run([docker, "info"], capture_output=True).returncode:
        unavailable("no Docker engine answers (.ci/docker-engine starts one)")
    if os.environ.get("BASE_IMAGES") == "registry":
        return docker  # the real base images, pulled (the template's GitHub workflow)
    with Path("/tmp/django-docker-template-standins.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one builder at a time across test workers
        ensure()
    return docker


# Swarm mode is engine-wide: `docker swarm init` and `leave` break the embedded DNS of
# bridge-network containers created meanwhile (moby/moby#45144, #51491), so a stack
# another worker starts at that moment cannot resolve its database. Tests marked
# engine_alone hold the engine alone; every other Docker test shares it.
ENGINE_LOCK = Path("/tmp/django-docker-template-engine.lock")


@pytest.fixture(autouse=True)
def engine_turn(request):
    if request.node.get_closest_marker("docker") is None:
        yield
        return
    alone = request.node.get_closest_marker("engine_alone") is not None
    with ENGINE_LOCK.open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX if alone else fcntl.LOCK_SH)
        yield


def docker_cli() -> str:
    """The docker CLI with its Compose and buildx plugins (no engine needed)."""
    docker = shutil.which("docker")
    if not docker or any(
        subprocess.run([docker, plugin, "version"], capture_output=True).returncode
        for plugin in ("compose", "buildx")
    ):
        unavailable(
            "the docker CLI with its compose and buildx plugins is not installed"
            " (.ci/docker-engine installs them)"
        )
    return docker


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


# Redirects are answers, never followed: a site's redirect names its public host, and
# every request of the tests goes to 127.0.0.1.
_opener = urllib.request.build_opener(_NoRedirects)


def get(url: str, host: str | None = None, timeout: float = 5, headers: dict | None = None):
    request = urllib.request.Request(url, headers={**({"Host": host} if host else {}),
                                                   **(headers or {})})  # fmt: skip
    try:
        with _opener.open(request, timeout=timeout) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read(), dict(error.headers)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    # In CI a skipped test is a test that did not run: report it as a failure.
    outcome = yield
    report = outcome.get_result()
    if IN_CI and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, where every test must run: {report.longrepr}"


@pytest.fixture
def registry(tmp_path):
    """A container registry (distribution v2, Debian's docker-registry) on 127.0.0.1."""
    binary = shutil.which("docker-registry")
    if not binary:
        unavailable("no local registry: Debian's docker-registry package is not installed")
    port = free_port()
    config = tmp_path / "registry.yml"
    config.write_text(
        "version: 0.1\n"
        f"storage:\n  filesystem:\n    rootdirectory: {tmp_path / 'storage'}\n"
        f"http:\n  addr: 127.0.0.1:{port}\n"
    )
    log = (tmp_path / "registry.log").open("w")
    server = subprocess.Popen([binary, "serve", config], stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 20
    while True:
        try:
            if get(f"http://127.0.0.1:{port}/v2/")[0] == 200:
                break
        except OSError:
            pass
        if time.monotonic() > deadline or server.poll() is not None:
            pytest.fail(f"the registry did not start: {(tmp_path / 'registry.log').read_text()}")
        time.sleep(0.2)
    yield f"127.0.0.1:{port}"
    server.terminate()
    server.wait(timeout=10)
