"""Image size, cold build, code-only rebuild and `up` to healthy, per Dockerfile variant.

Targets: the slim production image at most 60 MB over its base; a cold build that
compiles nothing (binary wheels) where the database driver has wheels; a code-only
rebuild under 5 s whose new layers hold only the code; `up` to healthy under 15 s from
fresh volumes. Needs a running engine and the stand-in images (tests/standins).

Run from the template's folder: uv run python -m benchmarks.docker
"""

import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

from cookiecutter.main import cookiecutter

from tests.matrix import DEFAULTS, TEMPLATE_DIR
from tests.standins.build import ensure

VARIANTS = {
    "slim, uv, postgresql": {},
    "slim, pip, mariadb": {"package_manager": "pip", "database": "mariadb"},
    "distroless, uv, postgresql": {"dockerfile": "distroless"},
    "distroless, pip, sqlite": {
        "dockerfile": "distroless",
        "package_manager": "pip",
        "database": "sqlite",
        "cache": "none",
        "task_queue": "none",
    },
}
BASE_IMAGE = {
    "slim": "python:{python_version}-slim-trixie",
    "distroless": "gcr.io/distroless/python3-debian13:nonroot",
}
MB = 1_000_000


def sh(*args, cwd=None, env=None) -> str:
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True)
    if result.returncode:
        raise RuntimeError(f"{args} failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    return result.stdout


def timed(*args, cwd=None, env=None) -> float:
    start = time.perf_counter()
    sh(*args, cwd=cwd, env=env)
    return time.perf_counter() - start


def size(image: str) -> int:
    return int(sh("docker", "image", "inspect", "-f", "{{.Size}}", image))


def layers(image: str) -> list[str]:
    return json.loads(sh("docker", "image", "inspect", "-f", "{{json .RootFS.Layers}}", image))


def layer_sizes(image: str, wanted: set[str]) -> dict[str, list[str]]:
    """diff ID -> file names in that layer, for the wanted layers (from `docker save`)."""
    found = {}
    with tempfile.TemporaryFile() as saved:
        subprocess.run(["docker", "save", image], stdout=saved, check=True)
        saved.seek(0)
        with tarfile.open(fileobj=saved) as archive:
            for member in archive.getmembers():
                digest = "sha256:" + member.name.rsplit("/", 1)[-1]
                if member.isfile() and digest in wanted:
                    with tarfile.open(fileobj=archive.extractfile(member)) as layer:
                        found[digest] = (member.size, [m.name for m in layer.getmembers()])
    return found


def compiled_anything(build_log: str) -> bool:
    """Did pip or uv build a wheel from source during the build?"""
    return bool(re.search(r"Building wheel for |Built \S+==", build_log))


def image_name(variant: str) -> str:
    return variant.replace(", ", "-")


def measure(name: str, answers: dict, work: Path) -> dict:
    combo = DEFAULTS | answers | {"project_slug": "bench", "reverse_proxy": "none"}
    project = Path(
        cookiecutter(
            str(TEMPLATE_DIR),
            no_input=True,
            extra_context=combo,
            output_dir=work / image_name(name),
        )
    )
    image = f"bench-{image_name(name)}:latest"
    base = BASE_IMAGE[combo["dockerfile"]].format(**combo)
    build = ["docker", "build", "--target", "production", "-t", image, "--progress", "plain", "."]

    sh("docker", "builder", "prune", "-af")  # cold: no layers, no download caches
    start = time.perf_counter()
    log = subprocess.run(build, cwd=project, capture_output=True, text=True, check=True).stderr
    cold = time.perf_counter() - start
    before = layers(image)

    urls = project / "bench" / "urls.py"
    urls.write_text(urls.read_text() + "\n# a code-only change\n")
    rebuild = timed(*build, cwd=project)
    after = layers(image)
    new = [digest for digest in after if digest not in before]
    new_layers = layer_sizes(image, set(new))
    new_bytes = sum(size for size, _ in new_layers.values())
    code_only = all(
        all(n.startswith("app/") or n in ("app", "app/") for n in names)
        for _, names in new_layers.values()
    )

    up = ["docker", "compose", "-p", "bench", "-f", "compose.production.yaml"]
    env = os.environ | {
        "IMAGE": image.split(":")[0],
        "BIND_ADDRESS": "127.0.0.1",
        "WEB_PORT": "18999",
    }
    sh(*up, "down", "-v", cwd=project, env=env)
    healthy = timed(*up, "up", "--wait", "--no-build", cwd=project, env=env)
    sh(*up, "down", "-v", cwd=project, env=env)

    return {
        "variant": name,
        "image MB": size(image) / MB,
        "over base MB": (size(image) - size(base)) / MB,
        "cold build s": cold,
        "compiled": "yes" if compiled_anything(log) else "no",
        "code rebuild s": rebuild,
        "new layers": f"{len(new)} ({new_bytes / 1000:.0f} kB{', code only' if code_only else ''})",
        "up healthy s": healthy,
    }


def main() -> int:
    ensure()
    rows = []
    with tempfile.TemporaryDirectory() as work:
        for name, answers in VARIANTS.items():
            rows.append(measure(name, answers, Path(work)))
    columns = list(rows[0])
    widths = {c: max(len(c), *(len(fmt(r[c])) for r in rows)) for c in columns}
    print("  ".join(c.ljust(widths[c]) for c in columns))
    for row in rows:
        print("  ".join(fmt(row[c]).ljust(widths[c]) for c in columns))
    return 0


def fmt(value) -> str:
    return f"{value:.1f}" if isinstance(value, float) else str(value)


if __name__ == "__main__":
    sys.exit(main())
