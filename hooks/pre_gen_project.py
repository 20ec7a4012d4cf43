"""Refuse bad answers before anything is written: the template's rules
(hooks/answer_rules.py), run on the answers as data.

The Jinja extension (local_extensions.py) runs the same rules before cookiecutter makes
the project folder; this hook runs them again wherever cookiecutter's functions are
driven without the extension's check (a replay file that leaves out _extensions).
"""

import json
import sys
from pathlib import Path

# Answers arrive as data: a JSON document in a raw string, never pasted into code.
ANSWERS = json.loads(r"""{{ cookiecutter | tojson }}""")
# The template's folder: the extension's, or cookiecutter's own record of it.
# (A list around it: a JSON string would end the raw string's quotes.)
TEMPLATE_DIR = Path(
    json.loads(r"""[{{ template_dir | default(cookiecutter._repo_dir) | tojson }}]""")[0]
)

if __name__ == "__main__":
    sys.path.insert(0, str(TEMPLATE_DIR / "hooks"))
    import answer_rules

    sys.exit(answer_rules.main(ANSWERS, TEMPLATE_DIR))
