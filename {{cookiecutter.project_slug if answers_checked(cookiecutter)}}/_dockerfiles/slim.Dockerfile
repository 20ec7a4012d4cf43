# Targets: "development" (dev tools, source bind-mounted) and "production".
# The virtual environment is built from the lock alone, in its own layer, so a change
# to the code rebuilds only the code layer. It holds no bytecode (a quarter of its
# size) and no translation sources (.po; Django reads only the compiled .mo files):
# production carries the bytecode of what start-up imports, compiled at build
# (/opt/pycache); development caches what it imports under /tmp.
ARG PYTHON_IMAGE=python:{{ cookiecutter.python_version }}-slim-trixie

FROM ${PYTHON_IMAGE} AS builder
{%- if cookiecutter.database == "mariadb" %}
# mysqlclient compiles against MariaDB's client library; the compiler stays in this stage.
# Packages come from the base image's Debian release, which pins their versions.
# hadolint ignore=DL3008
RUN --mount=type=cache,target=/var/cache/apt,sharing=locked \
    --mount=type=cache,target=/var/lib/apt,sharing=locked \
    rm -f /etc/apt/apt.conf.d/docker-clean \
    && apt-get update \
    && apt-get install -y --no-install-recommends gcc libc6-dev libmariadb-dev pkg-config
{%- endif %}
ENV PYTHONDONTWRITEBYTECODE=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
{%- if cookiecutter.package_manager == "uv" %}
ENV UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PYTHON=/usr/local/bin/python \
    UV_PROJECT_ENVIRONMENT=/opt/venv
RUN --mount=type=cache,target=/root/.cache/pip \
    python -m pip install uv=={{ cookiecutter.__uv_version }}
WORKDIR /app
RUN --mount=type=cache,target=/root/.cache/uv \
    --mount=type=bind,source=pyproject.toml,target=pyproject.toml \
    --mount=type=bind,source=uv.lock,target=uv.lock \
    uv sync --locked --no-dev --no-install-project \
    && find /opt/venv -name "*.po" -delete
{%- else %}
WORKDIR /app
RUN --mount=type=cache,target=/root/.cache/pip \
    --mount=type=bind,source=requirements.txt,target=requirements.txt \
    python -m venv /opt/venv \
    && /opt/venv/bin/pip install --no-compile --require-hashes -r requirements.txt \
    && find /opt/venv -name "*.po" -delete
{%- endif %}

# Development dependencies on top, for the development target only.
FROM builder AS builder-dev
{%- if cookiecutter.package_manager == "uv" %}
RUN --mount=type=cache,target=/root/.cache/uv \
    --mount=type=bind,source=pyproject.toml,target=pyproject.toml \
    --mount=type=bind,source=uv.lock,target=uv.lock \
    uv sync --locked --no-install-project
{%- else %}
RUN --mount=type=cache,target=/root/.cache/pip \
    --mount=type=bind,source=requirements.txt,target=requirements.txt \
    --mount=type=bind,source=requirements-dev.txt,target=requirements-dev.txt \
    /opt/venv/bin/pip install --no-compile --require-hashes -r requirements-dev.txt
{%- endif %}

# The production environment, without the apps' static folders: collectstatic has put
# them, hashed and compressed, in /app/staticfiles, where WhiteNoise serves them from.
FROM builder AS venv
RUN find /opt/venv/lib -type d -name static ! -exec test -e "{}/__init__.py" \; -prune \
    -exec rm -rf {} +

FROM builder AS static
COPY manage.py ./
COPY {{ cookiecutter.project_slug }}/ {{ cookiecutter.project_slug }}/
# Static files, collected with the production settings (the key is a build-time dummy);
# then the bytecode of what start-up imports, compiled once here rather than by every
# process the image starts (PYTHONPYCACHEPREFIX points at it, read-only at run time).
ENV DJANGO_SETTINGS_MODULE={{ cookiecutter.project_slug }}.settings.production
RUN export DJANGO_SECRET_KEY=build-time-only-not-a-secret \
    && DJANGO_STATIC_ROOT=/app/staticfiles /opt/venv/bin/python manage.py collectstatic --noinput \
    && PYTHONDONTWRITEBYTECODE='' PYTHONPYCACHEPREFIX=/opt/pycache \
    /opt/venv/bin/python -m {{ cookiecutter.project_slug }}.core.compile_startup

FROM ${PYTHON_IMAGE} AS runtime
{%- if cookiecutter.database == "mariadb" %}
# hadolint ignore=DL3008
RUN --mount=type=cache,target=/var/cache/apt,sharing=locked \
    --mount=type=cache,target=/var/lib/apt,sharing=locked \
    rm -f /etc/apt/apt.conf.d/docker-clean \
    && apt-get update \
    && apt-get install -y --no-install-recommends libmariadb3
{%- endif %}
RUN groupadd --system --gid {{ cookiecutter.__app_uid }} app \
    && useradd --system --uid {{ cookiecutter.__app_uid }} --gid app --home-dir /app --no-create-home app
{%- set volume_folders = (["/data"] if cookiecutter.database == "sqlite" else []) + (["/app/media"] if cookiecutter.media_storage == "volume" else []) %}
{%- if volume_folders %}
{%- set volume_contents = (["the SQLite database"] if cookiecutter.database == "sqlite" else []) + (["uploaded files"] if cookiecutter.media_storage == "volume" else []) %}
# Volumes for {{ volume_contents | join(" and ") }} are mounted here; a new volume takes its
# folder's owner.
RUN mkdir -p {{ volume_folders | join(" ") }} && chown app:app {{ volume_folders | join(" ") }}
{%- endif %}
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONPYCACHEPREFIX=/tmp/pycache \
    PYTHONUNBUFFERED=1
WORKDIR /app
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --start-interval=1s --retries=3 \
    CMD ["python", "-m", "{{ cookiecutter.project_slug }}.core.probe"]

FROM runtime AS development
COPY --from=builder-dev /opt/venv /opt/venv
ENV DJANGO_SETTINGS_MODULE={{ cookiecutter.project_slug }}.settings.local \
    HOME=/tmp
# The code too, for `make watch`, which runs this image without the bind mount of
# `make up`; it belongs to you (compose.yaml passes your ids), as the files you edit.
ARG HOST_UID={{ cookiecutter.__app_uid }}
ARG HOST_GID={{ cookiecutter.__app_uid }}
RUN install -d -o "$HOST_UID" -g "$HOST_GID" /app /app/media{% if cookiecutter.database == "sqlite" %} /data{% endif %}
COPY --chown=${HOST_UID}:${HOST_GID} . /app
# Start-up's bytecode, compiled with the production image, where Python caches the rest.
COPY --from=static --chown=${HOST_UID}:${HOST_GID} /opt/pycache /tmp/pycache
# Numeric, so that a platform can verify that it is not root.
USER {{ cookiecutter.__app_uid }}:{{ cookiecutter.__app_uid }}
CMD ["python", "manage.py", "runserver", "0.0.0.0:8000"]

FROM runtime AS production
COPY --from=venv /opt/venv /opt/venv
COPY --from=static /app/staticfiles /app/staticfiles
COPY --from=static /opt/pycache /opt/pycache
# The application alone, owned by root: its user can read it, not change it.
COPY manage.py ./
COPY {{ cookiecutter.project_slug }}/ {{ cookiecutter.project_slug }}/
ENV DJANGO_SETTINGS_MODULE={{ cookiecutter.project_slug }}.settings.production \
    PYTHONPYCACHEPREFIX=/opt/pycache
# The commit the image was built from (docker-bake.hcl passes it); last, so a new
# commit rebuilds nothing above.
ARG REVISION=unknown
LABEL org.opencontainers.image.revision=$REVISION
{%- if cookiecutter.use_sentry %}
ENV SENTRY_RELEASE=$REVISION
{%- endif %}
# Numeric, so that a platform can verify that it is not root.
USER {{ cookiecutter.__app_uid }}:{{ cookiecutter.__app_uid }}
{%- if cookiecutter.web_server == "gunicorn" %}
CMD ["gunicorn", "{{ cookiecutter.project_slug }}.wsgi", "--bind", "0.0.0.0:8000", "--access-logfile", "-", "--control-socket", "/tmp/gunicorn.ctl"]
{%- elif cookiecutter.web_server == "uvicorn" %}
CMD ["uvicorn", "{{ cookiecutter.project_slug }}.asgi:application", "--host", "0.0.0.0", "--port", "8000"]
{%- else %}
CMD ["granian", "--interface", "wsgi", "{{ cookiecutter.project_slug }}.wsgi:application", "--host", "0.0.0.0", "--port", "8000"]
{%- endif %}
