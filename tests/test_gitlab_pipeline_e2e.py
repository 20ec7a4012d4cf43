"""The generated GitLab pipeline, run by a runner: gitlab-ci-local, on the real engine.

gitlab-ci-local (npm) reads .gitlab-ci.yml as GitLab does and runs a job's script in
the job's image, with its services on a network of their own, here the stand-in images
under their public names. The `check` job runs whole: it installs the project with its
own tool, lints, type-checks, tests against its PostgreSQL and Redis services, and
checks the production settings.

The `build-image` job cannot run here: it pulls tonistiigi/binfmt (QEMU for arm64) and
moby/buildkit (the docker-container builder), neither of which can be stood in for from
Debian's packages without a registry. Its tag script is replayed in test_ci_files.py,
and the bake target it builds is pushed to a real registry in test_publish_e2e.py.
"""

import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from conftest import unavailable
from matrix import DEFAULTS

pytestmark = pytest.mark.docker


def test_the_check_job_passes_under_a_runner(engine, bake):
    runner = shutil.which("gitlab-ci-local")
    if not runner:
        unavailable("gitlab-ci-local is not installed (.ci/run installs it from npm)")
    result = bake(**DEFAULTS | {"ci_provider": "gitlab", "container_registry": "gitlab"},
                  project_slug="pipelined")  # fmt: skip
    assert result.exit_code == 0, result.exception
    project = Path(result.project_path)
    git = ["git", "-c", "user.name=CI", "-c", "user.email=ci@example.com"]
    for command in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-qm", "first"]):
        subprocess.run([*git, *command], cwd=project, check=True)

    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    started = time.monotonic()
    run = subprocess.run(
        [runner, "--pull-policy", "if-not-present", "check"],
        cwd=project, env=env, capture_output=True, text=True, timeout=1500,
    )  # fmt: skip
    took = time.monotonic() - started
    output = run.stdout + run.stderr
    assert run.returncode == 0, output[-6000:]
    assert "PASS" in output and "check" in output, output[-3000:]
    for step in ("ruff check", "mypy", "pytest", "check --deploy"):
        assert step in output, f"{step} did not run:\n{output[-3000:]}"
    # The project's own suite ran in the job, against the job's services, and passed.
    summary = re.search(r"=+ (\d+) passed(.*) in [\d.]+s", output)
    assert summary and int(summary[1]) > 0 and "failed" not in summary[2], output[-3000:]
    print(f"gitlab-ci-local: the check job passed in {took:.0f} s")
