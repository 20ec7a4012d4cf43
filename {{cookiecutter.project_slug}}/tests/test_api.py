import pytest

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
    }


def test_current_user_accepts_basic_auth(client, user):
    response = client.get(
        "/api/me/", HTTP_AUTHORIZATION="Basic YWRhOmNvcnJlY3QgaG9yc2UgYmF0dGVyeQ=="
    )

    assert response.status_code == 200
    assert response.json()["username"] == "ada"
