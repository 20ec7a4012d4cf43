"""Settings for the test suite: the configured database, fast hashing.

The test runner swaps every mailer for the in-memory one by itself.
"""

from .base import *  # noqa: F403

SECRET_KEY = "django-insecure-test-only"
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# No collectstatic before tests: WhiteNoise looks files up on request instead.
WHITENOISE_AUTOREFRESH = True
