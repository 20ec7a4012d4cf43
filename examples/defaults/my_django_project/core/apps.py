from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "my_django_project.core"
    label = "core"
