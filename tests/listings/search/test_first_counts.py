"""A first search of its kind whose rows must be counted: a capped total now, the rest after.

``facets.page_counts``: a search no cube answers (keywords, a place, an odd salary) and whose
counts are not kept is counted only as far as ``COUNT_CAP`` before its page is shown; its
exact total and facets are counted once, after the response, for the next visitor. The
tests lower the cap to three so that a handful of vacancies is "many".
"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from listings.search import MAX_PAGES, PAGE_SIZE, facets, parse_search, search_page
from tests import factories

pytestmark = pytest.mark.django_db
CAP = 3
REAL_CAP = facets.COUNT_CAP


@pytest.fixture(autouse=True)
def small_cap(monkeypatch):
    monkeypatch.setattr(facets, "COUNT_CAP", CAP)


@pytest.fixture
def five_nurses():
    return [
        factories.LiveVacancyFactory(title=f"Staff Nurse {i}", contract_type=contract)
        for i, contract in enumerate(["permanent", "permanent", "bank", "bank", "locum"])
    ]


def heading(response) -> str:
    found = re.search(r'id="results-count"[^>]*>\s*([^<]*)', response.content.decode())
    return " ".join(found.group(1).split())


def contract_option(response, value: str) -> str:
    found = re.search(rf'for="f-contract-{value}">(.*?)</label>', response.content.decode())
    return re.sub(r"<[^>]+>", "", found.group(1)).strip()


def test_many_matches_show_more_than_the_cap_then_the_exact_counts(client, five_nurses):
    first = client.get("/jobs/", {"q": "nurse"})
    assert heading(first).startswith("More than 3 jobs")
    # Every facet's options are offered without a number the first time.
    assert contract_option(first, "bank") == "Bank"
    assert 'content="More than 3 live vacancies' in first.content.decode()
    second = client.get("/jobs/", {"q": "nurse"})
    assert heading(second).startswith("5 jobs")
    assert contract_option(second, "bank") == "Bank 2 jobs"
    assert contract_option(second, "locum") == "Locum 1 job"


def test_a_capped_total_pages_the_rows_it_has(client, five_nurses):
    response = client.get("/jobs/", {"q": "nurse"})
    results = response.context["results"]
    assert results.total_is_capped and results.total == CAP + 1
    # The pager reaches as far as the capped total, newest first.
    assert [v.title for v in results.rows] == [f"Staff Nurse {i}" for i in range(4, 0, -1)]


def test_the_cap_reaches_every_page_a_search_shows():
    """With the real cap, each of the 50 pages the HTML search offers is full."""
    assert PAGE_SIZE * MAX_PAGES <= REAL_CAP


def test_a_few_matches_with_no_facet_in_use_are_counted_at_once(client, five_nurses):
    response = client.get("/jobs/", {"q": "nurse 4"})
    assert heading(response).startswith("1 job")
    assert contract_option(response, "locum") == "Locum 1 job"


def test_a_facet_in_use_is_counted_after_the_response(client, five_nurses):
    """Its options are counted over the search without it, which may be most of the board."""
    first = client.get("/jobs/", {"q": "nurse", "contract": "bank"})
    assert heading(first).startswith("2 jobs")  # within the cap: exact
    assert contract_option(first, "permanent") == "Permanent"
    second = client.get("/jobs/", {"q": "nurse", "contract": "bank"})
    assert contract_option(second, "permanent") == "Permanent 2 jobs"


def test_a_search_a_cube_answers_is_counted_in_full_at_once(client, five_nurses):
    response = client.get("/jobs/", {"contract": "permanent"})
    assert heading(response).startswith("2 jobs")
    assert contract_option(response, "bank") == "Bank 2 jobs"


def test_a_page_with_counts_to_come_is_not_kept(client, settings, five_nurses):
    settings.SEARCH_PAGE_CACHE = True
    first = client.get("/jobs/", {"q": "nurse"})
    assert heading(first).startswith("More than 3")
    second = client.get("/jobs/", {"q": "nurse"})
    assert second.context is not None  # rendered again, not served from the kept page
    assert heading(second).startswith("5 jobs")
    with CaptureQueriesContext(connection) as queries:
        third = client.get("/jobs/", {"q": "nurse"})
    assert len(queries) == 0  # the complete page is kept
    assert third.content == second.content


def test_the_capped_count_stops_at_the_cap(five_nurses):
    search = parse_search({"q": "nurse"})
    with CaptureQueriesContext(connection) as queries:
        total = facets.capped_total(search)
    assert total == CAP + 1 and isinstance(total, facets.AtLeast) and total.floor == CAP
    assert len(queries) == 1 and f"LIMIT {CAP + 1}" in queries[0]["sql"]
    assert facets.capped_total(parse_search({"q": "nurse 4"})) == 1


def test_outside_a_request_the_counts_are_exact(five_nurses):
    results = search_page(parse_search({"q": "nurse"}), with_facets=True)
    assert results.total == 5 and not results.total_is_capped and not results.is_partial


def test_the_api_count_is_exact_the_first_time(client, five_nurses):
    data = client.get("/api/v1/vacancies/", {"q": "nurse"}).json()
    assert data["count"] == 5


def test_one_pass_after_the_response_counts_the_facets_and_the_facts(client, five_nurses):
    """A keyword search's matches are read once for the five facets and the seven facts."""
    with CaptureQueriesContext(connection) as queries:
        client.get("/jobs/", {"q": "nurse"})  # the test client runs the after-response work
    grouped = [q["sql"] for q in queries if "GROUP BY" in q["sql"].upper()]
    assert len(grouped) == 1
    second = client.get("/jobs/", {"q": "nurse"})
    facets = {f.name: f for f in second.context["results"].facets}
    assert all(o.count is not None for o in facets["contract"].options)
    assert all(o.count is not None for o in facets["dbs"].options)


def test_no_free_slot_leaves_the_counting_to_a_later_visitor(client, five_nurses, settings):
    """Work after a response takes one of ``LATER_SLOTS`` shared slots: while another search
    holds the only one, a first search is not counted, and is once the slot is free."""
    from django.core.cache import cache

    settings.LATER_SLOTS = 1
    assert cache.add("later-slot:0", 1, 30)  # another search is being counted
    first = client.get("/jobs/", {"q": "nurse"})
    assert heading(first).startswith("More than 3 jobs")
    second = client.get("/jobs/", {"q": "nurse"})
    assert heading(second).startswith("More than 3 jobs")
    assert contract_option(second, "bank") == "Bank"

    cache.delete("later-slot:0")
    client.get("/jobs/", {"q": "nurse"})  # takes the slot, counts after its response
    assert cache.get("later-slot:0") is None  # and gives it back
    counted = client.get("/jobs/", {"q": "nurse"})
    assert heading(counted).startswith("5 jobs")
    assert contract_option(counted, "bank") == "Bank 2 jobs"


def finds_by_keyword(sql: str) -> bool:
    """Whether a query's conditions test the keyword "nurse" (stemmed "nurs" by both
    backends), not only its ranking."""
    where = sql.partition(" WHERE ")[2].partition(" ORDER BY ")[0]
    return "nurs" in where.lower()


def test_a_few_matches_are_found_once_then_read_by_id(client, five_nurses):
    """The capped count reads the ids of at most ``COUNT_CAP`` matches: then they are every
    match, and the page's rows and counts read those rows by id instead of finding them
    again by their keywords (which, at a million vacancies, reads a table page per match)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/jobs/", {"q": "nurse 4"})
    assert heading(response).startswith("1 job")
    assert [v.title for v in response.context["results"].rows] == ["Staff Nurse 4"]
    assert contract_option(response, "locum") == "Locum 1 job"
    by_keyword = [q["sql"] for q in queries.captured_queries if finds_by_keyword(q["sql"])]
    assert len(by_keyword) == 1, by_keyword
    match = response.context["results"].rows[0].pk
    by_id = [q["sql"] for q in queries.captured_queries if f'"id" IN ({match})' in q["sql"]]
    assert len(by_id) >= 2, by_id  # the page's ids and its counts


def test_many_matches_are_found_by_their_keywords_each_time(client, five_nurses):
    """More than ``COUNT_CAP`` matches: the ids read are not all of them, so nothing is read
    by id and the page finds its rows by the keywords."""
    response = client.get("/jobs/", {"q": "nurse"})
    search = response.context["results"].filterset
    assert search.known_matches is None
    assert len(response.context["results"].rows) == CAP + 1
