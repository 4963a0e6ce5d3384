"""Project-wide pages: the home page and the health check."""

from __future__ import annotations

import logging

from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from jobboard.celery import app as celery_app
from listings.selectors import home_page_data

logger = logging.getLogger(__name__)


@require_GET
def home(request):
    """The front door: a search box, professions with live counts and the newest vacancies."""
    return render(request, "jobboard/home.html", home_page_data())


@require_GET
def trivial(request):
    """The base template with no database work: the benchmark's yardstick for every page."""
    return render(request, "base.html")


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # noqa: BLE001 - any failure means "not healthy"
        logger.exception("healthz: database check failed")
        return False


def _broker_ok() -> bool:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:  # noqa: BLE001
        logger.exception("healthz: broker check failed")
        return False


@never_cache
@require_GET
def healthz(request):
    """Report whether the database and the broker answer; 503 when either does not."""
    checks = {"database": _database_ok(), "broker": _broker_ok()}
    healthy = all(checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status=200 if healthy else 503,
    )
