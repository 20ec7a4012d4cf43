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
- Python's import of Django, setup included, inside the web image, with the bytecode
  the image ships and with none.

Run: uv run python benchmarks/startup.py [--runs 3]
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

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from matrix import DEFAULTS, TEMPLATE_DIR  # noqa: E402
from standins.build import ensure  # noqa: E402

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


def health_status(port: int) -> int:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=1) as r:
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
    """Django's import and setup in a new container of the production image: first with
    the bytecode the image ships (none: compiled on the way), then with what that run
    cached. Two processes in one container; the image needs no shell."""
    runner = (
        "import subprocess, sys\n"
        f"for _ in range(2): print(subprocess.run([sys.executable, '-c', {IMPORT!r}], "
        "capture_output=True, text=True).stdout.strip())"
    )
    out = sh("docker", "run", "--rm", "-e", "DJANGO_SECRET_KEY=benchmark-only",
             "-e", "DATABASE_PATH=/tmp/db.sqlite3", "--entrypoint", "python", image,
             "-c", runner).split()  # fmt: skip
    return float(out[0]), float(out[1])


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
        print(f"{'stack':<12} {'start':<8} {'median s':>9} {'runs':>22}   critical path")
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
            finally:
                sh("docker", "compose", "down", "-v", cwd=project, env=env, check=False)
            for start, values in results.items():
                runs_text = ", ".join(f"{v:.1f}" for v in values)
                median = statistics.median(values)
                print(f"{stack:<12} {start:<8} {median:>9.1f} {runs_text:>22}   {paths[start]}")
        cold, warm = import_times(f"{slug}-bench:latest")
        print(f"django import + setup in the production image: {cold:.2f} s compiling, "
              f"{warm:.2f} s from bytecode")  # fmt: skip
        floor(project)


def floor(project: Path) -> None:
    """The database alone, from `up` to healthy: what no stack can beat."""
    env = os.environ | {"COMPOSE_FILE": "compose.yaml", "COMPOSE_PROJECT_NAME": "startup-db"}
    timings = {}
    try:
        for start in ("fresh", "restart"):
            if start == "fresh":
                sh("docker", "compose", "down", "-v", cwd=project, env=env)
            else:
                sh("docker", "compose", "stop", cwd=project, env=env)
            began = time.perf_counter()
            sh("docker", "compose", "up", "--wait", "--no-build", "db", cwd=project, env=env)
            timings[start] = time.perf_counter() - began
    finally:
        sh("docker", "compose", "down", "-v", cwd=project, env=env, check=False)
    print(f"floor: the database alone, up to healthy: fresh {timings['fresh']:.1f} s, "
          f"restart {timings['restart']:.1f} s")  # fmt: skip


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
