"""A production site over HTTPS as a browser meets it, every request sent to 127.0.0.1.

The site's name is `localhost` (a name, as certificates and HSTS need, that resolves to
the loopback): connections go to 127.0.0.1 and TLS checks the certificate for that name
against the CA the test trusts (Caddy's internal one). A TLS terminator the test starts
in front of nginx or the bare application server plays a load balancer's part.
"""

import http.client
import socket
import ssl
import subprocess
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

NAME = "localhost"
TERMINATOR_IMAGE = "caddy:2-alpine"


class Connection(http.client.HTTPSConnection):
    """HTTPS to 127.0.0.1:port, verified for the site's name."""

    def connect(self):
        sock = socket.create_connection(("127.0.0.1", self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=NAME)


def fetch(scheme: str, port: int, path: str, ca: Path | None = None, method="GET",
          headers: dict | None = None, body: bytes | None = None):  # fmt: skip
    """One request, redirects not followed: (status, headers, body)."""
    if scheme == "https":
        context = ssl.create_default_context(cafile=str(ca))
        conn = Connection("127.0.0.1", port, timeout=10, context=context)
    else:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    host = NAME if port in (80, 443) else f"{NAME}:{port}"
    conn.request(method, path, body=body, headers={"Host": host, **(headers or {})})
    response = conn.getresponse()
    result = response.status, response.headers, response.read()
    conn.close()
    return result


def wait_for_tls(port: int, ca: Path, seconds: float = 60):
    """Until the site answers over HTTPS (a certificate is issued on the first start)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            return fetch("https", port, "/health/", ca)
        except (OSError, ssl.SSLError):
            if time.monotonic() > deadline:
                raise
            time.sleep(1)


def admin_login(port: int, ca: Path, path: str, username: str, password: str) -> SimpleCookie:
    """Django's admin login form, filled in as a browser would: its cookies, once in."""
    status, headers, body = fetch("https", port, path, ca)
    assert status == 200, (status, body[:300])
    cookies = SimpleCookie("\n".join(headers.get_all("Set-Cookie", [])))
    assert cookies["csrftoken"]["secure"], headers
    token = body.split(b'name="csrfmiddlewaretoken" value="')[1].split(b'"')[0].decode()
    origin = f"https://{NAME}:{port}"
    form = urlencode({"csrfmiddlewaretoken": token, "username": username, "password": password})
    status, headers, body = fetch("https", port, path, ca, method="POST", body=form.encode(),
                                  headers={
        "Content-Type": "application/x-www-form-urlencoded", "Origin": origin,
        "Referer": f"{origin}{path}", "Cookie": f"csrftoken={cookies['csrftoken'].value}",
    })  # fmt: skip
    assert status == 302, (status, body[:500])
    session = SimpleCookie("\n".join(headers.get_all("Set-Cookie", [])))
    assert "sessionid" in session and session["sessionid"]["secure"], headers
    return session


class Terminator:
    """A TLS terminator on the host's loopback in front of http://127.0.0.1:upstream:
    HTTPS on `https_port` (Caddy's internal CA, X-Forwarded-Proto https) and plain HTTP
    on `http_port` (X-Forwarded-Proto http), as a load balancer would forward both."""

    def __init__(self, docker: str, name: str, folder: Path, upstream: int,
                 https_port: int, http_port: int):  # fmt: skip
        self.docker, self.name, self.folder = docker, name, folder
        self.https_port, self.http_port = https_port, http_port
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "Caddyfile").write_text(
            "{\n\tadmin off\n\tauto_https disable_redirects\n}\n"
            f"https://{NAME}:{https_port} {{\n\tbind 127.0.0.1\n\ttls internal\n"
            f"\treverse_proxy 127.0.0.1:{upstream}\n}}\n"
            f"http://{NAME}:{http_port} {{\n\tbind 127.0.0.1\n"
            f"\treverse_proxy 127.0.0.1:{upstream}\n}}\n"
        )

    def __enter__(self):
        subprocess.run([self.docker, "rm", "-f", self.name], capture_output=True)
        subprocess.run([
            self.docker, "run", "-d", "--name", self.name, "--network", "host",
            "-v", f"{self.folder}:/etc/caddy:ro", TERMINATOR_IMAGE,
            "caddy", "run", "--config", "/etc/caddy/Caddyfile",
        ], check=True, capture_output=True)  # fmt: skip
        self.ca = self.folder / "root.crt"
        deadline = time.monotonic() + 30
        while True:
            source = f"{self.name}:/data/caddy/pki/authorities/local/root.crt"
            copied = subprocess.run([self.docker, "cp", source, str(self.ca)], capture_output=True)
            if copied.returncode == 0:
                return self
            if time.monotonic() > deadline:
                logs = subprocess.run([self.docker, "logs", self.name],
                                      capture_output=True, text=True)  # fmt: skip
                raise AssertionError(f"the terminator made no CA: {logs.stderr[-2000:]}")
            time.sleep(0.5)

    def __exit__(self, *exc):
        subprocess.run([self.docker, "rm", "-f", self.name], capture_output=True)


def caddy_ca(docker: str, stack, folder: Path) -> Path:
    """The root certificate of the stack's Caddy (its internal CA, used for localhost)."""
    ca = folder / "stack-root.crt"
    deadline = time.monotonic() + 60
    while True:
        out = stack("exec", "-T", "proxy", "cat", "/data/caddy/pki/authorities/local/root.crt",
                    check=False)  # fmt: skip
        if out.returncode == 0 and "BEGIN CERTIFICATE" in out.stdout:
            ca.write_text(out.stdout)
            return ca
        if time.monotonic() > deadline:
            raise AssertionError(f"Caddy made no internal CA: {out.stderr}")
        time.sleep(1)


class Site:
    """The site at https://localhost:port (and its plain-HTTP door at http_port)."""

    def __init__(self, port: int, http_port: int, ca: Path):
        self.port, self.http_port, self.ca = port, http_port, ca

    def fetch(self, path: str, **kwargs):
        return fetch("https", self.port, path, self.ca, **kwargs)

    def plain(self, path: str):
        return fetch("http", self.http_port, path)


def edit_env(path: Path, **values: str) -> None:
    """Set NAME=value in an env file as its owner would: the line replaced, or added."""
    lines = path.read_text().splitlines()
    for name, value in values.items():
        line = f"{name}={value}"
        at = [i for i, old in enumerate(lines) if old.startswith((f"{name}=", f"# {name}="))]
        if at:
            lines[at[0]] = line
        else:
            lines.append(line)
    path.write_text("\n".join(lines) + "\n")
