"""Kubernetes manifests: each overlay renders with kustomize and validates, strictly,
against the Kubernetes API schema. No cluster is available here, so this is the claim."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from conftest import BIN, unavailable
from matrix import DEFAULTS, OPTIONS, combo_id, pairwise

KUBERNETES_VERSION = "1.34.0"
# Names the API server accepts (RFC 1123 labels); the schema does not check them.
DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
OVERLAYS = ["staging", "production"]
K8S_OPTIONS = {
    name: [v for v in OPTIONS[name] if not (name == "database" and v == "sqlite")]
    for name in ("dockerfile", "database", "cache", "task_queue", "web_server")
}
# Kubernetes keeps uploads in a bucket (web pods run on several nodes).
VARIANTS = [
    DEFAULTS | combo | {"deploy_kubernetes": True, "media_storage": "s3"}
    for combo in pairwise(K8S_OPTIONS)
]


@pytest.fixture(scope="module")
def kubectl():
    path = shutil.which("kubectl")
    if not path or subprocess.run([path, "version", "--client"], capture_output=True).returncode:
        unavailable("kubectl is not installed (.ci/kubectl installs it)")
    return path


@pytest.mark.parametrize("combo", VARIANTS, ids=combo_id)
@pytest.mark.parametrize("overlay", OVERLAYS)
def test_overlay_renders_and_validates(kubectl, bake, combo, overlay, tmp_path):
    result = bake(**combo)
    assert result.exit_code == 0, result.exception
    project = Path(result.project_path)

    rendered = subprocess.run(
        [kubectl, "kustomize", project / "deploy" / "k8s" / "overlays" / overlay],
        capture_output=True, text=True,
    )  # fmt: skip
    assert rendered.returncode == 0, rendered.stderr
    manifest = tmp_path / "manifest.yaml"
    manifest.write_text(rendered.stdout)
    validated = subprocess.run(
        [BIN / "kubernetes-validate", "--strict", "--quiet", "-k", KUBERNETES_VERSION, manifest],
        capture_output=True, text=True,
    )  # fmt: skip
    assert validated.returncode == 0, validated.stdout + validated.stderr

    kinds = [line[6:] for line in rendered.stdout.splitlines() if line.startswith("kind: ")]
    expected = {
        "ConfigMap",
        "Deployment",
        "Service",
        "Ingress",
        "Job",
        "HorizontalPodAutoscaler",
        "PodDisruptionBudget",
    }
    assert expected <= set(kinds)
    namespace = "my-django-project" if overlay == "production" else "my-django-project-staging"
    resources = list(yaml.safe_load_all(rendered.stdout))
    for resource in resources:
        assert resource["metadata"]["namespace"] == namespace
        assert DNS_LABEL.match(resource["metadata"]["name"]), resource["metadata"]["name"]
    assert "Secret" not in kinds  # real values never live in the repository
    assert kinds.count("Deployment") == (3 if combo["task_queue"] == "celery" else 1)


# docs/kubernetes.md's blocks, run as written with a kubectl that has no cluster to
# talk to: `create` runs as a client-side dry run, `apply -k` renders the overlay, and
# the rest (delete, rollout status) needs a cluster and is only recorded.
KUBECTL_WITHOUT_A_CLUSTER = """
kubectl() {
  case " $* " in
    *" create "*) command kubectl "$@" --dry-run=client -o yaml >> "$OUT/created.yaml"
                  echo --- >> "$OUT/created.yaml" ;;
    " apply -k "*) command kubectl kustomize "$3" > "$OUT/$(basename "$3").yaml" ;;
    *) echo "kubectl $*" >> "$OUT/needs-a-cluster" ;;
  esac
}
"""


def kubernetes_blocks(runbook: str) -> list[str]:
    return re.findall(r"```sh\n(.*?)```", runbook, re.DOTALL)


@pytest.mark.parametrize("cache", ["redis", "none"])
def test_the_readme_makes_every_secret_the_manifests_read(kubectl, bake, tmp_path, cache):
    answers = DEFAULTS | {"deploy_kubernetes": True, "media_storage": "s3", "cache": cache}
    if cache == "none":
        answers["task_queue"] = "none"
    result = bake(**answers)
    assert result.exit_code == 0, result.exception
    project = Path(result.project_path)
    # What the owner does first, as docs/kubernetes.md says: staging's own secret files, and its
    # settings, a copy of production's with staging's domain.
    staging = project / ".secrets" / "staging"
    staging.mkdir(mode=0o700)
    for secret in (project / ".secrets").iterdir():
        if secret.is_file():
            (staging / secret.name).write_text(f"staging {secret.name}")
    settings = (project / ".env.production").read_text()
    (project / ".env.staging").write_text(
        settings.replace("DJANGO_DOMAIN_NAME=example.com", "DJANGO_DOMAIN_NAME=staging.example.com")
    )
    blocks = kubernetes_blocks((project / "docs" / "kubernetes.md").read_text())
    assert len(blocks) == 2, blocks

    for block in blocks:
        run = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", KUBECTL_WITHOUT_A_CLUSTER + block],
            cwd=project, env={"PATH": os.environ["PATH"], "OUT": str(tmp_path)},
            capture_output=True, text=True,
        )  # fmt: skip
        assert run.returncode == 0, run.stderr

    created = [r for r in yaml.safe_load_all((tmp_path / "created.yaml").read_text()) if r]
    namespaces = {r["metadata"]["name"] for r in created if r["kind"] == "Namespace"}
    secrets = {
        (r["metadata"]["namespace"], r["metadata"]["name"]): set(r["data"])
        for r in created
        if r["kind"] == "Secret"
    }
    settings_maps = {
        (r["metadata"]["namespace"], r["metadata"]["name"]): r["data"]
        for r in created
        if r["kind"] == "ConfigMap"
    }
    for overlay in OVERLAYS:
        resources = list(yaml.safe_load_all((tmp_path / f"{overlay}.yaml").read_text()))
        namespace = resources[0]["metadata"]["namespace"]
        assert namespace in namespaces, f"the runbook never creates {namespace}"
        (config,) = [r for r in resources if r["kind"] == "ConfigMap"]
        # Every ConfigMap a container reads exists: the overlay's, or one the runbook makes.
        for r in resources:
            if r["kind"] in ("Deployment", "Job"):
                for container in r["spec"]["template"]["spec"]["containers"]:
                    for source in container["envFrom"]:
                        name = source["configMapRef"]["name"]
                        made = settings_maps.get((namespace, name))
                        assert name == config["metadata"]["name"] or made, (namespace, name)
        domain = "staging.example.com" if overlay == "staging" else "example.com"
        assert (
            settings_maps[(namespace, "my-django-project-settings")]["DJANGO_DOMAIN_NAME"] == domain
        )
        read = {
            match[1]
            for value in config["data"].values()
            if (match := re.fullmatch(r"/run/secrets/([\w.-]+)", value))
        }
        mounted = {
            volume["secret"]["secretName"]
            for r in resources
            if r["kind"] in ("Deployment", "Job")
            for volume in r["spec"]["template"]["spec"].get("volumes", [])
            if "secret" in volume
        }
        assert mounted, overlay
        for name in mounted:
            keys = secrets.get((namespace, name))
            assert keys is not None, f"the runbook never creates {namespace}/{name}"
            assert read <= keys, f"{namespace}/{name} lacks {sorted(read - keys)}"
        expected = {"django_secret_key", "email_password", "database_password",
                    "storage_access_key_id", "storage_secret_access_key"}  # fmt: skip
        assert read == expected | ({"cache_password"} if cache != "none" else set())
    assert (tmp_path / "needs-a-cluster").read_text().count("rollout status") == 2
