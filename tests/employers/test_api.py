"""The employer directory API: active employers, their live counts, filters and pages."""

from __future__ import annotations

import pytest

from employers.models import Sector
from tests import factories

pytestmark = pytest.mark.django_db

URL = "/api/v1/employers/"


@pytest.fixture
def directory(db):
    """Three employers: two with live vacancies, one with none, and one inactive."""
    hope = factories.EmployerFactory(name="Hope Charity", slug="hope", sector=Sector.CHARITY)
    council = factories.EmployerFactory(
        name="Kirklees Council", slug="kirklees", sector=Sector.LOCAL_AUTHORITY
    )
    factories.EmployerFactory(name="Quiet Care", slug="quiet", sector=Sector.CHARITY)
    factories.EmployerFactory(name="Gone Ltd", slug="gone", is_active=False)
    factories.LiveVacancyFactory.create_batch(2, employer=hope)
    factories.LiveVacancyFactory(employer=council)
    factories.ExpiredVacancyFactory(employer=council)
    return hope


def test_list_has_live_counts_in_a_fixed_number_of_queries(
    client, directory, django_assert_max_num_queries
):
    with django_assert_max_num_queries(4):
        body = client.get(URL).json()
    counts = {row["slug"]: row["live_vacancy_count"] for row in body["results"]}
    assert counts == {"hope": 2, "kirklees": 1, "quiet": 0}
    assert body["count"] == 3 and body["pages"] == 1 and body["next"] is None


def test_filters_and_sort(client, directory):
    only_live = client.get(URL, {"has_live": "true"}).json()
    assert {row["slug"] for row in only_live["results"]} == {"hope", "kirklees"}
    charities = client.get(URL, {"sector": Sector.CHARITY}).json()
    assert {row["slug"] for row in charities["results"]} == {"hope", "quiet"}
    by_count = client.get(URL, {"sort": "vacancies"}).json()
    assert [row["slug"] for row in by_count["results"]] == ["hope", "kirklees", "quiet"]


def test_pages_link_to_each_other(client, directory):
    first = client.get(URL, {"page_size": 2}).json()
    assert first["pages"] == 2 and len(first["results"]) == 2
    assert first["next"] == "http://127.0.0.1:8000/api/v1/employers/?page_size=2&page=2"
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 1
    assert second["previous"].endswith("page=1")


def test_detail(client, directory):
    detail = client.get(f"{URL}hope/").json()
    assert detail["live_vacancy_count"] == 2
    assert detail["url"] == "http://127.0.0.1:8000/employers/hope/"
    assert detail["vacancies_url"] == "http://127.0.0.1:8000/api/v1/vacancies/?employer=hope"
    assert "about" in detail


def test_unknown_or_inactive_employer_is_404(client, directory):
    assert client.get(f"{URL}nobody/").status_code == 404
    assert client.get(f"{URL}gone/").status_code == 404


@pytest.mark.parametrize(
    ("query", "field"),
    [({"sector": "spies"}, "sector"), ({"page": "51"}, "page"), ({"sort": "age"}, "sort")],
)
def test_bad_parameters_are_400_with_field_errors(client, directory, query, field):
    response = client.get(URL, query)
    assert response.status_code == 400
    assert field in response.json()
