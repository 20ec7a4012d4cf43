"""Free-text answers land intact in every file, and recorded answers re-render the project."""

import json
import subprocess
import tomllib
from pathlib import Path

import pytest
from conftest import BIN
from matrix import TEMPLATE_DIR

HOSTILE = {
    "project_name": 'Bob\'s "Quoted" \\ App',
    "project_slug": "bobs_app",
    "author_name": 'O\'Brien "Bobby" \\ Jr. 🦊\\',
    "description": "Line \"one\" \\ with 'quotes' and 😀, ending in a backslash \\",
    "version": "1.0rc1",
}


def test_hostile_free_text_is_carried_verbatim(bake):
    result = bake(**HOSTILE)
    assert result.exit_code == 0, result.exception
    project = Path(result.project_path)

    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    assert pyproject["project"]["description"] == HOSTILE["description"]
    assert pyproject["project"]["authors"] == [
        {"name": HOSTILE["author_name"], "email": "jane@example.com"}
    ]
    assert pyproject["project"]["version"] == "1.0rc1"
    recorded = json.loads((project / ".cookiecutter.json").read_text())["cookiecutter"]
    assert {k: recorded[k] for k in HOSTILE} == HOSTILE
    assert (project / "README.md").read_text().startswith(f"# {HOSTILE['project_name']}\n")
    assert HOSTILE["author_name"] in (project / "LICENSE").read_text()
    lint = subprocess.run([BIN / "ruff", "check", "--no-cache", "."], cwd=project)
    assert lint.returncode == 0
    lock = subprocess.run(
        [BIN / "uv", "lock", "--check", "--offline", "--python", BIN / "python"], cwd=project
    )
    assert lock.returncode == 0


def tree(root: Path) -> dict:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in root.rglob("*")
        # Secrets are generated afresh on every render.
        if p.is_file() and p.name != ".env" and ".secrets" not in p.parts
    }


def test_the_answers_file_replays_the_same_project(tmp_path):
    """`cookiecutter --replay-file .cookiecutter.json` renders the project again."""
    answers = ["database=mariadb", "web_server=granian", "use_drf=n", "license=MIT"]
    first = subprocess.run(
        [BIN / "cookiecutter", "--no-input", TEMPLATE_DIR, "-o", tmp_path / "a", *answers],
        capture_output=True, text=True,
    )  # fmt: skip
    assert first.returncode == 0, first.stderr
    project = tmp_path / "a" / "my_django_project"
    recorded = json.loads((project / ".cookiecutter.json").read_text())["cookiecutter"]
    assert recorded["use_drf"] is False
    assert not {"_output_dir", "_repo_dir"} & set(recorded)

    second = subprocess.run(
        [BIN / "cookiecutter", "--replay-file", project / ".cookiecutter.json", TEMPLATE_DIR,
         "-o", tmp_path / "b"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert second.returncode == 0, second.stderr

    assert tree(project) == tree(tmp_path / "b" / "my_django_project")


def test_rendering_over_a_project_keeps_its_secrets(tmp_path):
    """`cookiecutter -f` over an existing project: .env and .secrets/ are kept, and
    what they lack is added."""
    render = [BIN / "cookiecutter", "--no-input", TEMPLATE_DIR, "-o", tmp_path]
    assert subprocess.run(render, capture_output=True).returncode == 0
    project = tmp_path / "my_django_project"
    env = (project / ".env").read_text()
    secrets = {p.name: p.read_text() for p in (project / ".secrets").iterdir()}
    (project / ".secrets/cache_password").unlink()
    (project / ".secrets/cache.conf").unlink()

    again = subprocess.run([*render, "-f"], capture_output=True, text=True)

    assert again.returncode == 0, again.stderr
    assert again.stderr == ""
    assert (project / ".env").read_text() == env
    kept = {p.name: p.read_text() for p in (project / ".secrets").iterdir()}
    assert {k: kept[k] for k in secrets if not k.startswith("cache")} == {
        k: v for k, v in secrets.items() if not k.startswith("cache")
    }
    assert kept["cache.conf"] == f"requirepass {kept['cache_password']}\n"
    assert "kept your .env, .env.production and .secrets/; added cache_password" in again.stdout


@pytest.mark.parametrize(
    ("answers", "registry", "image"),
    [
        ({}, "ghcr", "ghcr.io/jane-doe/my-django-project"),
        ({"ci_provider": "gitlab"}, "gitlab", "registry.gitlab.com/jane-doe/my-django-project"),
        ({"ci_provider": "none"}, "ghcr", "ghcr.io/jane-doe/my-django-project"),
        (
            {"container_registry": "dockerhub", "author_name": "Zoë O'Brien"},
            "dockerhub",
            "docker.io/zoeobrien/my-django-project",
        ),
        (
            {"ci_provider": "github", "container_registry": "gitlab",
             "registry_namespace": "acme/web"},
            "gitlab",
            "registry.gitlab.com/acme/web/my-django-project",
        ),
    ],
)  # fmt: skip
def test_registry_and_image_follow_the_answers(bake, answers, registry, image):
    result = bake(**answers)
    assert result.exit_code == 0, result.exception
    project = result.project_path
    recorded = json.loads((project / ".cookiecutter.json").read_text())["cookiecutter"]
    assert recorded["container_registry"] == registry
    bake_file = (project / "docker-bake.hcl").read_text()
    assert f'default = "{image}"' in bake_file
    assert f"IMAGE={image}\n" in (project / ".env.example").read_text()
    pipelines = {
        "github": project / ".github/workflows/ci.yml",
        "gitlab": project / ".gitlab-ci.yml",
    }
    provider = answers.get("ci_provider", "github")
    for name, path in pipelines.items():
        assert path.exists() == (name == provider)
    # The pipelines name the image after the repository where its own registry is the
    # provider's (its token can push only there), and use the answers' name elsewhere.
    if (provider, registry) == ("github", "ghcr"):
        pipeline_image = "IMAGE=ghcr.io/${GITHUB_REPOSITORY,,}"
    elif (provider, registry) == ("gitlab", "gitlab"):
        pipeline_image = "IMAGE: $CI_REGISTRY_IMAGE\n"
    else:
        pipeline_image = f"IMAGE: {image}\n"
    if provider != "none":
        assert pipeline_image in pipelines[provider].read_text()
    assert (project / "renovate.json").exists() == (provider == "gitlab")


def test_a_render_prints_the_next_steps_and_nothing_else(tmp_path):
    result = subprocess.run(
        [BIN / "cookiecutter", "--no-input", TEMPLATE_DIR, "-o", tmp_path, "project_name=Shop"],
        capture_output=True, text=True,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout == (
        "Created shop/. Next:\n"
        "  cd shop\n"
        "  make up                           # build and start the development stack\n"
        "  open http://localhost:8000/\n"
        "  make manage ARGS=createsuperuser  # an account for /admin/\n"
        "The rest is in shop/README.md.\n"
    )
