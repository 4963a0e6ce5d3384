"""What the search keeps, for how long, and what makes it stale: the one cache policy.

A write touches only what it changes; nothing empties every kept page at once.

- **Removals are exact and at once.** A vacancy that leaves the live set (closed, rejected,
  deleted, expired, or sent back to review) is marked removed (``VACANCY_REMOVALS``) when its
  transaction commits. Every kept page and API answer remembers the vacancies it shows and
  when it was made; one showing a vacancy removed since is never served again, it is rendered
  afresh at once. A kept page is also never served past the first closing time it shows
  (``keep_page``), so a seeker never sees a job after it ends, worker or not.
- **Additions and edits show within two minutes** in searches: search pages and counts are
  fresh for ``PAGE_TTL_SECONDS``/``COUNTS_TTL_SECONDS`` (60 s), then served for at most
  ``SEARCH_STALE_SECONDS`` (60 s) more while one request renders them again after its
  response. A vacancy's own page shows an edit at once (its kept entry is dropped on save).
- **Counts** (the total and the facets of a search) may count a removed vacancy for as long
  (two minutes at most); the page's rows never show it.
- ``search_changed()`` moves the *search version*, which makes everything kept stale at once:
  only for rare, wide changes (an employer signing up, changing or being verified, staff
  edits in the admin through ``StaffEditsShowAtOnce``).

The vacancy writes reach this module through the model's signals (``post_save``,
``post_delete``, places changed) and, for the expiry run's bulk update, through
``vacancies_removed(ids)``: whatever service makes the change, the cache hears of it.

What may lag by up to two minutes: a vacancy that went live or was edited (in searches and
counts), a vacancy whose publication time arrives without any write, and the "posted in the
last N days" edge. Similar jobs on a vacancy page and an employer's page gain new vacancies
within their own fresh time (up to 20 minutes for a vacancy page), never show removed ones.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.core.cache import cache as shared_cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.http import HttpResponse
from django.utils import timezone

from common.cache import (
    STALE_SECONDS,
    CacheVersion,
    PageReuse,
    Removals,
    VersionedValues,
    keep_until,
    moment,
)
from employers.models import Employer
from listings.models import Vacancy

VERSION_KEY = "listings:search-version"
COUNTS_TTL_SECONDS = 60
PAGE_TTL_SECONDS = 60
# How long past its fresh time a search page or count is served while it is made again.
SEARCH_STALE_SECONDS = 60
STILL_PAGE_TTL_SECONDS = 15 * 60
# A removal is remembered for longer than anything kept may be served (20 minutes at most).
REMOVALS_KEPT_SECONDS = 30 * 60
# A vacancy page's entry (what the page needs to be served without the database).
ENTRY_TTL_SECONDS = 5 * 60

SEARCH_VERSION = CacheVersion(VERSION_KEY)
VACANCY_REMOVALS = Removals("listings:gone", keep_seconds=REMOVALS_KEPT_SECONDS)
counts = VersionedValues(
    SEARCH_VERSION, "listings:counts", ttl=COUNTS_TTL_SECONDS, stale=SEARCH_STALE_SECONDS
)
pages = PageReuse(
    SEARCH_VERSION,
    "listings:page",
    data_ttl=PAGE_TTL_SECONDS,
    data_stale=SEARCH_STALE_SECONDS,
    removals=VACANCY_REMOVALS,
)

# The three ways a view reuses what it showed an anonymous visitor.
cache_anonymous_page = pages.view
cached_render = pages.render
cached_data = pages.data


def search_version() -> int:
    """The current search version (0 when the cache is down)."""
    return SEARCH_VERSION.current()


def search_changed() -> None:
    """A wide change (an employer, staff edits): every kept count, page and answer is stale
    once the current transaction commits. Vacancy writes need not call it."""
    SEARCH_VERSION.bump()


def vacancies_removed(ids) -> None:
    """These vacancies left the live set without a model save (the expiry run's update):
    no kept page or answer shows them once the transaction commits."""
    VACANCY_REMOVALS.mark(ids)


def vacancy_changed(vacancy: Vacancy) -> None:
    """A vacancy was saved: its page's entry is dropped, and if it is not live now, every
    kept page showing it is dropped too (both once the transaction commits)."""
    reference = vacancy.reference
    if reference:
        transaction.on_commit(lambda: _drop_entry(reference))
    if not vacancy.is_live:
        VACANCY_REMOVALS.mark([vacancy.pk])


@receiver(post_save, sender=Vacancy, dispatch_uid="listings.search.cache.saved")
def _saved(sender, instance: Vacancy, raw=False, **kwargs) -> None:
    if not raw:
        vacancy_changed(instance)


@receiver(post_delete, sender=Vacancy, dispatch_uid="listings.search.cache.deleted")
def _deleted(sender, instance: Vacancy, **kwargs) -> None:
    instance_pk = instance.pk
    if instance_pk is None:  # Django clears it after the delete; the signal still has it
        return
    VACANCY_REMOVALS.mark([instance_pk])
    reference = instance.reference
    transaction.on_commit(lambda: _drop_entry(reference))


@receiver(post_save, sender=Employer, dispatch_uid="listings.search.cache.employer_saved")
def _employer_saved(sender, instance, raw=False, **kwargs) -> None:
    """An employer's name, logo or badge is on every page of its vacancies: rare, and wide."""
    if not raw:
        search_changed()


@receiver(m2m_changed, sender=Vacancy.places.through, dispatch_uid="listings.search.cache.places")
def _places_changed(sender, instance, action: str, reverse=False, **kwargs) -> None:
    if action.startswith("post_") and not reverse and isinstance(instance, Vacancy):
        reference = instance.reference
        transaction.on_commit(lambda: _drop_entry(reference))


# --- a vacancy page without the database ----------------------------------------------------
@dataclass(frozen=True)
class PageEntry:
    """What a vacancy page needs before deciding whether it is kept: who it is, whether it is
    live at a moment, and the times that name its content."""

    pk: int
    reference: str
    slug: str
    status: str
    published_at: datetime | None
    closes_at: datetime | None
    updated: float
    employer_updated: float
    made: float

    def is_live_at(self, now: datetime) -> bool:
        return (
            self.status == Vacancy.Status.LIVE
            and self.published_at is not None
            and self.published_at <= now
            and self.closes_at is not None
            and self.closes_at > now
        )


def _entry_key(reference: str) -> str:
    return f"listings:entry:{search_version()}:{reference.upper()}"


def _drop_entry(reference: str) -> None:
    with contextlib.suppress(Exception):  # the entry expires by itself
        shared_cache.delete(_entry_key(reference))


def page_entry(reference: str, load) -> tuple[PageEntry | None, Vacancy | None]:
    """A vacancy page's entry from the cache, else from ``load()`` (a vacancy or None), kept.

    Returns the entry and the vacancy when it had to be read. An entry made before a removal
    of its vacancy is never used: the vacancy is read again.
    """
    version = search_version()
    key = _entry_key(reference)
    if version:
        try:
            entry = shared_cache.get(key)
        except Exception:  # noqa: BLE001
            entry = None
        if entry is not None and not VACANCY_REMOVALS.since([entry.pk], entry.made):
            return entry, None
    made = moment()
    vacancy = load()
    if vacancy is None:
        return None, None
    entry = PageEntry(
        pk=vacancy.pk,
        reference=vacancy.reference,
        slug=vacancy.slug,
        status=vacancy.status,
        published_at=vacancy.published_at,
        closes_at=vacancy.closes_at,
        updated=vacancy.updated_at.timestamp(),
        employer_updated=vacancy.employer.updated_at.timestamp(),
        made=made,
    )
    if version:
        with contextlib.suppress(Exception):
            shared_cache.set(key, entry, ENTRY_TTL_SECONDS)
    return entry, vacancy


# --- how long a page is kept ----------------------------------------------------------------
def first_closing(vacancies, *, now: datetime | None = None) -> datetime | None:
    """The earliest closing time after ``now`` among ``vacancies``; None if none closes."""
    now = now or timezone.now()
    return min((v.closes_at for v in vacancies if v.closes_at and v.closes_at > now), default=None)


def next_midnight(now: datetime) -> datetime:
    """The start of the next day in the site's time zone, when day phrases change."""
    tomorrow = timezone.localdate(now) + timedelta(days=1)
    return timezone.make_aware(datetime.combine(tomorrow, time.min))


def keep_page(response: HttpResponse, *, shows, now: datetime, still: bool = False) -> HttpResponse:
    """Let the page reuse keep ``response``, never past the first closing time it ``shows``
    nor after any of them is removed.

    A search page is fresh for ``PAGE_TTL_SECONDS`` (its counts cover the whole live set); a
    ``still`` page (a vacancy, an employer), which only a write or the date changes, for up to
    ``STILL_PAGE_TTL_SECONDS``, and never past the next local midnight.
    """
    shows = list(shows)
    until = first_closing(shows, now=now)
    ids = [v.pk for v in shows]
    if not still:
        return keep_until(
            response, until, longest=PAGE_TTL_SECONDS, shows=ids, stale=SEARCH_STALE_SECONDS
        )
    day_ends = next_midnight(now)
    until = day_ends if until is None else min(until, day_ends)
    return keep_until(
        response, until, longest=STILL_PAGE_TTL_SECONDS, shows=ids, stale=STALE_SECONDS
    )


def keep_data(data, *, shows, now: datetime):
    """API data, the hard limit ``cached_data`` keeps it until, and the ids it shows."""
    shows = list(shows)
    return data, first_closing(shows, now=now), [v.pk for v in shows]
