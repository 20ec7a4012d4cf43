"""Compose stacks of generated projects, driven from tests."""

import subprocess
import time
from pathlib import Path

import pytest
from conftest import get


def wait_for_status(url, status, host=None, seconds=60):
    deadline = time.monotonic() + seconds
    last = None
    while time.monotonic() < deadline:
        try:
            last = get(url, host)
            if last[0] == status:
                return last
        except OSError as error:
            last = error
        time.sleep(1)
    pytest.fail(f"{url} did not answer {status} within {seconds} s; last: {last}")


class Stack:
    """`docker compose` on one project: FILE is one Compose file, or several joined by +."""

    def __init__(self, docker, project: Path, name: str, file: str, env: dict):
        self.docker, self.project, self.name, self.file, self.env = docker, project, name, file, env
        self.files = [arg for f in file.split("+") for arg in ("-f", f)]

    def __call__(self, *args, check=True, timeout=900):
        result = subprocess.run(
            [self.docker, "compose", "-p", self.name, *self.files, *args],
            cwd=self.project,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if check and result.returncode != 0:
            logs = subprocess.run(
                [self.docker, "compose", "-p", self.name, *self.files, "logs", "--tail=40"],
                cwd=self.project, env=self.env, capture_output=True, text=True,
            ).stdout  # fmt: skip
            output = f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
            pytest.fail(f"compose {args} failed:\n{output}\n{logs[-6000:]}")
        return result

    def python(self, code: str, service="web", check=True):
        return self("exec", "-T", service, "python", "-c", code, check=check).stdout.strip()
