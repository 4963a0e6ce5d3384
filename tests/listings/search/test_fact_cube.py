"""The facts' cube by profession: its sums equal the rows counted, and writes reach it as the
cache's freshness rules say (listings/search/cache.py)."""

from __future__ import annotations

import random
import time
from collections import Counter

import pytest
from django.db import connection
from django.db.models import Count
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from common import cache as page_work
from employers.models import Sector
from listings import services
from listings.models import SHIFT_BITS, ContractType, Workplace
from listings.search import parse_search, search_page
from listings.search.cache import COUNTS_TTL_SECONDS
from listings.search.cache import counts as kept
from listings.search.facets import (
    FACT_CUBE_KEY,
    FactCube,
    _all_counts,
    _count_fact_cube,
    _counts_from_fact_cube,
    facet_counts,
    fact_counts,
    in_fact_cube,
    warm_cubes,
)
from listings.search.params import APART_FACETS, BY_NAME, FACET_NAMES
from tests import factories

pytestmark = pytest.mark.django_db

PROFESSIONS = ("registered-nurse", "care-worker", "social-worker", "nursing-associate")
# Professions and facts only: the facts' cube answers each of these.
CUBE_SEARCHES = [
    "",
    "band=band-5",
    "band=band-5&band=band-6",
    "shift=nights&sponsorship=yes",
    "profession=registered-nurse&band=band-5",
    "profession=care-worker&shift=waking-nights&driving=car&dbs=enhanced-barred",
    "profession=registered-nurse&profession=nursing-associate&registration=nmc",
    "welsh=essential&shift=days&shift=nights",
    "profession=social-worker",
    "dbs=enhanced&driving=licence&registration=none&welsh=not-needed&sponsorship=no",
    "band=band-6&shift=long-days&sort=closing&page=2",
]


def search(query: str = ""):
    return parse_search(QueryDict(query))


def _later(monkeypatch, seconds: float) -> None:
    monkeypatch.setattr(page_work, "_now", lambda: time.time() + seconds)


def _pick(rng: random.Random, name: str) -> str:
    """A value of the fact ``name``, or "" (not stated) one time in four."""
    values = [value for value, _label in BY_NAME[name].choices]
    return "" if rng.random() < 0.25 else rng.choice(values)


def _board(seed: int = 17) -> None:
    """Vacancies of four professions and three sectors with facts drawn at random, a few not
    live (they count nowhere)."""
    rng = random.Random(seed)
    professions = [factories.profession(slug) for slug in PROFESSIONS]
    employers = [
        factories.EmployerFactory(sector=sector)
        for sector in (Sector.NHS, Sector.INDEPENDENT, Sector.LOCAL_AUTHORITY)
    ]
    shifts = list(SHIFT_BITS)
    for i in range(80):
        band = _pick(rng, "band")
        maker = factories.LiveVacancyFactory if i % 10 else factories.ExpiredVacancyFactory
        maker(
            employer=rng.choice(employers),
            profession=rng.choice(professions),
            contract_type=rng.choice(ContractType.values),
            workplace=rng.choice(Workplace.values),
            pay_scale="afc" if band else "",
            pay_band=band,
            shift_patterns=rng.sample(shifts, k=rng.choice([0, 1, 1, 2, 3])),
            visa_sponsorship=_pick(rng, "sponsorship"),
            dbs_check=_pick(rng, "dbs"),
            driving=_pick(rng, "driving"),
            registration=_pick(rng, "registration"),
            welsh=_pick(rng, "welsh"),
        )


def _counted_from_rows(found) -> tuple[int, dict[str, dict]]:
    """The total and every facet's options by counting the matching rows with the ORM, each
    facet under the other filters only: what any cube must agree with."""
    slugs = {p.pk: slug for slug, p in found.professions.items()}
    counts: dict[str, dict] = {}
    for name in FACET_NAMES:
        param = BY_NAME[name]
        grouped = (
            found.filtered(exclude={name})
            .order_by()
            .values_list(param.column)
            .annotate(n=Count("pk"))
        )
        options: Counter = Counter()
        for value, n in grouped:
            if name == "profession":
                options[slugs[value]] += n
            elif param.bitmask:
                for pattern, bit in SHIFT_BITS.items():
                    if (value or 0) & bit:
                        options[pattern] += n
            elif value:
                options[value] += n
        counts[name] = dict(+options)
    return found.filtered().count(), counts


def _shown(facets) -> dict[str, dict]:
    return {
        facet.name: {option.value: option.count for option in facet.options if option.count}
        for facet in facets
    }


@pytest.mark.parametrize("query", CUBE_SEARCHES)
def test_the_fact_cube_sums_equal_the_rows_counted(query, django_assert_max_num_queries):
    _board()
    warm_cubes(search())
    found = search(query)
    assert in_fact_cube(found)
    expected_total, expected = _counted_from_rows(found)
    # The total, the professions and the facts: from the kept cube, no query.
    with django_assert_max_num_queries(0):
        total, counts = _all_counts(found)
        facts = fact_counts(found)
    assert total == expected_total
    assert dict(+counts["profession"]) == {
        found.professions[slug].pk: n for slug, n in expected["profession"].items()
    }
    assert {name: dict(+facts[name]) for name in APART_FACETS} == {
        name: expected[name] for name in APART_FACETS
    }
    # Every facet on the page, the other four counted from the rows (outside a request: at
    # once), agrees too.
    total, facets = facet_counts(found)
    assert (total, _shown(facets)) == (expected_total, expected)


def test_the_cube_agrees_with_the_rows_for_every_single_option():
    """Each option of each fact, alone and with each profession: ~200 searches."""
    _board(seed=2026)
    cube = FactCube.of(_count_fact_cube(search()), made="test")
    queries = [f"{name}={value}" for name in APART_FACETS for value, _ in BY_NAME[name].choices]
    queries += [f"profession={slug}&{q}" for slug in PROFESSIONS for q in queries]
    for query in queries:
        found = search(query)
        total, counts = _counts_from_fact_cube(found, cube)
        expected_total, expected = _counted_from_rows(found)
        assert total == expected_total, query
        assert {name: dict(+counts[name]) for name in APART_FACETS} == {
            name: expected[name] for name in APART_FACETS
        }, query


def test_a_search_with_another_facet_counts_its_rows(django_assert_max_num_queries):
    """A fact with a contract (a facet the facts' cube has no column for) is not summed from
    it: its rows are counted, and agree."""
    _board()
    warm_cubes(search())
    found = search("contract=permanent&band=band-5")
    assert not in_fact_cube(found)
    total, facets = facet_counts(found)
    assert (total, _shown(facets)) == _counted_from_rows(found)


def test_the_beat_keeps_the_fact_cube_and_the_unfiltered_facts_come_from_it(
    django_assert_max_num_queries,
):
    factories.LiveVacancyFactory(pay_scale="afc", pay_band="band-5")
    sizes = warm_cubes(search())
    assert sizes["facts"] == 1
    (row,) = kept.kept(FACT_CUBE_KEY).rows
    assert row[1] == "band-5" and row[-1] == 1
    found = search()
    with django_assert_max_num_queries(0):
        assert fact_counts(found)["band"]["band-5"] == 1


def _in_request():
    page_work._request_started()  # as a request's start does


def test_in_a_request_nothing_waits_for_the_cube_or_the_other_facets(employer):
    """No cube kept: the first request counts its rows and the cube is counted after its
    response; then a new search of its shape is summed from it, its other four facets shown
    without a number until one request has counted them after its response."""
    nurse = factories.profession("registered-nurse")
    factories.LiveVacancyFactory(
        employer=employer, profession=nurse, pay_scale="afc", pay_band="band-5",
        contract_type="bank",
    )  # fmt: skip
    factories.LiveVacancyFactory(employer=employer, profession=nurse)
    _in_request()
    try:
        results = search_page(QueryDict("band=band-5"), with_facets=True)
        assert results.total == 1  # counted from its rows
        assert kept.kept(FACT_CUBE_KEY) is None
    finally:
        page_work._run_after_response()  # the cube is counted here
    assert kept.kept(FACT_CUBE_KEY) is not None
    _in_request()
    try:
        with CaptureQueriesContext(connection) as during:
            results = search_page(QueryDict("profession=registered-nurse&band=band-5"))
            total, facets = facet_counts(results.filterset)
        assert total == 1
        assert _shown(facets)["band"] == {"band-5": 1}
        contract = next(f for f in facets if f.name == "contract")
        assert all(option.count is None for option in contract.options)  # not yet counted
    finally:
        page_work._run_after_response()
    assert not any("COUNT(" in q["sql"] for q in during.captured_queries)
    total, facets = facet_counts(search("profession=registered-nurse&band=band-5"))
    assert _shown(facets)["contract"] == {"bank": 1}


def test_publishing_editing_and_closing_reach_the_fact_cube_as_counts_do(
    employer, monkeypatch, django_capture_on_commit_callbacks
):
    """Additions and edits show once the counts' fresh time is over; a closed vacancy leaves
    the page's rows at once and the counts after their fresh time (two minutes at most)."""

    def total(query: str) -> int:
        return search_page(QueryDict(query)).paginator.count

    def rows(query: str) -> list[int]:
        return [v.pk for v in search_page(QueryDict(query)).page.object_list]

    nurse = factories.profession("registered-nurse")
    first = factories.LiveVacancyFactory(
        employer=employer, profession=nurse, pay_scale="afc", pay_band="band-5"
    )
    warm_cubes(search())
    assert total("band=band-5") == 1
    draft = factories.VacancyFactory(
        employer=employer, profession=nurse, pay_scale="afc", pay_band="band-5"
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.vacancy_publish(vacancy=draft)
    assert total("profession=registered-nurse&band=band-5") == 1  # the cube, still fresh
    _later(monkeypatch, COUNTS_TTL_SECONDS + 1)
    assert total("profession=registered-nurse&band=band-5") == 2  # counted again

    with django_capture_on_commit_callbacks(execute=True):
        services.vacancy_update(vacancy=first, pay_band="band-6")
    _later(monkeypatch, 2 * COUNTS_TTL_SECONDS + 2)
    assert total("band=band-5") == 1
    assert total("band=band-6") == 1

    with django_capture_on_commit_callbacks(execute=True):
        services.vacancy_close(vacancy=draft)
    assert draft.pk not in rows("band=band-5")  # gone from the rows at once
    _later(monkeypatch, 3 * COUNTS_TTL_SECONDS + 3)
    assert total("band=band-5") == 0
