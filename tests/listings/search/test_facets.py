"""Counts of the care-sector facts, which the facet cube does not group by."""

from __future__ import annotations

import pytest
from django.http import QueryDict

from listings.search import parse_search
from listings.search.cache import counts as kept
from listings.search.facets import (
    FACT_CUBE_KEY,
    _all_counts,
    facet_counts,
    fact_counts,
    warm_cubes,
)
from tests import factories

pytestmark = pytest.mark.django_db


def search(query: str = ""):
    return parse_search(QueryDict(query))


def live(**kwargs):
    return factories.LiveVacancyFactory(**kwargs)


def options(facets, name) -> dict[str, int]:
    (facet,) = [f for f in facets if f.name == name]
    return {option.value: option.count for option in facet.options if option.count}


def test_every_fact_is_counted_beside_its_options():
    live(pay_scale="afc", pay_band="band-5", shift_patterns=["nights", "long-days"],
         visa_sponsorship="yes", dbs_check="enhanced-barred", registration="nmc")  # fmt: skip
    live(pay_scale="afc", pay_band="band-5", shift_patterns=["nights"], driving="car")
    live(pay_scale="afc", pay_band="band-6", welsh="essential")
    live()
    total, facets = facet_counts(search())
    assert total == 4
    assert options(facets, "band") == {"band-5": 2, "band-6": 1}
    # A vacancy counts once under each of its shift patterns.
    assert options(facets, "shift") == {"nights": 2, "long-days": 1}
    assert options(facets, "sponsorship") == {"yes": 1}
    assert options(facets, "dbs") == {"enhanced-barred": 1}
    assert options(facets, "driving") == {"car": 1}
    assert options(facets, "registration") == {"nmc": 1}
    assert options(facets, "welsh") == {"essential": 1}


def test_a_fact_in_use_is_counted_under_the_other_filters_only():
    live(pay_scale="afc", pay_band="band-5", shift_patterns=["nights"])
    live(pay_scale="afc", pay_band="band-6", shift_patterns=["nights"])
    live(pay_scale="afc", pay_band="band-6", shift_patterns=["days"])
    total, facets = facet_counts(search("band=band-6&shift=nights"))
    assert total == 1
    # Band's options under "nights" only, shift's options under "band 6" only.
    assert options(facets, "band") == {"band-5": 1, "band-6": 1}
    assert options(facets, "shift") == {"nights": 1, "days": 1}
    selected = [o.value for f in facets if f.name == "band" for o in f.options if o.selected]
    assert selected == ["band-6"]


def test_a_fact_filter_narrows_the_cube_facets_too():
    nurse = factories.profession("registered-nurse")
    live(profession=nurse, contract_type="bank", pay_scale="afc", pay_band="band-5")
    live(profession=nurse, contract_type="permanent")
    total, facets = facet_counts(search("band=band-5"))
    assert total == 1
    assert options(facets, "contract") == {"bank": 1}


def test_the_facts_cost_one_query_beside_the_cube_whatever_their_number(
    django_assert_max_num_queries,
):
    live(contract_type="bank", pay_scale="afc", pay_band="band-5", shift_patterns=["nights"])
    warm_cubes(search())
    found = search("contract=bank")  # (the professions the form validates against)
    # The cube answers the total and the cube's facets; one pass counts all seven facts.
    with django_assert_max_num_queries(0):
        total, counts = _all_counts(found)
    with django_assert_max_num_queries(1):
        facts = fact_counts(found)
    assert total == 1 and facts["band"]["band-5"] == 1 and facts["shift"]["nights"] == 1
    # A fact in use takes the search off the cube (it has no column for it): the rows grouped
    # once and once more without "contract"; then the facts' passes: one, and one more
    # without each fact in use.
    found = search("contract=bank&band=band-5&shift=nights")
    with django_assert_max_num_queries(2):
        _all_counts(found)
    with django_assert_max_num_queries(1 + 2):
        fact_counts(found)


def test_a_total_alone_does_not_count_the_facts(django_assert_max_num_queries):
    from listings.search import search_total

    live(pay_scale="afc", pay_band="band-5")
    found = search("contract=permanent")
    search_total(found)  # the cube, counted once
    with django_assert_max_num_queries(0):
        assert search_total(found) == 1


def test_the_unfiltered_search_reads_the_facts_the_beat_keeps(django_assert_max_num_queries):
    live(pay_scale="afc", pay_band="band-5")
    sizes = warm_cubes(search())
    assert sizes["facts"] == 1 and kept.kept(FACT_CUBE_KEY).rows[0][1] == "band-5"
    found = search()
    with django_assert_max_num_queries(0):
        facts = fact_counts(found)
    assert facts["band"]["band-5"] == 1
