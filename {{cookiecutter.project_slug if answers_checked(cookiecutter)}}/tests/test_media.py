import pytest
from django.core.files.base import ContentFile

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_an_uploaded_file_is_stored_and_served_as_data(client, user, media):
    user.avatar.save("ada.png", ContentFile(b"\x89PNG not really"))

    assert (media / user.avatar.name).read_bytes() == b"\x89PNG not really"
    response = client.get(user.avatar.url)

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"\x89PNG not really"
    # Never run as a page, whatever was uploaded.
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


@pytest.mark.parametrize(
    "path", ["../secret.txt", "%2e%2e/secret.txt", "..%2fsecret.txt"]
)
def test_nothing_outside_the_media_folder_is_served(client, media, path):
    (media.parent / "secret.txt").write_text("not for you")
    client.raise_request_exception = False

    response = client.get(f"/media/{path}")

    assert response.status_code in {400, 404}
    assert b"not for you" not in response.content
