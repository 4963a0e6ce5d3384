"""Anonymous search pages served from the cache: while their results cannot change, only."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from common import cache as page_cache
from common.cache import STALE_SECONDS
from listings import services
from listings.search.cache import (
    PAGE_TTL_SECONDS,
    SEARCH_STALE_SECONDS,
    STILL_PAGE_TTL_SECONDS,
    next_midnight,
)
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.SEARCH_PAGE_CACHE = True


def test_a_second_anonymous_visit_is_served_without_a_query(client, django_assert_num_queries):
    factories.LiveVacancyFactory(title="Night Care Assistant")
    first = client.get("/jobs/?q=care")
    assert first.status_code == 200 and first.context is not None  # rendered
    with django_assert_num_queries(0):
        second = client.get("/jobs/?q=care")
    assert second.status_code == 200
    assert second.content == first.content
    assert b"Night Care Assistant" in second.content
    assert "HX-Request" in second["Vary"]


def test_htmx_partials_and_full_pages_are_kept_apart(client):
    factories.LiveVacancyFactory()
    full = client.get("/jobs/")
    partial = client.get("/jobs/", headers={"HX-Request": "true"})
    assert partial.context is not None  # not the full page from the cache
    assert partial["HX-Push-Url"] == "/jobs/"
    again = client.get("/jobs/", headers={"HX-Request": "true"})
    assert again.content == partial.content != full.content
    assert again["HX-Push-Url"] == "/jobs/"


def test_a_new_vacancy_shows_once_the_kept_page_is_past_its_fresh_time(
    client, monkeypatch, django_capture_on_commit_callbacks
):
    """Additions wait for the page's fresh time (a write empties nothing), then one stale
    visit renders it again after its response: within two minutes at most."""
    employer = factories.EmployerFactory(verified=True)
    factories.LiveVacancyFactory(employer=employer, title="Ward Sister")
    client.get("/jobs/")
    draft = factories.VacancyFactory(employer=employer, title="Orchard Ward Deputy")
    with django_capture_on_commit_callbacks(execute=True):
        services.vacancy_publish(vacancy=draft)
    kept = client.get("/jobs/")
    assert kept.context is None and b"Orchard Ward Deputy" not in kept.content
    monkeypatch.setattr(page_cache, "_now", lambda: time.time() + PAGE_TTL_SECONDS + 1)
    client.get("/jobs/")  # served stale, rendered again after its response
    monkeypatch.undo()
    assert b"Orchard Ward Deputy" in client.get("/jobs/").content


def test_a_page_is_never_kept_past_its_first_closing_time(client, monkeypatch, frozen_clock):
    soon = frozen_clock.now + timedelta(seconds=20)
    factories.LiveVacancyFactory(title="Closing Soon", closes_at=soon)
    stored = {}
    monkeypatch.setattr(cache, "set", lambda key, value, timeout: stored.setdefault(key, timeout))
    client.get("/jobs/")
    (timeout,) = [value for key, value in stored.items() if key.startswith("listings:page:")]
    assert timeout == 20 < PAGE_TTL_SECONDS


def _kept(monkeypatch) -> dict[str, tuple[float, int]]:
    """Each page the cache is given: its fresh time (seconds from now) and its timeout."""
    stored: dict[str, tuple[float, int]] = {}
    original = cache.set

    def spy(key, value, timeout=None, **kwargs):
        if key.startswith("listings:page:"):
            stored[key] = (value[1] - time.time(), timeout)
        return original(key, value, timeout, **kwargs)

    monkeypatch.setattr(cache, "set", spy)
    return stored


def test_vacancy_pages_are_kept_longer_than_searches(client, monkeypatch):
    """Only a write (which drops its entry, so changes the key) or the date changes them; an
    employer's page gains vacancies, so it is kept like a search."""
    vacancy = factories.LiveVacancyFactory(closes_at=timezone.now() + timedelta(days=30))
    stored = _kept(monkeypatch)
    for url in ("/jobs/", f"/employers/{vacancy.employer.slug}/"):
        stored.clear()
        client.get(url)
        ((fresh, timeout),) = stored.values()
        assert fresh == pytest.approx(PAGE_TTL_SECONDS, abs=2)
        assert timeout == pytest.approx(PAGE_TTL_SECONDS + SEARCH_STALE_SECONDS, abs=2)
    now = timezone.now()
    until_midnight = (next_midnight(now) - now).total_seconds()
    stored.clear()
    assert client.get(vacancy.get_absolute_url()).status_code == 200
    ((fresh, timeout),) = stored.values()
    assert fresh == pytest.approx(min(STILL_PAGE_TTL_SECONDS, until_midnight), abs=2)
    expected = min(STILL_PAGE_TTL_SECONDS + STALE_SECONDS, until_midnight)
    assert timeout == pytest.approx(expected, abs=2)


def test_a_page_showing_no_closing_time_is_still_renewed_while_served(client, monkeypatch):
    factories.EmployerFactory()
    stored = _kept(monkeypatch)
    client.get("/employers/")
    ((fresh, timeout),) = stored.values()
    assert fresh == pytest.approx(PAGE_TTL_SECONDS, abs=2)
    assert timeout == pytest.approx(PAGE_TTL_SECONDS + SEARCH_STALE_SECONDS, abs=2)


def test_a_stale_page_is_served_and_rendered_again_after_the_response(
    client, monkeypatch, django_assert_num_queries
):
    from listings.models import Vacancy

    vacancy = factories.LiveVacancyFactory(title="Ward Sister")
    client.get("/jobs/")
    # A change made without the services moves no version: only time renews the page.
    Vacancy.objects.filter(pk=vacancy.pk).update(title="Night Nurse")
    assert b"Ward Sister" in client.get("/jobs/").content  # fresh: served as it is
    monkeypatch.setattr(page_cache, "_now", lambda: time.time() + PAGE_TTL_SECONDS + 1)
    stale = client.get("/jobs/")  # served stale; rendered again once it has gone
    assert b"Ward Sister" in stale.content
    with django_assert_num_queries(0):  # still stale by the clock, but one refresh at a time
        client.get("/jobs/")
    monkeypatch.undo()
    with django_assert_num_queries(0):
        renewed = client.get("/jobs/")
    assert b"Night Nurse" in renewed.content and b"Ward Sister" not in renewed.content


def test_a_failed_refresh_still_serves_the_page(client, monkeypatch, caplog):
    from listings import views

    factories.LiveVacancyFactory(title="Ward Sister")
    first = client.get("/jobs/")

    def broken(*args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(views, "search_page", broken)
    monkeypatch.setattr(page_cache, "_now", lambda: time.time() + PAGE_TTL_SECONDS + 1)
    stale = client.get("/jobs/")
    assert stale.status_code == 200 and stale.content == first.content
    assert "could not refresh a kept page" in caplog.text


def test_next_midnight_is_the_start_of_the_next_local_day(settings):
    settings.TIME_ZONE = "Europe/London"
    summer_evening = timezone.make_aware(timezone.datetime(2026, 6, 30, 23, 30))
    assert next_midnight(summer_evening).isoformat() == "2026-07-01T00:00:00+01:00"


def test_an_employer_deleted_by_staff_is_gone_at_once(
    client, admin_client, django_capture_on_commit_callbacks
):
    employer = factories.EmployerFactory()
    url = f"/employers/{employer.slug}/"
    assert client.get(url).status_code == 200  # now kept for minutes
    with django_capture_on_commit_callbacks(execute=True):  # the version bump, after commit
        response = admin_client.post(
            "/admin/employers/employer/",
            {"action": "delete_selected", "_selected_action": [employer.pk], "post": "yes"},
        )
    assert response.status_code == 302
    assert client.get(url).status_code == 404


def test_pages_closing_within_a_second_are_not_kept(client, frozen_clock):
    """The clock stands still: however long a request takes, the job is still open."""
    factories.LiveVacancyFactory(closes_at=frozen_clock.now + timedelta(milliseconds=500))
    first = client.get("/jobs/")
    assert first.context["results"].total == 1  # the page shows the job about to close
    assert client.get("/jobs/").context is not None


def test_a_page_is_kept_until_a_second_before_its_first_closing(client, frozen_clock):
    factories.LiveVacancyFactory(closes_at=frozen_clock.now + timedelta(seconds=30))
    client.get("/jobs/")
    assert client.get("/jobs/").context is None  # kept
    frozen_clock.advance(seconds=30)
    again = client.get("/jobs/")
    assert again.context is not None  # rendered afresh once the job has closed
    assert list(again.context["page"].object_list) == []


@pytest.mark.parametrize(
    "cookies_or_query",
    [{"sessionid": "abc"}, {"messages": "x"}, "utm_source=newsletter"],
    ids=["session", "messages", "campaign"],
)
def test_personal_requests_are_always_rendered(client, cookies_or_query):
    factories.LiveVacancyFactory()
    query = cookies_or_query if isinstance(cookies_or_query, str) else ""
    if isinstance(cookies_or_query, dict):
        client.cookies.load(cookies_or_query)
    client.get(f"/jobs/?{query}")
    assert client.get(f"/jobs/?{query}").context is not None


def test_members_get_their_own_page(client):
    factories.LiveVacancyFactory()
    client.get("/jobs/")  # an anonymous visit fills the cache
    member = factories.MembershipFactory()
    client.force_login(member.user)
    response = client.get("/jobs/")
    assert response.context is not None
    assert b"Sign out" in response.content


# --- vacancy pages: the view runs (it counts the visit), the page is reused --------------------
def test_a_vacancy_page_is_reused_and_every_view_still_counts(
    client, django_assert_max_num_queries
):
    vacancy = factories.LiveVacancyFactory(title="Community Psychiatric Nurse")
    factories.LiveVacancyFactory(profession=vacancy.profession, title="Similar Job")
    url = vacancy.get_absolute_url()
    first = client.get(url)
    assert first.context is not None and b"Similar Job" in first.content
    with django_assert_max_num_queries(8) as captured:
        second = client.get(url)
    assert second.context is None and second.content == first.content
    # No read at all (the entry and the page are kept); the view's count is written after
    # the response (at once here: VIEW_COUNT_FLUSH_SECONDS is 0 in tests).
    statements = [q["sql"] for q in captured.captured_queries]
    assert [sql.split()[0] for sql in statements].count("SELECT") == 0
    writes = " ".join(statements)
    assert (writes.count('UPDATE "listings_vacancy"'), writes.count("INSERT INTO")) == (1, 1)
    vacancy.refresh_from_db()
    assert vacancy.view_count == 2


def test_editing_a_vacancy_or_its_employer_shows_at_once(
    client, django_capture_on_commit_callbacks
):
    vacancy = factories.LiveVacancyFactory(title="Ward Manager")
    url = vacancy.get_absolute_url()
    client.get(url)
    vacancy.employer.name = "Renamed Health Trust"
    with django_capture_on_commit_callbacks(execute=True):
        vacancy.employer.save()
    assert b"Renamed Health Trust" in client.get(url).content
    with django_capture_on_commit_callbacks(execute=True):
        services.vacancy_update(vacancy=vacancy, description="Now with a car allowance.")
    assert b"car allowance" in client.get(url).content


def test_the_apply_link_keeps_its_source(client):
    vacancy = factories.LiveVacancyFactory()
    url = vacancy.get_absolute_url()
    direct = client.get(url)
    from_search = client.get(url, HTTP_REFERER="https://www.google.com/")
    assert b"source=direct" in direct.content
    assert b"source=search_engine" in from_search.content


def test_a_vacancy_page_is_not_kept_past_its_closing_time(client, monkeypatch, frozen_clock):
    vacancy = factories.LiveVacancyFactory(closes_at=frozen_clock.now + timedelta(seconds=30))
    stored = {}
    monkeypatch.setattr(cache, "set", lambda key, value, timeout: stored.setdefault(key, timeout))
    client.get(vacancy.get_absolute_url())
    (timeout,) = [v for k, v in stored.items() if k.startswith("listings:page:")]
    assert timeout == 30


# --- employer profiles ------------------------------------------------------------------------
def test_an_employer_profile_is_reused_until_the_employer_changes_it(
    client, django_assert_num_queries, django_capture_on_commit_callbacks
):
    from employers import services as employer_services

    vacancy = factories.LiveVacancyFactory(title="Occupational Therapist")
    employer = vacancy.employer
    url = employer.get_absolute_url()
    first = client.get(url)
    assert first.context is not None and b"Occupational Therapist" in first.content
    with django_assert_num_queries(0):
        assert client.get(url).content == first.content
    with django_capture_on_commit_callbacks(execute=True):
        employer_services.employer_update_profile(employer=employer, about="We are hiring.")
    changed = client.get(url)
    assert changed.context is not None and b"We are hiring." in changed.content


def test_an_expiry_run_drops_cached_pages(client, django_capture_on_commit_callbacks):
    vacancy = factories.LiveVacancyFactory(title="Due Today")
    assert b"Due Today" in client.get("/jobs/").content  # now cached for a minute
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.vacancies_expire(now=vacancy.closes_at)
    assert callbacks  # the version bump
    assert b"Due Today" not in client.get("/jobs/").content
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert services.vacancies_expire(now=vacancy.closes_at) == []
    assert not callbacks  # nothing expired, nothing dropped


# --- the API's search list --------------------------------------------------------------------
def test_the_api_search_keeps_its_data_but_still_validates_and_limits(
    client, monkeypatch, django_assert_num_queries
):
    vacancy = factories.LiveVacancyFactory(title="Speech and Language Therapist")
    first = client.get("/api/v1/vacancies/?q=therapist")
    assert first.status_code == 200
    with django_assert_num_queries(0):
        second = client.get("/api/v1/vacancies/?q=therapist")
    assert second.json() == first.json()
    assert second.json()["results"][0]["reference"] == vacancy.reference
    # Bad input is still refused before anything is served from the cache.
    assert client.get("/api/v1/vacancies/?page=zero").status_code == 400
    # And the rate limit is checked before the cache is read.
    from rest_framework.throttling import AnonRateThrottle

    monkeypatch.setattr(AnonRateThrottle, "allow_request", lambda self, request, view: False)
    monkeypatch.setattr(AnonRateThrottle, "wait", lambda self: 30)
    assert client.get("/api/v1/vacancies/?q=therapist").status_code == 429


def test_a_page_holding_a_csrf_token_is_never_kept():
    from django.http import HttpResponse

    from common.cache import _page_parts, keep_until

    soon = timezone.now() + timedelta(minutes=1)
    form = b'<form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="x">'
    _response, kept, _keep = _page_parts(
        keep_until(HttpResponse(form), soon, longest=PAGE_TTL_SECONDS)
    )
    assert kept is None
    _response, kept, _keep = _page_parts(
        keep_until(HttpResponse(b"<p>no form</p>"), soon, longest=PAGE_TTL_SECONDS)
    )
    assert kept is not None


def test_the_employer_directory_is_reused_until_an_employer_joins_or_changes(
    client, django_assert_num_queries, django_capture_on_commit_callbacks
):
    from employers import services as employer_services
    from employers.models import Employer

    employer = factories.EmployerFactory(name="Oakleaf Home Care", verified=True)
    first = client.get("/employers/")
    assert first.context is not None and b"Oakleaf Home Care" in first.content
    with django_assert_num_queries(0):
        assert client.get("/employers/").content == first.content

    with django_capture_on_commit_callbacks(execute=True):
        employer_services.employer_sign_up(
            email="owner@riverside.example",
            password="correct horse battery staple",
            employer_name="Riverside Care",
            sector="independent",
            region=employer.region,
        )
    joined = client.get("/employers/")
    # Drawn again, but a new organisation is listed once verified or hiring.
    assert joined.context is not None and b"Riverside Care" not in joined.content

    staff = factories.UserFactory(is_staff=True)
    with django_capture_on_commit_callbacks(execute=True):
        employer_services.employer_verify(
            employer=Employer.objects.get(name="Riverside Care"), moderator=staff
        )
    verified = client.get("/employers/")
    assert verified.context is not None and b"Riverside Care" in verified.content


def test_the_api_directory_is_reused_until_an_employer_changes(
    client, django_assert_num_queries, django_capture_on_commit_callbacks
):
    from employers import services as employer_services

    employer = factories.EmployerFactory(name="Oakleaf Home Care")
    first = client.get("/api/v1/employers/?q=oakleaf")
    assert first.json()["count"] == 1
    with django_assert_num_queries(0):
        assert client.get("/api/v1/employers/?q=oakleaf").json() == first.json()
    assert client.get("/api/v1/employers/?page=zero").status_code == 400  # still validated
    with django_capture_on_commit_callbacks(execute=True):
        employer_services.employer_update_profile(employer=employer, name="Oakleaf Care Homes")
    changed = client.get("/api/v1/employers/?q=oakleaf").json()
    assert changed["results"][0]["name"] == "Oakleaf Care Homes"


def test_the_api_professions_are_reused_for_their_fresh_time(
    client, monkeypatch, django_assert_num_queries, django_capture_on_commit_callbacks
):
    nurse = factories.profession("registered-nurse")
    factories.LiveVacancyFactory(profession=nurse)

    def nurses() -> int:
        rows = client.get("/api/v1/professions/").json()
        return next(row["live_vacancy_count"] for row in rows if row["slug"] == nurse.slug)

    assert nurses() == 1
    with django_assert_num_queries(0):
        assert nurses() == 1
    draft = factories.VacancyFactory(profession=nurse)
    with django_capture_on_commit_callbacks(execute=True):
        services.vacancy_publish(vacancy=draft)
    assert nurses() == 1  # an addition waits for the fresh time
    monkeypatch.setattr(page_cache, "_now", lambda: time.time() + PAGE_TTL_SECONDS + 1)
    assert nurses() == 1  # served stale, produced again (with fresh counts) after it
    monkeypatch.undo()
    assert nurses() == 2
