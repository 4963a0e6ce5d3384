"""The public directory: filters, sorting, counts in one query, hostile input."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def employers():
    leeds = factories.EmployerFactory(name="Aire Valley Care", sector="independent")
    nhs = factories.EmployerFactory(
        name="Cardiff Health Board", sector="nhs", region="wales", town=factories.place("cardiff")
    )
    quiet = factories.EmployerFactory(name="Zed Charity", sector="charity", region="london")
    factories.EmployerFactory(name="Hidden Ltd", is_active=False)
    for _ in range(3):
        factories.LiveVacancyFactory(employer=nhs)
    factories.LiveVacancyFactory(employer=leeds)
    factories.VacancyFactory(employer=quiet)  # a draft does not count
    factories.LiveVacancyFactory(employer=quiet, closes_at=timezone.now() - timedelta(hours=1))
    return {"leeds": leeds, "nhs": nhs, "quiet": quiet}


def names(response):
    return [e.name for e in response.context["employers"]]


def test_lists_active_employers_with_live_counts(client, employers):
    response = client.get(reverse("employers:directory"))
    assert names(response) == ["Aire Valley Care", "Cardiff Health Board", "Zed Charity"]
    counts = {e.name: e.live_vacancy_count for e in response.context["employers"]}
    assert counts == {"Aire Valley Care": 1, "Cardiff Health Board": 3, "Zed Charity": 0}
    assert "Cardiff" in response.content.decode()


def test_query_count_does_not_grow_with_rows(client, django_assert_max_num_queries):
    for n in range(25):
        employer = factories.EmployerFactory(name=f"Employer {n:02d}")
        factories.LiveVacancyFactory(employer=employer)
    with django_assert_max_num_queries(4):
        response = client.get(reverse("employers:directory"))
    assert len(response.context["employers"]) == 25


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "cardiff"}, ["Cardiff Health Board"]),
        ({"sector": ["nhs", "charity"]}, ["Cardiff Health Board", "Zed Charity"]),
        ({"region": "london"}, ["Zed Charity"]),
        ({"nation": "Wales"}, ["Cardiff Health Board"]),
        ({"nation": "England"}, ["Aire Valley Care", "Zed Charity"]),
        ({"has_live": "on"}, ["Aire Valley Care", "Cardiff Health Board"]),
        ({"sort": "vacancies"}, ["Cardiff Health Board", "Aire Valley Care", "Zed Charity"]),
    ],
)
def test_filters_and_sorts(client, employers, params, expected):
    assert names(client.get(reverse("employers:directory"), params)) == expected


@pytest.mark.parametrize(
    "params",
    [
        {"sector": "pirates"},
        {"sort": "'; DROP TABLE"},
        {"page": "99999999999999999999"},
        {"page": "-1"},
        {"q": "é" * 5000},
        {"nation": "Atlantis", "has_live": "maybe"},
        {"q": "\x00"},
    ],
)
def test_hostile_input_never_breaks_it(client, employers, params):
    response = client.get(reverse("employers:directory"), params)
    assert response.status_code == 200


def test_profile_lists_only_live_vacancies_and_query_count(
    client, employers, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        response = client.get(employers["nhs"].get_absolute_url())
    assert response.status_code == 200
    assert len(response.context["vacancies"]) == 3
    assert "Verified employer" in response.content.decode()


def test_profile_applies_the_search_filters(client, employers):
    nhs = employers["nhs"]
    factories.LiveVacancyFactory(
        employer=nhs, title="Occupational Therapist", contract_type="locum"
    )
    response = client.get(nhs.get_absolute_url(), {"contract": "locum"})
    titles = [v.title for v in response.context["vacancies"]]
    if response.context["filterset"] is None:
        pytest.skip("the seeker search's VacancyFilterSet is not available")
    assert titles == ["Occupational Therapist"]


def test_a_new_unverified_employer_is_listed_once_verified_or_with_a_live_vacancy(client, db):
    from employers.models import Employer

    newcomer = factories.EmployerFactory(name="Brand New Care", verified=False)
    factories.EmployerFactory(name="Checked Care", verified=True)
    factories.VacancyFactory(employer=newcomer)  # a draft shows nothing
    api = "/api/v1/employers/"

    def listed():
        page = names(client.get(reverse("employers:directory")))
        from_api = [e["name"] for e in client.get(api).json()["results"]]
        assert page == from_api
        return page

    assert listed() == ["Checked Care"]
    profile = client.get(reverse("employers:detail", args=[newcomer.slug]))
    assert profile.status_code == 200  # its page answers, unindexed
    assert '<meta name="robots" content="noindex">' in profile.content.decode()
    assert newcomer.slug not in client.get("/sitemap-employers.xml").content.decode()
    factories.LiveVacancyFactory(employer=newcomer)
    assert listed() == ["Brand New Care", "Checked Care"]
    Employer.objects.filter(pk=newcomer.pk).update(live_vacancy_count=0, verified=True)
    assert listed() == ["Brand New Care", "Checked Care"]
