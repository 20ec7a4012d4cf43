import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db

UNREACHABLE_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        # Port 1 on loopback: nothing listens there, so connecting fails at once.
        "LOCATION": "redis://127.0.0.1:1/0",
    }
}


def test_health_checks_the_configured_cache(client):
    body = client.get("/health/").json()

    assert body["checks"]["cache"] == "ok"


def test_health_answers_503_naming_the_cache_when_it_fails(client):
    # Django rebuilds its cache handlers whenever CACHES is overridden.
    with override_settings(CACHES=UNREACHABLE_CACHE):
        response = client.get("/health/")

    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["cache"]
    assert body["checks"]["database"] == "ok"
