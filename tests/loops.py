"""Bounded loops of the end-to-end tests: commands, waits, and request load on 127.0.0.1."""

import subprocess
import threading
import time
from collections.abc import Callable
from urllib.parse import urlsplit

import pytest
from conftest import get


def sh(*args, check=True, timeout=600, **kwargs) -> str:
    """A command's stdout, stripped; its output tail in the failure if it fails."""
    result = subprocess.run([str(a) for a in args], capture_output=True, text=True,
                            timeout=timeout, **kwargs)  # fmt: skip
    if check and result.returncode != 0:
        pytest.fail(f"{args} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return result.stdout.strip()


def wait_until(predicate, seconds: float, what: str, every: float = 1) -> float:
    """How long PREDICATE took to hold; the test fails if it does not within SECONDS."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if predicate():
            return time.monotonic() - started
        time.sleep(every)
    pytest.fail(f"not within {seconds} s: {what}")


class Load:
    """GET requests in a background loop, one every 50 ms, to 127.0.0.1 only, until the
    `with` block ends, MAX_SECONDS pass or MAX_REQUESTS are sent. Every answer other
    than 200 (or error) is kept in `failures` with its time.

    URL is a string, or a function of the request's number (to mark each request)."""

    def __init__(self, url: str | Callable[[int], str], host: str,
                 max_seconds: float = 300, max_requests: int = 20000,
                 headers: dict | None = None):  # fmt: skip
        self.url = url if callable(url) else (lambda _: url)
        assert urlsplit(self.url(0)).hostname == "127.0.0.1", "load goes to 127.0.0.1 only"
        self.host, self.max_seconds, self.max_requests = host, max_seconds, max_requests
        self.headers = headers
        self.sent = 0
        self.failures: list[tuple[float, str]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        deadline = time.monotonic() + self.max_seconds
        while not self._stop.is_set() and time.monotonic() < deadline:
            if self.sent >= self.max_requests:
                break
            self.sent += 1
            try:
                status = get(self.url(self.sent), self.host, 10, self.headers)[0]
            except OSError as error:
                status = repr(error)
            if status != 200:
                self.failures.append((time.monotonic(), str(status)))
            time.sleep(0.05)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *_):
        self._stop.set()
        self._thread.join()
