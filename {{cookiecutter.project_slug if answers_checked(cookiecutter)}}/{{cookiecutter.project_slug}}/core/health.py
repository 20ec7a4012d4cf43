"""/health/: can this process serve? Answered for container healthchecks and probes.

The middleware answers before host validation and the HTTPS redirect: probes arrive
by IP address over plain HTTP, from inside the network.
"""

import logging

from django.core.cache import caches
from django.db import connections
from django.db.migrations.executor import MigrationExecutor
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


# Aliases whose migrations were found applied: the schema only moves forward, so the
# (costly) check runs until it first passes, then never again in this process.
_migrated: set[str] = set()


def check_migrations(alias: str) -> None:
    """Unapplied migrations: the schema is older than this code, so do not serve yet.

    During a rolling update the new tasks stay unhealthy, and get no traffic, until
    the migration job has run.
    """
    if alias in _migrated:
        return
    executor = MigrationExecutor(connections[alias])
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if pending:
        raise RuntimeError(f"{len(pending)} migrations not applied yet")
    _migrated.add(alias)


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
    checks["migrations"] = (check_migrations, "default")
    for alias in caches:
        if caches.settings[alias]["BACKEND"] not in LOCAL_CACHE_BACKENDS:
            name = "cache" if alias == "default" else f"cache:{alias}"
            checks[name] = (check_cache, alias)
    return checks


@never_cache
@require_GET
def health(request):
    # ?live: the process answers; dependencies are not checked. For liveness probes,
    # which restart the container: a database outage must not restart every web pod.
    if "live" in request.GET:
        return JsonResponse({"status": "ok"})
    results: dict[str, str] = {}
    for name, (check, alias) in dependency_checks().items():
        if name == "migrations" and results.get("database") != "ok":
            continue  # meaningless without the database, which already reports
        try:
            check(alias)
        except Exception as error:
            logger.warning("health check %s failed: %s", name, error)
            results[name] = "error"
        else:
            results[name] = "ok"
    failing = [name for name, result in results.items() if result != "ok"]
    body: dict[str, object] = {
        "status": "error" if failing else "ok",
        "checks": results,
    }
    if failing:
        body["failing"] = failing
    response = JsonResponse(body, status=503 if failing else 200)
    # Logged above as a warning: Django would log the 503 again as an error, and mail
    # it to ADMINS for every probe while a dependency is down.
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response


class HealthCheckMiddleware:
    """Serve /health/ first in the middleware chain; pass everything else on."""

    path = "/health/"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == self.path:
            return health(request)
        return self.get_response(request)
