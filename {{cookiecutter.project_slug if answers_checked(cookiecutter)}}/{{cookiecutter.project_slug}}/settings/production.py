"""Production settings: every secret from the environment, HTTPS enforced."""

{% if cookiecutter.use_sentry -%}
from ..sentry import init_sentry
{% endif -%}
from .base import *  # noqa: F403
from .base import DOMAIN_NAME
from .env import env, env_bool, env_int, env_list

SECRET_KEY = env("DJANGO_SECRET_KEY")
DEBUG = False
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", default=[DOMAIN_NAME])
CSRF_TRUSTED_ORIGINS = env_list(
    "DJANGO_CSRF_TRUSTED_ORIGINS", default=[f"https://{DOMAIN_NAME}"]
)

{%- if cookiecutter.reverse_proxy == "none" %}
# Only a proxy in front can say the request came over HTTPS (X-Forwarded-Proto); with
# none, a client could claim it. Set DJANGO_TRUST_X_FORWARDED_PROTO=true once a
# TLS-terminating proxy of yours sets the header (and clients cannot reach Django past it).
{%- else %}
# TLS ends at the proxy, which sets X-Forwarded-Proto itself (it never passes on a
# client's): Django may trust it, as nothing else reaches the application server.
{%- endif %}
if env_bool(
    "DJANGO_TRUST_X_FORWARDED_PROTO",
    default={{ "False" if cookiecutter.reverse_proxy == "none" else "True" }},
):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool(
    "DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True
)
# Preloading commits the domain, and every subdomain, to HTTPS in browsers for good:
# opt in once that holds (https://hstspreload.org).
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", default=False)
# Django's deployment check asks for preloading; until you opt in, that is a choice.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True

# Email goes out over SMTP; the password may come from a file (Docker secret).
smtp = "django.core.mail.backends.smtp.EmailBackend"
smtp_options = {
    "host": env("DJANGO_EMAIL_HOST", default="localhost"),
    "port": env_int("DJANGO_EMAIL_PORT", default=587),
    "username": env("DJANGO_EMAIL_USER", default=""),
    "password": env("DJANGO_EMAIL_PASSWORD", default=""),
    "use_tls": env_bool("DJANGO_EMAIL_USE_TLS", default=True),
    "timeout": 10,
}
MAILERS = {
    "default": {"BACKEND": smtp, "OPTIONS": smtp_options},
    # Error mails to ADMINS: if the server is out of reach, the error page still goes out.
    "error_reports": {
        "BACKEND": smtp,
        "OPTIONS": smtp_options | {"fail_silently": True},
    },
}
{%- if cookiecutter.media_storage == "s3" %}

# Uploads go to an S3-compatible bucket (AWS, MinIO, Garage, Ceph, R2...); the keys may
# come from files (secrets mounted as files). Static files stay with WhiteNoise.
STORAGES = {
    "default": {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            # Required where the stack runs (compose, the stack, the ConfigMap set it).
            "bucket_name": env("STORAGE_BUCKET_NAME", default=""),
            "endpoint_url": env("STORAGE_ENDPOINT_URL", default="") or None,
            "region_name": env("STORAGE_REGION_NAME", default="") or None,
            # Without keys, boto3 looks for others (an instance's or pod's role).
            "access_key": env("STORAGE_ACCESS_KEY_ID", default="") or None,
            "secret_key": env("STORAGE_SECRET_ACCESS_KEY", default="") or None,
            # Private objects, reached through links signed for an hour.
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": 3600,
            "file_overwrite": False,
        },
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
SERVE_MEDIA = False
{%- else %}

# Uploads live in the media volume (MEDIA_ROOT, see compose.production.yaml).
MEDIA_ROOT = env("DJANGO_MEDIA_ROOT", default="/app/media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
SERVE_MEDIA = env_bool("DJANGO_SERVE_MEDIA", default={{ "True" if cookiecutter.reverse_proxy == "none" else "False" }})
{%- endif %}

# collectstatic keeps only the hashed names, which the static template tag links to:
# half the files.
WHITENOISE_KEEP_ONLY_HASHED_FILES = True
{%- if cookiecutter.use_sentry %}

init_sentry(
    dsn=env("SENTRY_DSN", default=""),
    environment=env("SENTRY_ENVIRONMENT", default="production"),
)
{%- endif %}
