import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

# The smallest valid PNG: one transparent pixel.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
)

pytestmark = pytest.mark.django_db


def test_current_user_requires_authentication(client):
    response = client.get("/api/me/")

    assert response.status_code == 403


def test_current_user_returns_the_profile(client, user):
    client.force_login(user)

    response = client.get("/api/me/")

    assert response.status_code == 200
    assert response.json() == {
        "username": "ada",
        "email": "ada@example.com",
        "name": "Ada",
        "avatar": None,
    }


def test_current_user_accepts_basic_auth(client, user):
    response = client.get(
        "/api/me/", HTTP_AUTHORIZATION="Basic YWRhOmNvcnJlY3QgaG9yc2UgYmF0dGVyeQ=="
    )

    assert response.status_code == 200
    assert response.json()["username"] == "ada"


def test_an_avatar_is_uploaded_and_served(client, user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(user)
    picture = SimpleUploadedFile("ada.png", PNG, content_type="image/png")

    response = client.patch(
        "/api/me/",
        data=encode_multipart(BOUNDARY, {"avatar": picture}),
        content_type=MULTIPART_CONTENT,
    )

    assert response.status_code == 200, response.content
    url = response.json()["avatar"]
    assert url.startswith("/media/avatars/ada")
    served = client.get(url)
    assert b"".join(served.streaming_content) == PNG


def test_an_avatar_must_be_a_picture(client, user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(user)
    script = SimpleUploadedFile("x.html", b"<script>alert(1)</script>")

    response = client.patch(
        "/api/me/",
        data=encode_multipart(BOUNDARY, {"avatar": script}),
        content_type=MULTIPART_CONTENT,
    )

    assert response.status_code == 400
    assert "avatar" in response.json()
