"""The parameter registry: every face of the search reads the same declarations."""

from __future__ import annotations

import pytest
from django.http import QueryDict

from listings.api.serializers import SearchParams
from listings.search import BY_NAME, MATCH_PARTS, NAMES, PARAMS, parse_search
from listings.search.cleaning import CLEANERS
from listings.search.filterset import VacancyFilterSet
from listings.search.params import APART_FACETS, FACET_FIELDS, FACET_NAMES, MULTI_VALUE

pytestmark = pytest.mark.django_db


def test_the_url_contract_lists_its_parameters_in_order():
    assert NAMES == (
        "q",
        "location",
        "radius",
        "profession",
        "contract",
        "pattern",
        "workplace",
        "sector",
        "employer",
        "salary_min",
        "posted",
        "band",
        "shift",
        "sponsorship",
        "dbs",
        "driving",
        "registration",
        "welsh",
        "sort",
    )
    assert MULTI_VALUE == (
        "profession",
        "contract",
        "pattern",
        "workplace",
        "sector",
        "band",
        "shift",
        "sponsorship",
        "dbs",
        "driving",
        "registration",
        "welsh",
    )


def test_every_parameter_has_a_filter_a_cleaner_and_an_api_field():
    for param in PARAMS:
        assert param.name in VacancyFilterSet.base_filters, param.name
        assert hasattr(VacancyFilterSet, f"filter_{param.name}"), param.name
        assert param.kind in CLEANERS, param.name
        assert param.name in SearchParams().fields, param.name
        assert param.help and param.legend, param.name


def test_api_fields_take_their_limits_and_choices_from_the_registry():
    fields = SearchParams().fields
    assert fields["radius"].max_value == BY_NAME["radius"].maximum
    assert fields["salary_min"].max_value == BY_NAME["salary_min"].maximum
    assert fields["q"].max_length == BY_NAME["q"].max_length
    assert set(fields["workplace"].child.choices) == {v for v, _ in BY_NAME["workplace"].choices}
    assert fields["workplace"].help_text.startswith(BY_NAME["workplace"].help)


def test_facets_are_the_multi_value_filters_with_their_columns():
    assert {name: BY_NAME[name].column for name in MULTI_VALUE} == {
        **FACET_FIELDS,
        **{name: param.column for name, param in APART_FACETS.items()},
    }
    assert FACET_NAMES == MULTI_VALUE


def test_the_cube_groups_by_the_first_five_facets_only():
    """The care-sector facts are counted apart: each would multiply the cube's cells."""
    assert list(FACET_FIELDS) == ["profession", "contract", "pattern", "workplace", "sector"]
    assert list(APART_FACETS) == [
        "band",
        "shift",
        "sponsorship",
        "dbs",
        "driving",
        "registration",
        "welsh",
    ]


def test_fact_values_are_stable_lowercase_slugs():
    for param in APART_FACETS.values():
        for value, _label in param.choices:
            assert value == value.lower() and " " not in value and "_" not in value, value
    assert [v for v, _ in BY_NAME["band"].choices][4:8] == ["band-5", "band-6", "band-7", "band-8a"]


def test_alert_parts_keep_a_radius_with_its_place_and_leave_out_the_sort():
    assert ("location", "radius") in MATCH_PARTS
    flat = [name for part in MATCH_PARTS for name in part]
    assert "sort" not in flat
    assert sorted(flat) == sorted(set(NAMES) - {"sort"})


def test_a_search_accepts_a_query_string_a_querydict_or_a_dict():
    as_text = parse_search("?contract=bank&contract=locum")
    as_querydict = parse_search(QueryDict("contract=locum&contract=bank"))
    as_dict = parse_search({"contract": ["bank", "locum"]})
    assert as_text.query_string() == as_querydict.query_string() == as_dict.query_string()
    assert as_text.query_string() == "contract=bank&contract=locum"
