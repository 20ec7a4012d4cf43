"""Render single template files for every valid combination, each distinct output once.

A file's text depends only on the options it names (directly, or through a derived
private variable such as __image). So each file is rendered once per set of values of
those options that some valid combination holds: milliseconds with cookiecutter's own
Jinja environment, where rendering whole projects for every combination would take hours.
"""

import itertools
import re

from cookiecutter.utils import create_env_with_context
from matrix import (
    CONTEXT,
    DEFAULTS,
    FIXED,
    OPTIONS,
    PROJECT_TEMPLATE,
    is_valid,
    with_derived,
)

SLUG_DIR = PROJECT_TEMPLATE
NAMED = re.compile(r"cookiecutter\.(\w+)")


def options_named(text: str) -> list[str]:
    """The options a template text depends on, following derived variables."""
    found, todo = set(), set(NAMED.findall(text))
    while todo:
        name = todo.pop()
        if name in found:
            continue
        found.add(name)
        if name not in OPTIONS and isinstance(CONTEXT.get(name), str):
            todo |= set(NAMED.findall(CONTEXT[name]))
    return sorted(found & set(OPTIONS), key=list(OPTIONS).index)


_ENV = create_env_with_context({"cookiecutter": CONTEXT})


def answers_for(values: dict) -> dict:
    """The context cookiecutter would render files with, for these values."""
    return with_derived(CONTEXT | FIXED | DEFAULTS | values)


def completable(values: dict) -> bool:
    """Does a valid combination hold these values? Searches the other options."""
    free = [name for name in OPTIONS if name not in values]
    return any(
        is_valid(values | dict(zip(free, rest, strict=True)))
        for rest in itertools.product(*(OPTIONS[name] for name in free))
    )


def render_distinct(path: str, fixed: dict | None = None) -> dict[str, list[dict]]:
    """Rendered text of the template at `path` -> the value sets that produce it.

    `fixed` holds answers under which the file exists at all (ci_provider=github for
    the workflow, say); they take part in the validity check.
    """
    fixed = fixed or {}
    source = (SLUG_DIR / path).read_text()
    named = [name for name in options_named(source) if name not in fixed]
    template = _ENV.from_string(source)
    rendered: dict[str, list[dict]] = {}
    for combination in itertools.product(*(OPTIONS[name] for name in named)):
        values = fixed | dict(zip(named, combination, strict=True))
        if not completable(values):
            continue
        text = template.render(cookiecutter=answers_for(values))
        rendered.setdefault(text, []).append(values)
    return rendered


def render(path: str, values: dict) -> str:
    """The template at `path` rendered for one set of values."""
    return _ENV.from_string((SLUG_DIR / path).read_text()).render(cookiecutter=answers_for(values))
