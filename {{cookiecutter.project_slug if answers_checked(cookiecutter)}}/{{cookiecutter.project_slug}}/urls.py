from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, {% if cookiecutter.use_drf %}include, {% endif %}path, re_path

from .core.media import serve_media
from .core.views import home
from .settings.env import env

urlpatterns: list[URLPattern | URLResolver] = [
    path("", home, name="home"),
    path(env("DJANGO_ADMIN_URL", default="admin/"), admin.site.urls),
{%- if cookiecutter.use_drf %}
    path("api/", include("{{ cookiecutter.project_slug }}.api.urls")),
{%- endif %}
]

if settings.SERVE_MEDIA:
    urlpatterns.append(re_path(r"^media/(?P<path>.*)$", serve_media))

if "debug_toolbar" in settings.INSTALLED_APPS:
    from debug_toolbar.toolbar import debug_toolbar_urls

    urlpatterns += debug_toolbar_urls()
