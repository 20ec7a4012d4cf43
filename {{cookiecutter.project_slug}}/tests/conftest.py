import pytest
{%- if cookiecutter.cache != "none" %}
from django.core.cache import caches
{%- endif %}


@pytest.fixture
def user(django_user_model):
    return django_user_model.objects.create_user(
        username="ada",
        email="ada@example.com",
        password="correct horse battery",
        name="Ada",
    )
{%- if cookiecutter.cache != "none" %}


@pytest.fixture(autouse=True)
def close_redis_connections():
    """Close the cache's Redis connections after each test.

    Django pools them for the life of the process; a pool dropped when a test overrides
    CACHES would otherwise leave its sockets to the garbage collector, whose
    ResourceWarning fails the run at a random moment (warnings are errors here).
    """
    yield
    for cache in caches.all(initialized_only=True):
        # RedisCache keeps one connection pool per server on its client.
        for pool in getattr(getattr(cache, "_cache", None), "_pools", {}).values():
            pool.disconnect()
{%- endif %}
