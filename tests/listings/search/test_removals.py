"""A vacancy that ends is never shown again: not on a kept search page, an API answer, an
employer's page, a widget or among a vacancy page's similar jobs, with no clock moved.

Additions wait for a page's fresh time; removals do not wait at all, and emptying a page
that showed the vacancy empties nothing else.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache

from listings import services
from listings.models import Vacancy
from listings.search.cache import VACANCY_REMOVALS
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.SEARCH_PAGE_CACHE = True


def _faces(vacancy: Vacancy, similar_to: Vacancy) -> dict[str, str]:
    """Every kept face that lists ``vacancy``."""
    return {
        "search": "/jobs/",
        "landing": f"/jobs/{vacancy.profession.slug}/",
        "api": "/api/v1/vacancies/",
        "employer": f"/employers/{vacancy.employer.slug}/",
        "widget": f"/embed/jobs/?profession={vacancy.profession.slug}&limit=5",
        "similar": similar_to.get_absolute_url(),
    }


def _shown(client, url: str, vacancy: Vacancy) -> bool:
    return vacancy.reference.encode() in client.get(url).content


@pytest.fixture
def pair(db):
    employer = factories.EmployerFactory(verified=True)
    ending = factories.LiveVacancyFactory(employer=employer, title="Ward Sister")
    other = factories.LiveVacancyFactory(
        employer=employer, profession=ending.profession, title="Staff Nurse"
    )
    return ending, other


def _end_by(how: str, vacancy: Vacancy, captured) -> None:
    with captured(execute=True):
        if how == "closed":
            services.vacancy_close(vacancy=vacancy)
        elif how == "deleted":
            Vacancy.objects.get(pk=vacancy.pk).delete()
        elif how == "expired":
            services.vacancies_expire(now=vacancy.closes_at)


# An edit never ends a vacancy: new wording of an unverified employer waits beside the
# approved version (tests/listings/test_services.py), so only these take one off the site.
@pytest.mark.parametrize("how", ["closed", "deleted", "expired"])
def test_an_ended_vacancy_is_on_no_kept_page_at_once(
    client, pair, how, django_capture_on_commit_callbacks
):
    ending, other = pair
    faces = _faces(ending, similar_to=other)
    for name, url in faces.items():
        assert _shown(client, url, ending), name  # rendered, and now kept
        assert client.get(url).context is None, name  # served from the cache
    _end_by(how, ending, django_capture_on_commit_callbacks)
    for name, url in faces.items():
        assert not _shown(client, url, ending), f"{name} still shows a vacancy {how}"


def test_ending_one_vacancy_leaves_pages_that_never_showed_it(
    client, pair, django_capture_on_commit_callbacks
):
    ending, other = pair
    elsewhere = factories.LiveVacancyFactory(
        title="Occupational Therapist", profession=factories.profession("care-worker")
    )
    url = f"/jobs/{elsewhere.profession.slug}/"
    client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        services.vacancy_close(vacancy=ending)
    assert client.get(url).context is None  # still the kept page


def test_a_kept_page_checks_its_removals_without_the_database(
    client, pair, django_assert_num_queries
):
    ending, _other = pair
    client.get("/jobs/")
    with django_assert_num_queries(0):
        client.get("/jobs/")


def test_a_removal_during_a_render_is_caught(client, pair, monkeypatch):
    """A page made from rows read just before a vacancy closed is not served after it."""
    from common import cache as page_cache

    ending, _other = pair
    real_now = page_cache._now
    marked = []

    def now_then_close():
        moment = real_now()
        if not marked:  # the render starts now; the vacancy closes while it runs
            marked.append(moment)
            cache.set(VACANCY_REMOVALS._key(ending.pk), moment, 60)
        return moment

    monkeypatch.setattr(page_cache, "_now", now_then_close)
    client.get("/jobs/")
    monkeypatch.setattr(page_cache, "_now", real_now)
    Vacancy.objects.filter(pk=ending.pk).update(status=Vacancy.Status.CLOSED)
    assert client.get("/jobs/").context is not None  # rendered afresh
    assert not _shown(client, "/jobs/", ending)


def test_a_removal_the_cache_cannot_confirm_counts_as_one(monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "get_many", down)
    assert VACANCY_REMOVALS.since([1], 0.0) is True
