"""Development settings: DEBUG on, the debug toolbar, a throwaway key unless one is set.

Outgoing mail is printed to the console (the web container's log: `make logs`).
"""

import socket
import struct
from pathlib import Path

from .base import *  # noqa: F403
from .base import INSTALLED_APPS, MIDDLEWARE
from .env import env, env_bool

SECRET_KEY = env("DJANGO_SECRET_KEY", default="django-insecure-local-development-only")
DEBUG = env_bool("DJANGO_DEBUG", default=True)


def docker_host_address() -> list[str]:
    """Your machine as a container sees it: the gateway of its default route."""
    try:
        routes = Path("/proc/net/route").read_text().splitlines()[1:]
    except OSError:
        return []
    for fields in (line.split() for line in routes):
        if fields[1] == "00000000":  # the default route
            return [socket.inet_ntoa(struct.pack("<L", int(fields[2], 16)))]
    return []


# The debug toolbar, a development dependency (the production image lacks it), shown
# to requests from this machine only: from loopback, or from your browser through the
# port Compose publishes.
INSTALLED_APPS = [*INSTALLED_APPS, "debug_toolbar"]
MIDDLEWARE = [
    MIDDLEWARE[0],
    "debug_toolbar.middleware.DebugToolbarMiddleware",
    *MIDDLEWARE[1:],
]
INTERNAL_IPS = ["127.0.0.1", *docker_host_address()]
