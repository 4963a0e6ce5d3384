"""The relevance window is looked for among the newest vacancies first (PostgreSQL).

``PostgresBackend.window_since``: when the last few days hold ``RELEVANCE_WINDOW`` matches,
the window (the newest matches, which are ranked) is read from those days only; the
results are the same as ranking over every match. The tests lower the window to four.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from listings.search import backends, parse_search, search_vacancies
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]
WINDOW = 4
# Midday, so that "n days ago, an hour earlier" is on the n-th day back (the spans are days).
NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def small_window(monkeypatch):
    monkeypatch.setattr(backends, "RELEVANCE_WINDOW", WINDOW)


def nurses(now, ages_in_days):
    return [
        factories.LiveVacancyFactory(
            title=f"Staff Nurse {age}",
            published_at=now - timedelta(days=age, hours=1),
            closes_at=now + timedelta(days=20),
        )
        for age in ages_in_days
    ]


def window_without_spans(search, monkeypatch):
    monkeypatch.setattr(backends, "WINDOW_SPANS_DAYS", ())
    return [v.pk for v in search_vacancies(search)]


def test_the_window_is_found_in_the_shortest_span_holding_it(monkeypatch):
    now = NOW
    nurses(now, [0, 0, 1, 2, 3, 5, 9, 12])
    search = parse_search({"q": "nurse"}, now=now)
    since = backends.PostgresBackend.window_since(search.filtered(), now=now)
    # Since yesterday: three; since the day before: four, the window.
    assert since == now.date() - timedelta(days=2)
    found = [v.pk for v in search_vacancies(search)]
    assert len(found) == WINDOW
    assert found == window_without_spans(search, monkeypatch)


def test_too_few_recent_matches_take_every_match(monkeypatch):
    now = NOW
    nurses(now, [0, 17, 20, 25, 28])
    search = parse_search({"q": "nurse"}, now=now)
    assert backends.PostgresBackend.window_since(search.filtered(), now=now) is None
    found = [v.pk for v in search_vacancies(search)]
    assert len(found) == WINDOW and found == window_without_spans(search, monkeypatch)


def test_the_window_still_ranks_the_title_first_within_it():
    now = NOW
    nurses(now, [0, 0, 0, 0])
    older = factories.LiveVacancyFactory(
        title="Nurse",
        description="A nurse post.",
        published_at=now - timedelta(days=6),
        closes_at=now + timedelta(days=20),
    )
    search = parse_search({"q": "nurse"}, now=now)
    # Four matches today fill the window: the older, better titled one is outside it.
    assert older.pk not in [v.pk for v in search_vacancies(search)]
