"""Build and run generated projects on a real Docker engine, development and production.

Variants: every value of every Docker-relevant option appears at least once, among them
PostgreSQL + Redis + Celery + Caddy and SQLite without a cache. Base images are local
stand-ins (tests/standins), tagged with the public names the project uses.
"""

import base64
import contextlib
import gzip
import json
import os
import subprocess
import tarfile
import time
from pathlib import Path

import pytest
from conftest import free_port, get
from https_site import (
    NAME,
    Site,
    Terminator,
    admin_login,
    caddy_ca,
    edit_env,
    fetch,
    wait_for_tls,
)
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
def test_project_runs_on_docker(engine, bake, combo, tmp_path):
    # Its own slug, so that variants built in parallel never share an image tag.
    result = bake(**combo, project_slug=f"shop{VARIANTS.index(combo)}")
    assert result.exit_code == 0, result.exception
    project = Path(result.project_path)
    name = f"e2e{VARIANTS.index(combo)}"
    values = read_env(project)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    try:
        development(engine, project, name, combo, env)
        production(engine, project, name, combo, env, values, tmp_path)
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


def upload(prod, site, combo: dict) -> str:
    """An avatar, uploaded as its user would (PATCH /api/me/ over HTTPS), or saved through
    the storage where the project has no API; returns its URL."""
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
    status, _, answer = site.fetch("/api/me/", method="PATCH", body=body, headers={
        "Authorization": f"Basic {credentials}",
        "Content-Type": f"multipart/form-data; boundary={boundary}",
    })  # fmt: skip
    assert status == 200, answer[:500]
    return json.loads(answer)["avatar"]


def served(site, url: str, seconds: float = 60):
    """The uploaded file comes back whole, marked as data (never run as a page)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            status, headers, body = site.fetch(url)
        except OSError as error:
            status, headers, body = repr(error), {}, b""
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


def production(docker, project, name, combo, env, values, folder):
    proxy = combo["reverse_proxy"]
    port = free_port()
    image = f"{name}-production"
    # The owner's values: the site's name (resolving to this machine) and, with no
    # proxy, the trust switch the README gives for a TLS terminator in front.
    trust = {"DJANGO_TRUST_X_FORWARDED_PROTO": "true"} if proxy == "none" else {}
    edit_env(project / ".env.production", DJANGO_DOMAIN_NAME=NAME, **trust)
    https_port = free_port()
    prod = Stack(docker, project, f"{name}-production", "compose.production.yaml", env | {
        "BIND_ADDRESS": "127.0.0.1", "WEB_PORT": str(port), "HTTP_PORT": str(port),
        "HTTPS_PORT": str(https_port), "SITE_ADDRESS": NAME, "IMAGE": image,
    })  # fmt: skip
    prod("up", "--build", "--wait")
    with contextlib.ExitStack() as stack:
        if proxy == "caddy":  # Caddy's own certificate for localhost, from its internal CA
            site = Site(https_port, port, caddy_ca(docker, prod, folder))
        else:  # nginx or the application server behind a TLS terminator
            tls = Terminator(docker, f"{name}-tls", folder / "tls", port, free_port(), free_port())
            stack.enter_context(tls)
            site = Site(tls.https_port, tls.http_port, tls.ca)
        wait_for_tls(site.port, site.ca)
        https_checks(prod, site, proxy)
        running(docker, project, prod, site, combo, values, image)


def https_checks(prod, site, proxy):
    """Plain HTTP is sent to HTTPS once; pages answer over HTTPS, with HSTS; an admin
    signs in (CSRF and secure cookies); no redirect loops."""
    status, headers, _ = site.plain("/admin/login/")
    assert status in (301, 308), status
    assert headers["Location"].startswith(f"https://{NAME}"), headers["Location"]
    status, headers, body = site.fetch("/admin/login/")
    assert status == 200, (status, headers.get("Location"), body[:300])
    assert headers["Strict-Transport-Security"].startswith("max-age="), headers
    prod.python(
        "import django; django.setup(); from django.contrib.auth import get_user_model; "
        f"get_user_model().objects.create_superuser('root', password='{PASSWORD}')"
    )
    session = admin_login(site.port, site.ca, "/admin/login/", "root", PASSWORD)
    cookie = {"Cookie": f"sessionid={session['sessionid'].value}"}
    status, _, body = site.fetch("/admin/", headers=cookie)
    assert status == 200 and b"root" in body, (status, body[:300])


def running(docker, project, prod, site, combo, values, image):
    proxy = combo["reverse_proxy"]
    # Through a proxy, /health/ tells only that the application answers; the checks of
    # its dependencies are for the probes on the internal network.
    status, _, body = site.fetch("/health/")
    assert status == 200, body
    if proxy != "none":
        assert json.loads(body) == {"status": "ok"}
    status, body = inner_health(prod)
    assert status == 200 and set(json.loads(body)["checks"].values()) == {"ok"}, body

    prod("exec", "-T", "web", "python", "manage.py", "check", "--deploy", "--fail-level", "WARNING")

    static = prod.python(
        "import django; django.setup(); from django.templatetags.static import static; "
        "print(static('admin/css/base.css'))"
    )
    status, headers, body = site.fetch(static)
    assert status == 200 and b"body" in body
    assert headers["Content-Type"].startswith("text/css")
    if proxy == "caddy":
        assert headers.get("Server") == "Caddy"
    elif proxy == "nginx":  # behind the terminator (whose Server header the client sees)
        status, headers, _ = fetch("http", int(prod.env["HTTP_PORT"]), "/nginx-health")
        assert status == 200 and headers.get("Server", "").startswith("nginx"), headers

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
    avatar = upload(prod, site, combo)
    served(site, avatar)
    prod("restart", "web")
    prod("up", "--wait", "--no-build")
    served(site, avatar)

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
    served(site, avatar)
    new_image = project / "new-image"
    new_image.mkdir()
    (new_image / "Dockerfile").write_text(f"FROM {image}:latest\nLABEL release=2\n")
    subprocess.run([docker, "build", "-q", "-t", f"{image}:v2", new_image], check=True)
    Stack(docker, project, prod.name, prod.file, prod.env | {"TAG": "v2"})("up", "--wait")
    images = json.loads(prod("images", "--format", "json", "web").stdout)
    assert {(i["Repository"], i["Tag"]) for i in images} == {(image, "v2")}
    served(site, avatar)

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
