"""Publish a generated project's image to a real registry, pull it back and run it.

The registry is distribution v2 (Debian's docker-registry package) on 127.0.0.1. The
image is built and pushed by the generated pipeline's own bake target and variables
(IMAGE, TAGS, REVISION); then every local copy is deleted, the image is pulled back
and the production Compose stack runs it: /health/ answers 200.
"""

import json
import os
import subprocess

import pytest
import yaml
from conftest import free_port, get
from matrix import DEFAULTS
from stacks import Stack

pytestmark = pytest.mark.docker

SLUG = "pub0"
TAGS = ["main", "sha-0123abc", "latest"]
REVISION = "0123abc4567def89012345678abcdef012345678"
DOMAIN = "example.com"


def docker(engine, *args, **kwargs):
    result = subprocess.run([engine, *args], capture_output=True, text=True, **kwargs)
    assert result.returncode == 0, f"docker {args}:\n{result.stdout[-3000:]}{result.stderr[-3000:]}"
    return result.stdout


def test_image_published_to_a_registry_runs_from_it(engine, bake, registry):
    result = bake(**DEFAULTS, project_slug=SLUG, registry_namespace="acme")
    assert result.exit_code == 0, result.exception
    project = result.project_path
    workflow = yaml.safe_load((project / ".github/workflows/ci.yml").read_text())
    steps = workflow["jobs"]["image"]["steps"]
    (build,) = [s for s in steps if s.get("uses", "").startswith("docker/bake-action@")]
    target = build["with"]["targets"]

    image = f"{registry}/acme/{SLUG}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    publish = env | {"IMAGE": image, "TAGS": ",".join(TAGS), "REVISION": REVISION}
    try:
        # The pipeline's target and variables. Two things this engine cannot do are
        # turned off: arm64 (the stand-in base images are amd64 only) and attestations
        # (the classic image store's docker driver has none; CI's builder does).
        docker(engine, "buildx", "bake", target, "--push",
               "--set", f"{target}.platform=linux/amd64", "--provenance=false", "--sbom=false",
               cwd=project, env=publish)  # fmt: skip
        status, body, _ = get(f"http://{registry}/v2/acme/{SLUG}/tags/list")
        assert status == 200 and sorted(json.loads(body)["tags"]) == sorted(TAGS)

        docker(engine, "image", "rm", *(f"{image}:{tag}" for tag in TAGS))
        assert subprocess.run([engine, "image", "inspect", f"{image}:main"],
                              capture_output=True).returncode != 0  # fmt: skip
        docker(engine, "pull", f"{image}:sha-0123abc")
        inspected = json.loads(docker(engine, "image", "inspect", f"{image}:sha-0123abc"))[0]
        assert inspected["Config"]["Labels"]["org.opencontainers.image.revision"] == REVISION
        assert f"SENTRY_RELEASE={REVISION}" in inspected["Config"]["Env"]

        port = free_port()
        prod = Stack(engine, project, "publish", "compose.production.yaml", env | {
            "IMAGE": image, "TAG": "sha-0123abc", "BIND_ADDRESS": "127.0.0.1",
            "HTTP_PORT": str(port), "HTTPS_PORT": str(free_port()), "SITE_ADDRESS": ":80",
        })  # fmt: skip
        prod("up", "--no-build", "--wait")
        status, body, _ = get(f"http://127.0.0.1:{port}/health/", host=DOMAIN)
        assert status == 200, body
        assert json.loads(body)["status"] == "ok"
        running = prod("images", "--format", "json").stdout
        assert f"{image}" in running and "sha-0123abc" in running
    finally:
        subprocess.run([engine, "compose", "-p", "publish", "-f", "compose.production.yaml",
                        "down", "-v"], cwd=project, env=env, capture_output=True)  # fmt: skip
        subprocess.run([engine, "image", "rm", *(f"{image}:{t}" for t in TAGS)],
                       capture_output=True)  # fmt: skip
