"""Start-up: from `docker compose up` to the first 200 on /health/, and what it waits on.

For the default answers (PostgreSQL, Redis, Celery, Caddy) and a MariaDB + Valkey
variant, development and production stacks, with images built beforehand:

- fresh (volumes just made) and restart (after `down`, volumes kept): seconds from
  `up` to the first 200 on the web container's /health/, median of --runs;
- per service: when its container was started and when it was first healthy (or had
  exited, for one-shot services), relative to `up`: the chain of waits that sets the
  total is the critical path;
- the floor: the database alone, `up` to healthy, fresh and restarted; the stack's time
  as a ratio to it;
- a new web container beside a running production stack (what a scale-out, a Swarm
  task or a pod is): seconds from its process starting to its first 200 on /health/;
- Python's import of Django, setup included, inside the web image, with the bytecode
  the image ships and with none.

Run from the template's folder: uv run python -m benchmarks.startup [--runs 3]
Needs a running engine and the stand-in images (tests/standins).
"""

import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from cookiecutter.main import cookiecutter

from tests.matrix import DEFAULTS, TEMPLATE_DIR
from tests.standins.build import ensure

VARIANTS = {
    "postgresql + redis + celery + caddy": {},
    "mariadb + valkey + celery + nginx": {"database": "mariadb", "cache": "valkey",
                                          "reverse_proxy": "nginx"},
}  # fmt: skip
STACKS = {"development": "compose.yaml", "production": "compose.production.yaml"}


def sh(*args, cwd=None, env=None, check=True) -> str:
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True)
    if check and result.returncode:
        raise RuntimeError(f"{args} failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    return result.stdout


def health_status(port: int, host: str | None = None) -> int:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/health/",
                                     headers={"Host": host} if host else {})  # fmt: skip
    try:
        with urllib.request.urlopen(request, timeout=1) as r:
            return r.status
    except Exception:
        return 0


def parse_time(text: str) -> float:
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def service_times(project: Path, env: dict, started: float) -> dict[str, tuple]:
    """service -> (started, ready) in seconds after `up`; ready: first healthy, or exit."""
    ids = sh("docker", "compose", "ps", "-aq", cwd=project, env=env).split()
    times = {}
    for state in json.loads(sh("docker", "inspect", *ids)) if ids else []:
        service = state["Config"]["Labels"]["com.docker.compose.service"]
        begun = parse_time(state["State"]["StartedAt"]) - started
        health = state["State"].get("Health")
        if health:
            passing = [parse_time(h["End"]) for h in health["Log"] if h["ExitCode"] == 0]
            ready = min(passing) - started if passing else None
        else:
            ready = parse_time(state["State"]["FinishedAt"]) - started
            ready = ready if ready > begun else None  # still running, no healthcheck
        times[service] = (begun, ready)
    return times


def up_to_first_200(project: Path, env: dict, port: int) -> tuple[float, dict]:
    started = time.time()
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    up = subprocess.Popen(["docker", "compose", "up", "--wait", "--no-build"], cwd=project,
                          env=env, **quiet)  # fmt: skip
    while health_status(port) != 200:
        if time.time() - started > 300:
            raise RuntimeError("no 200 within 300 s")
        time.sleep(0.05)
    first_200 = time.time() - started
    up.wait()
    return first_200, service_times(project, env, started)


def critical_path(times: dict) -> str:
    ready = {s: t[1] for s, t in times.items() if t[1] is not None}
    return " -> ".join(f"{s} {t:.1f}" for s, t in sorted(ready.items(), key=lambda kv: kv[1]))


IMPORT = (
    "import time; t = time.perf_counter(); import django; django.setup(); "
    "print(round(time.perf_counter() - t, 3))"
)


def import_times(image: str) -> tuple[float, float]:
    """Django's import and setup in a new container of the production image: with the
    bytecode the image ships, and with none (every module compiled on the way)."""
    seconds = []
    no_bytecode = ["-e", "PYTHONPYCACHEPREFIX=/tmp/none", "-e", "PYTHONDONTWRITEBYTECODE=1"]
    for bytecode in ([], no_bytecode):
        out = sh("docker", "run", "--rm", "-e", "DJANGO_SECRET_KEY=benchmark-only",
                 "-e", "DATABASE_PATH=/tmp/db.sqlite3", *bytecode, "--entrypoint", "python",
                 image, "-c", IMPORT)  # fmt: skip
        seconds.append(float(out.split()[-1]))
    return seconds[0], seconds[1]


def new_web_container(project: Path, env: dict, port: int) -> float:
    """A web container added to the running stack, its port on 127.0.0.1: seconds from
    its process starting (the engine's StartedAt) to its first 200 on /health/, which
    asks the database and cache as the health check does."""
    name = "startup-new-web"
    sh("docker", "rm", "-f", name, check=False)
    try:
        sh("docker", "compose", "run", "-d", "--no-deps", "--name", name,
           "-p", f"127.0.0.1:{port}:8000", "web", cwd=project, env=env)  # fmt: skip
        deadline = time.time() + 120
        while health_status(port, host="example.com") != 200:
            if time.time() > deadline:
                raise RuntimeError("the new web container gave no 200 within 120 s")
            time.sleep(0.02)
        first_200 = time.time()
        state = json.loads(sh("docker", "inspect", name))[0]["State"]
        return first_200 - parse_time(state["StartedAt"])
    finally:
        sh("docker", "rm", "-f", name, check=False)


def stack_env(stack: str, port: int, slug: str) -> dict:
    files = STACKS[stack] + (":compose.override.yaml" if stack == "development" else "")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    return env | {
        "COMPOSE_FILE": files, "COMPOSE_PROJECT_NAME": f"startup-{stack[:3]}",
        "WEB_PORT": str(port), "HTTP_PORT": str(port), "HTTPS_PORT": str(port + 1),
        "SITE_ADDRESS": ":80", "BIND_ADDRESS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false", "IMAGE": f"{slug}-bench",
    }  # fmt: skip


def measure(name: str, answers: dict, runs: int) -> None:
    slug = "startup"
    with tempfile.TemporaryDirectory() as output:
        answers = DEFAULTS | answers | {"project_slug": slug}
        project = Path(cookiecutter(str(TEMPLATE_DIR), no_input=True, output_dir=output,
                                    extra_context=answers))  # fmt: skip
        print(f"\n## {name}")
        floors = floor(project)
        print(f"floor: the database alone, up to healthy: fresh {floors['fresh']:.1f} s, "
              f"restart {floors['restart']:.1f} s")  # fmt: skip
        print(f"{'stack':<12} {'start':<8} {'median s':>9} {'x floor':>8} {'runs':>22}   "
              "critical path (ready, s after up)")  # fmt: skip
        new_web = []
        for stack in STACKS:
            # Production: through the proxy, which answers /health/ (the liveness check)
            # once web is up; web is healthy only once its dependencies are.
            port = 18700 + 10 * list(STACKS).index(stack)
            env = stack_env(stack, port, slug)
            sh("docker", "compose", "build", "-q", cwd=project, env=env)
            results, paths = {"fresh": [], "restart": []}, {}
            try:
                for _ in range(runs):
                    sh("docker", "compose", "down", "-v", cwd=project, env=env)
                    seconds, times = up_to_first_200(project, env, port)
                    results["fresh"].append(seconds)
                    paths["fresh"] = critical_path(times)
                    sh("docker", "compose", "down", cwd=project, env=env)
                    seconds, times = up_to_first_200(project, env, port)
                    results["restart"].append(seconds)
                    paths["restart"] = critical_path(times)
                if stack == "production":
                    new_web = [new_web_container(project, env, port + 5) for _ in range(runs)]
            finally:
                sh("docker", "compose", "down", "-v", cwd=project, env=env, check=False)
            for start, values in results.items():
                runs_text = ", ".join(f"{v:.1f}" for v in values)
                median = statistics.median(values)
                ratio = median / floors[start]
                print(f"{stack:<12} {start:<8} {median:>9.1f} {ratio:>8.1f} {runs_text:>22}   "
                      f"{paths[start]}")  # fmt: skip
        print(
            f"a new web container, process start to first 200: median "
            f"{statistics.median(new_web):.2f} s ({', '.join(f'{v:.2f}' for v in new_web)})"
        )
        shipped, none = import_times(f"{slug}-bench:latest")
        print(f"django import + setup in the production image: {shipped:.2f} s with the "
              f"bytecode it ships, {none:.2f} s compiling")  # fmt: skip


def floor(project: Path) -> dict[str, float]:
    """The database alone, from `up` to healthy, fresh and restarted: what no stack can
    beat."""
    env = os.environ | {"COMPOSE_FILE": "compose.yaml", "COMPOSE_PROJECT_NAME": "startup-db"}
    timings = {}
    try:
        for start in ("fresh", "restart"):
            if start == "fresh":
                sh("docker", "compose", "down", "-v", cwd=project, env=env)
            else:  # after `down`, its volume kept, as the stacks restart
                sh("docker", "compose", "down", cwd=project, env=env)
            began = time.perf_counter()
            sh("docker", "compose", "up", "--wait", "--no-build", "db", cwd=project, env=env)
            timings[start] = time.perf_counter() - began
    finally:
        sh("docker", "compose", "down", "-v", cwd=project, env=env, check=False)
    return timings


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    ensure()
    for name, answers in VARIANTS.items():
        measure(name, answers, runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
