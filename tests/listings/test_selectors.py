"""Selectors outside the search: a vacancy's page, similar vacancies, the home page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from listings.selectors import home_page_data, similar_vacancies, vacancy_for_page
from tests import factories
from tests.factories import place, profession

pytestmark = pytest.mark.django_db


def test_vacancy_for_page_hides_unpublished():
    live = factories.LiveVacancyFactory()
    closed = factories.ClosedVacancyFactory()
    expired = factories.ExpiredVacancyFactory()
    draft = factories.VacancyFactory()
    pending = factories.PendingVacancyFactory()
    scheduled = factories.LiveVacancyFactory(published_at=timezone.now() + timedelta(days=1))
    assert vacancy_for_page(live.reference) == live
    assert vacancy_for_page(live.reference.lower()) == live
    assert vacancy_for_page(closed.reference) == closed
    assert vacancy_for_page(expired.reference) == expired
    for hidden in (draft, pending, scheduled):
        assert vacancy_for_page(hidden.reference) is None
    assert vacancy_for_page("NOPE1234") is None


def test_similar_vacancies_prefers_same_profession_and_place():
    vacancy = factories.LiveVacancyFactory(places=[place("leeds")])
    now = timezone.now()
    same_place = factories.LiveVacancyFactory(places=[place("leeds")], published_at=now - timedelta(days=3))  # fmt: skip
    elsewhere = factories.LiveVacancyFactory(places=[place("london")], published_at=now - timedelta(days=1))  # fmt: skip
    factories.LiveVacancyFactory(profession=profession("care-worker"))
    factories.ClosedVacancyFactory()
    assert similar_vacancies(vacancy) == [same_place, elsewhere]


def test_similar_vacancies_are_the_profession_near_the_place_nearest_first(
    django_assert_max_num_queries,
):
    """A Leeds job suggests Bradford, York and Sheffield before a newer one in Carnoustie."""
    now = timezone.now()
    social_worker = profession("social-worker")
    vacancy = factories.LiveVacancyFactory(profession=social_worker, places=[place("leeds")])

    def job(town, days, **kwargs):
        return factories.LiveVacancyFactory(
            profession=kwargs.pop("profession", social_worker),
            places=[place(town)],
            published_at=now - timedelta(days=days),
            **kwargs,
        )

    carnoustie = job("carnoustie", 0)
    sheffield = job("sheffield", 5)
    bradford = job("bradford", 4)
    york = job("york", 3)
    job("leeds", 0, profession=profession("care-worker"))  # near, but another profession
    vacancy = vacancy_for_page(vacancy.reference)
    # The places within reach (1), the ring's capped counts (one per fourfold step), the rows
    # and their places (2): bounded by the ring's steps.
    with django_assert_max_num_queries(10):
        similar = similar_vacancies(vacancy, now=now, limit=3)
        [(v.employer.name, v.profession.name, list(v.places.all())) for v in similar]
    assert similar == [bradford, york, sheffield]
    # Farther than the nearby ones, the rest of the profession still fills the list.
    assert similar_vacancies(vacancy, now=now, limit=5) == [bradford, york, sheffield, carnoustie]


def test_similar_vacancies_of_a_job_with_no_place_are_the_newest_of_its_profession():
    now = timezone.now()
    vacancy = factories.LiveVacancyFactory(places=[])
    older = factories.LiveVacancyFactory(published_at=now - timedelta(days=3))
    newer = factories.LiveVacancyFactory(published_at=now - timedelta(days=1))
    assert similar_vacancies(vacancy, now=now) == [newer, older]


def test_home_page_data_shares_now():
    now = timezone.now()
    factories.LiveVacancyFactory()
    data = home_page_data(now=now)
    assert data["now"] == now and len(data["newest"]) == 1
