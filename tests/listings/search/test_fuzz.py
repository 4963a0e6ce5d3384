"""Property tests over the search's query string, for every face that takes it: the HTML search,
the landing pages, the feeds and the widget.

Any mix of the contract's parameters (and strangers), with valid, invalid, hostile and Unicode
values, repeated keys and undecodable bytes, must give a page (never a 5xx), and every vacancy
shown must honour every filter the FilterSet accepted. Where the search has no keywords and the
first page holds everything, the results must also be *exactly* the vacancies that honour them.
"""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.http import QueryDict
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from employers.models import Employer, Sector
from listings.models import ContractType, Vacancy, WorkingPattern, Workplace
from listings.search import NAMES as PARAMS
from listings.search import Search, haversine_miles, parse_search
from tests import factories
from tests.browser.helpers import ensure_reference_data
from tests.factories import place, profession

# Examples per property: 40 keeps the four properties near a minute on a small machine;
# SEARCH_FUZZ_EXAMPLES=500 digs deeper before a release.
FUZZ = settings(
    max_examples=int(os.environ.get("SEARCH_FUZZ_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
PROFESSIONS = ["social-worker", "registered-nurse", "care-worker"]
PLACES = ["leeds", "york", "bristol", "camden-town"]


# --- A small fixed dataset, made once for the module -----------------------------------------


@pytest.fixture(scope="module")
def dataset(django_db_setup, django_db_blocker):
    """Sixteen live vacancies across every filter's values, and some that must never show.

    Committed outside the per-test transactions (the tests only read), removed afterwards.
    """
    with django_db_blocker.unblock():
        ensure_reference_data()
        now = timezone.now()
        employers = [
            factories.EmployerFactory(name="Fuzz NHS Trust", slug="fuzz-nhs", sector=Sector.NHS),
            factories.EmployerFactory(
                name="Fuzz Council", slug="fuzz-council", sector=Sector.LOCAL_AUTHORITY
            ),
            factories.EmployerFactory(name="Fuzz Care", slug="fuzz-care", sector=Sector.CHARITY),
        ]
        contracts, patterns, workplaces = (
            ContractType.values,
            WorkingPattern.values,
            Workplace.values,
        )
        salaries = [(Decimal("12.50"), Decimal("14"), "hour"), (Decimal("24000"), None, "year"),
                    (Decimal("32000"), Decimal("41000"), "year"), (None, None, "year"),
                    (Decimal("150"), Decimal("210"), "day")]  # fmt: skip
        vacancies = []
        for i in range(16):
            low, high, period = salaries[i % len(salaries)]
            vacancies.append(
                factories.LiveVacancyFactory(
                    title=f"Fuzz vacancy {i} nurse carer",
                    employer=employers[i % 3],
                    profession=profession(PROFESSIONS[i % 3]),
                    contract_type=contracts[i % len(contracts)],
                    working_pattern=patterns[i % len(patterns)],
                    workplace=workplaces[i % len(workplaces)],
                    salary_min=low,
                    salary_max=high,
                    salary_period=period,
                    places=[place(PLACES[i % 4])] + ([place("york")] if i % 5 == 0 else []),
                    published_at=now - timedelta(days=i * 3, hours=1),
                )
            )
        hidden = [
            factories.ClosedVacancyFactory(employer=employers[0], title="Fuzz closed"),
            factories.ExpiredVacancyFactory(employer=employers[1], title="Fuzz expired"),
            factories.VacancyFactory(employer=employers[2], title="Fuzz draft"),
            factories.PendingVacancyFactory(employer=employers[0], title="Fuzz pending"),
        ]
        yield {"live": {v.pk for v in vacancies}, "hidden": {v.pk for v in hidden}}
        Vacancy.objects.filter(pk__in=[v.pk for v in vacancies + hidden]).delete()
        Employer.objects.filter(pk__in=[e.pk for e in employers]).delete()


# --- Query strings ---------------------------------------------------------------------------

HOSTILE = [
    "", " ", "-1", "0", "1e309", "NaN", "inf", "9" * 400, "35k", "£30,000", "30 000", "0x10",
    "<script>alert(1)</script>", "' OR 1=1 --", "%00", "\x00", "../../etc/passwd", "${7*7}",
    "{{7*7}}", "\u202eevil", "\ufeff", "ＬＥＥＤＳ", "leeds\x00", "Ω≈ç√∫", "🙂", "null", "[]",
]  # fmt: skip
VALID = {
    "q": ["nurse", "carer", "fuzz vacancy", "nurse OR carer", '"fuzz vacancy"'],
    "location": ["leeds", "Leeds", "York", "bristol", "Camden Town", "atlantis"],
    "radius": ["1", "5", "10", "30", "200", "500"],
    "profession": PROFESSIONS + ["probation-officer"],
    "contract": ContractType.values,
    "pattern": WorkingPattern.values,
    "workplace": Workplace.values,
    "sector": [Sector.NHS, Sector.LOCAL_AUTHORITY, Sector.CHARITY, Sector.AGENCY],
    "employer": ["fuzz-nhs", "fuzz-council", "Fuzz Care", "no-such-employer"],
    "salary_min": ["20000", "25000", "30000", "40000", "£35k"],
    "posted": ["1", "3", "7", "14", "30", "365"],
    "sort": ["relevance", "newest", "closing", "salary", "distance"],
    "page": ["1", "2", "0", "-1", "99999999999"],
}
NAMES = st.sampled_from([*PARAMS, "page", "limit", "related", "title", "utm_source", "x"])
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=30)


@st.composite
def pair(draw):
    name = draw(NAMES)
    value = draw(
        st.one_of(
            st.sampled_from(VALID.get(name, ["1"])),
            st.sampled_from(VALID[draw(st.sampled_from(sorted(VALID)))]),
            st.sampled_from(HOSTILE),
            TEXT,
            st.binary(max_size=6),  # percent-encoded bytes, often not UTF-8
        )
    )
    return name, value


QUERIES = st.lists(pair(), max_size=8).map(lambda pairs: urlencode(pairs))


# --- What a result must honour ---------------------------------------------------------------


def honours(vacancy: Vacancy, filterset: Search) -> list[str]:
    """The filters the FilterSet accepted that this vacancy breaks (none, if it is right)."""
    filterset.errors  # noqa: B018 - fills cleaned_data
    data = filterset.form.cleaned_data
    now = filterset.now
    broken = []
    if not (
        vacancy.status == Vacancy.Status.LIVE and vacancy.published_at <= now < vacancy.closes_at
    ):  # noqa: E501
        return ["live"]
    if data.get("profession") and vacancy.profession.slug not in data["profession"]:
        broken.append("profession")
    if data.get("contract") and vacancy.contract_type not in data["contract"]:
        broken.append("contract")
    if data.get("pattern") and vacancy.working_pattern not in data["pattern"]:
        broken.append("pattern")
    if data.get("workplace") and vacancy.workplace not in data["workplace"]:
        broken.append("workplace")
    if data.get("sector") and vacancy.employer.sector not in data["sector"]:
        broken.append("sector")
    if data.get("employer") and vacancy.employer.slug != data["employer"]:
        broken.append("employer")
    if data.get("salary_min") is not None:
        top = vacancy.salary_annual_max
        top = vacancy.salary_annual_min if top is None else top
        if top is None or top < data["salary_min"]:
            broken.append("salary_min")
    posted = data.get("posted")
    if posted is not None and vacancy.published_at < now - timedelta(days=int(posted)):
        broken.append("posted")
    if filterset.place is not None:
        origin, miles = filterset.place, filterset.radius_miles
        nearest = min(
            haversine_miles(origin.lat, origin.lng, p.lat, p.lng) for p in vacancy.places.all()
        )  # noqa: E501
        if nearest > miles + 0.01:
            broken.append("location")
    return broken


def assert_honoured(vacancies, filterset, where: str) -> None:
    for vacancy in vacancies:
        broken = honours(vacancy, filterset)
        assert not broken, (
            f"{where}: {vacancy.title} breaks {broken} ({filterset.data.urlencode()})"
        )


def expected_ids(filterset: Search, dataset) -> set[int]:
    """Every vacancy of the dataset that honours the accepted filters (keywords aside)."""
    candidates = Vacancy.objects.filter(pk__in=dataset["live"] | dataset["hidden"])
    candidates = candidates.select_related("employer", "profession").prefetch_related("places")
    return {v.pk for v in candidates if not honours(v, filterset)}


# --- The properties ---------------------------------------------------------------------------


@pytest.mark.django_db
@FUZZ
@given(query=QUERIES)
def test_search_page(dataset, query):
    response = Client().get(f"/jobs/?{query}")
    assert response.status_code == 200, query
    filterset = response.context["filterset"]
    shown = list(response.context["page"].object_list)
    assert_honoured(shown, filterset, "/jobs/")
    if not filterset.data.get("q") and response.context["page"].number == 1:
        assert {v.pk for v in shown} == expected_ids(filterset, dataset), query


@pytest.mark.django_db
@FUZZ
@given(query=QUERIES, landing=st.sampled_from(["social-worker", "care-worker/in/leeds"]))
def test_landing_pages(dataset, query, landing):
    response = Client().get(f"/jobs/{landing}/?{query}")
    assert response.status_code == 200, query
    filterset = response.context["filterset"]
    assert filterset.form.cleaned_data["profession"] == [landing.split("/")[0]]
    if "/in/" in landing:
        assert filterset.place is not None and filterset.place.slug == "leeds"
    assert_honoured(response.context["page"].object_list, filterset, landing)


REFERENCE = re.compile(r"/vacancies/([^/]+)/")


@pytest.mark.django_db
@FUZZ
@given(query=QUERIES, kind=st.sampled_from(["rss", "atom"]))
def test_feeds(dataset, query, kind):
    response = Client().get(f"/jobs/feed/{kind}/?{query}")
    assert response.status_code == 200, query
    root = ET.fromstring(response.content)
    links = [el.text or el.get("href", "") for el in root.iter() if el.tag.endswith("link")]
    references = {m.group(1) for link in links if (m := REFERENCE.search(link or ""))}
    listed = Vacancy.objects.filter(reference__in=references).select_related(
        "employer", "profession"
    )
    # The feed parses the raw query string as the search does.
    filterset = parse_search(QueryDict(query), now=timezone.now())
    assert_honoured(listed, filterset, f"{kind} feed")


@pytest.mark.django_db
@FUZZ
@given(query=QUERIES)
def test_widget(dataset, query):
    response = Client().get(f"/embed/jobs/?{query}")
    assert response.status_code == 200, query
    vacancies = response.context["vacancies"]
    assert len(vacancies) <= 10
    search = QueryDict(query, mutable=True)
    for name in ("limit", "related", "parent", "title"):
        search.pop(name, None)
    filterset = parse_search(search, now=timezone.now())
    assert_honoured(vacancies, filterset, "widget")
    if not filterset.data.get("q") and not response.wsgi_request.GET.get("related", "").strip():
        assert response.context["total"] == len(expected_ids(filterset, dataset))
