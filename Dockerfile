# Production image of the portal (web, Celery worker and beat share it). postgresql-client
# (Debian 12: 15, the major version of the compose file's PostGIS) is for manage.py backup/restore.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
RUN apt-get update \
    && apt-get install -y --no-install-recommends gdal-bin libgdal32 libgeos-c1v5 libproj25 gettext \
       libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
       postgresql-client \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home --uid 1000 portal
WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY . .
# collectstatic/compilemessages need settings to load; the key here is a build-time throwaway.
RUN SECRET_KEY=build-only DEBUG=0 python manage.py compilemessages --ignore=.venv \
    && SECRET_KEY=build-only DEBUG=0 python manage.py collectstatic --noinput \
    && mkdir -p /app/media /app/var/backups && chown -R portal:portal /app/media /app/var
USER portal
EXPOSE 8000
# gunicorn's settings come from GUNICORN_* variables (portal/gunicorn.conf.py, .env.example):
# 4 sync workers, the application preloaded; docs/operations.md, "Serving".
CMD ["gunicorn", "-c", "portal/gunicorn.conf.py", "portal.wsgi:application"]
