import importlib.util
import os
import socket
import sys
from pathlib import Path

import pytest
from cookiecutter.utils import create_env_with_context

sys.path.insert(0, str(Path(__file__).parent))

from matrix import CONTEXT, DEFAULTS, TEMPLATE_DIR  # noqa: E402

# Tools installed beside the interpreter running the tests (the template's .venv).
BIN = Path(sys.executable).parent
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def unavailable(reason: str):
    """Skip on a developer's machine; fail in CI, where everything must run."""
    if IN_CI:
        pytest.fail(f"{reason}: CI must run this test")
    pytest.skip(reason)


def reachable(port: int, host: str = "127.0.0.1") -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def check_keys(answers: dict) -> None:
    # pytest-cookies silently drops an extra_context key cookiecutter.json lacks.
    unknown = sorted(set(answers) - set(CONTEXT))
    assert not unknown, f"not options of cookiecutter.json: {unknown}"


@pytest.fixture
def bake(cookies):
    def _bake(**answers):
        check_keys(answers)
        return cookies.bake(extra_context=answers)

    return _bake


def load_hook(name: str, tmp_path: Path, **answers):
    """Render hooks/NAME.py the way cookiecutter does and import it as a module."""
    check_keys(answers)
    context = {"cookiecutter": {**CONTEXT, **DEFAULTS, **answers}}
    context["cookiecutter"]["project_slug"] = answers.get("project_slug", "my_django_project")
    env = create_env_with_context(context)
    source = env.from_string((TEMPLATE_DIR / "hooks" / f"{name}.py").read_text())
    path = tmp_path / f"{name}.py"
    path.write_text(source.render(**context))
    spec = importlib.util.spec_from_file_location(f"{name}_{id(path)}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    # In CI a skipped test is a test that did not run: report it as a failure.
    outcome = yield
    report = outcome.get_result()
    if IN_CI and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, where every test must run: {report.longrepr}"
