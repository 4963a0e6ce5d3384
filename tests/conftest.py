"""Shared fixtures. Markers: `postgres` tests skip on SQLite (and must run in CI's PostgreSQL
pass), `broker` tests start a real Celery worker, `browser` tests drive Debian's Chromium."""

from __future__ import annotations

import os
from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from common import cache as page_cache
from tests import factories

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def pytest_collection_modifyitems(config, items):
    on_postgres = os.environ.get("DATABASE_URL", "").startswith(("postgres", "pgsql"))
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL")
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(skip_pg)
        _restore_serialised_data(item)


def _restore_serialised_data(item) -> None:
    """Give every transactional test the migrations' data back, the same way.

    A transactional test's teardown empties every table. Without ``serialized_rollback`` it
    then runs ``post_migrate``, which makes new content types and permissions with new ids;
    a ``serialized_rollback`` test run next on the same worker then fails to restore its own
    copies of them (a unique constraint). Which tests share a worker is up to xdist, so all
    transactional tests restore the serialised data and none runs ``post_migrate``.
    """
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    if marker is None and ("live_server" in fixtures or "transactional_db" in fixtures):
        item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True))
        return
    if marker is None or not marker.kwargs.get("transaction") or len(marker.args) > 0:
        return
    if marker.kwargs.get("serialized_rollback"):
        return
    item.add_marker(
        pytest.mark.django_db(**{**marker.kwargs, "serialized_rollback": True}), append=False
    )


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: counts, throttles and versions never leak."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _outside_any_request():
    """Each test starts outside a request, even if the last one's view raised mid-request."""
    from common.cache import forget_request as forget_page_work
    from outbox.services import forget_request

    forget_request()
    forget_page_work()
    yield


class FrozenClock:
    """``timezone.now()`` and the page reuse's clock held at one instant, moved by hand."""

    def __init__(self, monkeypatch, start: datetime):
        self.now = start
        monkeypatch.setattr(timezone, "now", lambda: self.now)
        monkeypatch.setattr(page_cache, "_now", lambda: self.now.timestamp())

    def advance(self, **delta) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def frozen_clock(monkeypatch) -> FrozenClock:
    """A clock that stands still, so a test never depends on how fast the machine runs."""
    return FrozenClock(monkeypatch, timezone.now().replace(microsecond=0))


@pytest.fixture
def on_postgres() -> bool:
    return connection.vendor == "postgresql"


@pytest.fixture
def employer(db):
    return factories.EmployerFactory()


@pytest.fixture
def owner(employer):
    return factories.MembershipFactory(employer=employer, role="owner").user


@pytest.fixture
def recruiter(employer):
    return factories.MembershipFactory(employer=employer, role="recruiter").user


@pytest.fixture
def live_vacancy(employer):
    return factories.LiveVacancyFactory(employer=employer)


@pytest.fixture
def draft_vacancy(employer):
    return factories.VacancyFactory(employer=employer)
