"""The care sector's words on every face of the search: the page, the API, alerts."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from listings.alerts.matching import matching_vacancies
from listings.search import parse_search, refresh_search_words, search_vacancies
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_reference_typed_in_the_search_box_opens_that_vacancy(client):
    vacancy = factories.LiveVacancyFactory(title="Support Worker")
    response = client.get(reverse("listings:search"), {"q": f" {vacancy.reference.lower()} "})
    assert response.status_code == 302
    assert response["Location"] == vacancy.get_absolute_url()


def test_an_unknown_reference_is_an_ordinary_search(client):
    factories.LiveVacancyFactory(title="Support Worker")
    response = client.get(reverse("listings:search"), {"q": "EPWHPMZ4"})
    assert response.status_code == 200


def test_the_api_puts_the_referenced_vacancy_first(client):
    vacancy = factories.LiveVacancyFactory(title="Support Worker")
    factories.LiveVacancyFactory(title="Care Worker")
    body = client.get("/api/v1/vacancies/", {"q": vacancy.reference}).json()
    assert [row["reference"] for row in body["results"]] == [vacancy.reference]


def test_the_search_page_offers_did_you_mean_with_a_link(client):
    factories.LiveVacancyFactory(title="Paramedic", profession=factories.profession("paramedic"))
    refresh_search_words()
    response = client.get(reverse("listings:search"), {"q": "paramedik"})
    html = response.content.decode()
    assert "Did you mean" in html
    assert 'href="/jobs/?q=paramedic"' in html


def test_the_api_answer_carries_did_you_mean_only_when_there_is_one(client):
    factories.LiveVacancyFactory(title="Paramedic", profession=factories.profession("paramedic"))
    refresh_search_words()
    body = client.get("/api/v1/vacancies/", {"q": "paramedik"}).json()
    assert body["count"] == 0
    assert body["did_you_mean"]["q"] == "paramedic"
    assert body["did_you_mean"]["search_url"].endswith("/jobs/?q=paramedic")
    assert "did_you_mean" not in client.get("/api/v1/vacancies/", {"q": "paramedic"}).json()


def test_an_alert_for_an_abbreviation_sends_what_the_page_shows():
    now = timezone.now()
    ot = factories.profession("occupational-therapist")
    factories.LiveVacancyFactory(title="Community Occupational Therapist", profession=ot)
    factories.LiveVacancyFactory(title="OT Assistant", description="Join our OT team.")
    factories.LiveVacancyFactory(title="Physiotherapist", description="Rehab.")
    page = {v.pk for v in search_vacancies(parse_search("q=OT", now=now))}
    alert = {v.pk for v in matching_vacancies("q=OT", now=now)}
    assert alert == page and len(page) == 2
