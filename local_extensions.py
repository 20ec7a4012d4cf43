"""Jinja extension this template renders with (cookiecutter.json, "_extensions").

cookiecutter loads it before it asks the first question, and every file, hook and
derived answer is rendered through it. It gives the template three things:

- a refusal of old Pythons, before anything is asked;
- the check of the answers (the pre-generation hook's own rules), run as the last
  derived answer: a bad answer stops cookiecutter before it makes a single folder;
- the facts the rules need from the template's own files: what each derived answer
  is for the answers given, and a TOML string filter.

It runs inside cookiecutter's process, with the Python cookiecutter runs on: keep it to
the standard library and to syntax that Python 3.10 can at least read.
"""

import json
import re
import sys
from pathlib import Path

from jinja2 import TemplateError
from jinja2.ext import Extension

HERE = Path(__file__).resolve().parent
CONTEXT_FILE = HERE / "cookiecutter.json"
PROJECT = HERE / "{{cookiecutter.project_slug}}"
PRE_GEN_HOOK = HERE / "hooks" / "pre_gen_project.py"
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


def toml_string(value: str) -> str:
    """`value` as a TOML basic string: JSON's escapes, which TOML shares, on text
    left as it is (JSON's \\ud83d\\ude00 surrogate pairs are not TOML)."""
    quoted = json.dumps(value, ensure_ascii=False)
    # JSON leaves DEL and the C1 controls alone; TOML wants them escaped.
    return re.sub(r"[\x7f-\x9f]", lambda m: f"\\u{ord(m[0]):04x}", quoted)


def dependency_modules() -> list[str]:
    """Top-level modules of every package the project can install (from the lock)."""
    return json.loads((PROJECT / "_locks" / "modules.json").read_text())["modules"]


def project_paths() -> list[str]:
    """Names the project uses at its top level: its files and folders, and everything
    its .gitignore and .dockerignore name there."""
    names = {path.name.split(".")[0] for path in PROJECT.iterdir()}
    for ignore_file in (".gitignore", ".dockerignore"):
        for line in (PROJECT / ignore_file).read_text().splitlines():
            pattern = line.strip().strip("/")
            if pattern and not pattern.startswith(("#", "!")) and "*" not in pattern:
                names.add(pattern.split("/")[0])
    return sorted(name for name in names if name)


def derivations() -> dict:
    """Private answers derived from the others, in cookiecutter.json's order: name ->
    its Jinja expression. The last private answer is the check itself."""
    context = json.loads(CONTEXT_FILE.read_text())
    return {
        name: raw
        for name, raw in context.items()
        if name.startswith("__") and isinstance(raw, str) and name != "__answers_checked"
    }


class TemplateExtension(Extension):
    def __init__(self, environment):
        super().__init__(environment)
        refuse_old_python()
        environment.filters["toml_string"] = toml_string
        environment.filters["refuse_bad_answers"] = self.refuse_bad_answers
        environment.globals["dependency_modules"] = dependency_modules()
        environment.globals["project_paths"] = project_paths()
        environment.globals["derived_answers"] = self.derived_answers
        self.derivations = derivations()

    def derived_answers(self, answers) -> dict:
        """What each derived answer is for these answers, rendered from cookiecutter.json
        as cookiecutter renders it, whatever values were given for the derived ones.
        None where an answer it reads is itself refused (a registry with no host)."""
        derived = {}
        for name, raw in self.derivations.items():
            try:
                template = self.environment.from_string(raw)
                derived[name] = template.render(cookiecutter={**dict(answers), **derived})
            except TemplateError:
                derived[name] = None
        return derived

    def refuse_bad_answers(self, answers) -> str:
        """Run the pre-generation hook's rules on the answers given so far.

        The hook itself runs again after cookiecutter has made the project folder (and
        on paths that skip the questions, such as --replay); here it runs before.
        """
        source = self.environment.from_string(PRE_GEN_HOOK.read_text())
        module = {"__name__": "pre_gen_project"}
        exec(compile(source.render(cookiecutter=dict(answers)), str(PRE_GEN_HOOK), "exec"), module)
        status = module["main"]()
        if status:
            raise SystemExit(status)
        return "yes"
