"""Related jobs for an article: term extraction everywhere, full-text ranking on PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from listings.related import related_vacancies, significant_terms, text_from_reference
from tests import factories

ARTICLE = """
Probation work after the reunification: what officers told us

Probation officers supervise people on licence and on community sentences. Since the
probation service was brought back together, officers say caseloads are still high. Writing
pre-sentence reports for the court, assessing risk and working with people leaving prison
take most of the week. Probation practitioners want more time for rehabilitation work with
the people they supervise, and criminal justice social workers in Scotland report the same.
"""


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def test_significant_terms_drop_common_words():
    terms = [term for term, _ in significant_terms(ARTICLE)]
    assert terms[0] == "probation"
    assert "officer" in terms[:4]
    assert not {"the", "after", "what", "told", "week"} & set(terms)


def test_tags_weigh_more_than_text():
    terms = significant_terms("nurses nurses wards", tags=["Mental health"])
    assert terms[0][0] in {"mental", "health"} and dict(terms)["mental"] == 3


def test_words_from_an_article_url():
    assert text_from_reference(
        "https://articles.example.org/practice/probation-officers-caseloads-2025/?utm=x"
    ) == ("practice probation officers caseloads")
    assert text_from_reference("plain words here") == "plain words here"


@pytest.fixture
def board(db):
    now = timezone.now()

    def live(title, profession, description, place="leeds", days=1):
        return factories.LiveVacancyFactory(
            title=title,
            profession=factories.profession(profession),
            description=description,
            places=[factories.place(place)],
            published_at=now - timedelta(days=days),
        )

    return {
        "care": live(
            "Care Worker", "care-worker", "Support people at home. Flexible hours.", days=0
        ),
        "nurse": live("Staff Nurse", "registered-nurse", "Ward nursing in a busy hospital."),
        "sw": live(
            "Social Worker - Adults", "social-worker", "Assess needs and plan support.", days=0
        ),
        "cjsw": live(
            "Criminal Justice Social Worker",
            "social-worker",
            "Supervise people on community payback orders and write court reports.",
            place="sheffield",
            days=3,
        ),
        "po": live(
            "Probation Officer",
            "probation-officer",
            "Supervise people on licence, assess risk and write pre-sentence reports for court.",
            place="sheffield",
            days=5,
        ),
        "pso": live(
            "Probation Services Officer",
            "probation-officer",
            "Work with people on probation towards rehabilitation.",
            place="leeds",
            days=6,
        ),
    }


@pytest.mark.postgres
def test_probation_article_ranks_probation_jobs_first(board):
    ranked = list(related_vacancies(text=ARTICLE, limit=6))
    top_two = {v.pk for v in ranked[:2]}
    assert top_two == {board["po"].pk, board["pso"].pk}
    assert ranked[2].pk == board["cjsw"].pk
    assert board["nurse"].pk not in {v.pk for v in ranked}
    scores = [v.related_score for v in ranked]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.postgres
def test_related_near_a_place(board):
    ranked = list(
        related_vacancies(text=ARTICLE, filters={"location": "leeds", "radius": "10"}, limit=5)
    )
    assert ranked[0].pk == board["pso"].pk
    assert board["po"].pk not in {v.pk for v in ranked}


@pytest.mark.postgres
def test_related_api_post_with_tags(client, board):
    response = client.post(
        "/api/v1/vacancies/related/",
        {"text": ARTICLE, "tags": ["Probation", "Criminal justice"], "limit": 3},
        content_type="application/json",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["terms"][0] == "probation"
    assert body["results"][0]["profession"]["slug"] == "probation-officer"


def test_related_api_ranks_on_any_database(client, board, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        response = client.get(
            "/api/v1/vacancies/related/", {"text": "probation officer court reports", "limit": 3}
        )
    results = response.json()["results"]
    assert results[0]["reference"] == board["po"].reference
    assert board["nurse"].reference not in {r["reference"] for r in results}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({}, "text"),
        ({"text": "   "}, "text"),
        ({"text": "probation", "limit": "0"}, "limit"),
        ({"text": "probation", "location": "Atlantis"}, "location"),
        ({"text": "x" * 2001}, "text"),
    ],
)
def test_related_api_bad_input(client, db, query, field):
    response = client.get("/api/v1/vacancies/related/", query)
    assert response.status_code == 400 and field in response.json()


def test_related_post_bad_body(client, db):
    response = client.post(
        "/api/v1/vacancies/related/", {"tags": "not a list"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert {"text", "tags"} <= set(response.json())
