"""Kubernetes manifests: each overlay renders with kustomize and validates, strictly,
against the Kubernetes API schema. No cluster is available here, so this is the claim."""

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
