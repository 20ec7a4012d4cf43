"""Typed access to settings that come from environment variables.

Every getter honours ``NAME_FILE`` before ``NAME``: Docker secrets arrive as files,
and reading them here keeps secrets out of the environment.
"""

import os
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

from django.core.exceptions import ImproperlyConfigured

_REQUIRED = object()
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env(name: str, default=_REQUIRED) -> str:
    file_path = os.environ.get(f"{name}_FILE")
    if file_path:
        return Path(file_path).read_text().strip()
    value = os.environ.get(name)
    if value is not None:
        return value
    if default is _REQUIRED:
        raise ImproperlyConfigured(
            f"Set the {name} environment variable (or {name}_FILE)."
        )
    return default


def env_bool(name: str, default: bool) -> bool:
    value = env(name, default=None)
    if value is None:
        return default
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={value!r} is not a boolean (use true or false)."
    )


def env_int(name: str, default: int) -> int:
    value = env(name, default=None)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not an integer.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = env(name, default=None)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def with_password(url: str, password: str) -> str:
    """`url` with `password` in it (redis://:PASSWORD@host/...), unless empty or present."""
    parts = urlsplit(url)
    if not password or parts.password:
        return url
    host = parts.netloc.rpartition("@")[2]
    user = quote(parts.username or "", safe="")
    return urlunsplit(
        parts._replace(netloc=f"{user}:{quote(password, safe='')}@{host}")
    )
