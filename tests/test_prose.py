"""The prose and whitespace of every pairwise render, as a reader of the project meets it.

No linter reads these: doubled blank lines, trailing spaces, a line starting with the
stray space a template tag left, a mention of a service, tool or option the project
does not have (the forbidden words come from the answers), and words about templates
and rendering outside the places that record where the project came from.
"""

import re
from pathlib import Path

import pytest
from matrix import combo_id, covering_set

COMBOS = covering_set()
# Generated data, not prose.
SKIPPED = {"uv.lock", "requirements.txt", "requirements-dev.txt", "LICENSE"}
TEMPLATE_WORDS = re.compile(r"cookiecutter|the template|\brender(ed|ing)?\b|render time", re.I)
# The answers, recorded as given.
ANSWERS_FILES = {".cookiecutter.json", ".cruft.json"}
# In Kubernetes manifests, "nginx" is the ingress controller's class, not the proxy.
K8S_WORDS = {"nginx"}
# Where the project says where it came from, and how to update from it.
TEMPLATE_WORDS_ALLOWED = re.compile(r"updat|cruft|\.cookiecutter\.json", re.I)


def forbidden_words(answers: dict) -> set[str]:
    """Words naming what these answers left out."""
    words = set()
    if answers["database"] != "postgresql":
        words |= {"PostgreSQL", "psycopg", "pg_dump"}
    if answers["database"] != "mariadb":
        words |= {"MariaDB", "mysqlclient"}
    if answers["database"] != "sqlite":
        words |= {"SQLite"}
    if answers["cache"] == "none":
        words |= {"Redis", "Valkey", "cache_password"}
    if answers["cache"] == "redis":
        words |= {"Valkey", "valkey"}
    if answers["task_queue"] == "none":
        words |= {"Celery", "celery"}
    if not answers["use_drf"]:
        words |= {"REST framework", "rest_framework", "/api/"}
    if not answers["use_sentry"]:
        words |= {"Sentry", "sentry"}
    if answers["reverse_proxy"] != "caddy":
        words |= {"Caddy", "Caddyfile"}
    if answers["reverse_proxy"] != "nginx":
        words |= {"nginx"}
    if answers["media_storage"] != "s3":
        words |= {"S3", "bucket", "django-storages"}
    if not answers["deploy_swarm"]:
        words |= {"Swarm", "docker stack"}
    if not answers["deploy_kubernetes"]:
        words |= {"Kubernetes", "kubectl"}
    if answers["ci_provider"] == "none":
        words |= {"GitHub Actions", "Dependabot", "GitLab CI", "Renovate", "CI pushes"}
    if answers["ci_provider"] == "github":
        words |= {"GitLab CI", "Renovate"}
    if answers["ci_provider"] == "gitlab":
        words |= {"GitHub Actions", "Dependabot"}
    return words


def problems_in(project: Path, answers: dict) -> list[str]:
    found = []
    words = forbidden_words(answers)
    for path in sorted(p for p in project.rglob("*") if p.is_file()):
        rel = str(path.relative_to(project))
        if path.name in SKIPPED or rel.startswith((".secrets/", ".venv/")):
            continue
        text = path.read_text()
        if "\n\n\n" in text and path.suffix != ".py":  # Python's spacing is ruff's
            found.append(f"{rel}: two blank lines in a row")
        for number, line in enumerate(text.splitlines(), 1):
            where = f"{rel}:{number}"
            if line != line.rstrip():
                found.append(f"{where}: trailing whitespace")
            if re.match(r" \S", line) and path.suffix in {".md", ".yaml", ".yml", ".hcl"}:
                found.append(f"{where}: starts with a stray space: {line!r}")
            if rel in ANSWERS_FILES:
                continue
            if TEMPLATE_WORDS.search(line) and not TEMPLATE_WORDS_ALLOWED.search(line):
                found.append(f"{where}: speaks of the template: {line.strip()!r}")
            for word in words - (K8S_WORDS if rel.startswith("deploy/k8s/") else set()):
                if re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", line):
                    found.append(f"{where}: names {word!r}, which this project lacks")
    return found


@pytest.mark.parametrize("combo", COMBOS, ids=combo_id)
def test_the_project_reads_as_written_by_hand(bake, combo):
    result = bake(**combo)
    assert result.exit_code == 0, result.exception

    found = problems_in(Path(result.project_path), combo)

    assert not found, "\n".join(found[:40])


def test_the_check_finds_what_it_looks_for(tmp_path):
    """Proof that the check can fail: one of each defect, in a project of one file."""
    (tmp_path / "README.md").write_text(
        "# Shop\n\n\nUses Celery. \n {% if x %}\nthe rendered project came with it\n"
    )
    answers = {"database": "postgresql", "cache": "redis", "task_queue": "none",
               "use_drf": True, "use_sentry": True, "reverse_proxy": "caddy",
               "media_storage": "volume", "deploy_swarm": True, "deploy_kubernetes": False,
               "ci_provider": "github"}  # fmt: skip

    found = "\n".join(problems_in(tmp_path, answers))

    for expected in ("two blank lines", "trailing whitespace", "stray space",
                     "speaks of the template", "names 'Celery'"):  # fmt: skip
        assert expected in found, found
