"""Versioned values in the shared cache and whole responses reused for anonymous visitors.

Mechanisms free of any domain rule (which lives with the domain, for vacancies in
``listings.search.cache``):

- ``CacheVersion``: a number in the cache that a rare, global write moves (after its
  transaction commits), so every value kept under the old number is stale at once without
  deleting anything.
- ``Removals``: the moment each recently removed item (a vacancy that closed) was removed.
  A kept page or answer remembers the items it shows and when it was made; it is never served
  again once one of them was removed after that: removals are exact, without emptying
  anything else.
- ``VersionedValues``: values (counts) shared for a fresh time, then served while one lock
  holder computes them again after the response (stale-while-revalidate, no stampede). A
  value a page can do without the first time is computed after a response only while one of
  a few shared slots is free (``LATER_SLOTS``): work for the next visitor never takes the
  cores the visitors of now need.
- ``PageReuse``: keep a response (or API data) under a version and a key, serve it as it is
  until its fresh time, then, for at most its stale time more, serve it while one request
  produces it again once its own response has gone; never past a hard limit the caller gives
  (for vacancies, the first closing time the page shows), nor after a removal it shows.

A cache outage never breaks a page: the version reads as 0, which turns reuse off.
"""

from __future__ import annotations

import contextlib
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
from django.core.signals import request_finished, request_started
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpResponse
from django.utils import timezone

logger = logging.getLogger(__name__)

T = TypeVar("T")

# How long past its fresh time a page may still be served while it is rendered again.
STALE_SECONDS = 5 * 60
# How long one request may hold the right to compute a kept value again.
LOCK_SECONDS = 30
# Response headers a kept page needs again (the rest are added by middleware each time).
KEPT_HEADERS = ("Content-Type", "HX-Push-Url", "Vary", "X-Robots-Tag")
CSRF_FIELD = b'name="csrfmiddlewaretoken"'


class CacheVersion:
    """A version number kept in the cache under ``key``; ``bump()`` makes it new."""

    def __init__(self, key: str):
        self.key = key

    def current(self) -> int:
        """The current version (1 until the first bump); 0 when the cache is down.

        Read once per request (a page asks for it several times): kept for the rest of it.
        """
        read = getattr(_pending, "versions", None) if in_request() else None
        if read is not None and self.key in read:
            return read[self.key]
        try:
            version = cache.get_or_set(self.key, 1, timeout=None)
        except Exception:  # noqa: BLE001 - a cache outage must not break a page
            logger.warning("cache unavailable; working without it", exc_info=True)
            version = 0
        if read is not None:
            read[self.key] = version
        return version

    def bump(self) -> None:
        """Make every value kept under the current version stale, once this transaction commits."""

        def bump():
            (getattr(_pending, "versions", None) or {}).pop(self.key, None)
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


class Removals:
    """When each recently removed item was removed (a wall-clock time), by id.

    ``mark(ids)`` records the moment once the transaction commits; ``since(ids, moment)``
    tells whether any of ``ids`` was removed at or after ``moment``. A mark is kept for
    ``keep_seconds``, which must outlast anything kept that could show the item.
    """

    def __init__(self, prefix: str, *, keep_seconds: int):
        self.prefix = prefix
        self.keep_seconds = keep_seconds

    def _key(self, item) -> str:
        return f"{self.prefix}:{item}"

    def mark(self, ids) -> None:
        ids = list(ids)
        if not ids:
            return

        def mark():
            moment = _now()
            try:
                cache.set_many({self._key(i): moment for i in ids}, self.keep_seconds)
            except Exception:  # noqa: BLE001
                logger.warning("could not record removals", exc_info=True)

        transaction.on_commit(mark)

    def since(self, ids, moment: float) -> bool:
        """Whether any of ``ids`` was removed at or after ``moment`` (True if unknown)."""
        if not ids:
            return False
        try:
            found = cache.get_many([self._key(i) for i in ids])
        except Exception:  # noqa: BLE001 - cannot tell: treat as removed
            return True
        return any(when >= moment for when in found.values())


class VersionedValues:
    """Values computed once and shared: fresh for ``ttl`` seconds, then served for up to
    ``stale`` more while ONE request (the holder of a short lock) computes them again once
    its response has gone; all of them stale at once when the version moves.

    With nothing kept, the first request to take the lock computes; the others wait for it
    up to ``wait`` seconds (then compute themselves rather than fail).
    """

    def __init__(self, version: CacheVersion, prefix: str, *, ttl: int, stale: int = 0):
        self.version = version
        self.prefix = prefix
        self.ttl = ttl
        self.stale = stale

    def _key(self, version: int, identity: str) -> str:
        return hashed(f"{self.prefix}:{version}", identity)

    def _found(self, key: str):
        try:
            return cache.get(key)
        except Exception:  # noqa: BLE001
            return None

    def get_or_compute(self, identity: str, compute: Callable[[], T], *, wait: float = 0) -> T:
        """``compute()`` for ``identity``, shared by every request until stale."""
        version = self.version.current()
        if version == 0:
            return compute()
        key = self._key(version, identity)
        found = self._found(key)
        if found is not None:
            value, fresh = found
            if fresh > _now():
                return value
            if not in_request():  # background work (a page rendered again) wants it fresh
                return self._compute_and_set(key, compute, locked=False)
            if _lock(key):
                after_response(lambda: self._compute_and_set(key, compute))
            return value
        locked = _lock(key)
        if not locked and wait:
            deadline = time_module.monotonic() + wait
            while time_module.monotonic() < deadline:
                time_module.sleep(0.02)
                found = self._found(key)
                if found is not None:
                    return found[0]
        return self._compute_and_set(key, compute, locked=locked)

    def kept(self, identity: str):
        """What is kept for ``identity`` under the current version (fresh or not), or None."""
        version = self.version.current()
        if version == 0:
            return None
        found = self._found(self._key(version, identity))
        return None if found is None else found[0]

    def fresh(self, identity: str):
        """What is kept for ``identity`` if it is still fresh, else None."""
        version = self.version.current()
        if version == 0:
            return None
        found = self._found(self._key(version, identity))
        return found[0] if found is not None and found[1] > _now() else None

    def kept_or_later(self, identity: str, compute: Callable[[], T]) -> T | None:
        """What is kept for ``identity``, or None while one request computes it after its
        response (for values a page can do without the first time: it never waits).

        Outside a request (a task, a command) there is no one to wait: computed at once.
        """
        version = self.version.current()
        if version == 0:
            return compute() if not in_request() else None
        key = self._key(version, identity)
        found = self._found(key)
        if found is not None and found[1] > _now():
            return found[0]
        if not in_request():
            return self._compute_and_set(key, compute, locked=False)
        if not _lock(key):  # another request is computing it
            return None if found is None else found[0]
        if not _take_later_slot():
            # Every slot is counting for someone: the next visitor asks again.
            _unlock(key)
            return None if found is None else found[0]
        after_response(lambda: self._compute_and_set(key, compute))
        return None if found is None else found[0]

    def recompute(self, identity: str, compute: Callable[[], T]) -> T:
        """Compute afresh and keep, whatever was kept before (background work)."""
        version = self.version.current()
        value = compute()
        if version:
            self._set(self._key(version, identity), value)
        return value

    def _compute_and_set(self, key: str, compute: Callable[[], T], *, locked: bool = True) -> T:
        try:
            value = compute()
            self._set(key, value)
            return value
        finally:
            if locked:
                _unlock(key)

    def _set(self, key: str, value) -> None:
        try:
            cache.set(key, (value, _now() + self.ttl), self.ttl + self.stale)
        except Exception:  # noqa: BLE001
            logger.warning("could not keep a value in the cache", exc_info=True)


def _lock(key: str) -> bool:
    """Take the right to compute ``key`` again (for ``LOCK_SECONDS`` at most)."""
    try:
        return bool(cache.add(f"{key}:lock", 1, LOCK_SECONDS))
    except Exception:  # noqa: BLE001
        return False


def _unlock(key: str) -> None:
    with contextlib.suppress(Exception):
        cache.delete(f"{key}:lock")


LATER_SLOT_KEY = "later-slot"


def _take_later_slot() -> bool:
    """Whether this request holds one of the ``LATER_SLOTS`` shared slots for work after its
    response, taking one if it has none; False if all are taken. A slot is held until the
    request's work after the response is done (``LOCK_SECONDS`` at most, should its holder
    die), however many values it computes there.

    A first search of its kind is counted exactly after its response, 0.3-3 s at a million
    vacancies. When searches nobody made before arrive faster than that, unbounded, this work
    would take every core and the visitors would wait for it; bounded, the searches the slots
    cannot take are counted when they are asked for again, and their page meanwhile shows
    what it shows the first time (a capped total, facets without numbers).
    """
    if getattr(_pending, "later_slot", None):
        return True
    for number in range(settings.LATER_SLOTS):
        key = f"{LATER_SLOT_KEY}:{number}"
        try:
            if cache.add(key, 1, LOCK_SECONDS):
                _pending.later_slot = key
                return True
        except Exception:  # noqa: BLE001 - no cache, no slots: nothing is counted later
            return False
    return False


def _give_back_slot() -> None:
    slot = getattr(_pending, "later_slot", None)
    if slot:
        _pending.later_slot = None
        with contextlib.suppress(Exception):
            cache.delete(slot)


# --- whole responses ------------------------------------------------------------------------
@dataclass(frozen=True)
class Keep:
    """How long a kept value is served: as it is until ``fresh``, then for ``stale`` seconds
    more while it is produced again, never after ``until`` (``None``: no hard limit); and
    never once one of the items it ``shows`` was removed after it was made."""

    until: datetime | None
    fresh: datetime
    shows: tuple = ()
    stale: int = STALE_SECONDS


def keep_until(
    response: HttpResponse,
    moment: datetime | None,
    *,
    longest: int,
    shows=(),
    stale: int = STALE_SECONDS,
) -> HttpResponse:
    """Let page reuse keep ``response``: fresh for ``longest`` seconds, never past ``moment``
    nor after the removal of any item of ``shows`` (ids)."""
    response.page_cache_keep = True
    response.page_cache_until = moment
    response.page_cache_fresh_for = longest
    response.page_cache_shows = tuple(shows)
    response.page_cache_stale = stale
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
    """Reuse of whole pages and API data for anonymous visitors, under a ``CacheVersion``,
    never after one of the items they show is in ``removals``."""

    def __init__(
        self,
        version: CacheVersion,
        prefix: str,
        *,
        data_ttl: int,
        removals: Removals | None = None,
        data_stale: int = STALE_SECONDS,
    ):
        self.version = version
        self.prefix = prefix
        self.data_ttl = data_ttl
        self.data_stale = data_stale
        self.removals = removals

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

        ``compute()`` returns ``(data, until)`` or ``(data, until, shows)``: ``until`` the
        hard limit (or None), ``shows`` the ids of the items in it.
        """

        def produce():
            data, until, *shows = compute()
            fresh = timezone.now() + timedelta(seconds=self.data_ttl)
            keep = Keep(until, fresh, tuple(shows[0]) if shows else (), self.data_stale)
            return data, data, keep

        return self._reused(request, key, produce)

    def _reused(self, request, identity: str, produce, *, revive=lambda kept: kept):
        """The one path of every reuse: look up, else produce and keep.

        ``produce()`` returns ``(result, kept, keep)``: ``result`` for this request, ``kept``
        (``None`` for nothing) to store as ``keep`` says; ``revive(kept)`` turns a stored
        value back into a result. A value found past its fresh time is served all the same,
        and one request (the first to take the refresh lock) produces it again once its own
        response has gone: a popular page is never rendered by a visitor who waits for it,
        nor by fifty at once when it goes stale. A value showing an item removed since it
        was made is never served: it is produced again at once.
        """
        key = None
        if settings.SEARCH_PAGE_CACHE and _cacheable(request):
            version = self.version.current()
            if version:
                key = hashed(f"{self.prefix}:{version}", identity)
        if key is not None:
            try:
                found = cache.get(key)
                if found is not None and self._removed_since(found):
                    found = None
                if found is not None and found[1] <= _now() and _lock(key):
                    after_response(lambda: self._refresh(key, produce))
            except Exception:  # noqa: BLE001 - a cache outage must not break a page
                found = None
            if found is not None:
                return revive(found[0])
        made = _now()
        result, kept, keep = produce()
        if key is not None and kept is not None:
            _keep(key, kept, keep, made)
        return result

    def _removed_since(self, found) -> bool:
        _value, _fresh, shows, made = found
        return self.removals is not None and self.removals.since(shows, made)

    def _refresh(self, key: str, produce) -> None:
        """Produce the value again (after a response); the lock lapses by itself, so a page
        is produced again at most once per ``LOCK_SECONDS``."""
        made = _now()
        try:
            _result, kept, keep = produce()
        except Exception:  # noqa: BLE001 - the visitor has the page; the next one retries
            logger.warning("could not refresh a kept page", exc_info=True)
            return
        if kept is not None:
            _keep(key, kept, keep, made)


def _now() -> float:
    """The clock page reuse compares fresh times with (tests move it)."""
    return time_module.time()


def moment() -> float:
    """Now, on the clock removals and kept values are compared with."""
    return _now()


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
    keep = Keep(
        response.page_cache_until,
        fresh,
        getattr(response, "page_cache_shows", ()),
        getattr(response, "page_cache_stale", STALE_SECONDS),
    )
    return response, (response.content, headers), keep


def _from_cache(found: tuple[bytes, dict[str, str]]) -> HttpResponse:
    content, headers = found
    response = HttpResponse(content)
    for name, value in headers.items():
        response[name] = value
    return response


def _keep(key: str, value, keep: Keep, made: float) -> None:
    """Store ``value`` with its fresh time, the items it shows and when it was made (before
    anything it shows was read), for as long as it may be served at all."""
    fresh = min(keep.fresh, keep.until) if keep.until else keep.fresh
    last = fresh + timedelta(seconds=keep.stale)
    if keep.until:
        last = min(last, keep.until)
    seconds = int((last - timezone.now()).total_seconds())
    if seconds < 1:
        return
    try:
        cache.set(key, (value, fresh.timestamp(), keep.shows, made), seconds)
    except Exception:  # noqa: BLE001
        logger.warning("could not keep a page in the cache", exc_info=True)


# --- work after the response ----------------------------------------------------------------
_pending = threading.local()


def after_response(task) -> None:
    """Run ``task`` when this request's response has been sent (``request_finished``), or at
    once outside a request (a task, the beat, a command).

    The worker stays busy for it, but the visitor does not wait. A failing task is logged.
    """
    if not in_request():
        _run(task)
        return
    tasks = getattr(_pending, "tasks", None)
    if tasks is None:
        tasks = _pending.tasks = []
    tasks.append(task)


def _run(task) -> None:
    try:
        task()
    except Exception:  # noqa: BLE001 - the visitor has the page; the next one retries
        logger.warning("could not do work after a response", exc_info=True)


@receiver(request_started, dispatch_uid="common.cache.request_started")
def _request_started(**kwargs) -> None:
    _pending.in_request = True
    _pending.versions = {}


@receiver(request_finished, dispatch_uid="common.cache.after_response")
def _run_after_response(**kwargs) -> None:
    _pending.in_request = False
    _pending.versions = None
    tasks = getattr(_pending, "tasks", None) or []
    _pending.tasks = []
    try:
        for task in tasks:
            _run(task)
    finally:
        _give_back_slot()


def in_request() -> bool:
    """Whether this thread is serving a request whose response has not gone yet."""
    return bool(getattr(_pending, "in_request", False))


def forget_request() -> None:
    """Leave any request this thread was in (its view raised past the handler)."""
    _pending.in_request = False
    _pending.tasks = []
    _pending.versions = None
    _give_back_slot()
