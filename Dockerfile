# Production image: one image for web (gunicorn), worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# libmagic1: uploaded CVs are typed by their content (python-magic).
RUN apt-get update && apt-get install -y --no-install-recommends libmagic1 \
 && rm -rf /var/lib/apt/lists/*

RUN groupadd --system app && useradd --system --gid app --home /app app
WORKDIR /app

COPY requirements.lock ./
RUN pip install -r requirements.lock

COPY . .
RUN DJANGO_ENV=production DJANGO_SECRET_KEY=build-only DJANGO_ALLOWED_HOSTS=build \
    python manage.py collectstatic --noinput \
 && mkdir -p /app/var /data/media /data/static \
 && chown -R app:app /app/var /data/media /data/static

USER app
EXPOSE 8000
CMD ["gunicorn", "jobboard.wsgi:application", "--config", "gunicorn.conf.py"]
