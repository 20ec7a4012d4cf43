import sentry_sdk

from {{ cookiecutter.project_slug }}.sentry import init_sentry


def test_sentry_stays_off_without_a_dsn():
    assert init_sentry(dsn="", environment="test") is False
    assert not sentry_sdk.get_client().is_active()


def test_sentry_starts_with_a_dsn():
    try:
        assert init_sentry(dsn="https://public@127.0.0.1/1", environment="test") is True
        client = sentry_sdk.get_client()
        assert client.is_active()
        assert client.options["environment"] == "test"
        assert client.options["data_collection"]["user_info"] is False
        assert client.options["data_collection"]["http_bodies"] == []
    finally:
        sentry_sdk.get_client().close()
        sentry_sdk.init()
