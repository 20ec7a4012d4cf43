import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import mail_admins

from {{ cookiecutter.project_slug }}.settings.env import (
    env,
    env_bool,
    env_int,
    env_list,
    with_password,
)


def test_file_variant_wins_over_the_plain_variable(tmp_path, monkeypatch):
    secret = tmp_path / "secret"
    secret.write_text("from-a-file\n")
    monkeypatch.setenv("EXAMPLE_SECRET", "from-the-environment")
    monkeypatch.setenv("EXAMPLE_SECRET_FILE", str(secret))

    assert env("EXAMPLE_SECRET") == "from-a-file"


def test_missing_required_variable_names_it(monkeypatch):
    monkeypatch.delenv("EXAMPLE_MISSING", raising=False)

    with pytest.raises(ImproperlyConfigured, match="EXAMPLE_MISSING"):
        env("EXAMPLE_MISSING")


def test_typed_getters(monkeypatch):
    monkeypatch.setenv("EXAMPLE_FLAG", "false")
    monkeypatch.setenv("EXAMPLE_NUMBER", "42")
    monkeypatch.setenv("EXAMPLE_HOSTS", "a.example, b.example,")

    assert env_bool("EXAMPLE_FLAG", default=True) is False
    assert env_int("EXAMPLE_NUMBER", default=0) == 42
    assert env_list("EXAMPLE_HOSTS", default=[]) == ["a.example", "b.example"]


def test_a_malformed_boolean_is_refused(monkeypatch):
    monkeypatch.setenv("EXAMPLE_FLAG", "perhaps")

    with pytest.raises(ImproperlyConfigured, match="EXAMPLE_FLAG"):
        env_bool("EXAMPLE_FLAG", default=False)


def test_error_mails_go_to_the_admins(mailoutbox):
    mail_admins("Server error", "details")

    assert [message.to for message in mailoutbox] == [["{{ cookiecutter.email }}"]]


@pytest.mark.parametrize(
    ("url", "password", "expected"),
    [
        ("redis://cache:6379/1", "p@ss/word", "redis://:p%40ss%2Fword@cache:6379/1"),
        ("redis://cache:6379/1", "", "redis://cache:6379/1"),
        ("redis://:given@cache:6379/1", "other", "redis://:given@cache:6379/1"),
        ("rediss://app@cache:6380/0", "pw", "rediss://app:pw@cache:6380/0"),
    ],
)
def test_a_password_joins_the_url(url, password, expected):
    assert with_password(url, password) == expected
