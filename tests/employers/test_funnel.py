"""Views → apply clicks → applications → hires by traffic source: the dashboard and a
vacancy's statistics page, in a number of queries that does not grow with applications."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from employers import selectors
from listings.models import Vacancy, VacancyTraffic
from tests import factories
from tests.applications.factories import ApplicationFactory

pytestmark = pytest.mark.django_db


def _traffic(vacancy, source, views, clicks, day=None):
    VacancyTraffic.objects.create(
        vacancy=vacancy,
        day=day or timezone.localdate(),
        source=source,
        views=views,
        apply_clicks=clicks,
    )


def test_the_funnel_by_source(employer):
    vacancy = factories.LiveVacancyFactory(employer=employer, apply_method="board")
    _traffic(vacancy, "alert", 40, 10)
    _traffic(vacancy, "direct", 100, 20)
    ApplicationFactory.create_batch(3, vacancy=vacancy, source="alert")
    ApplicationFactory(vacancy=vacancy, source="alert", status="hired")
    ApplicationFactory(vacancy=vacancy, source="direct")
    ApplicationFactory(vacancy=vacancy, source="direct", status="draft", submitted_at=None)
    funnel = selectors.funnel_by_source(vacancies=Vacancy.objects.filter(pk=vacancy.pk))
    rows = {r["source"]: r for r in funnel["rows"]}
    assert (rows["alert"]["views"], rows["alert"]["clicks"]) == (40, 10)
    assert (rows["alert"]["applications"], rows["alert"]["hires"]) == (4, 1)
    assert (rows["direct"]["applications"], rows["direct"]["hires"]) == (1, 0)
    assert funnel["totals"] == {"views": 140, "clicks": 30, "applications": 5, "hires": 1}


def test_the_funnel_counts_only_the_period_asked(employer):
    vacancy = factories.LiveVacancyFactory(employer=employer)
    _traffic(vacancy, "direct", 5, 1, day=date(2020, 1, 1))
    ApplicationFactory(vacancy=vacancy, submitted_at=timezone.now().replace(year=2020))
    funnel = selectors.funnel_by_source(
        vacancies=Vacancy.objects.filter(pk=vacancy.pk), since=timezone.localdate()
    )
    assert funnel["totals"] == {"views": 0, "clicks": 0, "applications": 0, "hires": 0}


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_dashboard_shows_the_funnel_in_constant_queries(client, owner, employer):
    client.force_login(owner)
    vacancies = factories.LiveVacancyFactory.create_batch(
        2, employer=employer, apply_method="board"
    )
    _traffic(vacancies[0], "widget", 12, 3)
    ApplicationFactory(vacancy=vacancies[0], source="widget")
    url = reverse("employers:dashboard")
    few = _queries(client, url)
    for vacancy in vacancies:
        ApplicationFactory.create_batch(20, vacancy=vacancy, source="alert")
    assert _queries(client, url) == few
    page = client.get(url).content.decode()
    assert "From visitors to hires" in page and "Embedded widget" in page
    assert "21 applications" in page


def test_the_statistics_page(client, owner, employer):
    client.force_login(owner)
    vacancy = factories.LiveVacancyFactory(employer=employer, apply_method="board")
    _traffic(vacancy, "search_engine", 30, 6)
    ApplicationFactory(vacancy=vacancy, source="search_engine", status="hired")
    url = reverse("employers:vacancy_statistics", args=[vacancy.reference])
    few = _queries(client, url)
    ApplicationFactory.create_batch(10, vacancy=vacancy, source="direct")
    assert _queries(client, url) == few
    page = client.get(url).content.decode()
    assert "Search engine" in page and "All sources" in page


def test_another_employers_statistics_are_not_found(client, outsider, employer):
    client.force_login(outsider)
    vacancy = factories.LiveVacancyFactory(employer=employer)
    response = client.get(reverse("employers:vacancy_statistics", args=[vacancy.reference]))
    assert response.status_code == 404
