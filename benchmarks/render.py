"""Time rendering: the default project, and every combination the tests render.

Prints medians over several runs. Target: the default render under 0.5 s.
Run from the template's folder: uv run python -m benchmarks.render [--repeat N]
"""

import argparse
import statistics
import sys
import tempfile
import time

from cookiecutter.main import cookiecutter

from tests.matrix import TEMPLATE_DIR, covering_set


def render(answers: dict) -> float:
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        cookiecutter(str(TEMPLATE_DIR), no_input=True, extra_context=answers, output_dir=out)
        return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=7)
    repeat = parser.parse_args().repeat
    combos = covering_set()
    render({})  # warm imports and file caches
    default = [render({}) for _ in range(repeat)]
    cover = []
    for _ in range(max(1, repeat // 3)):
        start = time.perf_counter()
        for combo in combos:
            render(combo)
        cover.append(time.perf_counter() - start)
    print(f"{'what':<40} {'median':>9} {'runs':>5}")
    print(f"{'default project':<40} {statistics.median(default):>8.3f}s {repeat:>5}")
    label = f"test cover ({len(combos)} projects)"
    print(f"{label:<40} {statistics.median(cover):>8.3f}s {len(cover):>5}")
    print(f"{'per project in the cover':<40} {statistics.median(cover) / len(combos):>8.3f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
