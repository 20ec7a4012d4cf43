"""Run generated projects' own test suites and Django checks against real servers.

A pairwise cover of the options that change the code or its services; PostgreSQL,
MariaDB and Redis are real servers on loopback (`.ci/services` starts them). Projects
install with their own tool (uv sync --locked, or pip --require-hashes) on the host's
Python 3.13; the Python 3.14 runtime is exercised by the container tests.
"""

import os
import re
import subprocess
import zlib
from pathlib import Path
from xml.etree import ElementTree

import pytest
import yaml
from conftest import BIN, reachable, unavailable
from matrix import DEFAULTS, OPTIONS, combo_id, pairwise

pytestmark = pytest.mark.database

SUITE_OPTIONS = {
    name: OPTIONS[name]
    for name in (
        "database",
        "cache",
        "task_queue",
        "web_server",
        "package_manager",
        "use_drf",
        "use_sentry",
        "media_storage",
        "ci_provider",
    )
}
SUITES = [DEFAULTS | combo for combo in pairwise(SUITE_OPTIONS)]
SERVER_PORTS = {"postgresql": 5432, "mariadb": 3306, "redis": 6379}
# Throwaway credentials of the servers .ci/services starts.
SERVER_LOGIN = {"DATABASE_USER": "django", "DATABASE_PASSWORD": "django"}


def run(args, cwd, env, timeout=600):
    result = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, (
        f"{args} failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    )
    return result.stdout


def install(project: Path, package_manager: str, env: dict) -> Path:
    """Install the project the way its README says; return the venv's bin folder."""
    if package_manager == "uv":
        run([BIN / "uv", "sync", "--locked", "--python", BIN / "python"], project, env)
    else:
        run([BIN / "python", "-m", "venv", ".venv"], project, env)
        pip = project / ".venv" / "bin" / "pip"
        run([pip, "install", "-q", "--require-hashes", "-r", "requirements-dev.txt"], project, env)
    return project / ".venv" / "bin"


def service_env(combo: dict, tmp_path: Path) -> dict:
    needed = []
    if combo["database"] != "sqlite":
        needed.append(combo["database"])
    if combo["cache"] != "none":
        needed.append("redis")
    for server in needed:
        if not reachable(SERVER_PORTS[server]):
            unavailable(
                f"{server} is not listening on 127.0.0.1:{SERVER_PORTS[server]}"
                " (.ci/services starts it)"
            )

    # One database and Redis db per combination, so parallel workers never collide.
    key = zlib.crc32(combo_id(combo).encode())
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_", "VIRTUAL_ENV"))
    }
    env |= {"UV_PROJECT_ENVIRONMENT": ".venv", "PYTHONDONTWRITEBYTECODE": "1"}
    if combo["database"] == "sqlite":
        env["DATABASE_PATH"] = str(tmp_path / "db.sqlite3")
    else:
        env |= SERVER_LOGIN | {
            "DATABASE_HOST": "127.0.0.1",
            "DATABASE_PORT": str(SERVER_PORTS[combo["database"]]),
            "DATABASE_NAME": f"suite_{key:x}",
        }
    if combo["cache"] != "none":
        env["CACHE_URL"] = f"redis://127.0.0.1:6379/{key % 8}"
        env["TASK_BROKER_URL"] = f"redis://127.0.0.1:6379/{8 + key % 8}"
    return env


def create_database(database: str, name: str) -> None:
    """The application's own database; Django's test runner makes the test_ one."""
    if database == "postgresql":
        exists = subprocess.run(
            [
                "psql",
                "-h",
                "127.0.0.1",
                "-U",
                "django",
                "-d",
                "django",
                "-tAc",
                f"SELECT 1 FROM pg_database WHERE datname = '{name}'",
            ],
            env=os.environ | {"PGPASSWORD": "django"},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        if not exists:
            subprocess.run(
                ["createdb", "-h", "127.0.0.1", "-U", "django", name],
                env=os.environ | {"PGPASSWORD": "django"},
                check=True,
            )
    else:
        subprocess.run(
            ["mariadb", "-h", "127.0.0.1", "-u", "django", "-pdjango", "-e",
             f"CREATE DATABASE IF NOT EXISTS {name} CHARACTER SET utf8mb4"],
            check=True,
        )  # fmt: skip


# Pipeline commands that set up the job; install() does the same here.
SETUP_COMMAND = re.compile(r"apt-get|pip install|uv sync")


def pipeline_check_commands(project: Path, provider: str) -> list[tuple[str, dict]]:
    """The commands of the CI pipeline's check job after its set-up, each with the
    variables its step sets."""
    if provider == "github":
        workflow = yaml.safe_load((project / ".github/workflows/ci.yml").read_text())
        steps = workflow["jobs"]["check"]["steps"]
        commands = [(step["run"], step.get("env", {})) for step in steps if "run" in step]
    else:
        script = yaml.safe_load((project / ".gitlab-ci.yml").read_text())["check"]["script"]
        commands = [(command, {}) for command in script]
    return [(command, env) for command, env in commands if not SETUP_COMMAND.search(command)]


@pytest.mark.parametrize("combo", SUITES, ids=combo_id)
def test_generated_project_passes_its_own_checks(bake, combo, tmp_path):
    env = service_env(combo, tmp_path)
    result = bake(**combo)
    assert result.exit_code == 0, result.exception
    project = Path(result.project_path)
    if combo["database"] != "sqlite":
        create_database(combo["database"], env["DATABASE_NAME"])
    bin_dir = install(project, combo["package_manager"], env)
    python = bin_dir / "python"

    report = tmp_path / "suite.xml"
    run([bin_dir / "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={report}"],
        project, env)  # fmt: skip
    suite = ElementTree.parse(report).getroot().find("testsuite")
    counts = {key: int(suite.get(key)) for key in ("tests", "failures", "errors", "skipped")}
    assert counts["tests"] >= 20 and counts["failures"] == counts["errors"] == 0, counts
    assert counts["skipped"] == 0, "a generated test skipped: it proves nothing"

    if combo["ci_provider"] != "none":
        # The pipeline's own lint, test and deploy-check commands, against the servers
        # here instead of its service containers.
        commands = pipeline_check_commands(project, combo["ci_provider"])
        assert len(commands) == 7, commands
        for command, step_env in commands:
            path = {"PATH": f"{BIN}:{env['PATH']}"}
            run(["bash", "-ec", command], project, env | step_env | path)

    # The developer's own checks: types, and every pre-commit hook on every file.
    run([bin_dir / "mypy"], project, env)
    run(["git", "init", "-q"], project, env)
    run(["git", "add", "-A"], project, env)
    hooks = run([bin_dir / "pre-commit", "run", "--all-files"], project,
                env | {"PATH": f"{bin_dir}:{BIN}:{env['PATH']}"})  # fmt: skip
    assert hooks.count("Passed") == 7, hooks

    run([python, "manage.py", "check", "--fail-level", "WARNING"], project, env)
    run([python, "manage.py", "makemigrations", "--check", "--dry-run"], project, env)

    secret_key = next(
        line.split("=", 1)[1]
        for line in (project / ".env").read_text().splitlines()
        if line.startswith("DJANGO_SECRET_KEY=")
    )
    production = env | {
        "DJANGO_SETTINGS_MODULE": f"{project.name}.settings.production",
        "DJANGO_SECRET_KEY": secret_key,
        "DJANGO_STATIC_ROOT": str(tmp_path / "static"),
    }
    run([python, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], project, production)
    run([python, "manage.py", "migrate", "--noinput"], project, production)
    run([python, "manage.py", "collectstatic", "--noinput"], project, production)
    assert (tmp_path / "static" / "staticfiles.json").exists()

    # The configured application server can load the application.
    module = "asgi" if combo["web_server"] == "uvicorn" else "wsgi"
    run([python, "-c", f"from {project.name}.{module} import application"], project, production)
