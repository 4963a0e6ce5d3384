"""Keeping a visit's campaign: ``utm_source``, ``utm_medium`` and ``utm_campaign``.

A seeker often arrives from an article with UTM parameters, then moves around the site
before applying. The parameters of the landing request are kept in the session for
``UTM_VISIT_SECONDS`` (a visit), and every request gets ``request.utm`` (the current
request's parameters, else the visit's, else empty), which ``listings.traffic`` uses to
attribute views and apply clicks. Only requests that carry UTM parameters write the session.
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseNotFound, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

UTM_PARAMS = ("utm_source", "utm_medium", "utm_campaign")
SESSION_KEY = "visit_utm"
UTM_VISIT_SECONDS = 30 * 60
MAX_VALUE_LENGTH = 100
# Framed, machine and tracking requests neither start nor use a visit.
SKIPPED_PREFIXES = ("/api/", "/embed/", "/static/", "/media/", "/healthz")


class UTMAttributionMiddleware:
    """Put the visit's UTM parameters on ``request.utm`` and remember new ones."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.utm = self._visit_utm(request)
        return self.get_response(request)

    def _visit_utm(self, request) -> dict[str, str]:
        if request.path.startswith(SKIPPED_PREFIXES) or not hasattr(request, "session"):
            return {}
        found = {
            name: " ".join(request.GET[name].split())[:MAX_VALUE_LENGTH]
            for name in UTM_PARAMS
            if request.GET.get(name, "").strip()
        }
        now = int(time.time())
        if found:
            request.session[SESSION_KEY] = {**found, "at": now}
            return found
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return {}  # no visit yet; reading the session would add "Vary: Cookie" for nothing
        stored = request.session.get(SESSION_KEY)
        if not isinstance(stored, dict):
            return {}
        if now - int(stored.get("at", 0)) > UTM_VISIT_SECONDS:
            del request.session[SESSION_KEY]
            return {}
        return {name: str(stored[name]) for name in UTM_PARAMS if stored.get(name)}


class StatementTimeoutMiddleware:
    """A query stopped by ``DATABASE_STATEMENT_TIMEOUT_MS`` gives a 503 "busy" page, not a 500.

    The timeout exists so that one pathological search cannot hold a web worker for seconds
    while the queue behind it grows; the seeker is told to try again (``Retry-After``), and
    nothing was written (the request's statements are reads, or ran in a transaction that the
    error rolled back).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not _is_statement_timeout(exception):
            return None
        logger.warning("statement timeout on %s", request.path)
        response = render(request, "503.html", status=503)
        response["Retry-After"] = "5"
        return response


def _is_statement_timeout(exception: BaseException) -> bool:
    if not isinstance(exception, OperationalError):
        return False
    try:
        from psycopg.errors import QueryCanceled
    except ImportError:  # pragma: no cover - psycopg is a dependency
        return False
    return isinstance(exception.__cause__, QueryCanceled)


class DatabaseUnavailableMiddleware:
    """The database not answering (a restart, a failover) gives 503 "try again", not a 500.

    ``Retry-After`` tells clients and proxies when to come back; pages get a short page that
    needs no database (rendered without the request, so no session or user is read), the API
    a JSON answer. Connections recover on their own: Django checks them at the start of the
    next request (``CONN_HEALTH_CHECKS``).
    """

    RETRY_AFTER = "10"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        if _is_statement_timeout(exception):
            return None  # StatementTimeoutMiddleware's "busy" page
        logger.error("database unavailable on %s: %s", request.path, exception)
        if request.path.startswith("/api/"):
            response = JsonResponse(
                {"detail": "The service is unavailable for a moment; try again."}, status=503
            )
        else:
            try:
                body = render_to_string("503_unavailable.html")
            except Exception:  # noqa: BLE001 - the page must not fail in turn
                body = "Back in a moment: please try again in a few seconds."
            response = HttpResponse(body, status=503)
        response["Retry-After"] = self.RETRY_AFTER
        return response


def _has_control_character(text: str) -> bool:
    return any(ord(char) < 32 or ord(char) == 127 for char in text)


class RejectControlCharactersMiddleware:
    """A path with a control character (``%00``, ``%0a``) is answered 404 at once.

    No URL of ours has one, so such an address names nothing (404, which every API operation
    with a path parameter documents); PostgreSQL refuses NUL in text, which surfaced as a 500
    from whichever lookup met it first (a vacancy's reference, its apply link). Parameters are
    left to the search's cleaners, which drop such characters with a notice.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _has_control_character(request.path):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": "Not found."}, status=404)
            return HttpResponseNotFound("Not found: no page has an address with such characters.")
        return self.get_response(request)
