"""Project-wide pages: the home page and the health check."""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from employers.selectors import employers_hiring
from jobboard.celery import HEARTBEAT_KEY
from jobboard.celery import app as celery_app
from listings.selectors import home_page_data

logger = logging.getLogger(__name__)


@require_GET
def home(request):
    """The front door: a search box, professions with live counts, the employers hiring now
    and the newest vacancies."""
    return render(
        request, "jobboard/home.html", {**home_page_data(), "employers": employers_hiring()}
    )


# The privacy notice states the periods this deployment's settings keep data for.
RETENTION_SETTINGS = (
    "ALERT_CONFIRMATION_DAYS",
    "ALERT_PURGE_DAYS",
    "SEEKER_CODE_MINUTES",
    "APPLICATION_RETENTION_MONTHS",
)


@require_GET
def privacy(request):
    """The privacy notice, with the retention periods the settings actually apply."""
    context = {name: getattr(settings, name) for name in RETENTION_SETTINGS}
    return render(request, "jobboard/privacy.html", context)


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


# Beat queues the heartbeat every 30 s; a worker that has not run it for this long is late.
HEARTBEAT_LATE_SECONDS = 120


def _worker_seen() -> float | None:
    """Seconds since a worker last ran the heartbeat task (None: never, or no shared cache)."""
    try:
        beat = cache.get(HEARTBEAT_KEY)
    except Exception:  # noqa: BLE001 - the cache being down must not fail the health check
        return None
    return None if beat is None else max(0.0, time.time() - float(beat))


@never_cache
@require_GET
def healthz(request):
    """Report whether the database and the broker answer; 503 when either does not.

    The worker's heartbeat is reported beside them ("degraded" when it is late) without
    failing the check: web replicas must stay in service while the worker is restarted.
    """
    checks = {"database": _database_ok(), "broker": _broker_ok()}
    healthy = all(checks.values())
    seen = _worker_seen()
    checks["worker"] = seen is not None and seen < HEARTBEAT_LATE_SECONDS
    status = "ok" if healthy and checks["worker"] else "degraded" if healthy else "unavailable"
    return JsonResponse(
        {
            "status": status,
            "checks": checks,
            "worker_seen_seconds_ago": None if seen is None else round(seen),
        },
        status=200 if healthy else 503,
    )
