"""Counting views and apply clicks, and telling where visitors came from."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import RequestFactory, override_settings

from listings import traffic
from listings.models import TrafficSource, Vacancy, VacancyTraffic

ARTICLES = ["https://www.careworld.example", "https://news.careworld.example"]


def request(path="/vacancies/X/", referer=None, agent="Mozilla/5.0", **params):
    headers = {"HTTP_USER_AGENT": agent}
    if referer:
        headers["HTTP_REFERER"] = referer
    return RequestFactory().get(path, params, HTTP_HOST="jobs.example", **headers)


@override_settings(ARTICLE_SITE_ORIGINS=ARTICLES, ALLOWED_HOSTS=["jobs.example"])
@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({}, TrafficSource.DIRECT),
        ({"utm_medium": "widget"}, TrafficSource.WIDGET),
        ({"src": "widget", "referer": "https://news.careworld.example/a"}, TrafficSource.WIDGET),
        ({"utm_medium": "email", "utm_source": "alerts"}, TrafficSource.ALERT),
        ({"utm_source": "alert"}, TrafficSource.ALERT),
        ({"utm_medium": "api"}, TrafficSource.API),
        ({"utm_source": "www.careworld.example"}, TrafficSource.ARTICLE_SITE),
        (
            {"referer": "https://www.careworld.example/social-work/article"},
            TrafficSource.ARTICLE_SITE,
        ),
        ({"referer": "https://news.careworld.example/"}, TrafficSource.ARTICLE_SITE),
        ({"referer": "https://www.google.co.uk/"}, TrafficSource.SEARCH_ENGINE),
        ({"referer": "https://www.bing.com/search?q=jobs"}, TrafficSource.SEARCH_ENGINE),
        ({"referer": "https://duckduckgo.com/"}, TrafficSource.SEARCH_ENGINE),
        ({"referer": "https://jobs.example/jobs/?q=nurse"}, TrafficSource.DIRECT),
        ({"referer": "https://forum.example.org/thread"}, TrafficSource.OTHER),
        ({"referer": "https://notgoogle.example.org/"}, TrafficSource.OTHER),
        ({"referer": "not a url at all ::::"}, TrafficSource.DIRECT),
        ({"referer": "http://[broken"}, TrafficSource.DIRECT),
    ],
)
def test_classify_source(kwargs, expected):
    referer = kwargs.pop("referer", None)
    assert traffic.classify_source(request(referer=referer, **kwargs)) == expected


def test_bots_are_recognised():
    assert traffic.is_bot(request(agent="Mozilla/5.0 (compatible; Googlebot/2.1)"))
    assert traffic.is_bot(request(agent="facebookexternalhit/1.1"))
    assert traffic.is_bot(request(agent="curl/8.5.0"))
    assert not traffic.is_bot(request(agent="Mozilla/5.0 (iPhone; CPU iPhone OS 17_0)"))


def test_source_from_param_accepts_only_known_sources():
    assert traffic.source_from_param("widget") == "widget"
    assert traffic.source_from_param("<script>") is None
    assert traffic.source_from_param(None) is None


@pytest.mark.django_db
def test_views_and_clicks_are_counted_per_day_and_source(live_vacancy):
    morning = datetime(2026, 3, 10, 9, 0, tzinfo=ZoneInfo("Europe/London"))
    for _ in range(3):
        traffic.record_view(live_vacancy, source=TrafficSource.WIDGET, now=morning)
    traffic.record_view(live_vacancy, source=TrafficSource.SEARCH_ENGINE, now=morning)
    traffic.record_apply_click(live_vacancy, source=TrafficSource.WIDGET, now=morning)
    traffic.record_view(live_vacancy, source=TrafficSource.WIDGET, now=morning.replace(day=11))

    live_vacancy.refresh_from_db()
    assert live_vacancy.view_count == 5
    assert live_vacancy.apply_click_count == 1
    rows = {
        (r.day.isoformat(), r.source): (r.views, r.apply_clicks)
        for r in VacancyTraffic.objects.filter(vacancy=live_vacancy)
    }
    assert rows == {
        ("2026-03-10", "widget"): (3, 1),
        ("2026-03-10", "search_engine"): (1, 0),
        ("2026-03-11", "widget"): (1, 0),
    }


@pytest.mark.django_db
def test_unknown_source_is_recorded_as_other(live_vacancy):
    traffic.record_view(live_vacancy, source="made-up")
    assert VacancyTraffic.objects.get(vacancy=live_vacancy).source == TrafficSource.OTHER


@pytest.mark.django_db
def test_counting_reads_nothing_and_writes_twice(live_vacancy, django_assert_max_num_queries):
    # Written at once here (VIEW_COUNT_FLUSH_SECONDS is 0 in tests).
    # SQLite: the two writes in a savepoint pair. PostgreSQL: both in one statement.
    with django_assert_max_num_queries(4) as captured:
        traffic.record_view(live_vacancy, source=TrafficSource.DIRECT)
    statements = [q["sql"] for q in captured.captured_queries]
    assert not any(sql.upper().startswith("SELECT") for sql in statements)
    writes = " ".join(statements).upper()
    assert writes.count('UPDATE "LISTINGS_VACANCY"') == 1 and writes.count("INSERT INTO") == 1
    if connection.vendor == "postgresql":
        assert len(statements) == 1
        # The count's transaction (here the test's own) commits without waiting for the disk.
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            assert cursor.fetchone()[0] == "off"
    live_vacancy.refresh_from_db()
    assert live_vacancy.view_count == 1
    assert VacancyTraffic.objects.get(vacancy=live_vacancy).views == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_counts_survive_concurrent_writers(live_vacancy):
    """Two threads counting at once lose nothing: F() and the upsert are atomic in SQL."""
    import threading

    from django.db import connection

    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL")
    errors = []

    def hit():
        try:
            for _ in range(20):
                traffic.record_view(live_vacancy, source=TrafficSource.DIRECT)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=hit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Vacancy.objects.get(pk=live_vacancy.pk).view_count == 80
    assert VacancyTraffic.objects.get(vacancy=live_vacancy).views == 80


@pytest.mark.django_db
def test_views_wait_in_memory_and_are_written_in_one_batch(
    settings, employer, django_assert_num_queries
):
    """A page view writes nothing until the batch is due; then every vacancy's counts at
    once (one statement on PostgreSQL, two per row in a savepoint on SQLite)."""
    from tests import factories

    settings.VIEW_COUNT_FLUSH_SECONDS = 3600
    traffic.flush_counts()  # start from an empty batch, just written
    first, second = factories.LiveVacancyFactory.create_batch(2, employer=employer)
    with django_assert_num_queries(0):
        for _ in range(3):
            traffic.record_view(first, source=TrafficSource.DIRECT)
        traffic.record_view(second, source=TrafficSource.WIDGET)
        traffic.record_apply_click(first, source=TrafficSource.DIRECT)
    assert Vacancy.objects.get(pk=first.pk).view_count == 0
    expected = 1 if connection.vendor == "postgresql" else 2 * 2 + 2  # and a savepoint
    with django_assert_num_queries(expected):
        assert traffic.flush_counts() == 2  # rows: (first, direct), (second, widget)
    counted = Vacancy.objects.get(pk=first.pk)
    assert (counted.view_count, counted.apply_click_count) == (3, 1)
    assert Vacancy.objects.get(pk=second.pk).view_count == 1
    assert VacancyTraffic.objects.get(vacancy=first).views == 3
    with django_assert_num_queries(0):
        assert traffic.flush_counts() == 0


@pytest.mark.django_db
def test_a_batch_that_cannot_be_written_waits_for_the_next(settings, live_vacancy, monkeypatch):
    settings.VIEW_COUNT_FLUSH_SECONDS = 3600
    traffic.flush_counts()
    traffic.record_view(live_vacancy, source=TrafficSource.DIRECT)

    def broken(*args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(traffic, "_write_in_one_statement", broken)
    monkeypatch.setattr(traffic, "_upsert_traffic", broken)
    assert traffic.flush_counts() == 0
    monkeypatch.undo()
    assert traffic.flush_counts() == 1
    assert Vacancy.objects.get(pk=live_vacancy.pk).view_count == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_batch_locks_its_vacancies_in_id_order(settings, employer):
    """Two workers flushing overlapping batches cannot deadlock: each batch locks its
    vacancies lowest id first, so one waiting on a row holds none above it. (With a batch
    this size PostgreSQL groups it by hashing, in no order: before the ordered lock, the
    update locked rows above the one it then waited for, and workers deadlocked.)"""
    BATCH = 120
    import threading

    import psycopg

    from tests import factories

    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; row locks are PostgreSQL's")
    settings.VIEW_COUNT_FLUSH_SECONDS = 3600
    traffic.flush_counts()
    low, *higher = sorted(
        factories.LiveVacancyFactory.create_batch(BATCH, employer=employer), key=lambda v: v.pk
    )
    for vacancy in [*reversed(higher), low]:  # the batch names the highest first
        traffic.record_view(vacancy, source=TrafficSource.DIRECT)
    params = connection.get_connection_params()
    conninfo = {k: v for k, v in params.items() if k in ("dbname", "user", "host", "port")}
    table = Vacancy._meta.db_table
    # The probe in autocommit: the server's activity view is read afresh at each statement.
    with (
        psycopg.connect(**conninfo) as holder,
        psycopg.connect(**conninfo, autocommit=True) as probe,
    ):
        holder.execute(f"SELECT id FROM {table} WHERE id = %s FOR UPDATE", [low.pk])  # noqa: S608
        done = threading.Event()
        written = []

        def flush():
            try:
                written.append(traffic.flush_counts())
            finally:
                connection.close()
                done.set()

        worker = threading.Thread(target=flush)
        worker.start()
        # Wait (on the server's own record, not the clock) until the flush waits for a lock.
        waiting = 0
        for _ in range(2000):
            waiting = probe.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND datname = current_database()"
            ).fetchone()[0]
            if waiting or done.is_set():
                break
            probe.execute("SELECT pg_sleep(0.005)")
        assert (waiting, done.is_set(), written) == (1, False, [])
        # It waits for the lowest row and has locked none of the others.
        free = probe.execute(
            f"SELECT id FROM {table} WHERE id = ANY(%s) FOR UPDATE SKIP LOCKED",  # noqa: S608
            [[v.pk for v in higher]],
        ).fetchall()
        assert len(free) == len(higher)
        holder.rollback()  # let it go on
        worker.join()
    assert written == [BATCH]
    assert set(Vacancy.objects.filter(employer=employer).values_list("view_count", flat=True)) == {
        1
    }
