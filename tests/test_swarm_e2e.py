"""Deploy the generated stack on a single-node Swarm; roll an update; roll back a bad one.

This kernel has no IPVS, so the routing mesh and service VIPs do not answer: the stack
runs with ENDPOINT_MODE=dnsrr behind its proxy, which publishes in host mode (the
stack's documented setting for such hosts). All traffic goes to 127.0.0.1.
"""

import os
import time
from pathlib import Path

import pytest
from conftest import free_port, get
from loops import Load, sh, wait_until
from matrix import DEFAULTS

pytestmark = [pytest.mark.docker, pytest.mark.engine_alone]

DOMAIN = "example.com"
SLUG = "swarmshop"
# The production image's user (slim), who writes uploads.
APP_UID = 10001


def running_images(service: str) -> list[str]:
    out = sh("docker", "service", "ps", service, "--filter", "desired-state=running",
             "--format", "{{.Image}}")  # fmt: skip
    return out.splitlines()


@pytest.fixture
def swarm(engine):
    if sh("docker", "info", "--format", "{{.Swarm.LocalNodeState}}") != "active":
        sh("docker", "swarm", "init", "--advertise-addr", "127.0.0.1")
    node = sh("docker", "info", "--format", "{{.Swarm.NodeID}}")
    sh("docker", "node", "update", "--label-add", f"{SLUG}.db=true", node)
    # Uploads: a folder on this node, the application's user's (the stack's MEDIA_PATH).
    sh("docker", "node", "update", "--label-add", f"{SLUG}.media=true", node)
    yield
    sh("docker", "swarm", "leave", "--force", check=False)


def test_rolling_update_without_failures_and_automatic_rollback(swarm, bake, tmp_path):
    result = bake(**DEFAULTS, project_slug=SLUG)
    assert result.exit_code == 0, result.exception
    project = Path(result.project_path)
    image = f"{SLUG}-swarm"
    sh("docker", "build", "--target", "production", "-t", f"{image}:v1", ".", cwd=project)
    # v2: another image with the same code; broken: its healthcheck always fails.
    (tmp_path / "v2").mkdir()
    (tmp_path / "v2" / "Dockerfile").write_text(f"FROM {image}:v1\nLABEL version=2\n")
    sh("docker", "build", "-t", f"{image}:v2", tmp_path / "v2")
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "probe.py").write_text("raise SystemExit(1)\n")
    (tmp_path / "broken" / "Dockerfile").write_text(
        f"FROM {image}:v2\nCOPY probe.py /app/{SLUG}/core/probe.py\n"
    )
    sh("docker", "build", "-t", f"{image}:broken", tmp_path / "broken")

    port = free_port()
    media = tmp_path / "media"
    media.mkdir()
    os.chown(media, APP_UID, APP_UID)
    env = {
        "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "IMAGE": image, "TAG": "v1", "ENDPOINT_MODE": "dnsrr", "HTTP_PORT": str(port),
        "HTTPS_PORT": str(free_port()), "SITE_ADDRESS": ":80",
        "MEDIA_PATH": str(media),
    }  # fmt: skip
    # On one node the encrypted overlay works (nothing leaves the host): keep it on.
    deploy = ["docker", "stack", "deploy", "--detach=true", "-c", "deploy/swarm/stack.yaml",
              "-c", "deploy/swarm/encrypted.yaml", SLUG]  # fmt: skip
    remove_stack()
    try:
        sh(*deploy, cwd=project, env=env, timeout=120)
        url = f"http://127.0.0.1:{port}/health/"
        wait_until(lambda: _status(url) == 200, 180, "/health/ through the proxy")
        assert len(running_images(f"{SLUG}_web")) >= 2

        with Load(url, host=DOMAIN) as load:
            sh(*deploy, cwd=project, env=env | {"TAG": "v2"}, timeout=120)
            wait_until(
                lambda: running_images(f"{SLUG}_web") == [f"{image}:v2"] * 2, 180, "web on v2"
            )
            time.sleep(3)
        print(f"rolling update: {load.sent} requests, {len(load.failures)} failed")
        assert load.sent > 50
        assert not load.failures, load.failures[:10]

        with Load(url, host=DOMAIN) as load:
            started = time.monotonic()
            sh(
                "docker",
                "service",
                "update",
                "--detach",
                "--image",
                f"{image}:broken",
                f"{SLUG}_web",
            )
            wait_until(
                lambda: _update_state(f"{SLUG}_web") == "rollback_completed",
                300,
                "Swarm to roll the broken update back",
            )
            rollback_seconds = time.monotonic() - started
        print(
            f"rollback: {rollback_seconds:.0f} s, {load.sent} requests, {len(load.failures)} failed"
        )
        assert running_images(f"{SLUG}_web") == [f"{image}:v2"] * 2
        assert not load.failures, load.failures[:10]
        assert _status(url) == 200
    finally:
        remove_stack()


def remove_stack():
    """The stack and its volumes (`stack rm` keeps volumes, which hold old secrets)."""
    sh("docker", "stack", "rm", SLUG, check=False)
    label = f"label=com.docker.stack.namespace={SLUG}"
    wait_until(lambda: not sh("docker", "ps", "-aq", "--filter", label), 120, "the stack to go")
    for volume in sh("docker", "volume", "ls", "-q", "--filter", label).split():
        sh("docker", "volume", "rm", volume, check=False)


def _status(url: str):
    try:
        return get(url, host=DOMAIN)[0]
    except OSError:
        return None


def _update_state(service: str) -> str:
    return sh(
        "docker",
        "service",
        "inspect",
        service,
        "--format",
        "{{if .UpdateStatus}}{{.UpdateStatus.State}}{{end}}",
    )
