import pytest
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db


def test_the_custom_user_model_is_active():
    assert get_user_model()._meta.label == "users.User"


def test_create_user_hashes_the_password(user):
    assert user.check_password("correct horse battery")
    assert user.password != "correct horse battery"
    assert not user.is_staff


def test_create_superuser(django_user_model):
    admin = django_user_model.objects.create_superuser(
        username="root", email="root@example.com", password="another long secret"
    )

    assert admin.is_staff
    assert admin.is_superuser


def test_str_prefers_the_full_name(user, django_user_model):
    nameless = django_user_model.objects.create_user(username="grace")

    assert str(user) == "Ada"
    assert str(nameless) == "grace"


def test_admin_lists_users(admin_client, user):
    response = admin_client.get("/admin/users/user/")

    assert response.status_code == 200
    assert b"ada@example.com" in response.content
