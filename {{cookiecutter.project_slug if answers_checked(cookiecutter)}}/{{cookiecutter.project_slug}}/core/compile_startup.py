"""Import what a container's start imports, once, when the production image is built.

    PYTHONPYCACHEPREFIX=/opt/pycache python -m {{ cookiecutter.project_slug }}.core.compile_startup

Python then writes the bytecode of every module it imported under /opt/pycache, where
the image's processes read it (PYTHONPYCACHEPREFIX): they start without compiling
Django, the server and this package first.
"""

import importlib

import django
from django.db.migrations.loader import MigrationLoader

STARTUP_MODULES = [
    "{{ cookiecutter.project_slug }}.{{ 'asgi' if cookiecutter.web_server == 'uvicorn' else 'wsgi' }}",
    "{{ {'gunicorn': 'gunicorn.app.wsgiapp', 'uvicorn': 'uvicorn.main', 'granian': 'granian.cli'}[cookiecutter.web_server] }}",
    "{{ cookiecutter.project_slug }}.core.probe",
{%- if cookiecutter.task_queue == "celery" %}
    "{{ cookiecutter.project_slug }}.celery",
{%- endif %}
    "django.core.management.commands.migrate",
]


def main() -> None:
    django.setup()
    for name in STARTUP_MODULES:
        importlib.import_module(name)
    MigrationLoader(None)  # every migration module, as migrate reads them


if __name__ == "__main__":
    main()
