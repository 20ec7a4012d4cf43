"""The Swarm stack on a cluster of three engines: placement, discovery, drain, rolling
update and rollback, node loss; for the default answers and for MariaDB with Valkey.

Topology: three managers (losing one keeps the raft quorum), each an engine in a
privileged container of the `docker:29-dind` stand-in, on a bridge network of their
own, a new cluster for each answer set. Images reach them by `docker save | docker load`;
the release images derived from the first (a new tag, a broken one) are built on each
node. Every node is labelled to hold
uploads: the media folder is one host folder bind-mounted into the three of them, as a
shared filesystem would be; node 1 alone is labelled for the database and cache. Each
node's port 80 (the stack's proxy, published in host mode) is published on the host's
127.0.0.1 only: every request of this test goes there, in bounded loops.

The overlay network is not encrypted here: this kernel lacks IPsec ESP, so encrypted
overlays carry nothing between nodes (deploy/swarm/encrypted.yaml, which production
uses, is left out; the single-node test keeps it).
Which replica answers is read from the web service's access log: each request carries
a marker, and `docker service logs` names the task and node of every line.
"""

import io
import os
import subprocess
import tarfile
import time
import uuid
from pathlib import Path

import pytest
import yaml
from conftest import free_port, get
from loops import Load, sh, wait_until
from matrix import DEFAULTS, combo_id
from standins.build import ensure

pytestmark = [pytest.mark.docker, pytest.mark.engine_alone]

NODES = ["node1", "node2", "node3"]
SLUG = "clustershop"
APP_UID = 10001
DOMAIN = "example.com"
# What a TLS terminator in front of the proxies adds, and where it connects from.
FROM_TLS = {"X-Forwarded-Proto": "https"}
TERMINATOR = "127.0.0.0/8 10.0.0.0/8 172.16.0.0/12 192.168.0.0/16"
VARIANTS = [DEFAULTS, DEFAULTS | {"database": "mariadb", "cache": "valkey"}]
# The services pinned to the node labelled for the database.
ON_DATABASE_NODE = {"db", "cache"}


def on(node: str, *args, **kwargs) -> str:
    """A docker command run by the engine of NODE."""
    return sh("docker", "exec", f"{SLUG}-{node}", "docker", *args, **kwargs)


def marked_load(port: int, marker: str) -> Load:
    """Requests through one node's proxy, each marked to be found in the access log."""
    return Load(lambda n: f"http://127.0.0.1:{port}/?probe={marker}-{n}", host=DOMAIN,
                headers=FROM_TLS)  # fmt: skip


def ok(port: int) -> bool:
    try:
        return get(f"http://127.0.0.1:{port}/", DOMAIN, 5, FROM_TLS)[0] == 200
    except OSError:
        return False


def web_nodes() -> dict[str, str]:
    """Running web task -> the node it runs on."""
    out = on("node1", "service", "ps", f"{SLUG}_web", "--filter", "desired-state=running",
             "--format", "{{.Name}}.{{.ID}} {{.Node}} {{.CurrentState}}")  # fmt: skip
    return {line.split()[0]: line.split()[1] for line in out.splitlines() if "Running" in line}


def web_containers(node: str, *filters: str) -> list[str]:
    """The stack's web containers on NODE that pass FILTERS; none when NODE is down."""
    listing = subprocess.run(
        ["docker", "exec", f"{SLUG}-{node}", "docker", "ps", "-q", *filters,
         "--filter", f"label=com.docker.swarm.service.name={SLUG}_web"],
        capture_output=True, text=True,
    )  # fmt: skip
    return listing.stdout.split() if listing.returncode == 0 else []


def healthy_web_tasks() -> int:
    """Web containers whose healthcheck passes, on every node still up."""
    return sum(len(web_containers(node, "--filter", "health=healthy")) for node in NODES)


def answering_nodes(marker: str) -> set[str]:
    """The nodes whose web tasks logged a request carrying MARKER."""
    logs = on("node1", "service", "logs", "--no-trunc", f"{SLUG}_web", timeout=120)
    return {line.split("@", 1)[1].split()[0] for line in logs.splitlines()
            if f"probe={marker}-" in line and "@" in line}  # fmt: skip


@pytest.fixture
def cluster(engine, tmp_path_factory):
    """Three managers in containers; yields {node: host port of its proxy}."""
    ensure(["docker:29-dind"])
    if sh("docker", "info", "--format", "{{.Swarm.LocalNodeState}}") == "active":
        pytest.fail("the host engine is in a swarm: this test would not leave it as it was")
    media = tmp_path_factory.mktemp("media")
    os.chown(media, APP_UID, APP_UID)
    network = f"{SLUG}-net"
    ports = {node: free_port() for node in NODES}
    cleanup()
    try:
        sh("docker", "network", "create", network)
        for node in NODES:
            sh("docker", "run", "-d", "--privileged", "--name", f"{SLUG}-{node}",
               "--hostname", node, "--network", network,
               "-p", f"127.0.0.1:{ports[node]}:80", "-v", f"{media}:/srv/{SLUG}/media",
               "docker:29-dind", "--storage-driver=overlay2")  # fmt: skip
        for node in NODES:
            wait_until(lambda n=node: subprocess.run(
                ["docker", "exec", f"{SLUG}-{n}", "docker", "info"], capture_output=True
            ).returncode == 0, 60, f"{node}'s engine")  # fmt: skip
        address = {n: sh("docker", "inspect", "-f",
                         f'{{{{(index .NetworkSettings.Networks "{network}").IPAddress}}}}',
                         f"{SLUG}-{n}") for n in NODES}  # fmt: skip
        on("node1", "swarm", "init", "--advertise-addr", address["node1"])
        token = on("node1", "swarm", "join-token", "-q", "manager")
        for node in NODES[1:]:
            on(node, "swarm", "join", "--token", token, "--advertise-addr", address[node],
               f"{address['node1']}:2377")  # fmt: skip
        on("node1", "node", "update", "--label-add", f"{SLUG}.db=true", "node1")
        for node in NODES:
            on("node1", "node", "update", "--label-add", f"{SLUG}.media=true", node)
        yield ports
    finally:
        cleanup()


def cleanup():
    for node in NODES:
        subprocess.run(["docker", "rm", "-f", "-v", f"{SLUG}-{node}"], capture_output=True)
    subprocess.run(["docker", "network", "rm", f"{SLUG}-net"], capture_output=True)


def load_images(images: dict[str, list[str]]) -> None:
    """image -> the nodes that need it, through docker save and load."""
    for image, nodes in images.items():
        for node in nodes:
            save = subprocess.Popen(["docker", "save", image], stdout=subprocess.PIPE)
            subprocess.run(["docker", "exec", "-i", f"{SLUG}-{node}", "docker", "load", "-q"],
                           stdin=save.stdout, check=True, capture_output=True)  # fmt: skip
            save.wait()


def build_on_nodes(tag: str, files: dict[str, str]) -> None:
    """An image built by every node's engine from FILES (its context, Dockerfile included)."""
    context = io.BytesIO()
    with tarfile.open(fileobj=context, mode="w") as tar:
        for name, text in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(text.encode())
            tar.addfile(info, io.BytesIO(text.encode()))
    for node in NODES:
        built = subprocess.run(["docker", "exec", "-i", f"{SLUG}-{node}", "docker", "build",
                                "-q", "-t", tag, "-"], input=context.getvalue(),
                               capture_output=True)  # fmt: skip
        assert built.returncode == 0, f"{tag} on {node}: {built.stderr.decode()[-2000:]}"


def in_web(code: str) -> str:
    """Python run in a web container of the stack (Django set up), on a node still up."""
    for node in NODES:
        if container := web_containers(node):
            return on(node, "exec", container[0], "python", "-c",
                      f"import django; django.setup(); {code}")  # fmt: skip
    pytest.fail("no web container on any node")


def update_state() -> str:
    return on("node1", "service", "inspect", f"{SLUG}_web", "--format",
              "{{if .UpdateStatus}}{{.UpdateStatus.State}}{{end}}")  # fmt: skip


def web_images() -> list[str]:
    return sorted(set(on("node1", "service", "ps", f"{SLUG}_web", "--filter",
                         "desired-state=running", "--format", "{{.Image}}").split()))  # fmt: skip


@pytest.mark.parametrize("combo", VARIANTS, ids=combo_id)
def test_the_stack_spreads_drains_and_survives_a_node(cluster, bake, combo):
    result = bake(**combo, project_slug=SLUG)
    assert result.exit_code == 0, result.exception
    project = Path(result.project_path)
    image = f"{SLUG}-cluster"
    sh("docker", "build", "-q", "--target", "production", "-t", f"{image}:v1", ".", cwd=project)
    services = yaml.safe_load((project / "deploy/swarm/stack.yaml").read_text())["services"]
    images = {f"{image}:v1": NODES}
    for name, service in services.items():
        if "${" not in service["image"]:
            images[service["image"]] = ["node1"] if name in ON_DATABASE_NODE else NODES
    started = time.monotonic()
    load_images(images)
    # v2: the same code under a new tag; broken: a release whose health check fails.
    build_on_nodes(f"{image}:v2", {"Dockerfile": f"FROM {image}:v1\nLABEL version=2\n"})
    build_on_nodes(f"{image}:broken", {
        "Dockerfile": f"FROM {image}:v2\nCOPY probe.py /app/{SLUG}/core/probe.py\n",
        "probe.py": "raise SystemExit(1)\n",
    })  # fmt: skip
    print(f"images into the nodes: {time.monotonic() - started:.0f} s")

    sh("docker", "cp", project, f"{SLUG}-node1:/{SLUG}")
    # Caddy on plain HTTP behind a TLS terminator (here the test itself, reaching the
    # nodes through Docker's networks), whose X-Forwarded-Proto it keeps: the README's
    # switches for that set-up.
    settings = [f"IMAGE={image}", "ENDPOINT_MODE=dnsrr", "WEB_REPLICAS=3", "SITE_ADDRESS=:80",
                f"TRUSTED_PROXIES={TERMINATOR}"]  # fmt: skip

    def deploy(tag: str):
        sh("docker", "exec", "-w", f"/{SLUG}", f"{SLUG}-node1", "env", *settings, f"TAG={tag}",
           "docker", "stack", "deploy", "--detach=true", "-c", "deploy/swarm/stack.yaml", SLUG,
           timeout=180)  # fmt: skip

    deploy("v1")
    for node, port in cluster.items():
        wait_until(lambda p=port: ok(p), 300, f"the proxy on {node}")
    wait_until(lambda: healthy_web_tasks() == 3, 300, "three healthy web tasks")
    time.sleep(3)  # the proxies look "web" up again every two seconds

    # Placement: web spread over the nodes, the database on the labelled node only.
    tasks = web_nodes()
    assert len(tasks) == 3 and len(set(tasks.values())) >= 2, tasks
    db = on("node1", "service", "ps", f"{SLUG}_db", "--filter", "desired-state=running",
            "--format", "{{.Node}}").split()  # fmt: skip
    assert db == ["node1"], db
    # Discovery across hosts: the web tasks on the other nodes are healthy, and their
    # health checks the database and the cache, which run on node 1.
    for node in NODES[1:]:
        healthy = web_containers(node, "--filter", "health=healthy")
        assert healthy or node not in tasks.values(), f"no healthy web task on {node}"

    # Each node's proxy is answered by replicas on different nodes, once discovery (the
    # overlay's gossip of task addresses) has reached it: how long that took is reported.
    deployed = time.monotonic()
    for node, port in cluster.items():
        answered: set[str] = set()
        while len(answered) < 2 and time.monotonic() - deployed < 120:
            marker = f"spread-{node}-{uuid.uuid4().hex[:6]}"
            with marked_load(port, marker) as load:
                time.sleep(5)
            assert not load.failures, load.failures[:5]
            for _ in range(10):  # the other nodes' lines reach the log with a delay
                answered = answering_nodes(marker)
                if len(answered) >= 2:
                    break
                time.sleep(1)
        print(
            f"requests through {node}'s proxy answered on {sorted(answered)}, "
            f"{time.monotonic() - deployed:.0f} s after the web tasks were healthy"
        )
        assert len(answered) >= 2, answered

    # Drain a node that runs web tasks (not node 1, whose proxy carries the load).
    victim = next(n for n in ("node3", "node2") if n in tasks.values())
    with marked_load(cluster["node1"], f"drain-{uuid.uuid4().hex[:6]}") as load:
        time.sleep(3)
        on("node1", "node", "update", "--availability", "drain", victim)
        wait_until(lambda: victim not in web_nodes().values() and len(web_nodes()) == 3, 180,
                 "web tasks to leave the drained node")  # fmt: skip
        time.sleep(5)
    print(f"drain of {victim}: {load.sent} requests, {len(load.failures)} failed")
    assert load.sent > 50 and not load.failures, load.failures[:10]
    on("node1", "node", "update", "--availability", "active", victim)

    # A rolling update across the nodes, under load.
    with marked_load(cluster["node1"], f"roll-{uuid.uuid4().hex[:6]}") as load:
        deploy("v2")
        rolled = wait_until(lambda: web_images() == [f"{image}:v2"], 300, "every web task on v2")
        time.sleep(3)
    print(f"rolling update: {rolled:.0f} s for 3 tasks, {load.sent} requests, "
          f"{len(load.failures)} failed")  # fmt: skip
    assert load.sent > 50 and not load.failures, load.failures[:10]

    # A broken release rolls back by itself, with no failed request.
    with marked_load(cluster["node1"], f"rollback-{uuid.uuid4().hex[:6]}") as load:
        started = time.monotonic()
        on("node1", "service", "update", "--detach", "--image", f"{image}:broken", f"{SLUG}_web")
        wait_until(lambda: update_state() == "rollback_completed", 300,
                 "Swarm to roll the broken release back")  # fmt: skip
        rollback = time.monotonic() - started
    print(f"rollback: {rollback:.0f} s, {load.sent} requests, {len(load.failures)} failed")
    assert web_images() == [f"{image}:v2"]
    assert load.sent > 50 and not load.failures, load.failures[:10]

    # Lose a node abruptly: its tasks come back elsewhere; the data is intact.
    in_web("from django.contrib.auth import get_user_model; "
           "get_user_model().objects.create_user('before-the-loss')")  # fmt: skip
    # The documented backup of the database, run as written on the database's node.
    readme = (project / "docs" / "swarm.md").read_text()
    intro = readme.index("Back the database up on the node labelled")
    start = readme.index("```sh\n", intro) + len("```sh\n")
    block = readme[start : readme.index("\n```", start)]
    assert "docker exec" in block, block
    sh("docker", "exec", "-w", "/root", f"{SLUG}-node1", "sh", "-ec", block)
    dump = subprocess.run(["docker", "exec", "-w", "/root", f"{SLUG}-node1", "sh", "-c",
                           "cat *-database.*"], capture_output=True, check=True).stdout  # fmt: skip
    if combo["database"] == "postgresql":
        assert dump.startswith(b"PGDMP"), dump[:100]
    else:
        assert b"before-the-loss" in dump and b"-- Dump completed" in dump[-200:], dump[-300:]

    # The node to lose runs a web task and not the database. Swarm never moves running
    # tasks, so after the drain and the rollback they may all sit on node 1: a forced
    # update then spreads them again.
    def off_node1() -> list[str]:
        return [node for node in NODES[1:] if node in web_nodes().values()]

    if not off_node1():
        on("node1", "service", "update", "--force", "--detach", f"{SLUG}_web")
        wait_until(lambda: update_state() == "completed", 300, "the forced update")
    wait_until(lambda: len(web_nodes()) == 3 and off_node1(), 180, "a web task off node 1")
    victim = off_node1()[0]
    with marked_load(cluster["node1"], f"loss-{uuid.uuid4().hex[:6]}") as load:
        time.sleep(3)
        lost_at = time.monotonic()
        sh("docker", "kill", f"{SLUG}-{victim}")
        wait_until(lambda: len(web_nodes()) == 3 and victim not in web_nodes().values(), 240,
                 "three web tasks on the remaining nodes")  # fmt: skip
        rescheduled = time.monotonic() - lost_at
        time.sleep(5)
    window = (max(t for t, _ in load.failures) - lost_at) if load.failures else 0.0
    print(
        f"loss of {victim}: {load.sent} requests, {len(load.failures)} failed, last failure "
        f"{window:.1f} s after the loss; tasks rescheduled within {rescheduled:.0f} s"
    )
    # In flight to the lost node's tasks, and until the proxy stops choosing them.
    assert len(load.failures) <= 10, load.failures
    assert ok(cluster["node1"])
    exists = in_web(
        "from django.contrib.auth import get_user_model; "
        "print(get_user_model().objects.filter(username='before-the-loss').exists())"
    )
    assert exists == "True"
