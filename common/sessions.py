"""Sessions kept in the database and read through the cache, working on when the cache is down.

Django's ``cached_db`` engine writes every session to the database and keeps a copy in the
cache, but raises when the cache server does not answer, so a cache outage took every
signed-in page, log-in and form with a session down. This engine is the same store with a
cache that cannot fail: a cache error reads as a miss and a write that cannot be kept is
skipped, so sessions come from and go to the database alone until the cache returns.
"""

from __future__ import annotations

import inspect
import logging

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore

logger = logging.getLogger(__name__)


class _FailSafeCache:
    """The session cache, with every error turned into a miss or a skipped write."""

    def __init__(self, cache):
        self._cache = cache

    def _warn(self, what: str) -> None:
        logger.warning("session cache unavailable (%s); using the database", what)

    def get(self, key, default=None):
        try:
            return self._cache.get(key, default)
        except Exception:  # noqa: BLE001 - the database holds every session
            self._warn("get")
            return default

    async def aget(self, key, default=None):
        try:
            return await self._cache.aget(key, default)
        except Exception:  # noqa: BLE001
            self._warn("get")
            return default

    def __contains__(self, key) -> bool:
        try:
            return key in self._cache
        except Exception:  # noqa: BLE001
            self._warn("has_key")
            return False

    def has_key(self, key) -> bool:
        return key in self

    async def ahas_key(self, key) -> bool:
        try:
            return await self._cache.ahas_key(key)
        except Exception:  # noqa: BLE001
            self._warn("has_key")
            return False

    def __getattr__(self, name):
        """set, delete and their async forms: skipped on error (the database has the data)."""
        method = getattr(self._cache, name)
        if not callable(method):
            return method

        if inspect.iscoroutinefunction(method):

            async def guarded_async(*args, **kwargs):
                try:
                    return await method(*args, **kwargs)
                except Exception:  # noqa: BLE001
                    self._warn(name)
                    return None

            return guarded_async

        def guarded(*args, **kwargs):
            try:
                return method(*args, **kwargs)
            except Exception:  # noqa: BLE001
                self._warn(name)
                return None

        return guarded


class SessionStore(CachedDBStore):
    """``cached_db`` sessions that fall back to the database when the cache fails."""

    def __init__(self, session_key=None):
        super().__init__(session_key)
        self._cache = _FailSafeCache(self._cache)
