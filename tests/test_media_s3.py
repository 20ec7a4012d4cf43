"""Uploads to an S3-compatible bucket (media_storage=s3), for real, over HTTP.

The S3 API is served by moto in server mode (`moto_server`, from PyPI: an in-memory
implementation of AWS's APIs), started on 127.0.0.1 by this test. The generated project
runs with its production settings, its keys read from files as Docker and Kubernetes
secrets would be: an avatar is uploaded through its API, stored in the bucket, fetched
back through the signed URL the API returns.
"""

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from conftest import BIN, free_port, get, unavailable

pytestmark = pytest.mark.database

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
)
SCRIPT = """
import json
import django
django.setup()
from django.contrib.auth import get_user_model
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

user = get_user_model().objects.create_user("ada", password="correct horse battery")
client = Client(HTTP_HOST="example.com")
client.force_login(user)
with open("avatar.png", "rb") as picture:
    body = encode_multipart(BOUNDARY, {"avatar": picture})
response = client.patch("/api/me/", data=body, content_type=MULTIPART_CONTENT, secure=True)
"""


@pytest.fixture
def s3(tmp_path):
    """moto_server on a free port of 127.0.0.1, with a bucket; its endpoint URL."""
    binary = BIN / "moto_server"
    if not binary.exists():
        unavailable("moto_server is not installed (uv sync installs moto[server])")
    port = free_port()
    log = (tmp_path / "moto.log").open("w")
    server = subprocess.Popen(
        [binary, "-H", "127.0.0.1", "-p", str(port)], stdout=log, stderr=subprocess.STDOUT
    )
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if get(f"{endpoint}/moto-api/")[0] == 200:
                break
        except OSError:
            pass
        if time.monotonic() > deadline or server.poll() is not None:
            pytest.fail(f"moto did not start: {(tmp_path / 'moto.log').read_text()}")
        time.sleep(0.2)
    yield endpoint
    server.terminate()
    server.wait(timeout=10)


def test_uploads_go_to_the_bucket_and_come_back(bake, s3, tmp_path):
    import boto3  # moto's own dependency: the bucket is made the way an operator would

    bucket = boto3.client(
        "s3", endpoint_url=s3, region_name="us-east-1",
        aws_access_key_id="testing", aws_secret_access_key="testing",
    )  # fmt: skip
    bucket.create_bucket(Bucket="uploads")
    result = bake(database="sqlite", cache="none", task_queue="none", media_storage="s3")
    assert result.exit_code == 0, result.exception
    project = Path(result.project_path)
    secrets = project / ".secrets"
    assert (secrets / "storage_access_key_id").read_text() == ""  # yours to fill in
    (secrets / "storage_access_key_id").write_text("testing")
    (secrets / "storage_secret_access_key").write_text("testing")

    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env |= {"UV_PROJECT_ENVIRONMENT": ".venv"}
    sync = subprocess.run([BIN / "uv", "sync", "--locked", "--python", BIN / "python"],
                          cwd=project, env=env, capture_output=True, text=True)  # fmt: skip
    assert sync.returncode == 0, sync.stderr
    production = env | {
        "DJANGO_SETTINGS_MODULE": f"{project.name}.settings.production",
        "DJANGO_SECRET_KEY_FILE": str(secrets / "django_secret_key"),
        "DATABASE_PATH": str(tmp_path / "db.sqlite3"),
        "STORAGE_BUCKET_NAME": "uploads",
        "STORAGE_ENDPOINT_URL": s3,
        "STORAGE_REGION_NAME": "us-east-1",
        "STORAGE_ACCESS_KEY_ID_FILE": str(secrets / "storage_access_key_id"),
        "STORAGE_SECRET_ACCESS_KEY_FILE": str(secrets / "storage_secret_access_key"),
    }
    python = project / ".venv" / "bin" / "python"
    migrate = subprocess.run([python, "manage.py", "migrate", "-v0"], cwd=project,
                             env=production, capture_output=True, text=True)  # fmt: skip
    assert migrate.returncode == 0, migrate.stderr
    (project / "avatar.png").write_bytes(PNG)
    script = SCRIPT + (
        "assert response.status_code == 200, response.content\n"
        "url = response.json()['avatar']\n"
        "print(json.dumps({'url': url, 'name': user.__class__.objects.get().avatar.name}))\n"
    )
    run = subprocess.run([python, "-c", script], cwd=project, env=production,
                         capture_output=True, text=True)  # fmt: skip
    assert run.returncode == 0, run.stderr
    uploaded = json.loads(run.stdout.strip().splitlines()[-1])

    # In the bucket, private, and served through the signed link only.
    stored = bucket.get_object(Bucket="uploads", Key=uploaded["name"])["Body"].read()
    assert stored == PNG
    assert uploaded["url"].startswith(f"{s3}/uploads/avatars/")
    assert "Signature=" in uploaded["url"] or "X-Amz-Signature=" in uploaded["url"]
    status, body, _ = get(uploaded["url"])
    assert (status, body) == (200, PNG)
    unsigned = get(uploaded["url"].split("?")[0])[0]
    assert unsigned == 403
    shutil.rmtree(project / ".venv")
