from django.contrib import admin
from django.urls import {% if cookiecutter.use_drf %}include, {% endif %}path

from .settings.env import env

urlpatterns = [
    path(env("DJANGO_ADMIN_URL", default="admin/"), admin.site.urls),
{%- if cookiecutter.use_drf %}
    path("api/", include("{{ cookiecutter.project_slug }}.api.urls")),
{%- endif %}
]
