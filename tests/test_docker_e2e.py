"""Build and run generated projects on a real Docker engine, development and production.

Variants: every value of every Docker-relevant option appears at least once, among them
PostgreSQL + Redis + Celery + Caddy and SQLite without a cache. Base images are local
stand-ins (tests/standins), tagged with the public names the project uses.
"""

import gzip
import json
import os
import subprocess
import tarfile
import time
from pathlib import Path

import pytest
from conftest import free_port, get
from matrix import DEFAULTS, combo_id
from stacks import Stack, wait_for_status

pytestmark = pytest.mark.docker

VARIANTS = [
    DEFAULTS,  # slim, 3.13, PostgreSQL 17, Redis, Celery, Gunicorn, uv, Caddy
    DEFAULTS
    | {
        "dockerfile": "distroless",
        "database": "sqlite",
        "cache": "none",
        "task_queue": "none",
        "web_server": "granian",
        "package_manager": "pip",
        "reverse_proxy": "nginx",
        "use_drf": False,
    },
    DEFAULTS
    | {
        "python_version": "3.14",
        "database": "mariadb",
        "cache": "valkey",
        "web_server": "uvicorn",
        "package_manager": "pip",
        "reverse_proxy": "none",
        "use_sentry": False,
    },
    DEFAULTS
    | {
        "dockerfile": "distroless",
        "postgresql_version": "18",
        "cache": "valkey",
        "task_queue": "none",
        "web_server": "uvicorn",
    },
]
DOMAIN = "example.com"
# The development containers run as this (non-root) user, as a developer's would.
HOST_UID = 4242


def process_users(top: str) -> set[str]:
    """The UID column of `compose top` output (one table, or one per container)."""
    users, column = set(), None
    for line in top.splitlines():
        fields = line.split()
        if "UID" in fields:
            column = fields.index("UID")
        elif fields and column is not None and len(fields) > column:
            users.add(fields[column])
    return users


def read_env(project: Path) -> dict:
    lines = (project / ".env").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if "=" in line and not line.startswith("#"))


def secret_in_image(docker: str, image: str, secret: bytes) -> bool:
    """Search every layer of `docker save` output, decompressing gzip layers."""
    save = subprocess.Popen([docker, "save", image], stdout=subprocess.PIPE)
    found = False
    with tarfile.open(fileobj=save.stdout, mode="r|") as archive:
        for member in archive:
            if not member.isfile():
                continue
            data = archive.extractfile(member).read()
            if data[:2] == b"\x1f\x8b":
                data = gzip.decompress(data)
            found = found or secret in data
    save.wait()
    return found


@pytest.mark.parametrize("combo", VARIANTS, ids=combo_id)
def test_project_runs_on_docker(engine, bake, combo):
    # Its own slug, so that variants built in parallel never share an image tag.
    result = bake(**combo, project_slug=f"shop{VARIANTS.index(combo)}")
    assert result.exit_code == 0, result.exception
    project = Path(result.project_path)
    name = f"e2e{VARIANTS.index(combo)}"
    values = read_env(project)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    try:
        development(engine, project, name, combo, env)
        production(engine, project, name, combo, env, values)
    finally:
        for file in ("compose.yaml", "compose.production.yaml"):
            Stack(engine, project, f"{name}-{file.split('.')[1]}", file, env)(
                "down", "-v", check=False
            )


def development(docker, project, name, combo, env):
    os.chown(project, HOST_UID, HOST_UID)
    port = free_port()
    user = {"HOST_UID": str(HOST_UID), "HOST_GID": str(HOST_UID)}
    dev = Stack(
        docker, project, f"{name}-yaml", "compose.yaml", env | user | {"WEB_PORT": str(port)}
    )
    dev("up", "--build", "--wait")

    status, body, _ = get(f"http://127.0.0.1:{port}/health/")
    checks = json.loads(body)["checks"]
    assert status == 200, body
    assert checks["database"] == "ok"
    assert ("cache" in checks) == (combo["cache"] != "none")

    tests = dev("exec", "-T", "web", "pytest", "-q", "-p", "no:cacheprovider")
    assert " passed" in tests.stdout and "failed" not in tests.stdout

    dev("exec", "-T", "web", "python", "-c", "open('/app/made-in-container', 'w').close()")
    assert (project / "made-in-container").stat().st_uid == HOST_UID
    dev("down", "-v")


def production(docker, project, name, combo, env, values):
    proxy = combo["reverse_proxy"]
    port = free_port()
    image = f"{name}-production"
    prod = Stack(docker, project, f"{name}-production", "compose.production.yaml", env | {
        "BIND_ADDRESS": "127.0.0.1", "WEB_PORT": str(port), "HTTP_PORT": str(port),
        "HTTPS_PORT": str(free_port()), "SITE_ADDRESS": ":80", "IMAGE": image,
        # Plain HTTP in the test: TLS would need a certificate from the internet.
        "DJANGO_SECURE_SSL_REDIRECT": "false", "DJANGO_DOMAIN_NAME": DOMAIN,
    })  # fmt: skip
    prod("up", "--build", "--wait")
    base = f"http://127.0.0.1:{port}"

    status, body, _ = get(f"{base}/health/", host=DOMAIN)
    assert status == 200, body
    assert json.loads(body)["status"] == "ok"

    # With the HTTPS redirect the stack has outside this test.
    prod("exec", "-T", "-e", "DJANGO_SECURE_SSL_REDIRECT=true", "web",
         "python", "manage.py", "check", "--deploy", "--fail-level", "WARNING")  # fmt: skip

    static = prod.python(
        "import django; django.setup(); from django.templatetags.static import static; "
        "print(static('admin/css/base.css'))"
    )
    status, body, headers = get(f"{base}{static}", host=DOMAIN)
    assert status == 200 and b"body" in body
    assert headers["Content-Type"].startswith("text/css")
    if proxy == "caddy":
        assert headers.get("Server") == "Caddy"
    elif proxy == "nginx":
        assert headers.get("Server", "").startswith("nginx")

    # Every process in the web container runs as the image's non-root user.
    top = prod("top", "web").stdout
    users = process_users(top)
    assert users and not users & {"root", "0"}, top
    assert prod.python("import os; print(os.getuid())") != "0"

    for secret in (
        values["DJANGO_SECRET_KEY"],
        (project / ".secrets/django_secret_key").read_text(),
    ):
        assert not secret_in_image(docker, f"{image}:latest", secret.encode())

    # Data survives down and up (named volumes).
    prod.python(
        "import django; django.setup(); from django.contrib.auth import get_user_model; "
        "get_user_model().objects.create_user('persisted')"
    )
    prod("down")
    prod("up", "--wait")
    assert (
        prod.python(
            "import django; django.setup(); from django.contrib.auth import get_user_model; "
            "print(get_user_model().objects.filter(username='persisted').exists())"
        )
        == "True"
    )

    if combo["database"] != "sqlite":
        prod("stop", "db")
        status, body, _ = wait_for_status(f"{base}/health/", 503, host=DOMAIN)
        assert json.loads(body)["failing"] == ["database"]
        prod("start", "db")
        wait_for_status(f"{base}/health/", 200, host=DOMAIN, seconds=90)

    started = time.monotonic()
    prod("stop", "web")
    assert time.monotonic() - started < 10
    prod("down", "-v")
