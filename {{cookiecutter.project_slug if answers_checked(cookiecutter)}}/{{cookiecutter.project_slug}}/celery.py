import os
from pathlib import Path

from celery import Celery
from celery.signals import beat_init, worker_ready, worker_shutdown

os.environ.setdefault(
    "DJANGO_SETTINGS_MODULE",
    "{{ cookiecutter.project_slug }}.settings.production",
)

app = Celery("{{ cookiecutter.project_slug }}")
# Every CELERY_* Django setting configures the app.
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Readiness files for container healthchecks: checking a file costs nothing, where
# `celery inspect ping` starts a whole client every few seconds.
# /tmp is the containers' tmpfs; tempfile.gettempdir() would probe the disk at import.
READY_DIR = Path(os.environ.get("CELERY_READY_DIR", "/tmp"))  # noqa: S108
WORKER_READY = READY_DIR / "celery-worker-ready"
BEAT_READY = READY_DIR / "celery-beat-ready"


@worker_ready.connect
def mark_worker_ready(**_):
    WORKER_READY.touch()


@worker_shutdown.connect
def mark_worker_stopped(**_):
    WORKER_READY.unlink(missing_ok=True)


@beat_init.connect
def mark_beat_ready(**_):
    BEAT_READY.touch()
