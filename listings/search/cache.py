"""What the search keeps, for how long, and what makes it stale: the one cache policy.

- Counts (the total and the facets of a search) are kept per normalised search for
  ``COUNTS_TTL_SECONDS`` under the *search version*; pages and API data for anonymous
  visitors are kept under the same version (``common.cache.PageReuse``).
- ``search_changed()`` moves the version. The services call it on every write that changes
  what a seeker can see (a vacancy going live, being edited, closing, renewing, expiring; an
  employer signing up, changing or being verified); staff edits in the admin call it through
  ``StaffEditsShowAtOnce``. No other code bumps anything.
- A kept page or API answer is never served past the first closing time among the vacancies
  it shows (``keep_page``), so a seeker never sees a job after its closing time, worker or
  not. A page only a write or the date can change (a vacancy, an employer) is fresh for
  longer, bounded by the next local midnight for its "closes tomorrow" phrases.

What may lag by up to a minute (a few when a page is served while it is rendered again): a
vacancy whose publication time arrives without any write, and the "posted in the last N days"
edge.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.http import HttpResponse
from django.utils import timezone

from common.cache import CacheVersion, PageReuse, VersionedValues, keep_until

VERSION_KEY = "listings:search-version"
COUNTS_TTL_SECONDS = 60
PAGE_TTL_SECONDS = 60
STILL_PAGE_TTL_SECONDS = 15 * 60

SEARCH_VERSION = CacheVersion(VERSION_KEY)
counts = VersionedValues(SEARCH_VERSION, "listings:counts", ttl=COUNTS_TTL_SECONDS)
pages = PageReuse(SEARCH_VERSION, "listings:page", data_ttl=PAGE_TTL_SECONDS)

# The three ways a view reuses what it showed an anonymous visitor.
cache_anonymous_page = pages.view
cached_render = pages.render
cached_data = pages.data


def search_version() -> int:
    """The current search version (0 when the cache is down)."""
    return SEARCH_VERSION.current()


def search_changed() -> None:
    """Something a seeker can see changed: every kept count, page and answer is stale once
    the current transaction commits."""
    SEARCH_VERSION.bump()


def first_closing(vacancies, *, now: datetime | None = None) -> datetime | None:
    """The earliest closing time after ``now`` among ``vacancies``; None if none closes."""
    now = now or timezone.now()
    return min((v.closes_at for v in vacancies if v.closes_at and v.closes_at > now), default=None)


def next_midnight(now: datetime) -> datetime:
    """The start of the next day in the site's time zone, when day phrases change."""
    tomorrow = timezone.localdate(now) + timedelta(days=1)
    return timezone.make_aware(datetime.combine(tomorrow, time.min))


def keep_page(response: HttpResponse, *, shows, now: datetime, still: bool = False) -> HttpResponse:
    """Let the page reuse keep ``response``, never past the first closing time it ``shows``.

    A search page is fresh for ``PAGE_TTL_SECONDS`` (its counts cover the whole live set); a
    ``still`` page (a vacancy, an employer), which only a write or the date changes, for up to
    ``STILL_PAGE_TTL_SECONDS``, and never past the next local midnight.
    """
    until = first_closing(shows, now=now)
    if not still:
        return keep_until(response, until, longest=PAGE_TTL_SECONDS)
    day_ends = next_midnight(now)
    until = day_ends if until is None else min(until, day_ends)
    return keep_until(response, until, longest=STILL_PAGE_TTL_SECONDS)


def keep_data(data, *, shows, now: datetime):
    """API data and the hard limit ``cached_data`` keeps it until."""
    return data, first_closing(shows, now=now)
