"""Build the stand-in base images the template's Dockerfiles and Compose files name.

No registry can be reached here, so each public image is replaced by a local one built
from Debian packages and tagged with the public name; `docker build` and Compose then
use the local image. What each stand-in promises is in README.md beside this file.
Images already present are reused. Needs root (debootstrap) and a running engine.

    python tests/standins/build.py            # every stand-in
    python tests/standins/build.py redis:8    # only some
"""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
BASE = "standin/trixie"
# Debian 13 itself: the base of every stand-in, the distroless builder's base, and the
# helper images gitlab-ci-local starts to copy files (a shell and coreutils).
BASE_ALIASES = ["debian:trixie-slim", "firecow/gitlab-ci-local-util:latest", "alpine:latest"]
# Where apt reads its sources on this machine.
APT_SOURCES = [
    *sorted(Path("/etc/apt/sources.list.d").glob("*.sources")),
    Path("/etc/apt/sources.list"),
]
HOST_CA_BUNDLE = Path("/etc/ssl/certs/ca-certificates.crt")

# public name -> (folder with the Dockerfile, build arguments)
STANDINS: dict[str, tuple[str, dict[str, str]]] = {
    "python:3.13-slim-trixie": ("python", {}),
    "python:3.14-slim-trixie": ("python", {"VERSION": "3.14", "SUITE": "sid"}),
    "gcr.io/distroless/python3-debian13:nonroot": ("distroless", {}),
    "postgres:17": ("postgres", {"PG_MAJOR": "17"}),
    "postgres:18": (
        "postgres",
        {"PG_MAJOR": "18", "SUITE": "sid", "PGDATA": "/var/lib/postgresql/18/docker"},
    ),
    "mariadb:11.8": ("mariadb", {}),
    "redis:8": ("keyvalue", {"SERVER": "redis"}),
    "valkey/valkey:8": ("keyvalue", {"SERVER": "valkey"}),
    "caddy:2-alpine": ("caddy", {}),
    "nginx:1.28-alpine": ("nginx", {}),
    "docker:29-dind": ("dind", {}),
    "sumina46/wait-for-it:latest": ("waitforit", {}),
}


def debian_mirror() -> str:
    """The Debian mirror this machine's apt uses, or DEBIAN_MIRROR: a machine behind an
    internal mirror builds the stand-ins unchanged."""
    if os.environ.get("DEBIAN_MIRROR"):
        return os.environ["DEBIAN_MIRROR"]
    for sources in APT_SOURCES:
        for line in sources.read_text().splitlines() if sources.exists() else []:
            words = line.split()
            if words[:1] in (["URIs:"], ["deb"]) and "security" not in words[1]:
                return words[1]
    raise SystemExit("no Debian mirror in /etc/apt: set DEBIAN_MIRROR to one")


def present(image: str) -> bool:
    return (
        subprocess.run(["docker", "image", "inspect", image], capture_output=True).returncode == 0
    )


def build_base() -> None:
    """Debian trixie minbase, with this machine's CA bundle (builds fetch over TLS)."""
    with tempfile.TemporaryDirectory(prefix="trixie-") as root:
        mirror = debian_mirror()
        subprocess.run(
            ["debootstrap", "--variant=minbase", "trixie", root, mirror],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        certs = Path(root, "etc/ssl/certs")
        certs.mkdir(parents=True, exist_ok=True)
        shutil.copy(HOST_CA_BUNDLE, certs / "ca-certificates.crt")
        # Where update-ca-certificates looks, so installing ca-certificates keeps it.
        local = Path(root, "usr/local/share/ca-certificates")
        local.mkdir(parents=True, exist_ok=True)
        shutil.copy(HOST_CA_BUNDLE, local / "host-bundle.crt")
        # The mirror may serve a snapshot whose Release files are past Valid-Until.
        Path(root, "etc/apt/apt.conf.d/99snapshot").write_text(
            'Acquire::Check-Valid-Until "false";\n'
        )
        # Later suites (sid) come from the same mirror: the stand-ins read it from here.
        Path(root, "etc/apt/sources.list").write_text(f"deb {mirror} trixie main\n")
        shutil.rmtree(Path(root, "var/cache/apt/archives"), ignore_errors=True)
        tar = subprocess.Popen(["tar", "-C", root, "-c", "."], stdout=subprocess.PIPE)
        subprocess.run(
            [
                "docker", "import",
                "-c", "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                "-c", f"ENV SSL_CERT_FILE={HOST_CA_BUNDLE}",
                "-c", 'CMD ["bash"]',
                "-", BASE,
            ],
            stdin=tar.stdout,
            check=True,
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        tar.wait()
    for alias in BASE_ALIASES:
        subprocess.run(["docker", "tag", BASE, alias], check=True)


def build(image: str) -> None:
    folder, args = STANDINS[image]
    command = ["docker", "build", "-q", "-t", image, "--build-arg", f"BASE={BASE}"]
    for key, value in args.items():
        command += ["--build-arg", f"{key}={value}"]
    subprocess.run([*command, str(HERE / folder)], check=True, stdout=subprocess.DEVNULL)


def ensure(images=None) -> list[str]:
    """Build whichever of `images` (default: all) is missing; return what was built."""
    built = []
    if not present(BASE):
        build_base()
        built.append(BASE)
    for alias in BASE_ALIASES:
        if not present(alias):
            subprocess.run(["docker", "tag", BASE, alias], check=True)
    for image in images or STANDINS:
        if not present(image):
            build(image)
            built.append(image)
    return built


if __name__ == "__main__":
    for name in ensure(sys.argv[1:] or None):
        print(f"built {name}")
