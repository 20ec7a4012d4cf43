"""The template's option space: which combinations are valid, and a pairwise cover.

The choices come from cookiecutter.json itself (and, for the one free-text answer with
a fixed set of values, from the answer rules), so a new option or value is
covered without touching this file.
"""

import itertools
import json
import sys
import types
from pathlib import Path

import answer_rules
from cookiecutter.utils import create_env_with_context

TEMPLATE_DIR = Path(__file__).resolve().parent.parent
# cookiecutter imports the template's Jinja extension (local_extensions.py) from here.
sys.path.insert(0, str(TEMPLATE_DIR))
# What the template's rules read from its files; the generated project's folder.
RULES = answer_rules.Template(TEMPLATE_DIR)
PROJECT_TEMPLATE = TEMPLATE_DIR / answer_rules.PROJECT_FOLDER
CONTEXT = json.loads((TEMPLATE_DIR / "cookiecutter.json").read_text())


def _choices(value):
    if isinstance(value, list):
        return value
    if isinstance(value, bool):
        return [value, not value]
    return None


# option -> its values, default first (cookiecutter's rule for lists and booleans).
OPTIONS: dict[str, list] = {
    key: _choices(value)
    for key, value in CONTEXT.items()
    if not key.startswith("_") and _choices(value) is not None
}
# Free-text answers held fixed across the matrix.
FIXED = {"project_slug": "my_django_project", "registry_namespace": "acme"}


def with_derived(answers: dict) -> dict:
    """The answers with the derived ones rendered, as cookiecutter hands them over."""
    return {**answers, **answer_rules.derived_answers(answers, RULES)}


def load_hook(name: str, answers: dict) -> types.ModuleType:
    """Render hooks/NAME.py the way cookiecutter does and import it as a module."""
    defaults = {key: values[0] for key, values in OPTIONS.items()}
    answers = with_derived({**CONTEXT, **defaults, **FIXED, **answers})
    context = {"cookiecutter": answers}
    path = TEMPLATE_DIR / "hooks" / f"{name}.py"
    source = create_env_with_context(context).from_string(path.read_text()).render(**context)
    module = types.ModuleType(name)
    module.__file__ = str(path)
    exec(compile(source, str(path), "exec"), module.__dict__)
    return module


# A free-text answer whose allowed values the hook lists; its default (ghcr with
# GitHub) comes first.
OPTIONS["container_registry"] = list(answer_rules.REGISTRIES)
DEFAULTS = {key: values[0] for key, values in OPTIONS.items()}
# Free-text answers at their defaults, which some forbidden combinations read.
_FREE_TEXT = {k: v for k, v in CONTEXT.items() if k not in OPTIONS and not k.startswith("_")}
_FREE_TEXT |= FIXED
# The answer rules' own table decides which combinations are valid.
FORBIDDEN_COMBINATIONS = answer_rules.FORBIDDEN_COMBINATIONS


def is_valid(answers: dict) -> bool:
    """Would the answer rules accept these answers (the rest at their defaults)?"""
    combo = _FREE_TEXT | DEFAULTS | answers
    return not any(forbidden(combo) for _, forbidden, _ in FORBIDDEN_COMBINATIONS)


def every_valid_combination():
    names = list(OPTIONS)
    for values in itertools.product(*OPTIONS.values()):
        combo = dict(zip(names, values, strict=True))
        if is_valid(combo):
            yield combo


def pairwise(options: dict[str, list], valid=is_valid) -> list[dict]:
    """A small set of valid combinations in which every valid pair of values appears.

    Greedy: each new combination starts from an uncovered pair and fills the other
    options with the value that covers the most uncovered pairs. Deterministic.
    """
    names = list(options)

    def pairs_of(combo):
        return {((a, combo[a]), (b, combo[b])) for a, b in itertools.combinations(names, 2)}

    uncovered = set()
    for a, b in itertools.combinations(names, 2):
        for va, vb in itertools.product(options[a], options[b]):
            # A pair is coverable only if some valid full combination holds it.
            if _completable(options, {a: va, b: vb}, valid):
                uncovered.add(((a, va), (b, vb)))

    combos = []
    while uncovered:
        (a, va), (b, vb) = min(uncovered, key=lambda p: (names.index(p[0][0]), str(p)))
        combo = {a: va, b: vb}
        for name in names:
            if name in combo:
                continue
            best = max(
                (v for v in options[name] if _completable(options, combo | {name: v}, valid)),
                key=lambda v: sum(
                    1
                    for other, ov in combo.items()
                    if ((other, ov), (name, v)) in uncovered
                    or ((name, v), (other, ov)) in uncovered
                ),
            )
            combo[name] = best
        combo = {n: combo[n] for n in names}
        uncovered -= pairs_of(combo)
        combos.append(combo)
    return combos


def _completable(options, partial, valid) -> bool:
    """Can `partial` be extended to a valid full combination?"""
    free = [n for n in options if n not in partial]
    for values in itertools.product(*(options[n] for n in free)):
        if valid(partial | dict(zip(free, values, strict=True))):
            return True
    return False


def covering_set() -> list[dict]:
    """The combinations the template's tests render: the defaults plus a pairwise cover."""
    combos = [DEFAULTS] + pairwise(OPTIONS)
    unique = []
    for combo in combos:
        if combo not in unique:
            unique.append(combo)
    return unique


def combo_id(combo: dict) -> str:
    changed = [f"{k}={v}" for k, v in combo.items() if v != DEFAULTS[k]]
    return ",".join(changed) or "defaults"
