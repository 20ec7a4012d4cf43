"""Settings for the test suite: the configured database{% if cookiecutter.cache != "none" %} and cache{% endif %}, fast hashing.

The test runner swaps every mailer for the in-memory one by itself.
"""

{% if cookiecutter.cache != "none" -%}
from django.core.cache.backends.redis import RedisCache

{% endif -%}
from .base import *  # noqa: F403

SECRET_KEY = "django-insecure-test-only"
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# No collectstatic before tests: WhiteNoise looks files up on request instead.
WHITENOISE_AUTOREFRESH = True
{%- if cookiecutter.task_queue == "celery" %}
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
{%- endif %}
{%- if cookiecutter.cache != "none" %}


class ClosingRedisCache(RedisCache):
    """Django's Redis cache, closing its connections whenever Django closes the cache.

    Django keeps Redis connections pooled for the life of the process. In tests, pools
    are dropped (a test overriding CACHES, the live server's thread ending) and left to
    the garbage collector, whose unclosed-socket warning fails the run at a random
    moment. Closing at the end of each request costs a reconnect, only in tests.
    """

    def close(self, **kwargs):
        for pool in self._cache._pools.values():  # type: ignore[attr-defined]
            pool.disconnect()


CACHES = {"default": CACHES["default"] | {"BACKEND": f"{__name__}.ClosingRedisCache"}}  # noqa: F405
{%- endif %}
