"""A search's page of results and its counts: facets, the cubes, bounded pagination, late
materialisation, distances."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.http import QueryDict
from django.utils import timezone

from common.db import on_postgresql
from employers.models import Sector
from listings.search import (
    MAX_PAGES,
    facet_counts,
    parse_search,
    place_suggestions,
    read_page_number,
    search_page,
    search_vacancies,
)
from listings.search import warm_cubes as warm_all_cubes
from listings.search.cache import counts as kept
from listings.search.facets import (
    _all_counts,
    _count_cube,
    _counts_from_cube,
    _counts_from_rows,
    _cube_key,
    cube_dimension,
)
from tests import factories
from tests.factories import place, profession

pytestmark = pytest.mark.django_db


def counted(query: str) -> tuple[int, dict[str, dict[str, int]]]:
    total, facets = facet_counts(parse_search(QueryDict(query)))
    return total, {f.name: {o.value: o.count for o in f.options} for f in facets}


def test_facets_count_each_option_under_the_other_filters():
    nhs = factories.EmployerFactory(sector=Sector.NHS)
    factories.LiveVacancyFactory(contract_type="permanent", profession=profession("registered-nurse"), employer=nhs)  # fmt: skip
    factories.LiveVacancyFactory(contract_type="bank", profession=profession("registered-nurse"))
    factories.LiveVacancyFactory(contract_type="bank", profession=profession("care-worker"))
    factories.VacancyFactory(contract_type="bank")  # a draft: never counted

    total, counts = counted("")
    assert total == 3
    assert counts["contract"]["bank"] == 2 and counts["contract"]["permanent"] == 1
    assert counts["profession"]["registered-nurse"] == 2
    assert counts["sector"] == {s: (1 if s == "nhs" else 2 if s == "independent" else 0) for s in counts["sector"]}  # fmt: skip

    # Choosing bank narrows the other facets, but the contract facet still shows what
    # choosing another contract type would give.
    total, counts = counted("contract=bank")
    assert total == 2
    assert counts["contract"]["permanent"] == 1
    assert counts["profession"]["registered-nurse"] == 1
    assert counts["profession"]["care-worker"] == 1

    total, counts = counted("contract=bank&profession=care-worker")
    assert total == 1
    assert counts["contract"] == {**dict.fromkeys(counts["contract"], 0), "bank": 1}
    assert counts["profession"]["registered-nurse"] == 1  # bank nurses, ignoring profession


def test_facet_options_list_every_choice_with_selection():
    factories.LiveVacancyFactory()
    _, facets = facet_counts(parse_search(QueryDict("workplace=remote")))
    workplace = next(f for f in facets if f.name == "workplace")
    assert [o.value for o in workplace.options] == ["on_site", "hybrid", "remote"]
    assert [o.selected for o in workplace.options] == [False, False, True]
    assert workplace.selected_count == 1


def test_search_vacancies_accepts_params_or_a_search(django_assert_num_queries):
    factories.LiveVacancyFactory(title="A", contract_type="bank")
    factories.LiveVacancyFactory(title="B")
    assert [v.title for v in search_vacancies({"contract": ["bank"]})] == ["A"]
    filterset = parse_search(QueryDict("contract=bank"))
    rows = search_vacancies(filterset)
    with django_assert_num_queries(2):  # the rows with employer and profession, then places
        vacancy = list(rows)[0]
        assert vacancy.employer.name and vacancy.profession.name
        assert [p.slug for p in vacancy.places.all()] == ["leeds"]


def make_live(count: int, **kwargs):
    now = timezone.now()
    return [
        factories.LiveVacancyFactory(
            title=f"Job {i:03d}", published_at=now - timedelta(minutes=i), **kwargs
        )  # fmt: skip
        for i in range(count)
    ]


def test_search_page_paginates_in_order():
    make_live(25)
    results = search_page(QueryDict(""), size=10)
    assert results.total == 25
    assert results.paginator.num_pages == 3
    assert [v.title for v in results.page.object_list][:2] == ["Job 000", "Job 001"]
    page3 = search_page(QueryDict("page=3"), size=10)
    assert [v.title for v in page3.page.object_list] == [f"Job {i:03d}" for i in range(20, 25)]
    assert page3.notices == []


def test_page_past_the_end_shows_the_last_page_with_a_notice():
    make_live(3)
    results = search_page(QueryDict("page=9"), size=2)
    assert results.page.number == 2
    assert "only 2 pages" in results.notices[0]


@pytest.mark.parametrize(
    "raw", ["1000000000000", "99999999999999999999999999", "-1", "abc", "½", "٣"]
)
def test_absurd_page_numbers_never_fail(raw):
    make_live(3)
    results = search_page(QueryDict(f"page={raw}"), size=2)
    assert results.page.number in (1, 2)
    assert results.notices


def test_page_count_is_capped():
    make_live(7)
    results = search_page(QueryDict("page=6"), size=1, max_pages=4)
    assert results.paginator.num_pages == 4
    assert results.paginator.is_capped
    assert results.page.number == 4
    assert "first 4 pages" in results.notices[0]
    assert MAX_PAGES == 50


def test_read_page_number():
    notices: list[str] = []
    assert read_page_number(None, notices) == 1
    assert read_page_number("", notices) == 1
    assert read_page_number("7", notices) == 7
    assert notices == []
    assert read_page_number("0", notices) == 1
    assert len(notices) == 1


def test_distances_are_added_to_results():
    factories.LiveVacancyFactory(places=[place("bradford"), place("london")])
    results = search_page(QueryDict("location=leeds&radius=15"))
    vacancy = results.page.object_list[0]
    assert [p.slug for p, _ in vacancy.place_distances] == ["bradford", "london"]
    assert 8 < vacancy.distance < 9


@pytest.mark.parametrize("rows", [1, 30])
def test_search_query_count_is_constant(rows, django_assert_max_num_queries):
    """Professions, place, nearby places, employer, two facet queries, ids, rows, places
    (and on PostgreSQL one count of the last day's matches, for the relevance window)."""
    employers = [factories.EmployerFactory(sector=Sector.NHS) for _ in range(min(rows, 5))]
    for i in range(rows):
        factories.LiveVacancyFactory(
            employer=employers[i % len(employers)],
            profession=profession(["social-worker", "registered-nurse", "care-worker"][i % 3]),
            places=[place("leeds"), place("bradford"), place("otley")][: 1 + i % 3],
        )
    params = QueryDict(
        f"q=worker&location=leeds&contract=permanent&employer={employers[0].slug}&page=1"
    )
    with django_assert_max_num_queries(11 if connection.vendor == "postgresql" else 10):
        results = search_page(params, size=25)
        for vacancy in results.page.object_list:
            assert vacancy.employer.name and vacancy.profession.name
            list(vacancy.places.all())


def test_place_suggestions():
    names = [p.name for p in place_suggestions("lee")]
    assert "Leeds" in names and all(n.lower().startswith("lee") for n in names)
    assert len(place_suggestions("a", limit=10)) == 0
    assert len(place_suggestions("new", limit=3)) == 3


# --- the facet cube -------------------------------------------------------------------------
CUBE_SEARCHES = [
    "",
    "profession=social-worker",
    "profession=social-worker&profession=care-worker&contract=permanent",
    "contract=bank&contract=locum&pattern=part_time",
    "sector=nhs&workplace=remote&workplace=hybrid",
    "profession=registered-nurse&sector=nhs&sector=charity&pattern=full_time&sort=closing",
    "workplace=on_site&page=2",
    "salary_min=35000",
    "salary_min=20000&profession=social-worker&sort=salary",
    "salary_min=80000&contract=permanent",
    "posted=1",
    "posted=7&contract=bank&contract=permanent",
    "posted=30&sector=nhs",
]


@pytest.mark.parametrize("query", CUBE_SEARCHES)
def test_facet_cube_counts_equal_counting_the_rows(query, django_assert_max_num_queries):
    from itertools import product

    sectors = [Sector.NHS, Sector.CHARITY, Sector.INDEPENDENT]
    employers = [factories.EmployerFactory(sector=sector) for sector in sectors]
    combos = product(
        ["social-worker", "care-worker", "registered-nurse"],
        ["permanent", "bank", "locum"],
        ["full_time", "part_time"],
        ["on_site", "remote", "hybrid"],
    )
    # Salaries on both sides of the options (a single figure, hourly pay, none at all) and
    # publication times on both sides of each "posted within" edge.
    salaries = [
        (Decimal("19000"), Decimal("24999"), "year"),
        (Decimal("35000"), None, "year"),
        (Decimal("30000"), Decimal("45000"), "year"),
        (Decimal("18"), Decimal("21"), "hour"),
        (None, None, "year"),
        (Decimal("60000"), Decimal("95000"), "year"),
    ]
    ages = [timedelta(hours=2), timedelta(days=2), timedelta(days=6), timedelta(days=13),
            timedelta(days=20), timedelta(days=45)]  # fmt: skip
    now = timezone.now()
    for index, (slug, contract, pattern, workplace) in enumerate(combos):
        if index % 3:  # a sparse cube, as real ones are
            continue
        salary_min, salary_max, period = salaries[index // 3 % len(salaries)]
        factories.LiveVacancyFactory(
            employer=employers[index % 3],
            profession=profession(slug),
            contract_type=contract,
            working_pattern=pattern,
            workplace=workplace,
            salary_min=salary_min,
            salary_max=salary_max,
            salary_period=period,
            published_at=now - ages[index // 3 % len(ages)],
        )
    factories.ClosedVacancyFactory(profession=profession("social-worker"))  # never counted
    filterset = parse_search(QueryDict(query), now=now)
    dimension = cube_dimension(filterset)
    assert dimension is not False
    expected_total, expected = _counts_from_rows(filterset)
    # The cube itself (with a memory setting on PostgreSQL when it has a level); the
    # professions are loaded.
    with_setting = dimension and on_postgresql()
    with django_assert_max_num_queries(2 if with_setting else 1):
        cube = _count_cube(filterset, dimension)
    total, counts = _counts_from_cube(filterset, dimension, cube)
    assert total == expected_total
    assert any(expected[name] for name in expected)  # something to compare
    assert {name: +counter for name, counter in counts.items()} == {
        name: +counter for name, counter in expected.items()
    }


@pytest.mark.parametrize(
    "query",
    [
        "profession=social-worker&salary_min=45001",  # between the options the form offers
        "posted=2",
        "salary_min=45000&posted=7",  # two extra dimensions
        "q=nurse",
        "location=leeds&radius=10",
        "employer=oakleaf",
    ],
)
def test_searches_a_cube_cannot_answer_count_their_rows(query):
    factories.LiveVacancyFactory(
        salary_max=50000, employer=factories.EmployerFactory(name="Oakleaf", slug="oakleaf")
    )
    assert cube_dimension(parse_search(QueryDict(query))) is False


def test_cube_answers_facets_and_offered_options():
    def dimension(query):
        return cube_dimension(parse_search(QueryDict(query)))

    assert dimension("profession=social-worker&sort=newest&page=2") is None
    assert dimension("profession=social-worker&salary_min=45000") == "salary_min"
    assert dimension("posted=7&contract=bank") == "posted"


def test_a_process_reads_a_level_cube_once_until_the_beat_counts_it_again(
    monkeypatch, django_capture_on_commit_callbacks
):
    from listings.search import facets

    factories.LiveVacancyFactory(salary_min=Decimal("40000"), salary_max=None)
    reads = []
    real_kept = kept.kept
    monkeypatch.setattr(
        kept, "kept", lambda identity: reads.append(identity) or real_kept(identity)
    )
    monkeypatch.setattr(facets, "_read_copies", {})
    cube_key = _cube_key("salary_min")

    def total():
        return _all_counts(parse_search(QueryDict("salary_min=35000&contract=permanent")))[0]

    warm_all_cubes()
    assert total() == 1 and reads.count(cube_key) == 1
    assert total() == 1 and reads.count(cube_key) == 1  # this process's copy, same token
    factories.LiveVacancyFactory(salary_min=Decimal("45000"), salary_max=None)
    with django_capture_on_commit_callbacks(execute=True):
        kept.version.bump()  # as a publish does once it commits
    assert total() == 2  # no cube under the new version: the rows are counted
    warm_all_cubes()  # a new token beside the new cube
    assert total() == 2 and reads.count(cube_key) == 2


def test_salary_and_date_searches_use_only_the_cubes_the_beat_keeps(
    django_assert_max_num_queries,
):
    factories.LiveVacancyFactory(salary_min=Decimal("40000"), salary_max=None)
    factories.LiveVacancyFactory(salary_min=Decimal("20000"), salary_max=Decimal("30000"))

    def search():
        return parse_search(QueryDict("salary_min=35000&contract=permanent"))

    # Nothing kept: the request counts its rows and builds no cube.
    assert _all_counts(search())[0] == 1
    assert kept.kept(_cube_key("salary_min")) is None

    sizes = warm_all_cubes()
    assert set(sizes) == {"facets", "salary_min", "posted", "facts"} and sizes["salary_min"] == 2
    with django_assert_max_num_queries(1):  # the professions the filters validate against
        total, counts = _all_counts(search())
    assert total == 1 and counts["contract"]["permanent"] == 1
