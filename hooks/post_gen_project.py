"""Shape the rendered tree to the answers: drop unused variants, lock, add secrets.

What the answers decide about files is in the tables below (VARIANT_PATHS,
CHOSEN_FILES); the functions only apply them. Runs inside the project directory and
needs no network. On a render over an existing project (`cookiecutter -f`, or a
replay), .env and .secrets/ are completed, never overwritten.
"""

import json
import shutil
import subprocess
import sys
from pathlib import Path

# Answers arrive as data: a JSON document in a raw string, never pasted into code.
ANSWERS = json.loads(r"""{{ cookiecutter | tojson }}""")

# Paths kept only when an answer has one of the listed values; "{slug}" is the package.
VARIANT_PATHS = [
    # path                          answer            kept when one of
    ("{slug}/celery.py",            "task_queue",     {"celery"}),
    ("{slug}/core/tasks.py",        "task_queue",     {"celery"}),
    ("tests/test_tasks.py",         "task_queue",     {"celery"}),
    ("{slug}/api",                  "use_drf",        {True}),
    ("tests/test_api.py",           "use_drf",        {True}),
    ("{slug}/sentry.py",            "use_sentry",     {True}),
    ("tests/test_sentry.py",        "use_sentry",     {True}),
    ("tests/test_health_cache.py",  "cache",          {"redis", "valkey"}),
    ("deploy/mariadb",              "database",       {"mariadb"}),
    ("deploy/caddy",                "reverse_proxy",  {"caddy"}),
    ("deploy/nginx",                "reverse_proxy",  {"nginx"}),
    ("deploy/swarm",                "deploy_swarm",   {True}),
    ("docs/swarm.md",               "deploy_swarm",   {True}),
    ("deploy/k8s",                  "deploy_kubernetes", {True}),
    ("docs/kubernetes.md",          "deploy_kubernetes", {True}),
    ("deploy/k8s/base/celery.yaml", "task_queue",     {"celery"}),
    (".github",                     "ci_provider",    {"github"}),
    (".gitlab-ci.yml",              "ci_provider",    {"gitlab"}),
    ("renovate.json",               "ci_provider",    {"gitlab"}),
]  # fmt: skip

# Files picked by an answer from a folder of alternatives; the folders then go.
CHOSEN_FILES = [
    # destination      alternative named by the answers (absent: no file)
    ("LICENSE",        "_licenses/{license}"),
    ("Dockerfile",     "_dockerfiles/{dockerfile}.Dockerfile"),
]  # fmt: skip
# Plain modules of the rendered tree this hook runs: the lock cutter (in _locks/, which
# then goes) and the project's own script for .env and .secrets/.
LOCKS = Path("_locks")
ENV_FILES = Path("scripts")

# The answers: a cookiecutter replay file (--replay-file), and cruft's state, with which
# `cruft update` brings in later versions of the template. Machine-specific keys stay
# out. (cruft skips the files pyproject.toml lists under [tool.cruft].)
ANSWERS_FILE = ".cookiecutter.json"
CRUFT_FILE = ".cruft.json"
UNRECORDED_KEYS = {"_output_dir", "_repo_dir", "_checkout", "__prompts__"}


def paths_to_remove(answers: dict) -> list[str]:
    slug = answers["project_slug"]
    return [
        path.format(slug=slug)
        for path, answer, kept_when in VARIANT_PATHS
        if answers[answer] not in kept_when
    ]


def recorded_answers(answers: dict) -> dict:
    return {"cookiecutter": {k: v for k, v in answers.items() if k not in UNRECORDED_KEYS}}


def cruft_state(answers: dict, commit: str) -> dict:
    """What `cruft create` would have written: where the template is, at which commit."""
    return {
        "template": answers["_template"],
        "commit": commit,
        "checkout": answers.get("_checkout"),
        "context": recorded_answers(answers),
        "directory": None,
    }


def template_commit(answers: dict) -> str | None:
    """The commit of the template checkout this project came from, when it is one."""
    if answers.get("_commit"):
        return answers["_commit"]
    repo = answers.get("_repo_dir")
    if not repo:
        return None
    result = subprocess.run(
        ["git", "-C", repo, "rev-parse", "HEAD"], capture_output=True, text=True, check=False
    )
    return result.stdout.strip() if result.returncode == 0 else None


def import_from(folder: Path, name: str):
    sys.path.insert(0, str(folder.resolve()))
    sys.dont_write_bytecode = True
    try:
        return __import__(name)
    finally:
        sys.path.pop(0)


def next_steps(answers: dict, unfilled: list[str]) -> str:
    """What to do next, printed once the project exists."""
    slug = answers["project_slug"]
    lines = [
        f"Created {slug}/. Next:",
        f"  cd {slug}",
        "  make up                           # build and start the development stack",
        "  open http://localhost:8000/",
        "  make manage ARGS=createsuperuser  # an account for /admin/",
    ]
    lines += [f"  fill in .secrets/{name} before deploying" for name in unfilled]
    lines.append(f"The rest is in {slug}/README.md.")
    return "\n".join(lines)


def inside(root: Path, path: str | Path) -> Path:
    """root/path, once it is known to resolve inside root: the hook changes nothing
    outside the project, whatever an answer holds."""
    target = (root / path).resolve()
    if root.resolve() not in target.parents:
        raise SystemExit(f"ERROR: {str(path)!r} is outside the project: nothing was changed.")
    return target


def file_changes(root: Path, answers: dict) -> tuple[list[Path], list[tuple[Path, Path]]]:
    """What the tables ask for: paths to remove, and (alternative, destination) moves,
    each checked to lie inside the project before anything is changed."""
    removals = [inside(root, path) for path in paths_to_remove(answers)]
    moves = []
    for destination, alternative in CHOSEN_FILES:
        chosen = inside(root, alternative.format(**answers))
        moves.append((chosen, inside(root, destination)))
        removals.append(inside(root, Path(alternative).parent))
    return removals, moves


def main() -> int:
    root = Path.cwd()
    removals, moves = file_changes(root, ANSWERS)
    for chosen, destination in moves:
        if chosen.exists():
            chosen.replace(destination)
    for target in removals:
        if not target.exists():
            continue  # inside a folder removed by an earlier row
        shutil.rmtree(target) if target.is_dir() else target.unlink()

    import_from(root / LOCKS, "locking").write_dependency_files(root, ANSWERS["package_manager"])
    shutil.rmtree(root / LOCKS)

    env_files = import_from(root / ENV_FILES, "env_files")
    existed = (root / ".env").exists()
    added = [name for env in env_files.ENV_FILES for name in env_files.complete_env(root, env)]
    added += env_files.complete_secrets(root)
    if existed:
        for name in added:
            print(f"kept your .env, .env.production and .secrets/; added {name}")

    commit = template_commit(ANSWERS)
    answers = {**ANSWERS, "_commit": commit}
    recorded = json.dumps(recorded_answers(answers), indent=2, sort_keys=True)
    (root / ANSWERS_FILE).write_text(recorded + "\n")
    if commit:  # a git checkout of the template: cruft can follow it
        state = cruft_state(answers, commit)
        (root / CRUFT_FILE).write_text(json.dumps(state, indent=2, sort_keys=True) + "\n")
    print(next_steps(ANSWERS, env_files.unfilled(root)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
