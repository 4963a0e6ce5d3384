"""Cached search counts: shared between requests for their fresh time, whatever the writes;
then counted again (a removed vacancy is counted for two minutes at most)."""

import time
from datetime import timedelta

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from common import cache as kept
from listings import services
from listings.search import search_page
from listings.search.cache import COUNTS_TTL_SECONDS
from tests import factories

pytestmark = pytest.mark.django_db


def _total(query: str = "profession=social-worker") -> int:
    return search_page(QueryDict(query)).paginator.count


def _later(monkeypatch, seconds: float) -> None:
    monkeypatch.setattr(kept, "_now", lambda: time.time() + seconds)


def test_counts_are_reused_for_their_fresh_time_whatever_the_writes(
    employer, monkeypatch, django_capture_on_commit_callbacks
):
    factories.LiveVacancyFactory(employer=employer)
    assert _total() == 1
    draft = factories.VacancyFactory(employer=employer)
    with django_capture_on_commit_callbacks(execute=True):
        services.vacancy_publish(vacancy=draft)  # a write empties nothing
    assert _total() == 1  # served from the cache
    _later(monkeypatch, COUNTS_TTL_SECONDS + 1)
    assert _total() == 2  # counted again (outside a request: at once)


def test_closing_renewing_and_editing_show_in_counts_after_their_fresh_time(
    employer, monkeypatch, django_capture_on_commit_callbacks
):
    vacancy = factories.LiveVacancyFactory(employer=employer)
    assert _total() == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.vacancy_close(vacancy=vacancy)
    _later(monkeypatch, COUNTS_TTL_SECONDS + 1)
    assert _total() == 0
    with django_capture_on_commit_callbacks(execute=True):
        renewed = services.vacancy_renew(
            vacancy=vacancy, closes_at=timezone.now() + timedelta(days=10)
        )
    _later(monkeypatch, 2 * COUNTS_TTL_SECONDS + 2)
    assert _total() == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.vacancy_update(vacancy=renewed, profession=factories.profession("care-worker"))
    _later(monkeypatch, 3 * COUNTS_TTL_SECONDS + 3)
    assert _total() == 0
    assert _total("profession=care-worker") == 1


def test_a_stale_count_is_served_in_a_request_and_counted_once_after_it(employer, monkeypatch):
    """Stale-while-revalidate: the visitor never waits for a count that was kept."""
    factories.LiveVacancyFactory(employer=employer)
    assert _total() == 1
    factories.LiveVacancyFactory(employer=employer)
    _later(monkeypatch, COUNTS_TTL_SECONDS + 1)
    kept._request_started()  # as a request's start does (the signal would close the test's
    # database connection)
    try:
        with CaptureQueriesContext(connection) as first:
            search = search_page(QueryDict("profession=social-worker"))
        assert search.paginator.count == 1  # the kept count, served stale
        with CaptureQueriesContext(connection) as second:
            assert _total() == 1  # a second stale read: one recount at a time
    finally:
        with CaptureQueriesContext(connection) as after:
            kept._run_after_response()  # the recount runs here, after the response
    assert not _counts(first) and not _counts(second) and _counts(after)
    monkeypatch.undo()
    with CaptureQueriesContext(connection) as fresh:
        assert _total() == 2
    assert not _counts(fresh)


def _counts(captured) -> bool:
    return any("COUNT(" in query["sql"] for query in captured.captured_queries)


def test_the_page_of_results_always_honours_the_clock(employer):
    now = timezone.now()
    closes = now + timedelta(seconds=30)
    vacancy = factories.LiveVacancyFactory(employer=employer, closes_at=closes)
    assert [v.pk for v in search_page(QueryDict(""), now=now).page.object_list] == [vacancy.pk]
    later = search_page(QueryDict(""), now=closes + timedelta(seconds=1))
    assert list(later.page.object_list) == []
