"""Production's configuration comes from one place, whatever the answers.

The variables are derived from the settings' own `env*("NAME", ...)` calls. Each one the
production settings read is either in `.env.production.example` (which every production
container reads: Compose and the Swarm stack through `env_file`, Kubernetes through the
ConfigMap docs/kubernetes.md makes from the file) or wired by each stack itself, or listed
below with the reason production leaves it at its default. Every variable any settings
read is listed, with its default, in `.env.example` or `.env.production.example`.
"""

import ast
import re
from pathlib import Path

import pytest
import yaml
from matrix import DEFAULTS, OPTIONS, combo_id, is_valid, pairwise

# Read by the production settings, yet not a production setting, and why.
LEFT_AT_DEFAULT = {
    "DJANGO_EMAIL_BACKEND": "development's mail backend; production always sends over SMTP",
    "DATABASE_PORT": "the server's standard port, in every stack",
    "DATABASE_NAME": "fixed by the stack, which creates the database under that name",
    "DATABASE_USER": "fixed by the stack, which creates that role",
    "DATABASE_TIMEOUT": "SQLite's lock wait; its default suits production",
    "DJANGO_STATIC_ROOT": "where the image's build collects static files",
    "DJANGO_MEDIA_ROOT": "where the stacks mount the uploads",
    "CELERY_RESULT_BACKEND": "results go to the broker unless you choose otherwise",
    "DJANGO_SERVE_MEDIA": "the bucket serves uploads (with a volume, the file lists it)",
}
# Read through NAME_FILE (a secret file) in every stack, never as a value.
SECRET_VALUES = {
    "DJANGO_SECRET_KEY", "DATABASE_PASSWORD", "CACHE_PASSWORD", "DJANGO_EMAIL_PASSWORD",
    "STORAGE_ACCESS_KEY_ID", "STORAGE_SECRET_ACCESS_KEY",
}  # fmt: skip
GETTERS = {"env", "env_bool", "env_int", "env_list"}
APP_SERVICES = ("migrate", "web", "worker", "beat")
LISTED = re.compile(r"^(?:# )?(?P<name>[A-Z][A-Z0-9_]*)=", re.MULTILINE)

VARIANTS = [DEFAULTS] + pairwise(
    {
        k: OPTIONS[k]
        for k in (
            "database",
            "cache",
            "task_queue",
            "web_server",
            "reverse_proxy",
            "media_storage",
            "use_sentry",
        )
    },  # fmt: skip
    valid=lambda combo: is_valid(combo | {"deploy_swarm": True}),
)


def read_names(path: Path) -> set[str]:
    """The NAMEs in env*("NAME", ...) calls of a Python file."""
    tree = ast.parse(path.read_text())
    return {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in GETTERS
        and node.args
        and isinstance(node.args[0], ast.Constant)
    }


def listed(path: Path) -> set[str]:
    return set(LISTED.findall(path.read_text())) if path.exists() else set()


def app_environments(project: Path) -> dict[str, tuple[set[str], list]]:
    """Each production app service, per stack: (the variables it sets itself, its env files)."""
    stacks = {"compose": project / "compose.production.yaml"}
    if (project / "deploy/swarm/stack.yaml").exists():
        stacks["swarm"] = project / "deploy/swarm/stack.yaml"
    found = {}
    for stack, path in stacks.items():
        services = yaml.safe_load(path.read_text())["services"]
        for name in APP_SERVICES:
            if name in services:
                service = services[name]
                env_file = service.get("env_file", [])
                files = [env_file] if isinstance(env_file, str) else env_file
                found[f"{stack}:{name}"] = (set(service.get("environment", {})), files)
    return found


@pytest.mark.parametrize("combo", VARIANTS, ids=combo_id)
def test_every_production_setting_reaches_every_production_container(bake, combo):
    result = bake(**combo | {"deploy_swarm": True})
    assert result.exit_code == 0, result.exception
    project = Path(result.project_path)
    package = project / project.name
    settings = package / "settings"
    production_reads = set().union(
        *(read_names(settings / f) for f in ("base.py", "production.py"))
    )
    production_reads |= read_names(package / "urls.py")
    every_read = (
        production_reads | read_names(settings / "local.py") | read_names(settings / "test.py")
    )

    production_file = listed(project / ".env.production.example")
    development_file = listed(project / ".env.example")
    unlisted = every_read - production_file - development_file - SECRET_VALUES
    assert not unlisted, f"read by the settings but in neither example file: {sorted(unlisted)}"

    for where, (wired, files) in app_environments(project).items():
        assert any(Path(f).name == ".env.production" for f in files), (where, files)
        # The stack wires only what is its own: no setting is set in two places.
        assert not wired & production_file, (where, sorted(wired & production_file))
        for name in production_reads - production_file - set(LEFT_AT_DEFAULT):
            if name in SECRET_VALUES:
                assert f"{name}_FILE" in wired or not _secret_used(name, combo), (where, name)
            else:
                assert name in wired, f"{where}: {name} reaches it from nowhere"

    # A file each stack names exists once `make env` has run (the post hook ran it).
    assert (project / ".env.production").read_text() == (
        project / ".env.production.example"
    ).read_text()


def _secret_used(name: str, combo: dict) -> bool:
    return {
        "DATABASE_PASSWORD": combo["database"] != "sqlite",
        "CACHE_PASSWORD": combo["cache"] != "none",
        "STORAGE_ACCESS_KEY_ID": combo["media_storage"] == "s3",
        "STORAGE_SECRET_ACCESS_KEY": combo["media_storage"] == "s3",
    }.get(name, True)


def test_kubernetes_reads_the_same_file(bake):
    result = bake(**DEFAULTS | {"deploy_kubernetes": True, "media_storage": "s3"})
    assert result.exit_code == 0, result.exception
    project = Path(result.project_path)
    base = project / "deploy/k8s/base"
    for manifest in ("web.yaml", "migrate-job.yaml", "celery.yaml"):
        for doc in yaml.safe_load_all((base / manifest).read_text()):
            if doc["kind"] not in ("Deployment", "Job"):
                continue
            for container in doc["spec"]["template"]["spec"]["containers"]:
                refs = [s["configMapRef"]["name"] for s in container["envFrom"]]
                # The owner's settings first; the deployment's own wiring after, and wins.
                assert refs == ["my-django-project-settings", "my-django-project-config"], refs
    wired = yaml.safe_load((base / "configmap.yaml").read_text())["data"]
    production_file = listed(project / ".env.production.example")
    # One key both set: the ingress sets X-Forwarded-Proto, whatever the file says.
    assert set(wired) & production_file == {"DJANGO_TRUST_X_FORWARDED_PROTO"}
    readme = (project / "docs" / "kubernetes.md").read_text()
    for namespace, env_file in (("my-django-project", ".env.production"),
                                ("my-django-project-staging", ".env.staging")):  # fmt: skip
        command = (f"kubectl -n {namespace} create configmap my-django-project-settings \\\n"
                   f"  --from-env-file={env_file}")  # fmt: skip
        assert command in readme
