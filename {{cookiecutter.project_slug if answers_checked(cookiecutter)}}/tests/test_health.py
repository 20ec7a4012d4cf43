from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.db.migrations.executor import MigrationExecutor

from {{ cookiecutter.project_slug }}.core import health

pytestmark = pytest.mark.django_db


def test_health_reports_every_dependency_ok(client):
    response = client.get("/health/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == "ok"
    assert set(body["checks"].values()) == {"ok"}


@pytest.fixture
def database_down():
    refused = OperationalError("connection refused")
    with mock.patch.object(connection, "ensure_connection", side_effect=refused):
        connection.close()
        yield


def test_health_answers_503_naming_the_database_when_it_fails(client, database_down):
    response = client.get("/health/")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["failing"] == ["database"]
    assert body["checks"]["database"] == "error"


def test_health_is_never_cached(client):
    response = client.get("/health/")

    assert "no-cache" in response["Cache-Control"]


def test_health_rejects_writes(client):
    assert client.post("/health/").status_code == 405


def test_health_answers_any_host_and_plain_http(client, settings):
    # Probes come by IP address, over HTTP; the rest of the site keeps its checks.
    settings.ALLOWED_HOSTS = ["www.example.com"]
    settings.SECURE_SSL_REDIRECT = True

    response = client.get("/health/", HTTP_HOST="10.0.0.7:8000")

    assert response.status_code == 200
    assert client.get("/admin/login/", HTTP_HOST="10.0.0.7:8000").status_code == 400


def test_health_answers_503_while_migrations_are_pending(client, monkeypatch):
    monkeypatch.setattr(health, "_migrated", set())
    monkeypatch.setattr(
        MigrationExecutor, "migration_plan", lambda self, targets: [("users", False)]
    )

    response = client.get("/health/")

    assert response.status_code == 503
    assert response.json()["failing"] == ["migrations"]


def test_migrations_are_checked_until_found_applied(client, monkeypatch):
    monkeypatch.setattr(health, "_migrated", set())

    assert client.get("/health/").json()["checks"]["migrations"] == "ok"
    assert health._migrated == {"default"}


def test_liveness_answers_without_checking_dependencies(client, database_down):
    response = client.get("/health/?live")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
