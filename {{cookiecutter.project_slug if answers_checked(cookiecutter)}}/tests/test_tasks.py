from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from {{ cookiecutter.project_slug }}.celery import app
from {{ cookiecutter.project_slug }}.core.tasks import clear_expired_sessions

pytestmark = pytest.mark.django_db


def make_session(expires_in: timedelta) -> str:
    session = SessionStore()
    session["seen"] = True
    session.set_expiry(int(expires_in.total_seconds()))
    session.create()
    assert session.session_key is not None
    return session.session_key


def test_clear_expired_sessions_removes_only_expired_ones():
    live = make_session(timedelta(hours=1))
    expired = make_session(timedelta(hours=1))
    an_hour_ago = timezone.now() - timedelta(hours=1)
    Session.objects.filter(pk=expired).update(expire_date=an_hour_ago)

    result = clear_expired_sessions.delay()

    assert result.get(timeout=10) == 1
    assert list(Session.objects.values_list("pk", flat=True)) == [live]


def test_the_task_is_registered_and_scheduled():
    app.loader.import_default_modules()

    assert clear_expired_sessions.name in app.tasks
    schedule = app.conf.beat_schedule["clear-expired-sessions"]
    assert schedule["task"] == clear_expired_sessions.name


def test_readiness_files_follow_the_worker_and_beat(tmp_path, monkeypatch):
    from celery.signals import beat_init, worker_ready, worker_shutdown

    from {{ cookiecutter.project_slug }} import celery as celery_module

    monkeypatch.setattr(celery_module, "WORKER_READY", tmp_path / "worker")
    monkeypatch.setattr(celery_module, "BEAT_READY", tmp_path / "beat")

    worker_ready.send(sender=None)
    beat_init.send(sender=None)
    assert (tmp_path / "worker").exists()
    assert (tmp_path / "beat").exists()

    worker_shutdown.send(sender=None)
    assert not (tmp_path / "worker").exists()
