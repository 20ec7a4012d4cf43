"""Property: whatever the template accepts renders a valid project.

For one answer at a time, hypothesis draws values meant to break things: printable
Unicode, control characters, whitespace, quotes and backslashes, Jinja, YAML and shell
syntax, path pieces, very long strings, and near misses of valid values. The template
is rendered in-process with cookiecutter's own API, into a folder that does not exist
yet. Then either

- the render is refused: one line on stderr naming that answer (or the answer derived
  from it), and nothing on disk; an answer with Jinja syntax may instead be refused by
  cookiecutter itself, which renders command-line answers as templates; or
- the project is valid: every Python file compiles, every YAML, TOML and JSON file
  parses, .env has one KEY=value per line, ruff check passes, and the answer appears in
  no file but those that use it.

The same strategies are fed through a replay file too, as the project's own
.cookiecutter.json with one answer changed: there cookiecutter checks nothing itself, so
choices and yes/no answers get hostile values as well, and a victim folder beside the
output folder must come through every example untouched.

Bounded: PROPERTY_EXAMPLES per answer (default 25) on the command line, and
PROPERTY_REPLAY_EXAMPLES (default 10) through a replay file. The seed is random unless
HYPOTHESIS_SEED is set, and is printed with any failure.
"""

import contextlib
import io
import json
import os
import random
import re
import shutil
import string
import subprocess
import tomllib
import zoneinfo
from pathlib import Path

import answer_rules
import pytest
import yaml
from conftest import BIN
from cookiecutter.exceptions import UndefinedVariableInTemplate
from cookiecutter.main import cookiecutter
from hypothesis import HealthCheck, example, given, note, seed, settings
from hypothesis import strategies as st
from jinja2 import TemplateSyntaxError
from matrix import CONTEXT, PROJECT_TEMPLATE, RULES, TEMPLATE_DIR

SEED = int(os.environ.get("HYPOTHESIS_SEED") or random.SystemRandom().randrange(2**32))
EXAMPLES = int(os.environ.get("PROPERTY_EXAMPLES", "25"))
REPLAY_EXAMPLES = int(os.environ.get("PROPERTY_REPLAY_EXAMPLES", "10"))
SLUG_DIR = PROJECT_TEMPLATE
ENV_LINE = re.compile(r"[A-Z][A-Z0-9_]*=[^\n]*")

# --- strategies ------------------------------------------------------------------------

SPECIALS = "\"'\\`$|&;<>(){}[]#:*?!%@~=,-\t\n\r\x00\x0b\x7f\u2028\u202e\u200d\ufeff"
hostile_text = st.one_of(
    st.text(min_size=1, max_size=40),  # any Unicode, controls included
    st.text(st.characters(categories=["L", "N", "P", "S", "Zs"]), min_size=1, max_size=60),
    st.text(st.sampled_from(string.printable + SPECIALS), min_size=1, max_size=40),
    st.sampled_from(["{{ 7 * 7 }}", "{% if %}", "{#", "key: value", "- item", "&anchor *x",
                     "$(touch /tmp/x)", "; rm -rf /", "../../etc/passwd", "a/b", "C:\\x",
                     "\U0001f98a fox", "Zoë O'Brien", "line\nbreak", " padded ", "🦊" * 50]),
    st.text(min_size=150, max_size=400),
)  # fmt: skip


def near(valid: st.SearchStrategy) -> st.SearchStrategy:
    """Valid values, and valid values bent a little."""
    bent = valid.flatmap(
        lambda v: st.sampled_from([v.upper(), f" {v}", f"{v}\n", f"{v}\n.x", v + v * 40,
                                   v.replace(".", "..", 1), f"{v}/x", f"-{v}", v[:-1]])
    )  # fmt: skip
    return st.one_of(valid, bent, hostile_text)


label = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?", fullmatch=True)
STRATEGIES = {
    "project_name": hostile_text,
    "description": hostile_text,
    "author_name": hostile_text,
    "project_slug": near(st.from_regex(r"[a-z][a-z0-9_]{0,20}", fullmatch=True)),
    "email": near(st.emails()),
    "domain_name": near(st.builds(".".join, st.lists(label, min_size=2, max_size=4))),
    "version": near(
        st.from_regex(r"(0|[1-9][0-9]{0,3})(\.[0-9]{1,3}){0,3}(rc[0-9])?", fullmatch=True)
    ),
    "timezone": near(st.sampled_from(sorted(zoneinfo.available_timezones()))),
    "registry_namespace": near(st.from_regex(r"[a-z0-9]+([._-][a-z0-9]+)*", fullmatch=True)),
    "container_registry": near(st.sampled_from(["ghcr", "dockerhub", "gitlab"])),
    "__image": hostile_text,
    "__app_name": near(label),
    # Derived facts the files use whole: anything but their own values is refused.
    **dict.fromkeys(
        ["__services", "__cache_label", "__proxy_label", "__app_uid", "__uv_version",
         "__database_label", "__registry_host"],
        hostile_text,
    ),
}  # fmt: skip
# A refusal may name the answer itself, or one derived from it.
NAMED = {
    "project_name": {"project_name", "project_slug"},
    "author_name": {"author_name", "registry_namespace"},
    "container_registry": {"container_registry", "registry_namespace"},
}
# Files whose template uses an answer: the only ones it may appear in, raw.
USES = {
    "project_name": {"README.md", ".devcontainer/devcontainer.json"},
    "description": {"README.md", "pyproject.toml"},
    "author_name": {"pyproject.toml", "LICENSE"},
}


def bounded(examples: int):
    """Hypothesis settings for a test that renders: a fixed count, no deadline."""
    return settings(
        max_examples=examples,
        deadline=None,
        database=None,
        print_blob=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )


# --- rendering and checking ------------------------------------------------------------


def render(out: Path, answers: dict, replay: Path | None = None):
    """Render in-process, from answers on the command line or from a replay file; return
    (project or None, stderr, exception or None)."""
    stderr = io.StringIO()
    given = {"replay": str(replay)} if replay else {"no_input": True, "extra_context": answers}
    with contextlib.redirect_stderr(stderr):
        try:
            path = cookiecutter(str(TEMPLATE_DIR), output_dir=str(out), **given)
        except SystemExit as exit_:
            return None, stderr.getvalue(), exit_
        except (TemplateSyntaxError, UndefinedVariableInTemplate) as error:
            return None, stderr.getvalue(), error
    return Path(path), stderr.getvalue(), None


def check_project(project: Path, field: str, value, baseline: dict) -> None:
    files = [p for p in project.rglob("*") if p.is_file() and ".venv" not in p.parts]
    for path in files:
        text = path.read_text()
        name = path.name
        if name.endswith(".py"):
            compile(text, str(path), "exec")
        elif name.endswith((".yaml", ".yml")):
            list(yaml.safe_load_all(text))
        elif name.endswith(".toml") or name == "uv.lock":
            tomllib.loads(text)
        elif name.endswith(".json"):
            json.loads(text)
    for line in (project / ".env").read_text().splitlines():
        assert not line or line.startswith("#") or ENV_LINE.fullmatch(line), line
    lint = subprocess.run(
        [BIN / "ruff", "check", "--no-cache", "--quiet", "."],
        cwd=project, capture_output=True, text=True,
    )  # fmt: skip
    assert lint.returncode == 0, lint.stdout
    # A value a slug could spell also shows up through the answers derived from it, and
    # anything can show up in a random secret.
    if (
        field in USES
        and isinstance(value, str)
        and len(value) >= 3
        and not re.fullmatch(r"[a-z0-9._-]+|.*\{.*", value)
    ):
        # Where the answer shows up more often than in a project with the defaults.
        grown = {
            rel
            for path in files
            if (rel := str(path.relative_to(project))) != ".env"
            and not rel.startswith(".secrets/")
            and path.read_text().count(value) > baseline.get(as_key(project, path), "").count(value)
        }
        allowed = USES[field] | {".cookiecutter.json", ".cruft.json"}
        assert grown <= allowed, f"{value!r} leaked into {grown - allowed}"


def as_key(project: Path, path: Path) -> str:
    """The file's path in the project, with the package folder (named after the slug)
    spelled the same in every project."""
    rel = path.relative_to(project)
    return str(Path("<package>", *rel.parts[1:]) if rel.parts[0] == project.name else rel)


@pytest.fixture(scope="module")
def baseline(tmp_path_factory) -> dict[str, str]:
    """Every file of a project with the default answers: as_key -> text."""
    project, _, refusal = render(tmp_path_factory.mktemp("baseline"), {})
    assert refusal is None
    return {as_key(project, p): p.read_text() for p in project.rglob("*") if p.is_file()}


@pytest.mark.parametrize("field", sorted(STRATEGIES))
def test_whatever_is_accepted_renders_a_valid_project(field, tmp_path, baseline):
    named = NAMED.get(field, {field})

    @seed(SEED)
    @bounded(EXAMPLES)
    @given(value=STRATEGIES[field])
    # Cases the review and earlier runs of this test found; each must stay handled.
    @example(value="example\n.com" if field == "domain_name" else "Hi \U0001f600")
    @example(value="jane\n" if field == "registry_namespace" else "a" * 5000)
    @example(value="1.0\n" if field == "version" else "x\nEVIL=1")
    @example(value="{#")  # cookiecutter renders it to '': a derived answer emptied
    @example(value="CAL")  # its slug names the package folder: compared with the baseline's
    def check(value):
        note(f"{field}={value!r}; reproduce with HYPOTHESIS_SEED={SEED}")
        out = tmp_path / "out"
        try:
            project, stderr, refusal = render(out, {field: value})
            if refusal is None:
                assert stderr == "", stderr
                check_project(project, field, value, baseline)
                return
            if isinstance(refusal, SystemExit):
                lines = stderr.splitlines()
                assert refusal.code == 1 and len(lines) == 1, stderr
                assert any(lines[0].startswith(f"ERROR: {name}=") for name in named), lines
            else:  # cookiecutter's own: the answer was a broken Jinja template
                assert re.search(r"\{[{%#]", value), repr(refusal)
            assert not out.exists(), "a refused render left files behind"
        finally:
            shutil.rmtree(out, ignore_errors=True)

    check()


def test_every_free_text_answer_has_a_strategy():
    free_text = {k for k, v in CONTEXT.items() if isinstance(v, str)}
    assert free_text <= set(STRATEGIES)


# --- through a replay file -------------------------------------------------------------

# On the replay path cookiecutter checks no choice and no yes/no answer: they get hostile
# values too, path pieces that climb to the victim folder among them.
CLIMB = st.sampled_from(["../../victim", "../../../victim/x", "../victim", "/tmp/x", "."])
REPLAY_STRATEGIES = {
    **STRATEGIES,
    **{
        field: st.one_of(near(st.sampled_from(values)), CLIMB, st.sampled_from([None, 17, []]))
        for field, values in RULES.choices.items()
    },
    **dict.fromkeys(
        RULES.yes_no,
        st.one_of(
            st.booleans(),
            st.sampled_from(["no", "Yes", "off", "maybe", "", None, 0, 1]),
            hostile_text,
        ),
    ),  # fmt: skip
}
# A replay file holds the derived answers too: changing one answer makes them disagree,
# and the refusal may name any of them, or a combination the new value breaks.
REPLAY_NAMED = {name for name, _, _ in answer_rules.FORBIDDEN_COMBINATIONS} | set(RULES.derivations)


@pytest.fixture(scope="module")
def recorded(baseline) -> dict:
    """The default project's replay file, as its .cookiecutter.json holds it."""
    return json.loads(baseline[".cookiecutter.json"])


@pytest.mark.parametrize("field", sorted(REPLAY_STRATEGIES))
def test_whatever_a_replay_file_holds_is_checked(field, tmp_path, baseline, recorded):
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "keep.txt").write_text("mine")
    replay = tmp_path / "answers.json"

    @seed(SEED)
    @bounded(REPLAY_EXAMPLES)
    @given(value=REPLAY_STRATEGIES[field])
    @example(value="../../victim")  # the traversal a review found, for every field
    def check(value):
        note(f"{field}={value!r} in a replay file; reproduce with HYPOTHESIS_SEED={SEED}")
        answers = json.loads(json.dumps(recorded))
        answers["cookiecutter"][field] = value
        replay.write_text(json.dumps(answers))
        out = tmp_path / "out"
        try:
            project, stderr, refusal = render(out, {}, replay=replay)
            if refusal is None:
                assert stderr == "", stderr
                check_project(project, field, value, baseline)
            else:
                lines = stderr.splitlines()
                assert isinstance(refusal, SystemExit), repr(refusal)
                assert refusal.code == 1 and len(lines) == 1, stderr
                named = lines[0].removeprefix("ERROR: ").split("=")[0]
                assert named in {field} | REPLAY_NAMED, lines
                assert not out.exists(), "a refused render left files behind"
            assert sorted(p.name for p in victim.iterdir()) == ["keep.txt"]
            assert (victim / "keep.txt").read_text() == "mine"
        finally:
            shutil.rmtree(out, ignore_errors=True)

    check()
