import pytest

from {{ cookiecutter.project_slug }}.core import probe


@pytest.mark.django_db(transaction=True)
def test_probe_passes_against_a_healthy_server(live_server, monkeypatch):
    monkeypatch.setattr(probe, "URL", f"{live_server.url}/health/")

    assert probe.main() == 0


def test_probe_fails_when_nothing_answers(monkeypatch, capsys):
    monkeypatch.setattr(probe, "URL", "http://127.0.0.1:1/health/")

    assert probe.main() == 1
    assert "unhealthy" in capsys.readouterr().err
