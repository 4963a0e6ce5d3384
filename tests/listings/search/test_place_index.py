"""The place ids kept on the vacancy row for the full-text index (migration 0025)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from listings.models import Place, Vacancy
from listings.search import parse_search, search_vacancies
from tests import factories

pytestmark = pytest.mark.django_db


def _kept(vacancy) -> list[int] | None:
    return Vacancy.objects.values_list("place_ids", flat=True).get(pk=vacancy.pk)


def _ids(*places) -> list[int]:
    return sorted(place.pk for place in places)


@pytest.mark.postgres
def test_the_row_keeps_the_ids_of_its_places_through_every_change():
    leeds, york, hull = (factories.place(slug) for slug in ("leeds", "york", "hull"))
    vacancy = factories.LiveVacancyFactory(places=[leeds])
    assert _kept(vacancy) == [leeds.pk]

    vacancy.places.add(york, hull)
    assert _kept(vacancy) == _ids(leeds, york, hull)
    vacancy.places.remove(leeds)
    assert _kept(vacancy) == _ids(york, hull)
    vacancy.places.set([leeds])
    assert _kept(vacancy) == [leeds.pk]
    vacancy.places.clear()
    assert _kept(vacancy) == []


@pytest.mark.postgres
def test_a_save_of_a_stale_copy_does_not_undo_a_change_of_places():
    leeds, york = factories.place("leeds"), factories.place("york")
    vacancy = factories.LiveVacancyFactory(places=[leeds])
    stale = Vacancy.objects.get(pk=vacancy.pk)
    assert stale.place_ids == [leeds.pk]

    vacancy.places.set([york])
    stale.title = "Senior Social Worker"
    stale.save()

    assert _kept(vacancy) == [york.pk]


@pytest.mark.postgres
def test_a_deleted_place_leaves_the_ids_of_the_rows_it_was_on():
    leeds = factories.place("leeds")
    village = Place.objects.create(
        name="Nowhere Green", slug="nowhere-green", nation="england", lat=53.8, lng=-1.55
    )
    vacancy = factories.LiveVacancyFactory(places=[leeds, village])
    assert _kept(vacancy) == _ids(leeds, village)

    village.delete()

    assert _kept(vacancy) == [leeds.pk]


def test_keywords_and_a_place_find_the_match_near_it_and_not_the_one_far_away():
    near = factories.LiveVacancyFactory(title="Social Worker", places=[factories.place("leeds")])
    factories.LiveVacancyFactory(title="Social Worker", places=[factories.place("exeter")])
    factories.LiveVacancyFactory(
        title="Care Assistant",
        profession=factories.profession("care-worker"),
        description="Personal care at home.",
        places=[factories.place("leeds")],
    )

    found = search_vacancies(
        parse_search({"q": "social worker", "location": "leeds", "radius": "10"})
    )

    assert [v.pk for v in found] == [near.pk]


@pytest.mark.postgres
def test_on_postgresql_the_place_is_tested_on_the_row_not_through_the_places_table():
    factories.LiveVacancyFactory(title="Social Worker", places=[factories.place("leeds")])

    with CaptureQueriesContext(connection) as captured:
        list(search_vacancies(parse_search({"q": "social worker", "location": "leeds"})))

    searches = [q["sql"] for q in captured if "search_vector" in q["sql"]]
    assert searches
    assert all('"place_ids" &&' in sql for sql in searches)
    assert not any("listings_vacancy_places" in sql for sql in searches)
