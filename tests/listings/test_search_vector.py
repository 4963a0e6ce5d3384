"""The PostgreSQL full-text vector kept by the database trigger (migrations 0002 and 0006)."""

import pytest
from django.contrib.postgres.search import SearchQuery
from django.db import connection

from listings.models import Vacancy
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def _matches(text: str):
    return Vacancy.objects.filter(
        search_vector=SearchQuery(text, search_type="websearch", config="english")
    )


def test_live_vacancies_carry_a_stemmed_weighted_vector(employer):
    vacancy = factories.LiveVacancyFactory(employer=employer, title="Registered Nurse - Acute")
    assert list(_matches("nurses")) == [vacancy]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT search_vector::text FROM listings_vacancy WHERE id = %s", [vacancy.id]
        )
        vector = cursor.fetchone()[0]
    assert "'nurs':" in vector and "A" in vector  # title words weigh most


def test_only_live_vacancies_are_indexed_and_going_live_indexes(employer):
    draft = factories.VacancyFactory(employer=employer, title="Probation Officer")
    assert list(_matches("probation")) == []
    Vacancy.objects.filter(pk=draft.pk).update(status="live")
    assert list(_matches("probation")) == [draft]
    Vacancy.objects.filter(pk=draft.pk).update(status="expired")
    assert list(_matches("probation")) == []


def test_profession_and_employer_names_are_searchable(employer):
    vacancy = factories.LiveVacancyFactory(employer=employer, title="Team member")
    assert list(_matches("social worker")) == [vacancy]  # the profession
    assert list(_matches(employer.name.split()[0])) == [vacancy]  # the employer
