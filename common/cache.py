"""Versioned values in the shared cache and whole responses reused for anonymous visitors.

Two mechanisms, free of any domain rule (which lives with the domain, for vacancies in
``listings.search.cache``):

- ``CacheVersion``: a number in the cache that a write moves (after its transaction commits),
  so every value kept under the old number is stale at once without deleting anything.
- ``PageReuse``: keep a response (or API data) under a version and a key, serve it as it is
  until its fresh time, then, for at most ``STALE_SECONDS`` more, serve it while one request
  produces it again once its own response has gone; never past a hard limit the caller gives
  (for vacancies, the first closing time the page shows).

A cache outage never breaks a page: the version reads as 0, which turns reuse off.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time as time_module
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import wraps
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_finished
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpResponse
from django.utils import timezone

logger = logging.getLogger(__name__)

T = TypeVar("T")

# How long past its fresh time a page may still be served while it is rendered again.
STALE_SECONDS = 5 * 60
# Response headers a kept page needs again (the rest are added by middleware each time).
KEPT_HEADERS = ("Content-Type", "HX-Push-Url", "Vary", "X-Robots-Tag")
CSRF_FIELD = b'name="csrfmiddlewaretoken"'


class CacheVersion:
    """A version number kept in the cache under ``key``; ``bump()`` makes it new."""

    def __init__(self, key: str):
        self.key = key

    def current(self) -> int:
        """The current version (1 until the first bump); 0 when the cache is down."""
        try:
            return cache.get_or_set(self.key, 1, timeout=None)
        except Exception:  # noqa: BLE001 - a cache outage must not break a page
            logger.warning("cache unavailable; working without it", exc_info=True)
            return 0

    def bump(self) -> None:
        """Make every value kept under the current version stale, once this transaction commits."""

        def bump():
            try:
                cache.incr(self.key)
            except ValueError:  # not set yet (or evicted): any new value differs from the old
                cache.add(self.key, 2, timeout=None)
            except Exception:  # noqa: BLE001
                logger.warning("could not move the cache version %s", self.key, exc_info=True)

        transaction.on_commit(bump)


def hashed(prefix: str, identity: str) -> str:
    """A short cache key for any identity string."""
    return f"{prefix}:{hashlib.sha256(identity.encode()).hexdigest()[:32]}"


class VersionedValues:
    """Values computed once and shared for ``ttl`` seconds or until the version moves."""

    def __init__(self, version: CacheVersion, prefix: str, *, ttl: int):
        self.version = version
        self.prefix = prefix
        self.ttl = ttl

    def _key(self, version: int, identity: str) -> str:
        return hashed(f"{self.prefix}:{version}", identity)

    def get_or_compute(self, identity: str, compute: Callable[[], T]) -> T:
        """``compute()`` for ``identity``, shared by every request until stale."""
        version = self.version.current()
        if version == 0:
            return compute()
        key = self._key(version, identity)
        try:
            found = cache.get(key)
        except Exception:  # noqa: BLE001
            return compute()
        if found is not None:
            return found
        value = compute()
        self._set(key, value)
        return value

    def kept(self, identity: str):
        """What is kept for ``identity`` under the current version, or None."""
        version = self.version.current()
        if version == 0:
            return None
        try:
            return cache.get(self._key(version, identity))
        except Exception:  # noqa: BLE001
            return None

    def recompute(self, identity: str, compute: Callable[[], T]) -> T:
        """Compute afresh and keep, whatever was kept before (background work)."""
        version = self.version.current()
        value = compute()
        if version:
            self._set(self._key(version, identity), value)
        return value

    def _set(self, key: str, value) -> None:
        try:
            cache.set(key, value, self.ttl)
        except Exception:  # noqa: BLE001
            logger.warning("could not keep a value in the cache", exc_info=True)


# --- whole responses ------------------------------------------------------------------------
@dataclass(frozen=True)
class Keep:
    """How long a kept value is served: as it is until ``fresh``, never after ``until``
    (``None``: no hard limit, only ``STALE_SECONDS`` past ``fresh``)."""

    until: datetime | None
    fresh: datetime


def keep_until(response: HttpResponse, moment: datetime | None, *, longest: int) -> HttpResponse:
    """Let page reuse keep ``response``: fresh for ``longest`` seconds, never past ``moment``."""
    response.page_cache_keep = True
    response.page_cache_until = moment
    response.page_cache_fresh_for = longest
    return response


def _cacheable(request) -> bool:
    """Only anonymous, impersonal requests: no session, no flash message, no campaign tags."""
    cookies = request.COOKIES
    return (
        request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in cookies
        and "messages" not in cookies
        and not any(name.startswith("utm_") for name in request.GET)
    )


class PageReuse:
    """Reuse of whole pages and API data for anonymous visitors, under a ``CacheVersion``."""

    def __init__(self, version: CacheVersion, prefix: str, *, data_ttl: int):
        self.version = version
        self.prefix = prefix
        self.data_ttl = data_ttl

    def view(self, view):
        """Serve and store anonymous visitors' pages of ``view`` without running it again."""

        @wraps(view)
        def wrapper(request, *args, **kwargs):
            flags = (
                request.headers.get("HX-Request", ""),
                request.headers.get("HX-History-Restore-Request", ""),
            )
            return self._reused(
                request,
                f"{request.get_full_path()}|{flags}",
                lambda: _page_parts(view(request, *args, **kwargs)),
                revive=_from_cache,
            )

        return wrapper

    def render(self, request, key: str, render) -> HttpResponse:
        """``render()``'s response, or the one kept under ``key`` for an anonymous visitor.

        For a view that must run code on every request (a vacancy page counts each view) but
        whose page can be reused: ``key`` names everything the page shows, and ``render()``
        marks its response with ``keep_until``.
        """
        return self._reused(request, key, lambda: _page_parts(render()), revive=_from_cache)

    def data(self, request, key: str, compute):
        """``compute()``'s data, or the data kept under ``key`` for an anonymous caller.

        ``compute()`` returns ``(data, until)``, ``until`` being the hard limit (or None).
        """

        def produce():
            data, until = compute()
            return data, data, Keep(until, timezone.now() + timedelta(seconds=self.data_ttl))

        return self._reused(request, key, produce)

    def _reused(self, request, identity: str, produce, *, revive=lambda kept: kept):
        """The one path of every reuse: look up, else produce and keep.

        ``produce()`` returns ``(result, kept, keep)``: ``result`` for this request, ``kept``
        (``None`` for nothing) to store as ``keep`` says; ``revive(kept)`` turns a stored
        value back into a result. A value found past its fresh time is served all the same,
        and one request (the first to take the refresh lock) produces it again once its own
        response has gone: a popular page is never rendered by a visitor who waits for it,
        nor by fifty at once when it goes stale.
        """
        key = None
        if settings.SEARCH_PAGE_CACHE and _cacheable(request):
            version = self.version.current()
            if version:
                key = hashed(f"{self.prefix}:{version}", identity)
        if key is not None:
            try:
                found = cache.get(key)
                if found is not None and found[1] <= _now() and cache.add(f"{key}:refresh", 1, 30):
                    after_response(lambda: _refresh(key, produce))
            except Exception:  # noqa: BLE001 - a cache outage must not break a page
                found = None
            if found is not None:
                return revive(found[0])
        result, kept, keep = produce()
        if key is not None and kept is not None:
            _keep(key, kept, keep)
        return result


def _now() -> float:
    """The clock page reuse compares fresh times with (tests move it)."""
    return time_module.time()


def _refresh(key: str, produce) -> None:
    _result, kept, keep = produce()
    if kept is not None:
        _keep(key, kept, keep)


def _page_parts(response: HttpResponse) -> tuple[HttpResponse, tuple | None, Keep | None]:
    """A response as ``_reused`` wants it: kept only if it is a plain page for anyone."""
    storable = (
        getattr(response, "page_cache_keep", False)
        and response.status_code == 200
        and not response.cookies
        and not response.streaming
        and CSRF_FIELD not in response.content  # a form's token belongs to one visitor
    )
    if not storable:
        return response, None, None
    headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
    fresh = timezone.now() + timedelta(seconds=response.page_cache_fresh_for)
    return response, (response.content, headers), Keep(response.page_cache_until, fresh)


def _from_cache(found: tuple[bytes, dict[str, str]]) -> HttpResponse:
    content, headers = found
    response = HttpResponse(content)
    for name, value in headers.items():
        response[name] = value
    return response


def _keep(key: str, value, keep: Keep) -> None:
    """Store ``value`` with its fresh time, for as long as it may be served at all."""
    fresh = min(keep.fresh, keep.until) if keep.until else keep.fresh
    last = fresh + timedelta(seconds=STALE_SECONDS)
    if keep.until:
        last = min(last, keep.until)
    seconds = int((last - timezone.now()).total_seconds())
    if seconds < 1:
        return
    try:
        cache.set(key, (value, fresh.timestamp()), seconds)
    except Exception:  # noqa: BLE001
        logger.warning("could not keep a page in the cache", exc_info=True)


# --- work after the response ----------------------------------------------------------------
_pending = threading.local()


def after_response(task) -> None:
    """Run ``task`` when this request's response has been sent (``request_finished``).

    The worker stays busy for it, but the visitor does not wait. A failing task is logged.
    """
    tasks = getattr(_pending, "tasks", None)
    if tasks is None:
        tasks = _pending.tasks = []
    tasks.append(task)


@receiver(request_finished, dispatch_uid="common.cache.after_response")
def _run_after_response(**kwargs) -> None:
    tasks = getattr(_pending, "tasks", None)
    if not tasks:
        return
    _pending.tasks = []
    for task in tasks:
        try:
            task()
        except Exception:  # noqa: BLE001 - the visitor has the page; the next one retries
            logger.warning("could not refresh a kept page", exc_info=True)
