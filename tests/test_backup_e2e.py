"""Back up and restore a production stack on a real engine, for each database.

A user and an upload are made; `make backup`'s script writes backups/; the stack goes
with its volumes (`down -v`) and comes back empty; the script restores the database and
the uploads: both are back. A cut or damaged file is refused with a clear message and
leaves the data as it was; data is not replaced without --force.
"""

import os
import subprocess
from pathlib import Path

import pytest
from conftest import free_port
from matrix import DEFAULTS
from stacks import Stack

pytestmark = pytest.mark.docker

DATABASES = ["postgresql", "mariadb", "sqlite"]
USER_EXISTS = (
    "import django; django.setup(); from django.contrib.auth import get_user_model; "
    "print(get_user_model().objects.filter(username='ada').exists())"
)
MAKE_DATA = (
    "import django; django.setup(); from django.contrib.auth import get_user_model; "
    "from django.core.files.base import ContentFile; "
    "user = get_user_model().objects.create_user('ada'); "
    "user.avatar.save('ada.png', ContentFile(b'picture of ada'))"
)
READ_UPLOAD = "print(open('/app/media/avatars/ada.png').read())"


def script(project: Path, env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["python3", "scripts/backup.py", *args], cwd=project, env=env,
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip


@pytest.mark.parametrize("database", DATABASES)
def test_backup_and_restore(engine, bake, database):
    slug = f"keep{DATABASES.index(database)}"
    answers = DEFAULTS | {"database": database, "cache": "none", "task_queue": "none",
                          "reverse_proxy": "none"}  # fmt: skip
    result = bake(**answers, project_slug=slug)
    assert result.exit_code == 0, result.exception
    project = Path(result.project_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env |= {"COMPOSE_PROJECT_NAME": slug, "BIND_ADDRESS": "127.0.0.1",
            "WEB_PORT": str(free_port())}  # fmt: skip
    prod = Stack(engine, project, slug, "compose.production.yaml", env)
    try:
        prod("up", "--build", "--wait")
        prod.python(MAKE_DATA)

        backed_up = script(project, env, "backup")
        assert backed_up.returncode == 0, backed_up.stderr
        files = sorted((project / "backups").iterdir())
        suffix = {"postgresql": ".dump", "mariadb": ".sql", "sqlite": ".sqlite3"}[database]
        database_file, media_file = (
            next(f for f in files if f.name.endswith(f"-database{suffix}")),
            next(f for f in files if f.name.endswith("-media.tar")),
        )
        assert [f.name for f in files] == sorted([database_file.name, media_file.name])

        # Data is never replaced unasked.
        refused = script(project, env, "restore", str(database_file))
        assert refused.returncode == 1
        assert refused.stderr == f"{slug}: the database holds data: add --force to replace it\n"

        # Damaged files are refused before anything changes, even with --force.
        cut = project / "backups" / f"cut-database{suffix}"
        cut.write_bytes(database_file.read_bytes()[: database_file.stat().st_size // 2])
        for damaged in (cut,):
            broken = script(project, env, "restore", str(damaged), "--force")
            assert broken.returncode == 1, broken.stdout
            assert broken.stderr.startswith(f"{slug}: "), broken.stderr
            assert prod.python(USER_EXISTS) == "True"

        prod("down", "-v")
        prod("up", "--wait")
        assert prod.python(USER_EXISTS) == "False"

        for backup in (database_file, media_file):
            restored = script(project, env, "restore", str(backup))
            assert restored.returncode == 0, restored.stderr
        assert prod.python(USER_EXISTS) == "True"
        assert prod.python(READ_UPLOAD) == "picture of ada"
    finally:
        prod("down", "-v", check=False)
