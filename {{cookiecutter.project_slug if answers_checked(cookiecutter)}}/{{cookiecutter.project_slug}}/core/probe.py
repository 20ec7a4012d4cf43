"""Container healthcheck: exit 0 when this container's /health/ answers 200.

Runs without a shell or curl (the distroless image has neither):
    python -m {{ cookiecutter.project_slug }}.core.probe
"""

import os
import sys
import urllib.request

URL = os.environ.get("HEALTHCHECK_URL", "http://127.0.0.1:8000/health/")


def main() -> int:
    try:
        # The URL is this container's own address (or the operator's override).
        with urllib.request.urlopen(URL, timeout=4) as response:  # noqa: S310
            return 0 if response.status == 200 else 1
    except OSError as error:
        print(f"unhealthy: {URL}: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
