"""The home page, the health check and the admin answer."""

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


def test_home_page_shows_professions_and_newest_live_vacancies(
    client, django_assert_max_num_queries
):
    factories.LiveVacancyFactory(title="Night Care Assistant")
    factories.ExpiredVacancyFactory(title="Long Gone Role")
    with django_assert_max_num_queries(6):
        response = client.get(reverse("home"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Social Worker jobs" in body
    assert "Night Care Assistant" in body
    assert "Long Gone Role" not in body


def test_home_page_query_count_does_not_grow_with_vacancies(client, django_assert_max_num_queries):
    for _ in range(8):
        factories.LiveVacancyFactory()
    with django_assert_max_num_queries(6):
        assert client.get(reverse("home")).status_code == 200


def test_healthz_reports_database_broker_and_a_worker_heard_from(client, monkeypatch):
    import time

    from jobboard.celery import heartbeat

    # The clock stands still, so a slow machine cannot make the heartbeat a second old.
    monkeypatch.setattr(time, "time", lambda: 1_800_000_000.0)
    heartbeat.delay()  # what beat queues every 30 s, run here in-process
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": True, "broker": True, "worker": True},
        "worker_seen_seconds_ago": 0,
    }


def test_healthz_says_degraded_without_failing_when_no_worker_ran_the_heartbeat(client):
    response = client.get("/healthz")
    assert response.status_code == 200  # web replicas stay in service
    assert response.json()["status"] == "degraded"
    assert response.json()["checks"] == {"database": True, "broker": True, "worker": False}


def test_healthz_says_unavailable_when_the_broker_is_unreachable(client):
    from jobboard.celery import app

    saved = app.conf.broker_url, app.conf.broker_write_url
    app.conf.broker_url = app.conf.broker_write_url = "redis://127.0.0.1:1/0"  # nothing there
    try:
        response = client.get("/healthz")
    finally:
        app.conf.broker_url, app.conf.broker_write_url = saved
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": True, "broker": False, "worker": False}


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/listings/vacancy/",
        "/admin/employers/employer/",
        "/admin/listings/place/",
        "/admin/listings/jobalert/",
        "/admin/employers/user/",
    ],
)
def test_admin_pages_load_for_staff(admin_client, url):
    factories.LiveVacancyFactory()
    assert admin_client.get(url).status_code == 200


def test_unknown_pages_get_a_helpful_404_in_the_site_layout(client, settings):
    settings.DEBUG = False
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Page not found" in body
    assert 'href="/jobs/"' in body
    assert 'name="robots" content="noindex"' in body
