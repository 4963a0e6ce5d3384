"""Reads that may go to a PostgreSQL streaming replica, and the reads that must not.

``DATABASE_REPLICA_URLS`` (settings) adds one database alias per replica and installs
``ReplicaRouter``. Every query goes to the primary (``default``) unless the request is one
that ``ReplicaReadsMiddleware`` lets read from a replica:

- a safe method (GET, HEAD, OPTIONS),
- from a visitor who is not signed in (no session user, no ``Authorization`` header),
- whose browser has not written anything in the last ``DATABASE_READ_OWN_WRITES_SECONDS``
  (every unsafe request sets a short-lived cookie, so the page after a POST, and the next
  few, read the visitor's own write from the primary, whatever the replica's lag).

Writes, transactions, Celery tasks, management commands and anything outside such a request
use the primary. A replica is a copy that may lag by a moment: what anonymous visitors see
may be that moment old; employers and seekers always see what they wrote.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# The cookie that keeps a browser on the primary for a while after it wrote something.
RECENT_WRITE_COOKIE = "jb_wrote"

_read_alias: ContextVar[str | None] = ContextVar("replica_read_alias", default=None)


def replica_aliases() -> list[str]:
    """The database aliases of the configured replicas (empty without replicas)."""
    return list(getattr(settings, "DATABASE_REPLICAS", []))


def current_read_alias() -> str:
    """Where a read made now would go (``default`` unless inside a replica-read request)."""
    return _read_alias.get() or DEFAULT_DB_ALIAS


@contextmanager
def reads_from(alias: str | None) -> Iterator[None]:
    """Send this block's reads to ``alias`` (a replica), or to the primary with ``None``."""
    token = _read_alias.set(alias)
    try:
        yield
    finally:
        _read_alias.reset(token)


class ReplicaRouter:
    """Reads to the request's replica when one was chosen for it; everything else primary."""

    def db_for_read(self, model, **hints):
        alias = _read_alias.get()
        if alias is None:
            return DEFAULT_DB_ALIAS
        # Inside a transaction on the primary (a service, select_for_update), read there.
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return alias

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # replicas hold the same rows as the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS  # a replica is read-only: it follows the primary's schema


def may_read_replica(request) -> bool:
    """Whether ``request`` may be answered from a replica (see the module docstring)."""
    if request.method not in SAFE_METHODS:
        return False
    if RECENT_WRITE_COOKIE in request.COOKIES:
        return False
    if "HTTP_AUTHORIZATION" in request.META:  # an API token: a member reading their own data
        return False
    user = getattr(request, "user", None)  # the session is read here, from the primary
    return not (user is not None and user.is_authenticated)


class ReplicaReadsMiddleware:
    """Route an anonymous read request to a replica; remember a browser's writes for a while.

    Placed after the authentication middleware, so that the session is loaded from the primary
    before the decision is made.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        replicas = replica_aliases()
        if not replicas:
            return self.get_response(request)
        alias = random.choice(replicas) if may_read_replica(request) else None  # noqa: S311 - spreading load, not a secret
        with reads_from(alias):
            response = self.get_response(request)
        if request.method not in SAFE_METHODS:
            response.set_cookie(
                RECENT_WRITE_COOKIE,
                "1",
                max_age=settings.DATABASE_READ_OWN_WRITES_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
