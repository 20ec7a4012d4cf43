"""The generated README and docs/ are the test: their shell blocks run as written.

Every fenced `sh` block of a project's README.md and docs/*.md is either in RUN, which
the end-to-end test runs exactly as written, in that order, on the real engine, or in
ELSEWHERE / CANNOT_RUN with the reason. A block that is in none of them fails the
inventory test, so a new block in the documents is a decision, never an oversight.

The only changes the test makes are an owner's own: values in `.env` (ports on
127.0.0.1, the site's name, IMAGE in a registry on 127.0.0.1) and `.env.production`
(the site's name). A block is named by its document and its first command line.
"""

import os
import re
import subprocess
import time
from pathlib import Path

import pytest
from conftest import free_port, get
from https_site import NAME, caddy_ca, edit_env, fetch, wait_for_tls
from matrix import DEFAULTS, combo_id
from stacks import Stack

# Run by the end-to-end test below, in this order.
RUN = [
    ("README.md", "make env"),
    ("docs/production.md", "docker compose -f compose.production.yaml up --build --wait"),
    ("docs/backups.md", "make backup"),
    ("docs/images.md", "TAGS=1.0.0 make push"),
]
# Run by the Swarm test below: it holds the engine alone (Swarm mode is engine-wide).
RUN_ON_SWARM = [("docs/swarm.md", "set -a; . ./.env; set +a")]
# Run as written by another test, which says how.
ELSEWHERE = {
    ("docs/kubernetes.md", "kubectl create namespace"): "test_kubernetes.py, kubectl's "
    "client-side dry run (no cluster can run here)",
    ("docs/kubernetes.md", "kubectl -n"): "test_kubernetes.py, as above",
    ("docs/updating.md", "cruft update -y"): "test_template_update.py runs its cruft "
    "command against a template checkout with a later commit",
    ("docs/swarm.md", 'docker exec "$(docker ps -q -f'): "test_swarm_cluster_e2e.py, on the "
    "database's node of a three-node cluster",
}
# Not run here, and why.
CANNOT_RUN = {
    ("docs/images.md", "docker login"): "asks for the credentials of a public registry",
    ("docs/swarm.md", "docker service scale"): "day-to-day commands on a running Swarm, and "
    "`logs -f` follows forever",
    ("docs/swarm.md", "docker swarm init --advertise-addr MANAGER_IP"): "needs three hosts; "
    "test_swarm_cluster_e2e.py builds such a cluster from Docker-in-Docker nodes",
    ("docs/without-docker.md", "uv sync"): "test_generated_suites.py installs and tests "
    "projects this way, against the CI's own database servers",
    ("docs/without-docker.md", "python3.13 -m venv .venv"): "as above, with pip",
    ("docs/without-docker.md", "uv run python manage.py migrate"): "starts servers that run "
    "until stopped, against database servers of your own",
    ("docs/without-docker.md", ".venv/bin/python manage.py migrate"): "as above, with pip",
    ("docs/without-docker.md", "python manage.py migrate --noinput"): "the production "
    "commands outside a container: the image runs them (the production stack above)",
    ("docs/without-docker.md", "uv run pytest"): "test_generated_suites.py runs the suite, "
    "ruff and the Django checks of each project",
    ("docs/without-docker.md", ".venv/bin/pytest"): "as above, with pip",
}
DOCUMENTS = ["README.md", *(f"docs/{name}" for name in (
    "production.md", "backups.md", "images.md", "swarm.md", "kubernetes.md", "updating.md",
    "without-docker.md",
))]  # fmt: skip
BLOCK = re.compile(r"^```sh\n(.*?)^```", re.MULTILINE | re.DOTALL)

RENDERS = [
    DEFAULTS,  # PostgreSQL, Redis, Celery, Gunicorn, Caddy, uploads in a volume
    DEFAULTS | {"database": "sqlite", "cache": "none", "task_queue": "none", "use_drf": False,
                "reverse_proxy": "none", "deploy_swarm": False, "ci_provider": "none"},
    DEFAULTS | {"database": "mariadb", "cache": "valkey", "web_server": "granian",
                "package_manager": "pip", "reverse_proxy": "nginx"},
    DEFAULTS | {"web_server": "uvicorn", "media_storage": "s3", "dockerfile": "distroless",
                "deploy_kubernetes": True, "ci_provider": "gitlab",
                "container_registry": "gitlab"},
]  # fmt: skip


def first_line(block: str) -> str:
    """The block's first command, without its comment."""
    line = next(line for line in block.splitlines() if line and not line.startswith("#"))
    return re.sub(r"\s+# .*$", "", line)


def blocks(project: Path) -> list[tuple[tuple[str, str], str]]:
    """((document, first command line), block) of every shell block, in reading order."""
    found = []
    for document in DOCUMENTS:
        if (project / document).exists():
            for block in BLOCK.findall((project / document).read_text()):
                found.append(((document, first_line(block)), block))
    return found


def known(key: tuple[str, str]) -> bool:
    return key in RUN or key in RUN_ON_SWARM or any(key[0] == doc and key[1].startswith(line)
                             for doc, line in (*ELSEWHERE, *CANNOT_RUN))  # fmt: skip


@pytest.mark.parametrize("combo", RENDERS, ids=combo_id)
def test_every_block_is_run_or_has_a_reason(bake, combo):
    result = bake(**combo)
    assert result.exit_code == 0, result.exception
    found = blocks(Path(result.project_path))
    unknown = [key for key, _ in found if not known(key)]
    assert not unknown, f"blocks neither run nor explained: {unknown}"
    run = [key for key, _ in found if key in RUN]
    assert run == [key for key in RUN if key in run], "RUN's order is not the documents' order"
    assert set(RUN) <= {key for key, _ in found}, set(RUN) - {key for key, _ in found}


def shell(project: Path, block: str, env: dict, timeout=1200) -> str:
    """One block, as written, in the project folder, as bash runs it with -e."""
    result = subprocess.run(["bash", "-euo", "pipefail", "-c", block], cwd=project, env=env,
                            capture_output=True, text=True, timeout=timeout)  # fmt: skip
    assert result.returncode == 0, f"{block}\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    return result.stdout


@pytest.mark.docker
@pytest.mark.parametrize("combo", RENDERS, ids=combo_id)
def test_the_documented_path_runs_as_written(engine, bake, registry, combo, tmp_path):
    slug = f"owner{RENDERS.index(combo)}"
    result = bake(**combo, project_slug=slug)
    assert result.exit_code == 0, result.exception
    project = Path(result.project_path)
    proxy = combo["reverse_proxy"]
    ports = {name: str(free_port()) for name in ("WEB_PORT", "HTTP_PORT", "HTTPS_PORT")}
    # The owner's values: this machine's loopback, a site named localhost, the registry.
    edit_env(project / ".env", BIND_ADDRESS="127.0.0.1", SITE_ADDRESS=NAME,
             IMAGE=f"{registry}/owner/{slug}", **ports)  # fmt: skip
    edit_env(project / ".env.production", DJANGO_DOMAIN_NAME=NAME)
    if combo["media_storage"] == "s3":  # the bucket's keys: the owner's to fill in
        for key in ("storage_access_key_id", "storage_secret_access_key"):
            (project / ".secrets" / key).write_text("not-used-by-this-test\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    documented = dict(blocks(project))
    production = Stack(engine, project, slug.replace("_", "-"), "compose.production.yaml", env)
    development = Stack(engine, project, f"{slug}-dev", "compose.yaml", env)
    try:
        # README's quick start: the development stack, up and tested.
        shell(project, documented[RUN[0]], env)
        status, body, _ = get(f"http://127.0.0.1:{ports['WEB_PORT']}/health/")
        assert status == 200, body
        development("down", "-v")

        # docs/production.md: the production stack; the site answers as its visitors see it.
        shell(project, documented[RUN[1]], env)
        if proxy == "caddy":
            site_ca = caddy_ca(engine, production, tmp_path)
            wait_for_tls(int(ports["HTTPS_PORT"]), site_ca)
            status, headers, body = fetch("https", int(ports["HTTPS_PORT"]), "/", site_ca)
            assert status == 200 and "Strict-Transport-Security" in headers, (status, body)
        else:
            port = int(ports["HTTP_PORT" if proxy == "nginx" else "WEB_PORT"])
            assert fetch("http", port, "/health/")[0] == 200
        production.python(
            "import django; django.setup(); from django.contrib.auth import get_user_model; "
            "get_user_model().objects.create_user('kept')"
        )

        # docs/backups.md: backed up, the host lost, the newest backup put back.
        shell(project, documented[RUN[2]], env)
        kept = production.python(
            "import django; django.setup(); from django.contrib.auth import get_user_model; "
            "print(get_user_model().objects.filter(username='kept').exists())"
        )
        assert kept == "True"

        # docs/images.md: the release image, pushed to the registry IMAGE names.
        shell(project, documented[RUN[3]], env)
        status, body, _ = get(f"http://{registry}/v2/owner/{slug}/tags/list")
        assert status == 200 and b'"1.0.0"' in body, body
    finally:
        production("down", "-v", check=False)
        development("down", "-v", check=False)


def swarm_containers(app: str, *filters: str) -> list[str]:
    args = [f"label=com.docker.stack.namespace={app}", *filters]
    out = subprocess.run(["docker", "ps", "-q", *(a for f in args for a in ("--filter", f))],
                         capture_output=True, text=True, check=True).stdout  # fmt: skip
    return out.split()


def leave_the_swarm(app: str) -> None:
    subprocess.run(["docker", "stack", "rm", app], capture_output=True)
    deadline = time.monotonic() + 120
    while swarm_containers(app, "status=running") and time.monotonic() < deadline:
        time.sleep(1)
    subprocess.run(["docker", "swarm", "leave", "--force"], capture_output=True)
    volumes = subprocess.run(["docker", "volume", "ls", "-q", "--filter",
                              f"label=com.docker.stack.namespace={app}"],
                             capture_output=True, text=True).stdout.split()  # fmt: skip
    if volumes:
        subprocess.run(["docker", "volume", "rm", *volumes], capture_output=True)


@pytest.mark.docker
@pytest.mark.engine_alone
def test_the_swarm_quick_start_runs_as_written(engine, bake, registry, tmp_path):
    """docs/swarm.md's first block on this machine: the image pushed, a one-node swarm,
    its labels and uploads folder, the stack deployed; the site answers over HTTPS."""
    slug = "swarmowner"
    result = bake(**DEFAULTS, project_slug=slug)
    assert result.exit_code == 0, result.exception
    project = Path(result.project_path)
    ports = {name: str(free_port()) for name in ("HTTP_PORT", "HTTPS_PORT")}
    # The owner's values; ENDPOINT_MODE=dnsrr as the document says for a kernel without
    # IPVS, which this one lacks.
    edit_env(project / ".env", SITE_ADDRESS=NAME, IMAGE=f"{registry}/owner/{slug}", TAG="1.0.0",
             ENDPOINT_MODE="dnsrr", MEDIA_PATH=str(tmp_path / "media"), **ports)  # fmt: skip
    edit_env(project / ".env.production", DJANGO_DOMAIN_NAME=NAME)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    documented = dict(blocks(project))
    leave_the_swarm(slug)
    try:
        shell(project, documented[RUN_ON_SWARM[0]], env, timeout=900)
        (proxy,) = swarm_containers(slug, "label=com.docker.swarm.service.name=swarmowner_proxy")
        ca = tmp_path / "root.crt"
        source = f"{proxy}:/data/caddy/pki/authorities/local/root.crt"
        deadline = time.monotonic() + 60
        while subprocess.run(["docker", "cp", source, str(ca)], capture_output=True).returncode:
            assert time.monotonic() < deadline, "Caddy made no internal CA"
            time.sleep(1)
        wait_for_tls(int(ports["HTTPS_PORT"]), ca, seconds=120)
        status, headers, body = fetch("https", int(ports["HTTPS_PORT"]), "/", ca)
        assert status == 200 and "Strict-Transport-Security" in headers, (status, body[:300])
        assert (tmp_path / "media").stat().st_uid == 10001  # the folder the block made
    finally:
        leave_the_swarm(slug)
