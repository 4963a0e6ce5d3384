"""The public read API: the search (same answers as the HTML search), detail, related jobs,
professions, places, strict parameter errors, pagination cap, CORS and query counts."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.http import QueryDict
from django.utils import timezone

from employers.models import Sector
from listings.search import parse_search
from tests import factories

pytestmark = pytest.mark.django_db

ARTICLE_ORIGIN = "https://articles.example.org"


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def board(db):
    """A varied board: professions, places, contracts, sectors, pay periods and dates."""
    now = timezone.now()
    nhs = factories.EmployerFactory(
        name="Leeds Teaching Hospitals", slug="leeds-hospitals", sector=Sector.NHS
    )
    council = factories.EmployerFactory(
        name="Kirklees Council", slug="kirklees", sector=Sector.LOCAL_AUTHORITY
    )
    charity = factories.EmployerFactory(name="Hope Charity", slug="hope", sector=Sector.CHARITY)
    specs = [
        (
            "Social Worker - Adults",
            "social-worker",
            council,
            "leeds",
            "permanent",
            "full_time",
            "on_site",
            34000,
            42000,
            "year",
            1,
        ),
        (
            "Senior Social Worker",
            "social-worker",
            council,
            "huddersfield",
            "permanent",
            "full_time",
            "hybrid",
            42000,
            48000,
            "year",
            3,
        ),
        (
            "Registered Nurse Band 5",
            "registered-nurse",
            nhs,
            "leeds",
            "permanent",
            "full_time",
            "on_site",
            29970,
            36483,
            "year",
            2,
        ),
        (
            "Night Nurse",
            "registered-nurse",
            nhs,
            "bradford",
            "bank",
            "part_time",
            "on_site",
            20,
            25,
            "hour",
            10,
        ),
        (
            "Care Worker",
            "care-worker",
            charity,
            "york",
            "temporary",
            "flexible",
            "on_site",
            12,
            14,
            "hour",
            5,
        ),
        (
            "Support Worker - Supported Living",
            "support-worker",
            charity,
            "manchester",
            "fixed_term",
            "part_time",
            "on_site",
            12,
            15,
            "hour",
            20,
        ),
        (
            "Probation Officer",
            "probation-officer",
            council,
            "sheffield",
            "permanent",
            "full_time",
            "hybrid",
            32000,
            42000,
            "year",
            7,
        ),
        (
            "Occupational Therapist",
            "occupational-therapist",
            nhs,
            "london",
            "locum",
            "full_time",
            "remote",
            250,
            300,
            "day",
            40,
        ),
        (
            "Mental Health Practitioner",
            "mental-health-practitioner",
            nhs,
            "leeds",
            "permanent",
            "full_time",
            "on_site",
            None,
            None,
            "year",
            4,
        ),
        (
            "Healthcare Assistant",
            "healthcare-assistant",
            nhs,
            "wakefield",
            "permanent",
            "part_time",
            "on_site",
            24070,
            None,
            "year",
            0,
        ),
    ]
    vacancies = []
    for i, (
        title,
        prof,
        employer,
        place,
        contract,
        pattern,
        workplace,
        low,
        high,
        period,
        days,
    ) in enumerate(specs):
        vacancies.append(
            factories.LiveVacancyFactory(
                title=title,
                profession=factories.profession(prof),
                employer=employer,
                places=[factories.place(place)],
                contract_type=contract,
                working_pattern=pattern,
                workplace=workplace,
                salary_min=None if low is None else Decimal(low),
                salary_max=None if high is None else Decimal(high),
                salary_period=period,
                published_at=now - timedelta(days=days, hours=i),
                closes_at=now + timedelta(days=5 + i * 3),
            )
        )
    factories.ClosedVacancyFactory(title="Closed Social Worker", employer=council)
    factories.VacancyFactory(title="Draft Social Worker", employer=council)
    return vacancies


SEARCHES = [
    "",
    "profession=social-worker",
    "profession=social-worker&profession=registered-nurse",
    "location=leeds",
    "location=leeds&radius=30",
    "location=Leeds&radius=50&sort=distance",
    "location=sheffield&radius=100&sort=distance",
    "contract=permanent",
    "contract=bank&contract=temporary",
    "pattern=part_time",
    "workplace=hybrid&workplace=remote",
    "sector=nhs",
    "sector=charity&pattern=part_time",
    "employer=kirklees",
    "salary_min=35000",
    "salary_min=40000&sort=salary",
    "posted=3",
    "posted=7&sort=closing",
    "sort=salary",
    "sort=closing",
    "q=nurse",
    "q=social+worker",
    "q=worker&sort=newest",
    "q=worker&sort=relevance",
    "profession=registered-nurse&location=leeds&radius=20&contract=permanent",
    "sector=nhs&salary_min=30000&sort=salary",
]


@pytest.mark.parametrize("query", SEARCHES)
def test_api_list_matches_html_search(client, board, query):
    """The API answers a query string with exactly the vacancies the search shows, in order."""
    expected = [v.reference for v in parse_search(QueryDict(query), now=timezone.now()).qs]
    response = client.get(f"/api/v1/vacancies/?{query}&page_size=50")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert [row["reference"] for row in body["results"]] == expected
    assert body["count"] == len(expected)


def test_searches_cover_results(board):
    """Guard the parity test: most searches match something, and not everything."""
    counts = [parse_search(QueryDict(q)).qs.count() for q in SEARCHES]
    assert sum(1 for c in counts if 0 < c < len(board)) >= len(SEARCHES) - 4


def test_vacancy_fields(client, board):
    body = client.get("/api/v1/vacancies/?profession=probation-officer").json()
    row = body["results"][0]
    vacancy = board[6]
    assert row["reference"] == vacancy.reference
    assert row["url"] == f"http://127.0.0.1:8000/vacancies/{vacancy.reference}/{vacancy.slug}/"
    assert row["apply_url"].endswith(f"/vacancies/{vacancy.reference}/apply/?source=api")
    assert row["salary"] == {
        "min": 32000.0,
        "max": 42000.0,
        "currency": "GBP",
        "period": "year",
        "annual_min": 32000.0,
        "annual_max": 42000.0,
    }
    assert row["employer"]["slug"] == "kirklees"
    assert row["employer"]["url"] == "http://127.0.0.1:8000/employers/kirklees/"
    assert row["profession"] == {"slug": "probation-officer", "name": "Probation Officer"}
    assert row["places"][0]["slug"] == "sheffield"
    assert row["published_at"].endswith(("+00:00", "+01:00", "Z"))
    assert body["search_url"] == "http://127.0.0.1:8000/jobs/?profession=probation-officer"


def test_hourly_salary_is_annualised(client, board):
    row = client.get("/api/v1/vacancies/?profession=care-worker").json()["results"][0]
    assert row["salary"]["period"] == "hour"
    assert row["salary"]["min"] == 12.0
    assert row["salary"]["annual_min"] == 12.0 * 1950


def test_missing_salary_is_null(client, board):
    row = client.get("/api/v1/vacancies/?profession=mental-health-practitioner").json()["results"][
        0
    ]
    assert row["salary"] is None


def test_distance_given_with_location(client, board):
    rows = client.get("/api/v1/vacancies/?location=leeds&radius=20").json()["results"]
    assert rows and all(row["distance_miles"] is not None for row in rows)
    assert client.get("/api/v1/vacancies/").json()["results"][0]["distance_miles"] is None


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("contract=forever", "contract"),
        ("pattern=sometimes", "pattern"),
        ("workplace=moon", "workplace"),
        ("sector=mafia", "sector"),
        ("profession=astronaut", "profession"),
        ("location=Atlantis", "location"),
        ("radius=ten&location=leeds", "radius"),
        ("radius=500&location=leeds", "radius"),
        ("radius=10", "radius"),
        ("salary_min=lots", "salary_min"),
        ("salary_min=-5", "salary_min"),
        ("posted=0", "posted"),
        ("posted=9999", "posted"),
        ("sort=cheapest", "sort"),
        ("sort=distance", "sort"),
        ("employer=nobody-at-all", "employer"),
        ("page=0", "page"),
        ("page=abc", "page"),
        ("page=51", "page"),
        ("page_size=500", "page_size"),
        ("q=" + "x" * 201, "q"),
    ],
)
def test_bad_parameters_are_400_with_field_errors(client, board, query, field):
    response = client.get(f"/api/v1/vacancies/?{query}")
    assert response.status_code == 400
    assert field in response.json()


def test_page_cap_is_a_clear_400(client, board):
    response = client.get("/api/v1/vacancies/?page=51")
    assert response.status_code == 400
    assert "50" in response.json()["page"][0]


def test_pages_link_to_each_other(client, board):
    first = client.get("/api/v1/vacancies/?page_size=4").json()
    assert first["pages"] == 3 and first["previous"] is None
    second = client.get(first["next"].replace("http://127.0.0.1:8000", "")).json()
    assert second["page"] == 2
    assert not {r["reference"] for r in first["results"]} & {
        r["reference"] for r in second["results"]
    }
    beyond = client.get("/api/v1/vacancies/?page_size=4&page=9").json()
    assert beyond["results"] == [] and beyond["next"] is None


def test_list_query_count_is_constant(client, board, django_assert_max_num_queries):
    for i in range(15):
        factories.LiveVacancyFactory(
            title=f"Extra {i}", places=[factories.place("leeds"), factories.place("york")]
        )
    # Checks of the place and employer, then the search's own: professions, place, employer,
    # places in range, count, the page's ids, its rows, their places (the same late
    # materialisation as the HTML search). None of them grows with the rows.
    with django_assert_max_num_queries(10):
        body = client.get(
            "/api/v1/vacancies/?location=leeds&radius=50&employer=kirklees&page_size=50"
        ).json()
    assert body["count"] >= 1
    with django_assert_max_num_queries(5):
        assert len(client.get("/api/v1/vacancies/?page_size=50").json()["results"]) == 25


def test_detail_by_reference(client, board):
    vacancy = board[0]
    body = client.get(f"/api/v1/vacancies/{vacancy.reference.lower()}/").json()
    assert body["reference"] == vacancy.reference
    assert body["status"] == "live" and body["is_live"] is True
    assert "<h2>What we offer</h2>" in body["description_html"]


def test_detail_of_closed_vacancy_says_so(client, db):
    closed = factories.ClosedVacancyFactory()
    body = client.get(f"/api/v1/vacancies/{closed.reference}/").json()
    assert body["status"] == "closed" and body["is_live"] is False and body["apply_url"] is None


@pytest.mark.parametrize("factory", [factories.VacancyFactory, factories.PendingVacancyFactory])
def test_unpublished_vacancy_is_404(client, db, factory):
    assert client.get(f"/api/v1/vacancies/{factory().reference}/").status_code == 404


def test_professions_with_counts(client, board, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        body = client.get("/api/v1/professions/").json()
    counts = {row["slug"]: row["live_vacancy_count"] for row in body}
    assert counts["social-worker"] == 2 and counts["registered-nurse"] == 2
    detail = client.get("/api/v1/professions/social-worker/").json()
    assert detail["url"] == "http://127.0.0.1:8000/jobs/social-worker/"


def test_places_autocomplete(client, db):
    body = client.get("/api/v1/places/?q=leed").json()
    assert body[0]["slug"] == "leeds" and body[0]["lat"] and body[0]["nation"] == "England"
    assert body[0]["label"] == "Leeds"  # as people say it, not "Leeds, City and Borough of Leeds"
    assert client.get("/api/v1/places/?q=l").status_code == 400
    assert "q" in client.get("/api/v1/places/").json()
    assert len(client.get("/api/v1/places/?q=new&limit=3").json()) == 3


def test_anonymous_cannot_write(client, board):
    assert client.post("/api/v1/vacancies/", {}).status_code in (401, 403, 405)
    assert client.post("/api/v1/employer/vacancies/", {}).status_code in (401, 403)


def test_cors_only_for_article_origins(client, board, settings):
    settings.CORS_ALLOWED_ORIGINS = [ARTICLE_ORIGIN]
    allowed = client.get("/api/v1/vacancies/", HTTP_ORIGIN=ARTICLE_ORIGIN)
    assert allowed["Access-Control-Allow-Origin"] == ARTICLE_ORIGIN
    other = client.get("/api/v1/vacancies/", HTTP_ORIGIN="https://evil.example")
    assert "Access-Control-Allow-Origin" not in other
    page = client.get("/jobs/", HTTP_ORIGIN=ARTICLE_ORIGIN)
    assert "Access-Control-Allow-Origin" not in page


def test_anonymous_throttle(client, board, settings):
    from rest_framework.throttling import AnonRateThrottle

    original = AnonRateThrottle.THROTTLE_RATES
    AnonRateThrottle.THROTTLE_RATES = {**original, "anon": "3/minute"}
    try:
        codes = [client.get("/api/v1/professions/").status_code for _ in range(4)]
    finally:
        AnonRateThrottle.THROTTLE_RATES = original
    assert codes == [200, 200, 200, 429]


def test_schema_and_docs_are_served_without_cdn(client, db):
    schema = client.get("/api/schema/?format=json").json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/vacancies/" in schema["paths"]
    assert "/api/v1/vacancies/related/" in schema["paths"]
    params = {p["name"] for p in schema["paths"]["/api/v1/vacancies/"]["get"]["parameters"]}
    assert {
        "q",
        "location",
        "radius",
        "profession",
        "contract",
        "salary_min",
        "sort",
        "page",
    } <= params
    for url in ("/api/docs/", "/api/redoc/"):
        html = client.get(url).content.decode()
        assert "/static/drf_spectacular_sidecar/" in html
        assert "cdn" not in html.lower() and "googleapis" not in html


# --- the care-sector facts ---------------------------------------------------------------------
def test_schema_documents_each_fact_parameter_with_its_values(client, db):
    schema = client.get("/api/schema/?format=json").json()
    params = {p["name"]: p for p in schema["paths"]["/api/v1/vacancies/"]["get"]["parameters"]}
    for name in ("band", "shift", "sponsorship", "dbs", "driving", "registration", "welsh"):
        assert name in params, name
        assert params[name].get("description"), name
    band = params["band"]["schema"]
    assert band["type"] == "array" and "band-8a" in band["items"]["enum"]
    assert "waking-nights" in params["shift"]["schema"]["items"]["enum"]


def test_api_filters_by_the_facts_and_shows_them(client, db):
    factories.LiveVacancyFactory(title="Band 5 nights", pay_scale="afc", pay_band="band-5", shift_patterns=["nights"], visa_sponsorship="yes")  # fmt: skip
    factories.LiveVacancyFactory(title="Band 6 days", pay_scale="afc", pay_band="band-6", shift_patterns=["days"])  # fmt: skip
    answer = client.get("/api/v1/vacancies/", {"band": "band-5", "shift": "nights"}).json()
    assert [row["title"] for row in answer["results"]] == ["Band 5 nights"]
    row = answer["results"][0]
    assert row["pay_band"] == "band-5" and row["shifts"] == ["nights"]
    assert row["visa_sponsorship"] == "yes" and "outcome" not in row


@pytest.mark.parametrize(
    "query",
    ["band=band-8", "shift=graveyard", "sponsorship=maybe", "dbs=extreme", "driving=bike",
     "registration=bma", "welsh=fluent"],
)  # fmt: skip
def test_api_names_a_bad_fact_value(client, db, query):
    response = client.get(f"/api/v1/vacancies/?{query}")
    assert response.status_code == 400
    assert query.split("=")[0] in response.json()
