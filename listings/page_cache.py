"""Whole pages for anonymous visitors, kept only while what they show cannot change.

Search pages are served from here without running the view (``cache_anonymous_page``);
vacancy pages run their view, which counts the visit, and reuse the page (``cached_render``);
the API's search list keeps its data once input and rate limits are checked (``cached_data``).
Most traffic is anonymous and concentrated on a few URLs (the article site's links, the
landing pages, the bare ``/jobs/``, the vacancies they lead to). Rendering a page costs
10-15 ms of Python however fast the queries are; serving it from the shared cache costs about
a millisecond. A page is kept:

- under the search version (``search_cache``), so any vacancy going live, changing, closing,
  renewing or expiring through the services makes every cached page stale at once;
- as it is for ``PAGE_TTL_SECONDS`` (a page of counts over the whole live set), or up to
  ``STILL_PAGE_TTL_SECONDS`` for a page that only a write or the date can change (a vacancy,
  an employer: ``keep_still_page``, bounded by the next local midnight for their
  "closes tomorrow" phrases); after that for at most ``STALE_SECONDS`` more, served while one
  request renders it again once its own response has gone (``_reused``);
- never past the earliest closing time among the vacancies it shows, so a seeker never sees a
  job after its closing time, worker or not.

Only requests without a session or flash messages are served or stored (a signed-in member,
a visit with campaign parameters or a page with a message is personal), and only plain ``200``
responses that set no cookie. What may lag by up to a minute (a few when a page is served
while it is rendered again): a vacancy whose publication time arrives without any write, and
the "posted in the last N days" edge, as with the counts.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time as time_module
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_finished
from django.dispatch import receiver
from django.http import HttpResponse
from django.utils import timezone

from listings.search_cache import search_version

logger = logging.getLogger(__name__)

PAGE_TTL_SECONDS = 60
STILL_PAGE_TTL_SECONDS = 15 * 60
# How long past its fresh time a page may still be served while it is rendered again.
STALE_SECONDS = 5 * 60
# Response headers a cached page needs again (the rest are added by middleware each time).
KEPT_HEADERS = ("Content-Type", "HX-Push-Url", "Vary", "X-Robots-Tag")
CSRF_FIELD = b'name="csrfmiddlewaretoken"'


def _cacheable(request) -> bool:
    cookies = request.COOKIES
    return (
        request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in cookies
        and "messages" not in cookies
        and not any(name.startswith("utm_") for name in request.GET)
    )


def keep_until(
    response: HttpResponse, moment: datetime | None, *, longest: int = PAGE_TTL_SECONDS
) -> HttpResponse:
    """Let the page cache keep ``response`` until ``moment``, fresh for ``longest`` seconds.

    ``moment`` is a hard limit (the first closing time the page shows; ``None`` when it
    shows none): the page is never served after it. ``longest`` is how long it is served as
    it is; after that it is still served, for at most ``STALE_SECONDS``, while it is
    rendered again (see ``_reused``).
    """
    response.page_cache_keep = True
    response.page_cache_until = moment
    response.page_cache_fresh_for = longest
    return response


def next_midnight(now: datetime) -> datetime:
    """The start of the next day in the site's time zone, when day phrases change."""
    tomorrow = timezone.localdate(now) + timedelta(days=1)
    return timezone.make_aware(datetime.combine(tomorrow, time.min))


def first_closing(vacancies, *, now: datetime | None = None) -> datetime | None:
    """The earliest closing time after ``now`` among ``vacancies``; None if none closes."""
    now = now or timezone.now()
    return min((v.closes_at for v in vacancies if v.closes_at and v.closes_at > now), default=None)


def keep_still_page(response: HttpResponse, vacancies, *, now: datetime) -> HttpResponse:
    """``keep_until`` for a page that only a write or the date changes (a vacancy, an
    employer): fresh for up to ``STILL_PAGE_TTL_SECONDS``, never past the next local midnight
    (its "closes tomorrow" phrases) nor the first closing time among ``vacancies``."""
    closing = first_closing(vacancies, now=now)
    day_ends = next_midnight(now)
    until = day_ends if closing is None else min(closing, day_ends)
    return keep_until(response, until, longest=STILL_PAGE_TTL_SECONDS)


@dataclass(frozen=True)
class Keep:
    """How long a kept value is served: as it is until ``fresh``, never after ``until``
    (``None``: no closing time bounds it, only ``STALE_SECONDS`` past ``fresh``)."""

    until: datetime | None
    fresh: datetime


def cache_anonymous_page(view):
    """Serve and store anonymous visitors' pages of ``view`` as described above."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        flags = (
            request.headers.get("HX-Request", ""),
            request.headers.get("HX-History-Restore-Request", ""),
        )
        return _reused(
            request,
            f"{request.get_full_path()}|{flags}",
            lambda: _page_parts(view(request, *args, **kwargs)),
            revive=_from_cache,
        )

    return wrapper


def cached_render(request, key: str, render) -> HttpResponse:
    """``render()``'s response, or the one kept under ``key`` for an anonymous visitor.

    For a view that must run some code on every request (a vacancy page counts each view)
    but whose page can be reused: the caller builds ``key`` from everything the page shows,
    and ``render()`` marks its response with ``keep_until`` (the first closing time on it);
    the search version is added here.
    """
    return _reused(request, key, lambda: _page_parts(render()), revive=_from_cache)


def cached_data(request, key: str, compute):
    """``compute()``'s data, or the data kept under ``key`` for an anonymous caller.

    For API responses, after the view has validated its input and its throttles have run:
    ``compute()`` returns ``(data, until)``, ``until`` being the first closing time the data
    shows (``None`` for none); the data is kept under the search version like a page.
    """

    def produce():
        data, until = compute()
        return data, data, Keep(until, timezone.now() + timedelta(seconds=PAGE_TTL_SECONDS))

    return _reused(request, key, produce)


def _reused(request, identity: str, produce, *, revive=lambda kept: kept):
    """The one path of every reuse: look up, else produce and keep.

    ``produce()`` returns ``(result, kept, keep)``: ``result`` for this request, ``kept``
    (``None`` for nothing) to store as ``keep`` says; ``revive(kept)`` turns a stored value
    back into a result. Nothing is looked up or kept for a personal request or when the cache
    is down (the search version is then 0).

    A value found past its fresh time is served all the same, and one request (the first to
    take the refresh lock) produces it again once its own response has gone: a popular page
    is never rendered by a visitor who waits for it, nor by fifty at once when it goes stale.
    """
    key = None
    if settings.SEARCH_PAGE_CACHE and _cacheable(request):
        version = search_version()
        if version:
            key = f"listings:page:{version}:{hashlib.sha256(identity.encode()).hexdigest()[:32]}"
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


def _refresh(key: str, produce) -> None:
    _result, kept, keep = produce()
    if kept is not None:
        _keep(key, kept, keep)


def _now() -> float:
    return time_module.time()


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


@receiver(request_finished, dispatch_uid="listings.page_cache.after_response")
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
