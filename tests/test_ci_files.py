"""The CI/CD files of every valid combination, each distinct rendering checked once:
actionlint (with shellcheck) and the providers' JSON schemas; and no drift between the
pipelines, docker-bake.hcl, the Dockerfiles, the Compose files, the Makefile and the
README.
"""

import functools
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
import yaml
from conftest import BIN, docker_cli, unavailable
from matrix import DEFAULTS, OPTIONS, TEMPLATE_DIR
from projection import render, render_distinct

GITHUB, GITLAB = {"ci_provider": "github"}, {"ci_provider": "gitlab"}
WORKFLOW = ".github/workflows/ci.yml"
RENDERED = {
    WORKFLOW: render_distinct(WORKFLOW, GITHUB),
    ".github/dependabot.yml": render_distinct(".github/dependabot.yml", GITHUB),
    ".gitlab-ci.yml": render_distinct(".gitlab-ci.yml", GITLAB),
    "renovate.json": render_distinct("renovate.json", GITLAB),
    "docker-bake.hcl": render_distinct("docker-bake.hcl"),
}
TEMPLATE_WORKFLOWS = sorted((TEMPLATE_DIR / ".github" / "workflows").glob("*.yml"))
SCHEMAS = {
    WORKFLOW: "vendor.github-workflows",
    ".github/dependabot.yml": "vendor.dependabot",
    ".gitlab-ci.yml": "vendor.gitlab-ci",
    "renovate.json": "vendor.renovate",
}


def write_each(tmp_path: Path, name: str) -> list[Path]:
    paths = []
    for i, text in enumerate(RENDERED[name]):
        path = tmp_path / str(i) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        paths.append(path)
    return paths


def run(args, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, **kwargs)


def actionlint(paths: list[Path]) -> subprocess.CompletedProcess:
    return run([BIN / "actionlint", "-no-color", "-shellcheck", BIN / "shellcheck", *paths])


# --- linters and schemas -------------------------------------------------------------


def test_actionlint_passes_on_every_workflow(tmp_path):
    paths = write_each(tmp_path, WORKFLOW)
    result = actionlint(paths)
    assert result.returncode == 0, result.stdout + result.stderr
    print(f"actionlint: {len(paths)} distinct workflows clean")


def test_actionlint_passes_on_the_templates_own_workflows():
    assert TEMPLATE_WORKFLOWS, "the template ships its own CI workflow"
    result = actionlint(TEMPLATE_WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_runs_shellcheck_on_run_steps(tmp_path):
    # Proof that the check above can fail: an unquoted expansion in a run step.
    path = tmp_path / "bad.yml"
    path.write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n"
        "    steps:\n      - run: rm -rf $TARGET_DIR/*\n"
    )
    result = actionlint([path])
    assert result.returncode != 0 and "SC2086" in result.stdout, result.stdout


@pytest.mark.parametrize("name", SCHEMAS)
def test_every_file_matches_its_schema(name, tmp_path):
    paths = write_each(tmp_path, name)
    result = run([BIN / "check-jsonschema", "--builtin-schema", SCHEMAS[name], *paths])
    assert result.returncode == 0, result.stdout + result.stderr
    print(f"{name}: {len(paths)} distinct files match {SCHEMAS[name]}")


def test_the_templates_own_workflows_match_the_schema():
    result = run(
        [BIN / "check-jsonschema", "--builtin-schema", "vendor.github-workflows"]
        + TEMPLATE_WORKFLOWS
    )
    assert result.returncode == 0, result.stdout + result.stderr


# --- the pipelines against docker-bake.hcl and the Dockerfiles -------------------------


@functools.cache
def bake_definition(docker: str, hcl: str) -> dict:
    """`docker buildx bake --print` of every target, the file alone in its folder."""
    names = re.findall(r'^target "([\w-]+)"', hcl, re.MULTILINE)
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "docker-bake.hcl").write_text(hcl)
        result = run([docker, "buildx", "bake", "--print", *names], cwd=folder)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def dockerfile_offers(text: str) -> tuple[set[str], set[str]]:
    """The stage names and the build arguments of a Dockerfile."""
    stages = set(re.findall(r"^FROM \S+ AS ([\w.-]+)$", text, re.MULTILINE | re.IGNORECASE))
    args = set(re.findall(r"^ARG (\w+)", text, re.MULTILINE))
    return stages, args


def all_steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


def step_using(workflow: dict, action: str) -> dict:
    """The one step of the workflow that uses ACTION (owner/name, any version)."""
    (step,) = [s for s in all_steps(workflow) if s.get("uses", "").startswith(f"{action}@")]
    return step


def gitlab_bake_commands(pipeline: dict) -> list[str]:
    script = "\n".join(pipeline["build-image"]["script"])
    return re.findall(r"docker buildx bake -f docker-bake.hcl (\w+)", script)


def test_bake_targets_build_stages_and_args_the_dockerfiles_have():
    docker = docker_cli()
    dockerfiles = {
        kind: render_distinct(f"_dockerfiles/{kind}.Dockerfile", {"dockerfile": kind})
        for kind in OPTIONS["dockerfile"]
    }
    checked = 0
    for hcl in RENDERED["docker-bake.hcl"]:
        targets = bake_definition(docker, hcl)["target"]
        assert {"production", "release", "development"} <= set(targets)
        assert targets["release"]["platforms"] == ["linux/amd64", "linux/arm64"]
        assert {a["type"] for a in targets["release"]["attest"]} == {"provenance", "sbom"}
        for kind, renders in dockerfiles.items():
            for text in renders:
                stages, args = dockerfile_offers(text)
                for name in ("production", "release", "development"):
                    target = targets[name]
                    assert target["target"] in stages, (kind, name, target["target"])
                    assert set(target.get("args", {})) <= args, (kind, name, target["args"])
                    checked += 1
    print(f"{checked} bake target / Dockerfile pairs agree")


def test_pipelines_build_what_the_bake_file_defines():
    docker = docker_cli()
    for text, value_sets in RENDERED[WORKFLOW].items():
        bake = render("docker-bake.hcl", value_sets[0])
        targets = bake_definition(docker, bake)["target"]
        variables = set(re.findall(r'^variable "(\w+)"', bake, re.MULTILINE))
        workflow = yaml.safe_load(text)
        step = step_using(workflow, "docker/bake-action")
        assert step["with"]["targets"] in targets
        assert "./docker-bake.hcl" in step["with"]["files"].split()
        assert {"IMAGE", "REVISION"} <= variables
        assert "REVISION" in step["env"]
        if "env" in workflow:  # a registry other than the provider's own: the fixed name
            assert workflow["env"]["IMAGE"] == bake_image_default(bake)
        else:  # GHCR: named after the repository, at run time
            assert "IMAGE=ghcr.io/${GITHUB_REPOSITORY,,}" in text
    for text, value_sets in RENDERED[".gitlab-ci.yml"].items():
        bake = render("docker-bake.hcl", value_sets[0])
        targets = bake_definition(docker, bake)["target"]
        pipeline = yaml.safe_load(text)
        commands = gitlab_bake_commands(pipeline)
        assert commands and set(commands) <= set(targets)
        assert pipeline["variables"]["IMAGE"] in {bake_image_default(bake), "$CI_REGISTRY_IMAGE"}
        if pipeline["variables"]["IMAGE"] == "$CI_REGISTRY_IMAGE":
            assert value_sets[0]["container_registry"] == "gitlab"
        assert "REVISION" in pipeline["build-image"]["variables"]
        assert "export TAGS" in "\n".join(pipeline["build-image"]["script"])


def bake_image_default(hcl: str) -> str:
    return re.search(r'variable "IMAGE" \{\n  default = "([^"]+)"', hcl)[1]


# --- services, tags, credentials -----------------------------------------------------


def compose_images(values: dict) -> dict[str, str]:
    services = yaml.safe_load(render("compose.yaml", values))["services"]
    return {name: services[name]["image"] for name in ("db", "cache") if name in services}


def test_ci_services_run_the_images_compose_runs():
    for text, value_sets in RENDERED[WORKFLOW].items():
        job = yaml.safe_load(text)["jobs"]["check"]
        ci = {name: s["image"] for name, s in job.get("services", {}).items()}
        for values in value_sets:
            assert ci == compose_images(values), values
    for text, value_sets in RENDERED[".gitlab-ci.yml"].items():
        services = yaml.safe_load(text)["check"].get("services", [])
        ci = {s["alias"]: s["name"] for s in services}
        for values in value_sets:
            assert ci == compose_images(values), values


def gitlab_tags(env: dict) -> str:
    pipeline = yaml.safe_load(render(".gitlab-ci.yml", DEFAULTS | GITLAB))
    (script,) = [s for s in pipeline["build-image"]["script"] if "export TAGS" in s]
    base = {"CI_COMMIT_SHORT_SHA": "0123abc", "CI_DEFAULT_BRANCH": "main", "PATH": "/usr/bin:/bin"}
    result = run(["sh", "-ec", script + 'printf "%s" "$TAGS"'], env=base | env)
    assert result.returncode == 0, result.stderr
    return result.stdout.rsplit("\n", 1)[-1]


@pytest.mark.parametrize(
    ("env", "tags"),
    [
        ({"CI_COMMIT_BRANCH": "main", "CI_COMMIT_REF_SLUG": "main"}, "main,sha-0123abc,latest"),
        ({"CI_COMMIT_BRANCH": "feat/x", "CI_COMMIT_REF_SLUG": "feat-x"}, "feat-x,sha-0123abc"),
        ({"CI_COMMIT_TAG": "v1.4.2", "CI_COMMIT_REF_SLUG": "v1-4-2"}, "1.4.2,1.4,sha-0123abc"),
        ({"CI_MERGE_REQUEST_IID": "7", "CI_COMMIT_REF_SLUG": "feat-x"}, "mr-7,sha-0123abc"),
    ],
    ids=["default-branch", "other-branch", "version-tag", "merge-request"],
)
def test_gitlab_tags_the_image(env, tags):
    assert gitlab_tags(env) == tags


def test_github_tags_the_image_latest_only_from_the_default_branch():
    for text in RENDERED[WORKFLOW]:
        meta = step_using(yaml.safe_load(text), "docker/metadata-action")
        rules = meta["with"]["tags"].split()
        assert meta["with"]["flavor"] == "latest=false"  # no implicit latest on tags
        assert "type=raw,value=latest,enable={{is_default_branch}}" in rules
        assert {"type=ref,event=branch", "type=sha", "type=semver,pattern={{version}}"} <= set(
            rules
        )


def test_github_workflow_has_least_privilege_and_secret_credentials():
    for text, value_sets in RENDERED[WORKFLOW].items():
        workflow = yaml.safe_load(text)
        registry = value_sets[0]["container_registry"]
        assert workflow["permissions"] == {}
        assert workflow["concurrency"]["cancel-in-progress"]
        image = workflow["jobs"]["image"]
        expected = {"contents": "read"} | ({"packages": "write"} if registry == "ghcr" else {})
        assert image["permissions"] == expected
        assert workflow["jobs"]["check"]["permissions"] == {"contents": "read"}
        login = step_using(workflow, "docker/login-action")
        assert login["with"]["password"].startswith("${{ secrets.")
        assert login["if"] == "github.event_name != 'pull_request'"
        for step in all_steps(workflow):
            if "uses" in step:
                assert re.search(r"@v\d+(\.\d+\.\d+)?$", step["uses"]), step["uses"]


# --- the Makefile and the README -----------------------------------------------------


def readme_make_rows(readme: str) -> list[tuple[str, str]]:
    return re.findall(r"^\| `make ([^`]+)` \| `([^`]+)` \|", readme, re.MULTILINE)


def test_every_make_command_runs_what_the_readme_says(bake):
    project = Path(bake().project_path)
    rows = readme_make_rows((project / "README.md").read_text())
    phony = re.search(r"^\.PHONY: (.+)$", (project / "Makefile").read_text(), re.MULTILINE)[1]
    assert {row[0].split()[0] for row in rows} == set(phony.split()) - {"help"}
    for invocation, raw in rows:
        result = run(["make", "--no-print-directory", "-n", *invocation.split()], cwd=project)
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == raw, invocation


def test_image_names_from_github_are_lowercased(tmp_path):
    """GHCR wants lowercase names; a repository path may have capitals. Every place the
    workflow takes a name from GitHub for an image lowercases it."""
    checked = 0
    for text, combos in RENDERED[WORKFLOW].items():
        assert "github.repository" not in text.replace("${{ github.repository }}", "")
        for use in re.findall(r"\$\{?GITHUB_REPOSITORY[^}\s\"]*\}?", text):
            assert use == "${GITHUB_REPOSITORY,,}", (use, combos[0])
        if "GITHUB_REPOSITORY" not in text:
            continue
        workflow = yaml.safe_load(text)
        (step,) = [s for s in all_steps(workflow) if "GITHUB_REPOSITORY" in s.get("run", "")]
        env_file = tmp_path / "github_env"
        env_file.write_text("")
        result = run(["bash", "-ec", step["run"]], env={
            "GITHUB_REPOSITORY": "Acme-Labs/My-Django-Project", "GITHUB_ENV": str(env_file),
        })  # fmt: skip
        assert result.returncode == 0, result.stderr
        assert env_file.read_text() == "IMAGE=ghcr.io/acme-labs/my-django-project\n"
        checked += 1
    assert checked, "no workflow pushes to GHCR"


@pytest.mark.parametrize("database", ["postgresql", "mariadb", "sqlite"])
def test_bake_in_a_fresh_clone_reads_only_its_own_file(bake, database):
    """A pipeline's checkout has no .env (it is git-ignored). Without -f, bake reads
    compose.yaml too, whose database password is a required variable."""
    docker = docker_cli()
    result = bake(database=database, ci_provider="gitlab")
    assert result.exit_code == 0, result.exception
    project = result.project_path
    (project / ".env").unlink()
    for name in ("Makefile", "README.md", ".gitlab-ci.yml", "docker-bake.hcl"):
        for command in re.findall(r"docker buildx bake[^\n]*", (project / name).read_text()):
            assert command.startswith("docker buildx bake -f docker-bake.hcl"), (name, command)

    # A runner's environment: none of the project's settings (another test may have set
    # some in this process).
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME") or k.startswith("DOCKER")}
    for target in ("default", "release"):
        printed = run([docker, "buildx", "bake", "-f", "docker-bake.hcl", "--print", target],
                      cwd=project, env=env)  # fmt: skip
        assert printed.returncode == 0, printed.stderr
    if database != "sqlite":  # the defect the -f avoids
        plain = run([docker, "buildx", "bake", "--print", "release"], cwd=project, env=env)
        assert "DATABASE_PASSWORD" in plain.stderr, plain.stdout[-1000:] + plain.stderr


@pytest.mark.parametrize(
    ("branch", "variables", "builds"),
    [
        ("main", [], True),  # the default branch: pushed
        ("feature", [], False),  # another branch: checks only
        ("feature", ["CI_COMMIT_TAG=v1.2.3"], True),  # a version tag: pushed
        ("feature", ["CI_COMMIT_TAG=nightly"], False),  # another tag: checks only
        ("feature", ["CI_PIPELINE_SOURCE=merge_request_event"], True),  # built, not pushed
    ],
)
def test_the_gitlab_image_job_runs_where_its_header_says(tmp_path, bake, branch, variables,
                                                         builds):  # fmt: skip
    """gitlab-ci-local evaluates the pipeline's rules as GitLab does (no engine needed)."""
    runner = shutil.which("gitlab-ci-local")
    if not runner:
        unavailable("gitlab-ci-local is not installed (.ci/run installs it from npm)")
    result = bake(ci_provider="gitlab", container_registry="gitlab")
    assert result.exit_code == 0, result.exception
    project = result.project_path
    git = ["git", "-c", "user.name=CI", "-c", "user.email=ci@example.com"]
    for command in (["init", "-q", "-b", branch], ["add", "-A"], ["commit", "-qm", "first"]):
        subprocess.run([*git, *command], cwd=project, check=True)
    flags = [arg for variable in variables for arg in ("--variable", variable)]

    listed = run([runner, "--list", *flags], cwd=project, timeout=120)

    assert listed.returncode == 0, listed.stderr
    jobs = [line.split()[0] for line in listed.stdout.splitlines()[1:] if line.strip()]
    assert "check" in jobs, listed.stdout
    assert ("build-image" in jobs) is builds, listed.stdout
    header = (project / ".gitlab-ci.yml").read_text().split("\n\n")[0]
    assert "from the default branch and from version tags (v1.2.3)" in " ".join(header.split())
