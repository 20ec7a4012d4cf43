"""Settings for the test suite: the configured database and cache, fast hashing."""

from .base import *  # noqa: F403

SECRET_KEY = "django-insecure-test-only"
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
{%- if cookiecutter.task_queue == "celery" %}
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
{%- endif %}
