"""Jinja extension this template renders with (cookiecutter.json, "_extensions").

cookiecutter loads it before it asks the first question, and every file, hook and
derived answer is rendered through it. It gives the template:

- a refusal of old Pythons, before anything is asked;
- the check of the answers (hooks/answer_rules.py), which the project folder's name
  calls before cookiecutter makes any folder, whatever path brought the answers
  (prompt, command line, replay or config file);
- a check of what cookiecutter takes in and then drops or renders before the template
  sees it: command-line keys it does not know, config-file defaults it falls back from,
  a replay file's missing answers, answers whose Jinja cannot render;
- a TOML string filter, and the template's folder for the pre-generation hook.

It runs inside cookiecutter's process, with the Python cookiecutter runs on: keep it to
the standard library and to syntax that Python 3.10 can at least read.
"""

import difflib
import importlib.util
import json
import re
import sys
from pathlib import Path

from jinja2.ext import Extension

HERE = Path(__file__).resolve().parent
# The hooks read TOML (tomllib) and the generated code targets Python 3.13.
MINIMUM_PYTHON = (3, 11)


def refuse_old_python(version=sys.version_info) -> None:
    if tuple(version[:2]) < MINIMUM_PYTHON:
        wanted = ".".join(map(str, MINIMUM_PYTHON))
        found = ".".join(map(str, version[:3]))
        print(
            f"ERROR: this template renders with Python {wanted} or newer, and cookiecutter "
            f"runs on Python {found}: run it with a newer one, for example "
            f"`uvx --python 3.13 cookiecutter==2.7.1 ...`.",
            file=sys.stderr,
        )
        raise SystemExit(1)


def load_rules():
    """hooks/answer_rules.py, the rules the pre-generation hook runs too."""
    spec = importlib.util.spec_from_file_location(
        "answer_rules", HERE / "hooks" / "answer_rules.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def toml_string(value: str) -> str:
    """`value` as a TOML basic string: JSON's escapes, which TOML shares, on text
    left as it is (JSON's \\ud83d\\ude00 surrogate pairs are not TOML)."""
    quoted = json.dumps(value, ensure_ascii=False)
    # JSON leaves DEL and the C1 controls alone; TOML wants them escaped.
    return re.sub(r"[\x7f-\x9f]", lambda m: f"\\u{ord(m[0]):04x}", quoted)


def refuse(message: str) -> None:
    print(f"ERROR: {message}", file=sys.stderr)
    raise SystemExit(1)


def cookiecutter_call() -> dict | None:
    """What the running `cookiecutter.main.cookiecutter()` call was given and has read:
    its arguments (extra_context) and locals (config_dict, context_from_replayfile).

    cookiecutter drops a command-line or config key that cookiecutter.json lacks, and
    falls back to the default (with a warning) from a config value outside its choices,
    before any code of the template runs; only its own call still holds them. None when
    something else drives cookiecutter's functions (cruft does)."""
    try:
        from cookiecutter.main import cookiecutter
    except ImportError:
        return None
    frame = sys._getframe(1)
    while frame is not None and frame.f_code is not cookiecutter.__code__:
        frame = frame.f_back
    return dict(frame.f_locals) if frame is not None else None


class TemplateExtension(Extension):
    def __init__(self, environment):
        super().__init__(environment)
        refuse_old_python()
        self.rules = RULES
        # Read anew for each environment: cruft renders two commits of one checkout in
        # one process.
        self.template = RULES.Template(HERE)
        environment.filters["toml_string"] = toml_string
        environment.globals["answers_checked"] = self.answers_checked
        environment.globals["template_dir"] = str(HERE)
        self.check_inputs(cookiecutter_call())

    def answers_checked(self, answers: dict) -> bool:
        """True once the rules accept the answers; else one line on stderr and exit 1.

        The project folder's name calls it, the first thing cookiecutter renders with the
        final answers, before it makes any folder:
            {{cookiecutter.project_slug if answers_checked(cookiecutter)}}
        Without this extension that name does not render, and nothing is made. A yes/no
        answer given as one of cookiecutter's words (a replay file's "no") becomes a
        boolean here, in the answers every file and hook is rendered with."""
        for field in self.template.yes_no:
            if isinstance(answers.get(field), str):
                answers[field] = as_boolean(answers[field])
        found = self.rules.problems(answers, self.template, self.environment)
        if found:
            refuse(found[0])
        return True

    def check_inputs(self, call: dict | None) -> None:
        """What cookiecutter was given and would drop, fall back from or fail on."""
        if call is None:
            return
        rules, template = self.rules, self.template
        public = {k for k in template.context if not k.startswith("_")}
        extra = call.get("extra_context") or {}
        for key, value in extra.items():
            if key not in template.context:
                refuse(rules.unknown_key_problem(key, value, public))
        defaults = (call.get("config_dict") or {}).get("default_context")
        defaults = defaults if isinstance(defaults, dict) else {}
        source = " (from the config file's default_context)"
        for key, value in defaults.items():
            if key not in template.context and is_misspelt(key, public):
                # Other keys there may be meant for other templates: only near misses count.
                refuse(rules.unknown_key_problem(key, value, public, source))
            allowed = template.choices.get(key)
            # A list narrows the choices (cookiecutter takes its first as the default).
            narrowed = isinstance(value, list) and value and all(v in allowed for v in value)
            if allowed and value not in allowed and not narrowed and key not in extra:
                refuse(rules.refused(key, value, rules.listed(allowed) + source))
            if (
                key in template.yes_no
                and not isinstance(as_boolean(value), bool)
                and key not in extra
            ):
                refuse(rules.refused(key, value, "yes or no (true or false)" + source))
        replay = call.get("context_from_replayfile")
        answers = replay.get("cookiecutter") if isinstance(replay, dict) else None
        if call.get("replay") and isinstance(answers, dict):
            missing = rules.missing_answers(answers, template)
            if missing:
                refuse(
                    f"{missing[0]} is missing: expected a value for every answer in the replay "
                    "file (as the project's .cookiecutter.json holds them)."
                )
        given = {**{k: v for k, v in defaults.items() if k in template.context}, **extra}
        self.check_renders(given)

    def check_renders(self, given: dict) -> None:
        """cookiecutter renders each answer it is given as a template, in the order of
        cookiecutter.json, with the answers before it: {{ 7 * 7 }} becomes 49. An answer
        that is no text, or that cannot render so, is refused here in one line."""
        from cookiecutter.environment import StrictEnvironment

        environment = StrictEnvironment()  # a plain one: this one is still being made
        so_far: dict = {}
        for key, default in self.template.context.items():
            value = given.get(key, default)
            if key in given and isinstance(default, str) and isinstance(value, (dict, list)):
                refuse(self.rules.refused(key, value, "text"))
            if not isinstance(value, str) or key.startswith("_") and not key.startswith("__"):
                so_far[key] = value[0] if isinstance(value, list) and value else value
                continue
            try:
                so_far[key] = environment.from_string(value).render(cookiecutter=so_far)
            except Exception as error:  # whatever the expression raises
                if key not in given:
                    return  # a derived answer that reads a refused one: the rules name it
                detail = getattr(error, "message", None) or repr(error)
                allowed = (
                    "text that renders: cookiecutter reads {{ }}, {% %} and {# #} in an "
                    f"answer as a template, and here {detail}"
                )
                refuse(self.rules.refused(key, value, allowed))


def as_boolean(value):
    """cookiecutter's own reading of a yes/no word ("y", "no", "true", "off"...); the
    value itself when it is none."""
    from cookiecutter.prompt import YesNoPrompt
    from rich.prompt import InvalidResponse

    if isinstance(value, bool) or not isinstance(value, str):
        return value
    try:
        return YesNoPrompt().process_response(value)
    except InvalidResponse:
        return value


def is_misspelt(key: str, known) -> bool:
    """A key a person meant as one of `known`: the same in another case or with - for _,
    or one or two letters off."""
    guess = RULES.nearest(key, known)
    if guess is None:
        return False
    if key.lower().replace("-", "_") == guess.lower().replace("-", "_"):
        return True
    return difflib.SequenceMatcher(None, key, guess).ratio() >= 0.85


RULES = load_rules()
