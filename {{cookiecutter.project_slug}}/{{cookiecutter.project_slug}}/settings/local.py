"""Development settings: DEBUG on, a throwaway key unless one is set."""

from .base import *  # noqa: F403
from .env import env, env_bool

SECRET_KEY = env("DJANGO_SECRET_KEY", default="django-insecure-local-development-only")
DEBUG = env_bool("DJANGO_DEBUG", default=True)
