{%- set media_volume = cookiecutter.media_storage == "volume" -%}
"""Back up and restore the production stack's data, through its running containers.

    python3 scripts/backup.py backup            (make backup)
    python3 scripts/backup.py restore FILE      (make restore FILE=...)

`backup` writes to backups/ (git- and docker-ignored), named with the UTC time:
{%- if cookiecutter.database == "postgresql" %}
the database as `pg_dump --format=custom` (DATE-database.dump)
{%- elif cookiecutter.database == "mariadb" %}
the database as `mariadb-dump --single-transaction` (DATE-database.sql)
{%- else %}
the database as SQLite's online backup (DATE-database.sqlite3)
{%- endif %}
{%- if media_volume %}
and the uploaded files as a tar archive (DATE-media.tar).
{%- else %}
(uploaded files live in the S3 bucket, which keeps its own copies).
{%- endif %}
`restore` puts back the file it is given, and refuses to overwrite data unless given
--force; a damaged file is refused before anything is changed.
Set COMPOSE_FILE to use another stack (compose.yaml: the development one).
"""

import argparse
import datetime
import os
import subprocess
import sys
from pathlib import Path

STACK = os.environ.get("COMPOSE_FILE", "compose.production.yaml")
COMPOSE = ["docker", "compose", "-f", STACK]
BACKUPS = Path("backups")
NAME = "{{ cookiecutter.project_slug }}"
{%- if cookiecutter.database == "postgresql" %}
DATABASE_SUFFIX = ".dump"
{%- elif cookiecutter.database == "mariadb" %}
DATABASE_SUFFIX = ".sql"
{%- else %}
DATABASE_SUFFIX = ".sqlite3"
{%- endif %}
{%- if media_volume %}
MEDIA = "/app/media"
{%- endif %}

# Whether the database holds data of its own: rows in any table besides the ones a bare
# `migrate` fills. Run by the web container's Python, with the project's settings.
HAS_DATA = """
import django
django.setup()
from django.apps import apps
filled_by_migrate = {"django_migrations", "django_content_type", "auth_permission"}
print(any(
    model.objects.exists()
    for model in apps.get_models()
    if model._meta.db_table not in filled_by_migrate and not model._meta.proxy
))
"""


class Refused(Exception):
    """A backup or restore that would do harm; its message says why."""


def compose(*args: str, stdin=None, stdout=None) -> subprocess.CompletedProcess:
    # docker, found on PATH, with this script's own arguments.
    result = subprocess.run(  # noqa: S603, S607
        [*COMPOSE, *args], stdin=stdin, stdout=stdout or subprocess.PIPE,
        stderr=subprocess.PIPE, check=False,
    )  # fmt: skip
    if result.returncode != 0:
        message = result.stderr.decode(errors="replace").strip()
        raise Refused(message or f"{' '.join(args)} failed")
    return result


def starts_with(path: Path, magic: bytes) -> bool:
    with path.open("rb") as file:
        return file.read(len(magic)) == magic


def in_service(service: str, *command: str, **streams) -> subprocess.CompletedProcess:
    return compose("exec", "-T", service, *command, **streams)


def python_in_web(code: str, **streams) -> subprocess.CompletedProcess:
    return in_service("web", "python", "-c", code, **streams)


# --- the database ----------------------------------------------------------------------
{%- if cookiecutter.database == "postgresql" %}


def dump_database(target) -> None:
    in_service("db", "sh", "-c", 'pg_dump --format=custom -U "$POSTGRES_USER" "$POSTGRES_DB"',
               stdout=target)  # fmt: skip


def check_database_file(path: Path) -> None:
    if not starts_with(path, b"PGDMP"):
        raise Refused(f"{path} is not a pg_dump archive (custom format)")
    with path.open("rb") as dump:
        # pg_restore reads the whole table of contents: a damaged archive fails here.
        in_service("db", "pg_restore", "--list", stdin=dump)


def load_database(path: Path) -> None:
    with path.open("rb") as dump:
        # One transaction: if anything fails, the database stays as it was.
        in_service("db", "sh", "-c", 'pg_restore --clean --if-exists --no-owner '
                   '--single-transaction --exit-on-error -U "$POSTGRES_USER" '
                   '-d "$POSTGRES_DB"', stdin=dump)  # fmt: skip
{%- elif cookiecutter.database == "mariadb" %}

# Root's password: a Docker secret in production, a variable in development.
AS_ROOT = '-uroot -p"${MARIADB_ROOT_PASSWORD:-$(cat "$MARIADB_ROOT_PASSWORD_FILE")}"'
DATABASE = '"$MARIADB_DATABASE"'


def dump_database(target) -> None:
    options = "--single-transaction --routines --triggers"
    command = f"mariadb-dump {AS_ROOT} {options} {DATABASE}"
    in_service("db", "sh", "-c", command, stdout=target)


def check_database_file(path: Path) -> None:
    text = path.read_bytes()
    # mariadb-dump starts with its name and ends by saying it completed: a cut file
    # lacks the end, and the statements are not run at all.
    if not text.startswith(b"/*M!999999") and b"-- MariaDB dump" not in text[:200]:
        raise Refused(f"{path} is not a mariadb-dump file")
    if b"-- Dump completed" not in text[-200:]:
        raise Refused(f"{path} is incomplete: it lacks mariadb-dump's last line")


def load_database(path: Path) -> None:
    with path.open("rb") as dump:
        in_service("db", "sh", "-c", f"mariadb {AS_ROOT} {DATABASE}", stdin=dump)

{%- else %}

# Run by the web container's Python, on the database file its settings name.
SQLITE_BACKUP = """
import os, sqlite3, sys, tempfile
with tempfile.NamedTemporaryFile() as copy:
    target = sqlite3.connect(copy.name)
    sqlite3.connect(os.environ["DATABASE_PATH"]).backup(target)
    target.execute("PRAGMA journal_mode=DELETE")  # the whole database in the one file
    target.close()
    sys.stdout.buffer.write(open(copy.name, "rb").read())
"""
SQLITE_RESTORE = """
import os, sqlite3, sys, tempfile
with tempfile.NamedTemporaryFile() as copy:
    copy.write(sys.stdin.buffer.read())
    copy.flush()
    source = sqlite3.connect(copy.name)
    try:
        verdict = source.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.DatabaseError as error:
        verdict = str(error)
    if verdict != "ok":
        sys.exit(f"the backup fails SQLite's integrity check: {verdict}")
    if sys.argv[1:] == ["check"]:
        sys.exit(0)
    source.backup(sqlite3.connect(os.environ["DATABASE_PATH"]))
"""


def dump_database(target) -> None:
    python_in_web(SQLITE_BACKUP, stdout=target)


def check_database_file(path: Path) -> None:
    if not starts_with(path, b"SQLite format 3\0"):
        raise Refused(f"{path} is not an SQLite database")
    with path.open("rb") as backup:
        in_service("web", "python", "-c", SQLITE_RESTORE, "check", stdin=backup)


def load_database(path: Path) -> None:
    with path.open("rb") as backup:
        python_in_web(SQLITE_RESTORE, stdin=backup)
{%- endif %}
{%- if media_volume %}


# --- uploaded files --------------------------------------------------------------------

MEDIA_BACKUP = f"""
import sys, tarfile
with tarfile.open(fileobj=sys.stdout.buffer, mode="w|") as archive:
    archive.add({MEDIA!r}, arcname=".")
"""
MEDIA_RESTORE = f"""
import os, sys, tarfile
with tarfile.open(fileobj=sys.stdin.buffer, mode="r|") as archive:
    archive.extractall({MEDIA!r}, filter="data")
"""
MEDIA_IS_EMPTY = f"import os; print(not any(os.scandir({MEDIA!r})))"


def dump_media(target) -> None:
    python_in_web(MEDIA_BACKUP, stdout=target)


def check_media_file(path: Path) -> None:
    import tarfile

    try:
        with tarfile.open(path) as archive:
            archive.getmembers()
    except tarfile.TarError as error:
        raise Refused(f"{path} is not a readable tar archive: {error}") from None
{%- endif %}


# --- commands --------------------------------------------------------------------------


def backup() -> list[Path]:
    BACKUPS.mkdir(exist_ok=True)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    parts = [(BACKUPS / f"{stamp}-database{DATABASE_SUFFIX}", dump_database)]
{%- if media_volume %}
    parts.append((BACKUPS / f"{stamp}-media.tar", dump_media))
{%- endif %}
    for path, write in parts:
        partial = path.with_suffix(path.suffix + ".partial")
        try:
            with partial.open("wb") as target:
                write(target)
        except Refused:
            partial.unlink(missing_ok=True)
            raise
        partial.replace(path)
    return [path for path, _ in parts]


def restore(path: Path, force: bool) -> str:
    if not path.is_file():
        raise Refused(f"{path} does not exist")
{%- if media_volume %}
    if path.name.endswith("-media.tar"):
        check_media_file(path)
        empty = python_in_web(MEDIA_IS_EMPTY).stdout.strip() == b"True"
        if not empty and not force:
            raise Refused("the media volume holds files: add --force to replace them")
        with path.open("rb") as archive:
            python_in_web(MEDIA_RESTORE, stdin=archive)
        return f"restored the uploaded files from {path}"
{%- endif %}
    if not path.name.endswith(DATABASE_SUFFIX):
        raise Refused(f"{path}: expected a *{DATABASE_SUFFIX} database backup")
    check_database_file(path)
    holds_data = python_in_web(HAS_DATA).stdout.strip() == b"True"
    if holds_data and not force:
        raise Refused("the database holds data: add --force to replace it")
    load_database(path)
    return f"restored the database from {path}"


def main(arguments: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("backup", help="write the data to backups/")
    restoring = commands.add_parser("restore", help="put back a file of backups/")
    restoring.add_argument("file", type=Path)
    restoring.add_argument("--force", action="store_true", help="replace existing data")
    options = parser.parse_args(arguments)
    try:
        if options.command == "backup":
            for path in backup():
                print(f"backed up to {path}")
        else:
            print(restore(options.file, options.force))
    except Refused as refusal:
        print(f"{NAME}: {refusal}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
