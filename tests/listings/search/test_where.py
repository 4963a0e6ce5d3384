"""Where a seeker means: postcodes, towns, areas and shared names, resolved once for every
face of the search (``listings.search.where``)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from employers.forms import resolve_place as resolve_for_employer
from listings.search import haversine_miles, parse_search, resolve_where, search_page
from listings.search.where import place_label, suggestions
from tests import factories

pytestmark = pytest.mark.django_db


def miles_from(where, lat, lng):
    return haversine_miles(where.origin.lat, where.origin.lng, lat, lng)


# --- postcodes ------------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["LS6 3AA", "ls6 3aa", "LS63AA", "ls63aa", "  Ls6   3aA "])
def test_a_full_postcode_in_any_case_or_spacing_is_one_point(text):
    where = resolve_where(text)
    assert where.origin.kind == "postcode" and where.value == "LS6 3AA" and not where.notice
    assert miles_from(where, 53.8203, -1.5770) < 0.1  # Headingley, Leeds


@pytest.mark.parametrize(
    "text, lat, lng",
    [
        ("SW1A 1AA", 51.5010, -0.1416),  # Buckingham Palace
        ("EH1 1YZ", 55.9503, -3.1930),  # Edinburgh (Scotland)
        ("CF10 1EP", 51.4758, -3.1792),  # Cardiff (Wales)
        ("BT1 1AA", 54.6024, -5.9223),  # Belfast: Irish Grid, not British
    ],
)
def test_postcodes_of_every_nation_land_where_they_are(text, lat, lng):
    assert miles_from(resolve_where(text), lat, lng) < 0.2


def test_a_terminated_postcode_still_resolves():
    """NP9 went when Newport was given NP19 and NP20 (1999); the directory keeps its codes."""
    where = resolve_where("np90ad")
    assert where.origin.kind == "postcode" and where.value == "NP9 0AD" and not where.notice
    assert miles_from(where, 51.588, -2.997) < 3  # Newport, Wales


@pytest.mark.parametrize(
    "text, kind, value, lat, lng",
    [
        ("eh1", "district", "EH1", 55.95, -3.19),  # Edinburgh
        ("EH1 1", "sector", "EH1 1", 55.95, -3.19),
        ("cf10", "district", "CF10", 51.475, -3.18),  # Cardiff
        ("CF10 1", "sector", "CF10 1", 51.475, -3.18),
        ("bt7", "district", "BT7", 54.58, -5.92),  # Belfast (Irish Grid in the directory)
        ("BT7 3", "sector", "BT7 3", 54.58, -5.92),
        ("g2", "district", "G2", 55.862, -4.258),  # Glasgow
        ("ll57 2", "sector", "LL57 2", 53.225, -4.13),  # Bangor, Gwynedd
    ],
)
def test_districts_and_sectors_of_every_nation(text, kind, value, lat, lng):
    where = resolve_where(text)
    assert (where.origin.kind, where.value) == (kind, value)
    assert miles_from(where, lat, lng) < 3


@pytest.mark.parametrize("text", ["G2 1DY", "g21dy", "LL57 2DG", "ll572dg", "BT7 1NN", "bt71nn"])
def test_scottish_welsh_and_northern_irish_postcodes_in_any_form(text):
    where = resolve_where(text)
    assert where.origin.kind == "postcode" and " " in where.value and not where.notice


def test_yorkshire_alone_is_the_region_and_offers_its_counties():
    where = resolve_where("Yorkshire")
    assert (where.area.kind, where.value) == ("region", "yorkshire-and-the-humber")
    assert where.label == "Yorkshire and the Humber"
    offered = [label for label, _value in where.alternatives]
    assert {"West Yorkshire", "South Yorkshire", "North Yorkshire"} <= set(offered)
    assert resolve_where("east yorkshire").area.name == "East Riding of Yorkshire"


def test_a_district_and_a_sector_are_their_centres():
    district, sector = resolve_where("ls6"), resolve_where("LS6 3")
    assert (district.origin.kind, district.value) == ("district", "LS6")
    assert (sector.origin.kind, sector.value) == ("sector", "LS6 3")
    assert miles_from(district, 53.82, -1.57) < 2 and miles_from(sector, 53.82, -1.58) < 1


def test_an_unknown_postcode_falls_back_to_its_sector_and_says_so():
    where = resolve_where("LS6 9ZZ")
    assert where.origin.kind == "sector" and where.value == "LS6 9"
    assert "could not find the postcode LS6 9ZZ" in where.notice


def test_a_postcode_shaped_text_that_is_nowhere_is_not_found():
    where = resolve_where("ZZ9 9ZZ")
    assert not where.found and "ZZ9 9ZZ" in where.notice


# --- areas ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, kind, value",
    [
        ("Camden", "authority", "camden"),
        ("Leeds (council area)", "authority", "leeds-council-area"),
        ("West Yorkshire", "county", "west-yorkshire"),
        ("Yorkshire and the Humber", "region", "yorkshire-and-the-humber"),
        ("Wales", "nation", "wales"),
        ("scotland", "nation", "scotland"),
        ("Glasgow (council area)", "authority", "glasgow-council-area"),
        ("Belfast (council area)", "authority", "belfast-council-area"),
    ],
)
def test_areas_of_every_kind(text, kind, value):
    where = resolve_where(text)
    assert where.area.kind == kind and where.value == value and where.origin is None


def test_an_area_search_matches_the_places_inside_without_a_radius():
    leeds = factories.LiveVacancyFactory(places=[factories.place("leeds")])
    york = factories.LiveVacancyFactory(places=[factories.place("york")])
    camden = factories.LiveVacancyFactory(places=[factories.place("camden-town")])
    cardiff = factories.LiveVacancyFactory(places=[factories.place("cardiff")])

    def shown(query):
        return {v.pk for v in search_page(parse_search(query)).rows}

    assert shown("location=west-yorkshire") == {leeds.pk}
    assert shown("location=yorkshire-and-the-humber") == {leeds.pk, york.pk}
    assert shown("location=camden") == {camden.pk}
    assert shown("location=wales") == {cardiff.pk}  # the nation, not the village near Rotherham
    search = parse_search("location=Camden&radius=20")
    assert search.describe() == "Jobs in Camden" and search.radius_miles is None
    assert any("does not apply" in notice for notice in search.notices)


def test_a_postcode_radius_measures_from_the_postcode():
    leeds = factories.LiveVacancyFactory(places=[factories.place("leeds")])
    factories.LiveVacancyFactory(places=[factories.place("york")])
    search = parse_search("location=ls63aa&radius=5&sort=distance")
    rows = search_page(search).rows
    assert [v.pk for v in rows] == [leeds.pk]
    assert 1 < rows[0].distance < 3  # Headingley to Leeds's centre, not zero
    assert search.query_string() == "location=LS6+3AA&radius=5&sort=distance"
    assert search.describe() == "Jobs within 5 miles of LS6 3AA"


# --- shared names ---------------------------------------------------------------------------
def test_a_shared_name_searches_the_likeliest_and_offers_the_others():
    where = resolve_where("Newport")
    assert where.label == "Newport, Wales"
    labels = [label for label, _value in where.alternatives]
    assert "Newport, Isle of Wight" in labels and len(labels) >= 3


@pytest.mark.parametrize("text", ["Newport, Isle of Wight", "Newport (Isle of Wight)"])
def test_a_qualifier_picks_one(text):
    where = resolve_where(text)
    assert where.label == "Newport, Isle of Wight" and not where.alternatives


def test_each_alternative_link_picks_exactly_that_one():
    for label, value in resolve_where("Newport").alternatives:
        assert resolve_where(value).label == label


def test_the_village_called_wales_is_still_reachable():
    where = resolve_where("Wales, Rotherham")
    assert where.origin.place.slug == "wales" and where.value == "Wales, Rotherham"


def test_the_page_says_did_you_mean(client):
    response = client.get("/jobs/", {"location": "Newport"})
    assert "Did you mean" in response.content.decode()
    assert "Newport, Isle of Wight" in response.content.decode()


def test_unknown_text_says_so_and_keeps_the_other_filters():
    search = parse_search("location=Atlantis&contract=bank")
    assert search.query_string() == "contract=bank"
    assert any(
        "could not find a UK place or postcode called “Atlantis”" in n for n in search.notices
    )


# --- words ----------------------------------------------------------------------------------
def test_labels_read_as_people_say_them():
    assert place_label(factories.place("leeds")) == "Leeds"
    assert place_label(factories.place("camden-town")) == "Camden Town"
    assert place_label(factories.place("newport-newport")) == "Newport, Wales"


def test_suggestions_offer_postcodes_towns_and_areas():
    assert [s.value for s in suggestions("ls6 3")][0] == "LS6 3"
    assert [s.value for s in suggestions("ls6")] == ["LS6"]
    assert [s.value for s in suggestions("ls1")][:2] == ["LS1", "LS10"]
    assert suggestions("LS6 3AA")[0].kind == "postcode"
    towns = suggestions("lee")
    assert towns[0].value == "leeds" and towns[0].label == "Leeds"
    assert any(s.value == "leeds-council-area" for s in towns)
    assert suggestions("west yorks")[0].value == "west-yorkshire"
    assert suggestions("wal")[0].kind == "nation"


# --- the other faces ------------------------------------------------------------------------
def test_landing_pages_take_areas(client):
    factories.LiveVacancyFactory(places=[factories.place("camden-town")])
    response = client.get("/jobs/social-worker/in/camden/")
    assert response.status_code == 200
    assert "Social Worker jobs in Camden" in response.content.decode()
    assert client.get("/jobs/social-worker/in/atlantis/").status_code == 404


def test_the_api_takes_postcodes_and_areas_and_refuses_unknown_or_shared_names(client):
    factories.LiveVacancyFactory(places=[factories.place("leeds")])
    assert client.get("/api/v1/vacancies/", {"location": "LS6 3AA", "radius": 5}).status_code == 200
    assert client.get("/api/v1/vacancies/", {"location": "west-yorkshire"}).json()["count"] == 1
    unknown = client.get("/api/v1/vacancies/", {"location": "Atlantis"})
    assert unknown.status_code == 400 and "location" in str(unknown.json())
    shared = client.get("/api/v1/vacancies/", {"location": "Newport"})
    assert shared.status_code == 400 and "newport-isle-of-wight" in str(shared.json())
    area_radius = client.get("/api/v1/vacancies/", {"location": "camden", "radius": 5})
    assert area_radius.status_code == 400


def test_the_employer_editor_places_a_postcode_at_its_nearest_town():
    assert resolve_for_employer("LS1 4AP").slug == "leeds"
    with pytest.raises(ValidationError):
        resolve_for_employer("ZZ9 9ZZ")


def test_a_town_inside_an_area_of_its_own_name_is_called_by_its_name():
    assert place_label(factories.place("london")) == "London"
    assert place_label(factories.place("otley")) == "Otley"
    assert place_label(factories.place("newport-isle-of-wight")) == "Newport, Isle of Wight"
