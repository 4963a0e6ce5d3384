"""The funnel's applications and hires, kept in ``VacancyTraffic`` by the write path: counted
on the day and from the source of each submission, outliving the personal rows."""

from __future__ import annotations

import importlib
from datetime import UTC, datetime, timedelta

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applications import candidate_services, services
from applications.models import Application
from employers import selectors
from listings import traffic
from listings.models import TrafficSource, Vacancy, VacancyTraffic
from seekers.models import Seeker
from tests import factories
from tests.applications.conftest import details_data, upload
from tests.applications.factories import ApplicationFactory

pytestmark = pytest.mark.django_db
Status = Application.Status
backfill = importlib.import_module("applications.migrations.0005_funnel_counters").backfill


def counters(vacancy) -> dict[tuple, tuple[int, int]]:
    """(day, source) -> (applications, hires) of the vacancy's non-empty counter rows."""
    return {
        (row.day, row.source): (row.applications, row.hires)
        for row in VacancyTraffic.objects.filter(vacancy=vacancy)
        if row.applications or row.hires
    }


def recount(vacancy) -> dict[tuple, tuple[int, int]]:
    """What the counters should say, counted from the application rows (the old way)."""
    expected: dict[tuple, list[int]] = {}
    for application in Application.objects.filter(vacancy=vacancy, submitted_at__isnull=False):
        key = (
            timezone.localdate(application.submitted_at),
            traffic.counted_source(application.source),
        )
        entry = expected.setdefault(key, [0, 0])
        entry[0] += 1
        entry[1] += application.status == Status.HIRED
    return {key: tuple(value) for key, value in expected.items()}


def test_a_submission_is_counted_on_its_day_and_source_and_a_draft_is_not(
    candidate_client, candidate, board_vacancy
):
    ref = {"reference": board_vacancy.reference}
    candidate_client.get(reverse("candidates:apply", kwargs=ref) + "?source=widget")
    candidate_client.post(reverse("candidates:apply", kwargs=ref))
    candidate_client.post(reverse("candidates:details", kwargs=ref), details_data(board_vacancy))
    assert counters(board_vacancy) == {}  # a draft counts nowhere
    row = VacancyTraffic.objects.get(vacancy=board_vacancy)
    assert (row.apply_clicks, row.applications) == (1, 0)
    candidate_client.post(
        reverse("candidates:documents", kwargs=ref), {"cv": upload(), "action": "submit"}
    )
    application = Application.objects.get(seeker=candidate)
    assert application.status == Status.NEW
    today = timezone.localdate(application.submitted_at)
    assert counters(board_vacancy) == {(today, "widget"): (1, 0)}
    row.refresh_from_db()
    assert (row.apply_clicks, row.applications) == (1, 1)  # the same row as the click


def test_a_submission_rolled_back_is_not_counted(candidate, board_vacancy):
    application, _ = candidate_services.application_start(
        vacancy=board_vacancy, seeker=candidate, source="alert"
    )
    with pytest.raises(Exception, match="Enter your name|Upload your CV|Answer"):
        candidate_services.application_submit(application=application)
    assert counters(board_vacancy) == {}


def test_a_hire_counts_against_the_submission_day_and_undoing_it_takes_it_back(owner):
    submitted = timezone.now() - timedelta(days=10)
    application = ApplicationFactory(source="search_engine", submitted_at=submitted)
    day = timezone.localdate(submitted)
    assert counters(application.vacancy) == {(day, "search_engine"): (1, 0)}
    services.application_move(application=application, status="hired", actor=owner)
    assert counters(application.vacancy) == {(day, "search_engine"): (1, 1)}
    # Nothing on the day of the hire: a period's hires are those of its applications.
    assert not VacancyTraffic.objects.filter(day=timezone.localdate(), hires__gt=0).exists()
    services.application_move(application=application, status="hired", actor=owner)
    assert counters(application.vacancy) == {(day, "search_engine"): (1, 1)}  # no change
    services.application_move(application=application, status="offered", actor=owner)
    assert counters(application.vacancy) == {(day, "search_engine"): (1, 0)}


def test_a_bulk_move_counts_each_hire_once_in_a_statement_per_day_and_source(owner):
    vacancy = factories.LiveVacancyFactory(apply_method="board")
    earlier = timezone.now() - timedelta(days=3)
    alert = ApplicationFactory.create_batch(3, vacancy=vacancy, source="alert")
    direct = ApplicationFactory(vacancy=vacancy, source="", submitted_at=earlier)
    hired = ApplicationFactory(vacancy=vacancy, source="alert", status="hired")
    ids = [a.pk for a in [*alert, direct, hired]]
    with CaptureQueriesContext(connection) as queries:
        services.applications_bulk_move(
            vacancy=vacancy, application_ids=ids, status="hired", actor=owner
        )
    counter_writes = [q["sql"] for q in queries if "listings_vacancytraffic" in q["sql"]]
    assert len(counter_writes) == 2  # today's alert row, and the direct row of three days ago
    assert counters(vacancy) == recount(vacancy)
    assert counters(vacancy)[(timezone.localdate(), "alert")] == (4, 4)
    assert counters(vacancy)[(timezone.localdate(earlier), "direct")] == (1, 1)
    services.applications_bulk_move(
        vacancy=vacancy, application_ids=ids, status="rejected", actor=owner
    )
    assert counters(vacancy) == recount(vacancy)
    assert sum(hires for _, hires in counters(vacancy).values()) == 0


def test_a_bulk_move_refused_counts_nothing(owner):
    vacancy = factories.LiveVacancyFactory(apply_method="board")
    rows = ApplicationFactory.create_batch(2, vacancy=vacancy)
    withdrawn = ApplicationFactory(vacancy=vacancy, status="withdrawn")
    with pytest.raises(Exception, match="Withdrawn"):
        services.applications_bulk_move(
            vacancy=vacancy,
            application_ids=[rows[0].pk, rows[1].pk, withdrawn.pk],
            status="hired",
            actor=owner,
        )
    assert counters(vacancy) == {(timezone.localdate(), "direct"): (3, 0)}


def test_an_offer_message_moves_a_hire_out_and_the_count_follows(owner):
    from applications.emails import MessageDetails

    application = ApplicationFactory(status="hired", source="api")
    assert counters(application.vacancy) == {(timezone.localdate(), "api"): (1, 1)}
    services.application_send_message(
        application=application, kind="offer", details=MessageDetails(), actor=owner
    )
    assert counters(application.vacancy) == {(timezone.localdate(), "api"): (1, 0)}


def test_a_withdrawn_application_still_counts(candidate):
    application = ApplicationFactory(seeker=candidate, source="article_site")
    candidate_services.application_withdraw(application=application, seeker=candidate)
    application.refresh_from_db()
    assert application.status == Status.WITHDRAWN
    assert counters(application.vacancy) == {(timezone.localdate(), "article_site"): (1, 0)}


def test_the_counts_outlive_retention(settings):
    settings.APPLICATION_RETENTION_MONTHS = 12
    now = datetime(2027, 6, 15, 3, 35, tzinfo=UTC)
    closed = now - timedelta(days=400)
    vacancy = factories.ClosedVacancyFactory(
        apply_method="board",
        closes_at=closed,
        closed_at=closed,
        published_at=closed - timedelta(days=30),
    )
    ApplicationFactory(vacancy=vacancy, source="alert", submitted_at=closed - timedelta(days=1))
    ApplicationFactory(
        vacancy=vacancy, source="alert", status="hired", submitted_at=closed - timedelta(days=1)
    )
    before = counters(vacancy)
    assert candidate_services.applications_purge(now=now)["applications"] == 2
    assert not Application.objects.filter(vacancy=vacancy).exists()
    assert (
        counters(vacancy)
        == before
        == {(timezone.localdate(closed) - timedelta(days=1), "alert"): (2, 1)}
    )
    funnel = selectors.funnel_by_source(vacancies=Vacancy.objects.filter(pk=vacancy.pk))
    assert (funnel["totals"]["applications"], funnel["totals"]["hires"]) == (2, 1)


def test_the_counts_outlive_the_candidates_account(
    candidate_client, candidate, board_vacancy, django_capture_on_commit_callbacks
):
    ApplicationFactory(vacancy=board_vacancy, seeker=candidate, source="direct")
    before = counters(board_vacancy)
    with django_capture_on_commit_callbacks(execute=True):
        candidate_client.post(reverse("seekers:privacy_delete"), {"confirm": "on"})
    assert not Application.objects.exists()
    assert not Seeker.objects.filter(pk=candidate.pk).exists()
    assert counters(board_vacancy) == before == {(timezone.localdate(), "direct"): (1, 0)}


def test_taking_back_a_count_that_is_not_there_never_goes_below_zero(live_vacancy, caplog):
    traffic.record_applications([(live_vacancy.pk, timezone.now(), "direct", 0, -1)])
    assert counters(live_vacancy) == {}
    assert "no hires to take back" in caplog.text


# --- The backfill (applications/migrations/0005_funnel_counters.py) --------------------


def test_the_backfill_counts_the_rows_made_before_the_counters_once():
    vacancy = factories.LiveVacancyFactory(apply_method="board")
    other = factories.LiveVacancyFactory(apply_method="board")
    earlier = timezone.now() - timedelta(days=5)
    VacancyTraffic.objects.create(
        vacancy=vacancy, day=timezone.localdate(), source="alert", views=40, apply_clicks=9
    )
    made = [
        ApplicationFactory(vacancy=vacancy, source="alert", counted=False),
        ApplicationFactory(vacancy=vacancy, source="alert", status="hired", counted=False),
        ApplicationFactory(vacancy=vacancy, source="alert", status="withdrawn", counted=False),
        ApplicationFactory(vacancy=vacancy, source="", submitted_at=earlier, counted=False),
        ApplicationFactory(vacancy=vacancy, source="newsletter", counted=False),
        ApplicationFactory(vacancy=other, source="widget", status="hired", counted=False),
        ApplicationFactory(vacancy=vacancy, status="draft", submitted_at=None, counted=False),
    ]
    assert len(made) == 7 and counters(vacancy) == {} and counters(other) == {}
    backfill(django_apps)
    expected = {
        (timezone.localdate(), "alert"): (3, 1),
        (timezone.localdate(earlier), "direct"): (1, 0),
        (timezone.localdate(), "other"): (1, 0),
    }
    assert counters(vacancy) == expected == recount(vacancy)
    assert counters(other) == {(timezone.localdate(), "widget"): (1, 1)}
    row = VacancyTraffic.objects.get(vacancy=vacancy, source="alert")
    assert (row.views, row.apply_clicks) == (40, 9)  # the traffic itself untouched
    backfill(django_apps)  # a second run changes nothing
    assert counters(vacancy) == expected
    assert counters(other) == {(timezone.localdate(), "widget"): (1, 1)}
    funnel = selectors.funnel_by_source(vacancies=Vacancy.objects.filter(pk=vacancy.pk))
    assert funnel["totals"] == {"views": 40, "clicks": 9, "applications": 5, "hires": 1}


def test_the_backfill_sets_what_the_rows_count_over_a_wrong_count():
    application = ApplicationFactory(source="direct")
    VacancyTraffic.objects.filter(vacancy=application.vacancy).update(applications=7, hires=3)
    backfill(django_apps)
    assert counters(application.vacancy) == {(timezone.localdate(), "direct"): (1, 0)}


# --- The dashboard reads the counters, not the applications ----------------------------


def _dashboard_queries(client) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("employers:dashboard"))
    assert response.status_code == 200
    return [q["sql"] for q in queries]


def test_the_dashboard_reads_no_application_row_in_constant_queries(owner_client, employer):
    vacancies = factories.LiveVacancyFactory.create_batch(
        3, employer=employer, apply_method="board"
    )
    ApplicationFactory(vacancy=vacancies[0], source="widget", status="hired")
    few = _dashboard_queries(owner_client)
    for vacancy in vacancies:
        ApplicationFactory.create_batch(15, vacancy=vacancy, source="alert")
        ApplicationFactory(
            vacancy=vacancy, source="direct", submitted_at=timezone.now() - timedelta(days=40)
        )
    many = _dashboard_queries(owner_client)
    assert len(many) == len(few)
    assert not any("applications_application" in sql for sql in many)
    response = owner_client.get(reverse("employers:dashboard"))
    rows = {v.pk: v.applications_received for v in response.context["vacancies"]}
    assert rows == {vacancies[0].pk: 17, vacancies[1].pk: 16, vacancies[2].pk: 16}
    # The last 30 days: the three applications of 40 days ago are in the rows, not the funnel.
    funnel = response.context["funnel"]
    assert (funnel["totals"]["applications"], funnel["totals"]["hires"]) == (46, 1)
    by_source = {r["source"]: r for r in funnel["rows"]}
    assert by_source[TrafficSource.WIDGET]["hires"] == 1
    assert "17 applications" in response.content.decode()


def test_the_statistics_page_reads_the_same_counters(owner_client, employer):
    vacancy = factories.LiveVacancyFactory(employer=employer, apply_method="board")
    ApplicationFactory.create_batch(2, vacancy=vacancy, source="search_engine")
    ApplicationFactory(vacancy=vacancy, source="search_engine", status="hired")
    with CaptureQueriesContext(connection) as queries:
        response = owner_client.get(
            reverse("employers:vacancy_statistics", args=[vacancy.reference])
        )
    assert not any("applications_application" in q["sql"] for q in queries)
    assert response.context["funnel"]["totals"]["applications"] == 3
    assert response.context["funnel"]["totals"]["hires"] == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_submissions_and_hires_lose_no_count(live_vacancy):
    """Threads counting the same row at once: the upsert and F() are atomic in SQL."""
    import threading

    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL")
    errors = []
    now = timezone.now()

    def hit():
        try:
            for _ in range(20):
                traffic.record_applications([(live_vacancy.pk, now, "direct", 1, 1)])
                traffic.record_applications([(live_vacancy.pk, now, "direct", 0, -1)])
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
    assert counters(live_vacancy) == {(timezone.localdate(now), "direct"): (80, 0)}
