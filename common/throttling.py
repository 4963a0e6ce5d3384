"""Counting attempts in the cache to slow down guessing and floods, per client or account.

Counters live in the shared cache (Redis in production), so every web process and every
machine sees the same count: ``cache.add`` starts a window and ``cache.incr`` is atomic on
Redis and memcached. A window starts with the first attempt and lasts ``window`` seconds.

A cache outage fails open, in one stated direction: an attempt that cannot be counted is let
through (and logged), never an error page. Locking every visitor out of log-in, sign-up and
the API for as long as the cache is away would turn a cache outage into a site outage; the
passwords' hashing still slows guessing while it lasts.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import BaseCache, caches
from rest_framework import throttling as drf_throttling

logger = logging.getLogger(__name__)


def client_ip(request) -> str:
    """The address the request came from, as the outermost proxy we trust saw it.

    With ``TRUSTED_PROXY_COUNT = 0`` (no proxy) that is ``REMOTE_ADDR``, and a client's own
    ``X-Forwarded-For`` is ignored: a header anyone can write is no basis for a limit. Behind
    N proxies that each append the address they saw, it is the Nth entry from the right of
    ``X-Forwarded-For``; without this every visitor would share the proxy's address and one
    busy hour would lock everyone out. DRF's throttles read the same count (``NUM_PROXIES``),
    so the API and the forms agree on who a client is.
    """
    remote = request.META.get("REMOTE_ADDR") or "unknown"
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if not proxies or not forwarded:
        return remote
    addresses = [part.strip() for part in forwarded.split(",") if part.strip()]
    if not addresses:
        return remote
    return addresses[-min(proxies, len(addresses))]


@dataclass(frozen=True)
class Throttle:
    """At most ``limit`` counted attempts per ``window`` seconds for each identifier."""

    scope: str
    limit: int
    window: int

    def _key(self, ident: str) -> str:
        digest = hashlib.sha256(ident.strip().lower().encode()).hexdigest()[:32]
        return f"throttle:{self.scope}:{digest}"

    def _cache(self, cache: BaseCache | None) -> BaseCache:
        return cache if cache is not None else caches["default"]

    def count(self, ident: str, *, cache: BaseCache | None = None) -> int:
        """Attempts in the current window (0 when the cache cannot be read: fail open)."""
        try:
            return int(self._cache(cache).get(self._key(ident), 0))
        except Exception:  # noqa: BLE001 - a cache outage must not break the page
            logger.warning("throttle %s: cache unavailable, not limiting", self.scope)
            return 0

    def is_blocked(self, ident: str, *, cache: BaseCache | None = None) -> bool:
        """True once ``ident`` has used up its attempts in the current window."""
        return self.count(ident, cache=cache) >= self.limit

    def hit(self, ident: str, *, cache: BaseCache | None = None) -> int:
        """Count one attempt and return the new total (0 when the cache is down: fail open)."""
        store = self._cache(cache)
        key = self._key(ident)
        try:
            store.add(key, 0, timeout=self.window)
            try:
                return store.incr(key)
            except ValueError:
                # The window ended between add() and incr(): start a new one.
                store.add(key, 1, timeout=self.window)
                return 1
        except Exception:  # noqa: BLE001 - a cache outage must not break the page
            logger.warning("throttle %s: cache unavailable, attempt not counted", self.scope)
            return 0

    def reset(self, ident: str, *, cache: BaseCache | None = None) -> None:
        try:
            self._cache(cache).delete(self._key(ident))
        except Exception:  # noqa: BLE001
            logger.warning("throttle %s: cache unavailable, not reset", self.scope)

    @property
    def minutes(self) -> int:
        return max(1, self.window // 60)


class _FailOpen:
    """A DRF throttle that lets a request through when the cache cannot count it."""

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except Exception:  # noqa: BLE001 - a cache outage must not break the API
            logger.warning("API throttle %s: cache unavailable, not limiting", self.scope)
            return True


class AnonRateThrottle(_FailOpen, drf_throttling.AnonRateThrottle):
    """DRF's per-address limit for anonymous callers, failing open."""


class UserRateThrottle(_FailOpen, drf_throttling.UserRateThrottle):
    """DRF's per-user limit, failing open."""
