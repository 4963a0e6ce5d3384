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


def test_the_vector_is_computed_when_a_vacancy_is_or_goes_live_and_only_then(employer):
    draft = factories.VacancyFactory(employer=employer, title="Probation Officer")
    assert list(_matches("probation")) == []  # drafts carry no vector
    Vacancy.objects.filter(pk=draft.pk).update(status="live")
    assert list(_matches("probation")) == [draft]
    # Leaving the live set skips the trigger (migration 0008): edits while expired cost
    # nothing, and the row is out of the partial index seekers search.
    Vacancy.objects.filter(pk=draft.pk).update(status="expired", title="Midwife")
    assert list(_matches("midwife")) == []
    Vacancy.objects.filter(pk=draft.pk).update(status="live")  # renewed: recomputed
    assert list(_matches("midwife")) == [draft]
    assert list(_matches("probation")) == []


def test_profession_and_employer_names_are_searchable(employer):
    vacancy = factories.LiveVacancyFactory(employer=employer, title="Team member")
    assert list(_matches("social worker")) == [vacancy]  # the profession
    assert list(_matches(employer.name.split()[0])) == [vacancy]  # the employer
