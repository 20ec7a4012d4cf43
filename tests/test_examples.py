"""The example projects in examples/ are what the template renders today.

They are full renders of three answer sets (scripts/render_examples.py), kept in the
repository so that a review of any template change shows what project owners get. Any
difference fails, with the diff; `uv run python scripts/render_examples.py` rewrites
them.
"""

import difflib

import pytest
from render_examples import EXAMPLES, EXAMPLES_DIR, LEFT_OUT, example_files


def committed(name: str) -> dict[str, str]:
    folder = EXAMPLES_DIR / name
    return {
        str(path.relative_to(folder)): path.read_text()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and not LEFT_OUT & set(path.relative_to(folder).parts)
    }


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_the_example_is_what_the_template_renders(name):
    rendered, kept = example_files(EXAMPLES[name]), committed(name)
    diff = []
    for path in sorted(set(rendered) | set(kept)):
        if rendered.get(path) != kept.get(path):
            diff += difflib.unified_diff(
                kept.get(path, "").splitlines(keepends=True),
                rendered.get(path, "").splitlines(keepends=True),
                f"examples/{name}/{path}", f"rendered/{path}",
            )  # fmt: skip
    assert not diff, (
        "examples/ is out of date: run `uv run python scripts/render_examples.py`\n"
        + "".join(diff)[:6000]
    )
