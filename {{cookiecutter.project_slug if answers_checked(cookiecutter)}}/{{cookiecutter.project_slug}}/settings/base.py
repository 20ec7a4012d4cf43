"""Settings shared by every environment; the environment modules import from here."""

from pathlib import Path

from .env import env, env_bool, env_int, env_list{% if cookiecutter.task_queue == "celery" %}, with_password{% endif %}

BASE_DIR = Path(__file__).resolve().parent.parent.parent

# The public host name of the production site.
DOMAIN_NAME = env(
    "DJANGO_DOMAIN_NAME",
    default="{{ cookiecutter.domain_name }}",
)

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
{%- if cookiecutter.use_drf %}
    "rest_framework",
{%- endif %}
    "{{ cookiecutter.project_slug }}.core",
    "{{ cookiecutter.project_slug }}.users",
]

MIDDLEWARE = [
    "{{ cookiecutter.project_slug }}.core.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "{{ cookiecutter.project_slug }}.urls"
WSGI_APPLICATION = "{{ cookiecutter.project_slug }}.wsgi.application"
ASGI_APPLICATION = "{{ cookiecutter.project_slug }}.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

{% if cookiecutter.database == "postgresql" -%}
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "HOST": env("DATABASE_HOST", default="localhost"),
        "PORT": env_int("DATABASE_PORT", default=5432),
        "NAME": env("DATABASE_NAME", default="{{ cookiecutter.project_slug }}"),
        "USER": env("DATABASE_USER", default="{{ cookiecutter.project_slug }}"),
        "PASSWORD": env("DATABASE_PASSWORD", default=""),
        "CONN_MAX_AGE": env_int("DATABASE_CONN_MAX_AGE", default=60),
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": {
            # TLS: prefer, require, or verify-full with the server's CA in sslrootcert.
            "sslmode": env("DATABASE_SSLMODE", default="prefer"),
            "sslrootcert": env("DATABASE_SSLROOTCERT", default="") or None,
        },
    }
}
{%- elif cookiecutter.database == "mariadb" -%}
database_options: dict[str, object] = {
    "charset": "utf8mb4",
    "init_command": "SET sql_mode='STRICT_TRANS_TABLES'",
}
# TLS to the server, checked against its CA certificate: name that file.
if database_ca := env("DATABASE_SSLROOTCERT", default=""):
    database_options["ssl"] = {"ca": database_ca}
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.mysql",
        "HOST": env("DATABASE_HOST", default="localhost"),
        "PORT": env_int("DATABASE_PORT", default=3306),
        "NAME": env("DATABASE_NAME", default="{{ cookiecutter.project_slug }}"),
        "USER": env("DATABASE_USER", default="{{ cookiecutter.project_slug }}"),
        "PASSWORD": env("DATABASE_PASSWORD", default=""),
        "CONN_MAX_AGE": env_int("DATABASE_CONN_MAX_AGE", default=60),
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": database_options,
        "TEST": {"CHARSET": "utf8mb4", "COLLATION": "utf8mb4_unicode_ci"},
    }
}
{%- else -%}
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": env("DATABASE_PATH", default=str(BASE_DIR / "db.sqlite3")),
        # WAL lets readers and one writer work at the same time; writers wait their turn.
        "OPTIONS": {
            "timeout": env_int("DATABASE_TIMEOUT", default=20),
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }
}
{%- endif %}
{%- if cookiecutter.cache != "none" %}

# The cache server's password (production sets one; see CACHE_PASSWORD in .env.example).
CACHE_PASSWORD = env("CACHE_PASSWORD", default="")
CACHES = {
    "default": {
{%- if cookiecutter.cache == "valkey" %}
        # Valkey speaks the Redis protocol: Django's Redis backend serves it.
{%- endif %}
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env("CACHE_URL", default="redis://localhost:6379/0"),
        "OPTIONS": {"password": CACHE_PASSWORD or None},
    }
}
{%- endif %}

AUTH_USER_MODEL = "users.User"

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "{{ cookiecutter.timezone }}"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env("DJANGO_STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
# Uploaded files. Django serves them itself where SERVE_MEDIA is on (development, tests);
{%- if cookiecutter.media_storage == "s3" %}
# in production they live in the S3 bucket, which serves them (production.py).
{%- elif cookiecutter.reverse_proxy == "none" %}
# in production too, as no proxy stands in front of the application server.
{%- else %}
# in production the proxy serves them straight from the media volume.
{%- endif %}
MEDIA_URL = "media/"
MEDIA_ROOT = env("DJANGO_MEDIA_ROOT", default=str(BASE_DIR / "media"))
SERVE_MEDIA = env_bool("DJANGO_SERVE_MEDIA", default=True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default=f"noreply@{DOMAIN_NAME}")
# Who receives the error reports Django mails when DEBUG is off, and what they come from.
ADMINS = env_list("DJANGO_ADMINS", default=["{{ cookiecutter.email }}"])
SERVER_EMAIL = env("DJANGO_SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
# Development prints email to the console; production sends it over SMTP.
mail_backend = env(
    "DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)
# "error_reports" carries the error mails to ADMINS: a mail server out of reach must not
# turn an error page into a dropped connection, so it fails silently.
MAILERS = {
    "default": {"BACKEND": mail_backend},
    "error_reports": {"BACKEND": mail_backend, "OPTIONS": {"fail_silently": True}},
}

# Containers log to stdout; the engine collects it. Errors are mailed to ADMINS too.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"require_debug_false": {"()": "django.utils.log.RequireDebugFalse"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "plain",
        },
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false"],
            "using": "error_reports",
        },
    },
    "root": {"handlers": ["stdout"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {"django": {"handlers": ["mail_admins"], "level": "INFO"}},
}
{%- if cookiecutter.task_queue == "celery" %}

# TASK_BROKER_URL: Celery reads CELERY_BROKER_URL and BROKER_URL from the environment
# itself, over this setting and without the password.
CELERY_BROKER_URL = with_password(
    env("TASK_BROKER_URL", default="redis://localhost:6379/1"), CACHE_PASSWORD
)
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL)
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TIME_LIMIT = 5 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 4 * 60
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE = {
    "clear-expired-sessions": {
        "task": "{{ cookiecutter.project_slug }}.core.tasks.clear_expired_sessions",
        "schedule": 24 * 60 * 60,
    },
}
{%- endif %}
{%- if cookiecutter.use_drf %}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.BasicAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
}
{%- endif %}
