"""Build and run generated projects on a real Docker engine, development and production.

Variants: every value of every Docker-relevant option appears at least once, among them
PostgreSQL + Redis + Celery + Caddy and SQLite without a cache. Base images are local
stand-ins (tests/standins), tagged with the public names the project uses.
"""

import base64
import gzip
import json
import os
import subprocess
import tarfile
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import free_port, get
from matrix import DEFAULTS, combo_id
from stacks import Stack

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
    # As `make up` runs it: with compose.override.yaml's bind mount.
    dev = Stack(
        docker, project, f"{name}-yaml", "compose.yaml+compose.override.yaml",
        env | user | {"WEB_PORT": str(port)},
    )  # fmt: skip
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


# The smallest valid PNG, and the user who uploads it.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
)
PASSWORD = "correct horse battery"


def upload(prod, base: str, combo: dict) -> str:
    """An avatar, uploaded as its user would (PATCH /api/me/), or saved through the
    storage where the project has no API; returns its URL."""
    prod.python(
        "import django; django.setup(); from django.contrib.auth import get_user_model; "
        f"get_user_model().objects.create_user('ada', password='{PASSWORD}')"
    )
    if not combo["use_drf"]:
        return prod.python(
            "import django; django.setup(); from django.contrib.auth import get_user_model; "
            "from django.core.files.base import ContentFile; "
            "user = get_user_model().objects.get(username='ada'); "
            f"user.avatar.save('ada.png', ContentFile({PNG!r})); print(user.avatar.url)"
        )
    boundary = "----upload-boundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="avatar"; '
            f'filename="ada.png"\r\nContent-Type: image/png\r\n\r\n'
        ).encode()
        + PNG
        + f"\r\n--{boundary}--\r\n".encode()
    )
    credentials = base64.b64encode(f"ada:{PASSWORD}".encode()).decode()
    request = urllib.request.Request(f"{base}/api/me/", data=body, method="PATCH", headers={
        "Host": DOMAIN, "Authorization": f"Basic {credentials}",
        "Content-Type": f"multipart/form-data; boundary={boundary}",
    })  # fmt: skip
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())["avatar"]


def served(base: str, url: str, seconds: float = 60) -> None:
    """The uploaded file comes back whole, marked as data (never run as a page)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            status, body, headers = get(f"{base}{url}", host=DOMAIN)
        except OSError as error:
            status, body, headers = repr(error), b"", {}
        if status == 200 or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert status == 200 and body == PNG, (status, body[:200])
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in headers["Content-Security-Policy"]


def inner_health(prod) -> tuple[int, bytes]:
    """/health/ as a probe inside the network asks it: from the web container itself."""
    out = prod.python(
        "import urllib.request, urllib.error\n"
        "try:\n"
        "    r = urllib.request.urlopen('http://127.0.0.1:8000/health/', timeout=5)\n"
        "    print(r.status, r.read().decode())\n"
        "except urllib.error.HTTPError as e:\n"
        "    print(e.code, e.read().decode())\n",
        check=False,
    )
    status, _, body = out.partition(" ")
    return (int(status) if status.isdigit() else 0), body.encode()


def wait_for(probe, status: int, seconds: float = 60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = probe()
        if result[0] == status:
            return result
        time.sleep(1)
    pytest.fail(f"no {status} within {seconds} s; last: {result}")


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

    # Through a proxy, /health/ tells only that the application answers; the checks of
    # its dependencies are for the probes on the internal network.
    status, body, _ = get(f"{base}/health/", host=DOMAIN)
    assert status == 200, body
    if proxy != "none":
        assert json.loads(body) == {"status": "ok"}
    status, body = inner_health(prod)
    assert status == 200 and set(json.loads(body)["checks"].values()) == {"ok"}, body

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

    # An upload is served by the proxy (or by Django with none), as data.
    avatar = upload(prod, base, combo)
    served(base, avatar)
    prod("restart", "web")
    prod("up", "--wait", "--no-build")
    served(base, avatar)

    # Data and uploads survive down and up (named volumes), and a new image.
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
    served(base, avatar)
    new_image = project / "new-image"
    new_image.mkdir()
    (new_image / "Dockerfile").write_text(f"FROM {image}:latest\nLABEL release=2\n")
    subprocess.run([docker, "build", "-q", "-t", f"{image}:v2", new_image], check=True)
    Stack(docker, project, prod.name, prod.file, prod.env | {"TAG": "v2"})("up", "--wait")
    images = json.loads(prod("images", "--format", "json", "web").stdout)
    assert {(i["Repository"], i["Tag"]) for i in images} == {(image, "v2")}
    served(base, avatar)

    if combo["database"] != "sqlite":
        prod("stop", "db")
        status, body = wait_for(lambda: inner_health(prod), 503)
        assert json.loads(body)["failing"] == ["database"]
        prod("start", "db")
        wait_for(lambda: inner_health(prod), 200, seconds=90)

    started = time.monotonic()
    prod("stop", "web")
    assert time.monotonic() - started < 10
    prod("down", "-v")
