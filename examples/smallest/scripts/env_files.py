"""Create or complete the files that hold this project's local settings and secrets.

- `.env` (development, and the stacks' ports and image; read by Compose and by
  `set -a; . ./.env`) gets every variable of `.env.example` that it lacks, with a fresh
  random value for the secret ones; `.env.production` (the production application's
  settings) likewise from `.env.production.example`.
- `.secrets/` (production; one file per secret, mounted as Docker secrets) gets every
  file the production stack mounts.

Nothing that exists is changed, and new files are private to you from the start
(0600, in a 0700 folder). Run it after an update from the template (`make env`): it
adds only what is new and prints what it added.

    python3 scripts/env_files.py
"""

import os
import re
import secrets
import sys
from collections.abc import Callable
from pathlib import Path

# Variables left empty in .env.example that get a value of their own in .env.
GENERATED = {
    "DJANGO_SECRET_KEY": lambda: secrets.token_urlsafe(50),
    "DATABASE_PASSWORD": lambda: secrets.token_urlsafe(24),
    "DATABASE_ROOT_PASSWORD": lambda: secrets.token_urlsafe(24),
    # Development containers run as you, so files they write in this folder stay yours.
    "HOST_UID": lambda: str(os.getuid()),
    "HOST_GID": lambda: str(os.getgid()),
}

# Production secrets: file in .secrets/ -> how its value is made (None: you fill it in).
SECRETS: dict[str, Callable[[], str] | None] = {
    "django_secret_key": lambda: secrets.token_urlsafe(50),
    # The SMTP server's password, if it asks for one. A line break, not nothing: Docker
    # refuses an empty secret, and the settings strip it.
    "email_password": lambda: "\n",
}
DERIVED_SECRETS: dict[str, tuple[str, str]] = {}

VARIABLE = re.compile(r"^(?P<name>[A-Z][A-Z0-9_]*)=(?P<value>.*)$", re.MULTILINE)


def write_private(path: Path, text: str) -> None:
    """Create `path` readable by you alone, with no moment of wider permissions."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(text)


def filled(example: str) -> str:
    """.env.example with a fresh value on each empty line that GENERATED names."""

    def fill(match: re.Match) -> str:
        name = match["name"]
        if match["value"] or name not in GENERATED:
            return match[0]
        return f"{name}={GENERATED[name]()}"

    return VARIABLE.sub(fill, example)


# The settings files, each made from NAME.example.
ENV_FILES = (".env", ".env.production")


def complete_env(root: Path, name: str = ".env") -> list[str]:
    """Create NAME from NAME.example, or append what it lacks; return the names added."""
    example = filled((root / f"{name}.example").read_text())
    env = root / name
    if not env.exists():
        write_private(env, example)
        return []
    present = {m["name"] for m in VARIABLE.finditer(env.read_text())}
    missing = [m[0] for m in VARIABLE.finditer(example) if m["name"] not in present]
    if missing:
        text = env.read_text()
        with env.open("a") as file:
            separator = "" if text.endswith("\n") or not text else "\n"
            file.write(separator + "\n".join(missing) + "\n")
    return [line.split("=", 1)[0] for line in missing]


def complete_secrets(root: Path) -> list[str]:
    """Create every missing file of .secrets/; return the names created."""
    folder = root / ".secrets"
    folder.mkdir(mode=0o700, exist_ok=True)
    added = []
    for name, make in SECRETS.items():
        if not (folder / name).exists():
            write_private(folder / name, make() if make else "")
            added.append(name)
    for name, (source, form) in DERIVED_SECRETS.items():
        if not (folder / name).exists():
            value = (folder / source).read_text().strip()
            write_private(folder / name, form.format(value))
            added.append(name)
    return added


def unfilled(root: Path) -> list[str]:
    """The secrets you provide yourself whose files are still empty."""
    folder = root / ".secrets"
    return [
        name
        for name, make in SECRETS.items()
        if make is None and not (folder / name).read_text().strip()
    ]


def main() -> int:
    root = Path.cwd()
    for env_file in ENV_FILES:
        for name in complete_env(root, env_file):
            print(f"added to {env_file}: {name}")
    for name in complete_secrets(root):
        print(f"added to .secrets/: {name}")
    for name in unfilled(root):
        print(f"fill in before deploying: .secrets/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
