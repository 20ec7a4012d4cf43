import sentry_sdk


def init_sentry(dsn: str, environment: str) -> bool:
    """Start reporting errors to Sentry; without a DSN, do nothing and return False."""
    if not dsn:
        return False
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        # No user details or request bodies leave the application.
        data_collection={"user_info": False, "http_bodies": []},
    )
    return True
