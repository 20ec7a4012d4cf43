from django.apps import AppConfig


class UsersConfig(AppConfig):
    name = "my_django_project.users"
    label = "users"
