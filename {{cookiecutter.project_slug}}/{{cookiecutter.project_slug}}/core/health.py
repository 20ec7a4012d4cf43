"""/health/: can this process serve? Answered for container healthchecks and probes.

The middleware answers before host validation and the HTTPS redirect: probes arrive
by IP address over plain HTTP, from inside the network.
"""

import logging

from django.core.cache import caches
from django.db import connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)

# A per-process cache proves nothing about shared infrastructure.
LOCAL_CACHE_BACKENDS = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


def check_database(alias: str) -> None:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_cache(alias: str) -> None:
    cache = caches[alias]
    cache.set("health-check", "ok", timeout=5)
    if cache.get("health-check") != "ok":
        raise RuntimeError("value written to the cache could not be read back")


def dependency_checks() -> dict:
    checks = {}
    for alias in connections:
        name = "database" if alias == "default" else f"database:{alias}"
        checks[name] = (check_database, alias)
    for alias in caches:
        if caches.settings[alias]["BACKEND"] not in LOCAL_CACHE_BACKENDS:
            name = "cache" if alias == "default" else f"cache:{alias}"
            checks[name] = (check_cache, alias)
    return checks


@never_cache
@require_GET
def health(request):
    results = {}
    for name, (check, alias) in dependency_checks().items():
        try:
            check(alias)
        except Exception as error:
            logger.warning("health check %s failed: %s", name, error)
            results[name] = "error"
        else:
            results[name] = "ok"
    failing = [name for name, result in results.items() if result != "ok"]
    body = {"status": "error" if failing else "ok", "checks": results}
    if failing:
        body["failing"] = failing
    return JsonResponse(body, status=503 if failing else 200)


class HealthCheckMiddleware:
    """Serve /health/ first in the middleware chain; pass everything else on."""

    path = "/health/"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == self.path:
            return health(request)
        return self.get_response(request)
