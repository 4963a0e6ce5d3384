"""Caching the expensive part of a search: the total and the facet counts.

Counting a quarter of a million live rows per request is what makes a search slow at scale;
the page of results itself comes from an index. Counts are cached per normalised search for a
minute, under a *search version* that every change to the live set bumps (a vacancy going
live, being edited, closing, renewing, expiring), so a change shows at once and a vacancy whose
closing time passes without anyone touching it leaves the counts at most a minute later.
The page of results is never cached: it always honours the clock.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)

VERSION_KEY = "listings:search-version"
COUNTS_TTL_SECONDS = 60
T = TypeVar("T")


def search_version() -> int:
    """The current search version (1 until the first change is recorded)."""
    try:
        return cache.get_or_set(VERSION_KEY, 1, timeout=None)
    except Exception:  # noqa: BLE001 - a cache outage must not break search
        logger.warning("search cache unavailable; counting without it", exc_info=True)
        return 0


def bump_search_version() -> None:
    """Invalidate every cached count, once the current transaction commits."""

    def bump():
        try:
            cache.incr(VERSION_KEY)
        except ValueError:  # not set yet (or evicted): any new value differs from the old one
            cache.add(VERSION_KEY, 2, timeout=None)
        except Exception:  # noqa: BLE001
            logger.warning("could not bump the search version", exc_info=True)

    transaction.on_commit(bump)


def _counts_key(version: int, normalised_search: str) -> str:
    digest = hashlib.sha256(normalised_search.encode()).hexdigest()[:32]
    return f"listings:counts:{version}:{digest}"


def cached_counts(normalised_search: str, compute: Callable[[], T]) -> T:
    """``compute()`` for this search, shared by every request for a minute or until a change."""
    version = search_version()
    if version == 0:
        return compute()
    key = _counts_key(version, normalised_search)
    try:
        found = cache.get(key)
    except Exception:  # noqa: BLE001
        return compute()
    if found is not None:
        return found
    value = compute()
    _keep(key, value)
    return value


def kept_counts(normalised_search: str):
    """What ``cached_counts`` holds for this search under the current version, or None."""
    version = search_version()
    if version == 0:
        return None
    try:
        return cache.get(_counts_key(version, normalised_search))
    except Exception:  # noqa: BLE001
        return None


def keep_counts(normalised_search: str, compute: Callable[[], T]) -> T:
    """Compute afresh and keep for the next minute, whatever was kept before (background work)."""
    version = search_version()
    value = compute()
    if version:
        _keep(_counts_key(version, normalised_search), value)
    return value


def _keep(key: str, value) -> None:
    try:
        cache.set(key, value, COUNTS_TTL_SECONDS)
    except Exception:  # noqa: BLE001
        logger.warning("could not cache search counts", exc_info=True)
