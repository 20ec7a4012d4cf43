"""The lock cutter (`_locks/locking.py`), a plain module, tested directly."""

import importlib.util
import json
import tomllib

import pytest
from matrix import PROJECT_TEMPLATE

LOCKS = PROJECT_TEMPLATE / "_locks"
_spec = importlib.util.spec_from_file_location("locking", LOCKS / "locking.py")
locking = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(locking)
SUPERSET = locking.SUPERSET_LOCK.read_text()


def pyproject(runtime, dev=("pytest==9.2.0",)):
    return {
        "project": {
            "name": "shop_app",
            "version": "1.2rc1",
            "requires-python": ">=3.13",
            "dependencies": list(runtime),
        },
        "dependency-groups": {"dev": list(dev)},
    }


def test_project_lock_keeps_only_what_the_pins_reach():
    lock = tomllib.loads(locking.project_lock(SUPERSET, pyproject(["django==6.1.3"])))

    names = {p["name"] for p in lock["package"]}
    assert {"django", "asgiref", "sqlparse", "pytest", "shop-app"} <= names
    assert not names & {"celery", "psycopg", "redis", "superset", "gunicorn"}
    root = next(p for p in lock["package"] if p["name"] == "shop-app")
    assert root["version"] == "1.2rc1"
    assert root["metadata"]["requires-dist"] == [{"name": "django", "specifier": "==6.1.3"}]


def test_project_lock_follows_extras():
    lock = tomllib.loads(locking.project_lock(SUPERSET, pyproject(["psycopg[binary]==3.3.9"])))

    names = {p["name"] for p in lock["package"]}
    assert {"psycopg", "psycopg-binary"} <= names
    root = next(p for p in lock["package"] if p["name"] == "shop-app")
    assert root["dependencies"] == [{"name": "psycopg", "extra": ["binary"]}]


@pytest.mark.parametrize("pin", ["django>=6", "django==6.1.3\n", "django"])
def test_an_unpinned_dependency_is_refused(pin):
    with pytest.raises(ValueError, match="exact pin"):
        locking.project_lock(SUPERSET, pyproject([pin]))


def test_requirements_carry_pins_hashes_and_markers():
    lock = locking.project_lock(SUPERSET, pyproject(["django==6.1.3"]))

    text = locking.requirements_from_lock(lock, ["django==6.1.3"], exclude=set())

    assert "django==6.1.3 \\\n    --hash=sha256:" in text
    assert "tzdata==" in text and "; sys_platform == 'win32'" in text
    assert "pytest" not in text


def test_the_module_list_covers_every_locked_package():
    """modules.json is derived from the lock's wheels (scripts/lock_dependencies.py):
    it must describe exactly the packages the lock holds."""
    modules = json.loads((LOCKS / "modules.json").read_text())
    locked = {p["name"] for p in tomllib.loads(SUPERSET)["package"]} - {"superset"}

    assert set(modules["packages"]) == locked
    assert modules["modules"] == sorted({m for ms in modules["packages"].values() for m in ms})
    # Names that differ from their package's, which only the wheels tell.
    assert {"MySQLdb", "rest_framework", "dateutil", "storages", "yaml"} <= set(modules["modules"])
