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


def test_home_page_data_shares_now():
    now = timezone.now()
    factories.LiveVacancyFactory()
    data = home_page_data(now=now)
    assert data["now"] == now and len(data["newest"]) == 1
