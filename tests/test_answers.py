"""Free-text answers land intact in every file, and recorded answers re-render the project."""

import json
import re
import subprocess
import tomllib
from pathlib import Path

import pytest
from conftest import BIN
from matrix import OPTIONS, TEMPLATE_DIR

HOSTILE = {
    "project_name": 'Bob\'s "Quoted" \\ App',
    "project_slug": "bobs_app",
    "author_name": 'O\'Brien "Bobby" \\ Jr.\\',
    "description": "Line \"one\" \\ with 'quotes'\nline two, ending in a backslash \\",
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
    recorded = json.loads((project / ".cookiecutter.json").read_text())
    assert {k: recorded[k] for k in HOSTILE} == HOSTILE
    assert (project / "README.md").read_text().startswith(f"# {HOSTILE['project_name']}\n")
    assert HOSTILE["author_name"] in (project / "LICENSE").read_text()
    lint = subprocess.run([BIN / "ruff", "check", "--no-cache", "."], cwd=project)
    assert lint.returncode == 0
    lock = subprocess.run(
        [BIN / "uv", "lock", "--check", "--offline", "--python", BIN / "python"], cwd=project
    )
    assert lock.returncode == 0


def test_recorded_answers_re_render_the_same_project(cookies, tmp_path):
    answers = {"database": "mariadb", "web_server": "granian", "use_drf": "n", "license": "MIT"}
    first = cookies.bake(extra_context=answers)
    assert first.exit_code == 0, first.exception
    recorded = json.loads((Path(first.project_path) / ".cookiecutter.json").read_text())
    assert recorded["use_drf"] is False
    assert not any(key.startswith("_") and key != "_template" for key in recorded)

    replay = {k: v for k, v in recorded.items() if not k.startswith("_")}
    second = cookies.bake(extra_context=replay)
    assert second.exit_code == 0, second.exception

    def tree(root: Path) -> dict:
        return {
            str(p.relative_to(root)): p.read_bytes()
            for p in root.rglob("*")
            # Secrets are generated afresh on every render.
            if p.is_file() and p.name != ".env" and ".secrets" not in p.parts
        }

    assert tree(Path(first.project_path)) == tree(Path(second.project_path))


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
    recorded = json.loads((project / ".cookiecutter.json").read_text())
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
    if provider != "none":
        assert f"IMAGE: {image}\n" in pipelines[provider].read_text()
    assert (project / "renovate.json").exists() == (provider == "gitlab")


def test_every_registry_has_a_host():
    context = json.loads((TEMPLATE_DIR / "cookiecutter.json").read_text())
    hosts = re.search(r"\{('ghcr'.+?)\}\.get", context["__registry_host"])[1]
    assert re.findall(r"'(\w+)': '", hosts) == list(OPTIONS["container_registry"])
