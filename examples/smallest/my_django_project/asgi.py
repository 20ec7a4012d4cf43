import os

from django.core.asgi import get_asgi_application

os.environ.setdefault(
    "DJANGO_SETTINGS_MODULE",
    "my_django_project.settings.production",
)

application = get_asgi_application()
