"""A vacancy placed at a postcode: found at its exact point by radius and distance, inside
its council area by area searches, shown everywhere as its nearest town, never listed as a
town itself."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from listings import services
from listings.admin import review_changes
from listings.alerts import matching
from listings.alerts.emails import digest_item
from listings.models import Place, Vacancy
from listings.search import (
    haversine_miles,
    nearest_place,
    parse_search,
    place_label,
    place_matches,
    resolve_where,
    search_page,
)
from listings.search.where import suggestions
from tests import factories

pytestmark = pytest.mark.django_db

HERE = "LS6 3QS"  # a Leeds postcode 2 miles from the nearest gazetteer town


def point(code: str):
    return resolve_where(code).origin


def at_postcode(code: str = HERE, **kwargs) -> Vacancy:
    return factories.LiveVacancyFactory(places=[services.postcode_place(code)], **kwargs)


# --- the postcode's place -------------------------------------------------------------------
def test_a_postcode_place_is_the_exact_point_inside_its_council_area_shown_as_its_town():
    place = services.postcode_place("ls63qs")
    origin = point(HERE)
    town = nearest_place(origin)
    assert place.is_postcode and place.postcode == HERE
    assert (place.lat, place.lng) == (origin.lat, origin.lng)
    assert place.lad == "E08000035"  # Leeds, from the postcode directory
    assert place.town == town and town.kind == Place.Kind.TOWN
    assert (place.name, place.county, place.nation) == (town.name, town.county, town.nation)
    assert place_label(place) == place_label(town)
    assert haversine_miles(place.lat, place.lng, town.lat, town.lng) > 1  # not the town's point
    # One place per postcode, however it is typed.
    assert services.postcode_place(" Ls6  3qS ") == place
    assert Place.objects.filter(kind=Place.Kind.POSTCODE).count() == 1


def test_a_terminated_postcode_places_the_vacancy_too():
    place = services.postcode_place("np9 0ad")  # Newport before 1999
    assert place.postcode == "NP9 0AD" and place.lad == "W06000022"
    assert place.town.slug == "newport-newport" and place_label(place) == "Newport, Wales"


@pytest.mark.parametrize(
    "text, words",
    [
        ("LS6 9ZZ", "could not find the postcode LS6 9ZZ"),
        ("ZZ9 9ZZ", "could not find the postcode ZZ9 9ZZ"),
        ("LS6", "LS6 is a postcode area"),
        ("LS6 3", "LS6 3 is a postcode area"),
        ("Leeds", "Enter a full postcode"),
    ],
)
def test_anything_but_a_known_full_postcode_is_refused(text, words):
    with pytest.raises(ValidationError) as raised:
        services.find_postcode(text)
    assert words in raised.value.messages[0]
    assert not Place.objects.filter(kind=Place.Kind.POSTCODE).exists()


# --- the search -----------------------------------------------------------------------------
def test_a_radius_from_a_nearby_postcode_finds_it_at_its_exact_distance_in_order():
    exact = at_postcode()
    town = services.postcode_place(HERE).town
    at_town = factories.LiveVacancyFactory(places=[town])
    at_leeds = factories.LiveVacancyFactory(places=[factories.place("leeds")])
    origin, here = point("LS6 2AA"), point(HERE)
    expected = haversine_miles(origin.lat, origin.lng, here.lat, here.lng)
    assert expected < 1

    rows = search_page(parse_search("location=ls62aa&radius=10&sort=distance")).rows
    by_pk = {row.pk: row for row in rows}
    assert {exact.pk, at_town.pk, at_leeds.pk} <= set(by_pk)
    assert by_pk[exact.pk].distance == pytest.approx(expected, abs=0.01)
    assert [row.distance for row in rows] == sorted(row.distance for row in rows)
    assert rows[0].pk == exact.pk  # nearer than either town
    # Within a mile: the exact point is inside, its town (1.7 miles away) is not.
    near = {row.pk for row in search_page(parse_search("location=LS6+2AA&radius=1")).rows}
    assert exact.pk in near and at_town.pk not in near and at_leeds.pk not in near


def test_a_radius_from_a_town_measures_to_the_postcode_not_to_its_town():
    exact = at_postcode()
    town = services.postcode_place(HERE).town
    here = point(HERE)
    rows = search_page(parse_search(f"location={town.slug}&radius=5&sort=distance")).rows
    (row,) = [row for row in rows if row.pk == exact.pk]
    assert row.distance == pytest.approx(
        haversine_miles(town.lat, town.lng, here.lat, here.lng), abs=0.01
    )
    assert row.distance > 1
    close = search_page(parse_search(f"location={town.slug}&radius=1")).rows
    assert exact.pk not in {row.pk for row in close}


def test_the_nearest_first_sort_reads_the_postcode_in_its_ring():
    """A page of one result: the ring stops at the nearest place, the postcode's."""
    exact = at_postcode()
    for _ in range(3):
        factories.LiveVacancyFactory(places=[factories.place("leeds")])
    search = parse_search("location=LS6+2AA&radius=20&sort=distance")
    assert search.near_places[0][0] == services.postcode_place(HERE).pk
    (first,) = search_page(search, size=1).rows
    assert first.pk == exact.pk


@pytest.mark.parametrize(
    "location, found",
    [
        ("leeds-council-area", True),
        ("west-yorkshire", True),
        ("yorkshire-and-the-humber", True),
        ("england", True),
        ("bradford", True),  # the town, with its 10-mile radius
        ("bradford-council-area", False),
        ("wales", False),
    ],
)
def test_an_area_search_finds_it_by_its_postcode_s_council_area(location, found):
    exact = at_postcode()
    shown = {row.pk for row in search_page(parse_search(f"location={location}")).rows}
    assert (exact.pk in shown) is found


def test_the_search_page_costs_the_same_queries_with_postcode_places(client):
    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured.captured_queries)

    url = "/jobs/?location=leeds&radius=20&sort=distance"
    factories.LiveVacancyFactory(places=[factories.place("leeds")])
    before = queries(url)
    for code in ("LS6 3QS", "LS6 2AA", "LS1 4AP", "LS21 1AA"):
        at_postcode(code)
    cache.clear()
    assert queries(url) == before


# --- never a town ---------------------------------------------------------------------------
def test_the_postcode_place_is_never_offered_or_linked_as_a_town(client):
    place = services.postcode_place(HERE)
    at_postcode(profession=factories.profession("social-worker"))
    town = place.town
    # The lookups and the autocomplete: the town once, never the postcode's place.
    assert place_matches(town.name) == [town]
    assert resolve_where(place.slug).origin is None
    offered = [s.value for s in suggestions(town.name[:5], limit=10)]
    assert place.slug not in offered and offered.count(town.slug) <= 1
    answer = client.get("/places/autocomplete/", {"q": town.name[:5]}).json()["results"]
    assert all(row["slug"] != place.slug for row in answer)
    api = client.get("/api/v1/places/", {"q": town.name[:5]}).json()
    assert all(row["slug"] != place.slug for row in api)
    # No landing page, and the sitemap lists the town's.
    assert client.get(f"/jobs/social-worker/in/{place.slug}/").status_code == 404
    landing = ET.fromstring(client.get("/sitemap-landing.xml").content)
    urls = {u.findtext("{http://www.sitemaps.org/schemas/sitemap/0.9}loc") for u in landing}
    assert urls == {f"http://127.0.0.1:8000/jobs/social-worker/in/{town.slug}/"}
    assert client.get(f"/jobs/social-worker/in/{town.slug}/").status_code == 200


def test_the_employer_s_page_lists_the_postcode_s_town(client):
    vacancy = at_postcode()
    town = services.postcode_place(HERE).town
    html = client.get(f"/employers/{vacancy.employer.slug}/").content.decode()
    places = re.search(r"<strong>Places:</strong>(.*?)</p>", html).group(1)
    assert town.name in places and HERE not in html


# --- labels ---------------------------------------------------------------------------------
def test_every_face_shows_the_nearest_town_and_never_the_postcode_as_a_town(client):
    vacancy = at_postcode(title="Night care worker", profession=factories.profession("care-worker"))
    place = services.postcode_place(HERE)
    label = place_label(place.town)

    card = client.get("/jobs/", {"location": "LS6 2AA", "sort": "distance"}).content.decode()
    found = re.search(r'class="job-card-place">(.*?)</p>', card, re.S).group(1)
    assert label in found and HERE not in found and place.slug not in card

    page = client.get(vacancy.get_absolute_url()).content.decode()
    assert re.search(r"<dt>Location</dt><dd>(.*?)</dd>", page).group(1) == label
    posting = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)
    )
    assert posting["@type"] == "JobPosting"
    (location,) = posting["jobLocation"]
    assert location["address"]["postalCode"] == HERE
    assert location["address"]["addressLocality"] == place.town.name
    assert location["address"]["addressRegion"] == "West Yorkshire"  # the postcode's county
    assert location["geo"] == {
        "@type": "GeoCoordinates",
        "latitude": place.lat,
        "longitude": place.lng,
    }

    feed = ET.fromstring(client.get("/jobs/feed/rss/", {"location": "LS6 2AA"}).content)
    description = feed.find("channel/item/description").text
    assert description.startswith(f"{label}.") and HERE not in description

    widget = client.get("/embed/jobs/", {"location": "LS6 2AA"}).content.decode()
    assert label in widget and place.slug not in widget

    api = client.get(f"/api/v1/vacancies/{vacancy.reference}/").json()
    (shown,) = api["places"]
    assert shown["slug"] == place.town.slug and shown["label"] == label
    assert shown["postcode"] == HERE and (shown["lat"], shown["lng"]) == (place.lat, place.lng)
    listed = client.get("/api/v1/vacancies/", {"location": "LS6 2AA"}).json()
    assert listed["results"][0]["places"][0]["label"] == label

    assert digest_item(vacancy)["places"] == label


# --- moderation -----------------------------------------------------------------------------
def test_a_postcode_of_an_unverified_employer_s_live_vacancy_waits_for_review():
    employer = factories.EmployerFactory(verified=False)
    vacancy = factories.LiveVacancyFactory(employer=employer, places=[factories.place("york")])
    services.vacancy_update(vacancy=vacancy, postcode="ls6 3qs")
    place = services.postcode_place(HERE)
    assert list(vacancy.places.all()) == [factories.place("york")]  # seekers keep York
    revision = services.pending_revision(vacancy)
    assert set(revision.places.all()) == {place, factories.place("york")}
    (diff,) = [change for change in review_changes(vacancy) if change["label"] == "places"]
    assert f"{place_label(place)} ({HERE})" in str(diff["diff"])  # staff see the postcode
    near = "location=LS6+2AA&radius=1"
    assert vacancy.pk not in {row.pk for row in search_page(parse_search(near)).rows}

    staff = factories.UserFactory(is_staff=True)
    services.vacancy_approve(vacancy=vacancy, moderator=staff)
    assert set(vacancy.places.all()) == {place, factories.place("york")}
    cache.clear()  # the search's counts are kept a minute: an addition shows within two
    assert vacancy.pk in {row.pk for row in search_page(parse_search(near)).rows}


def test_a_verified_employer_s_postcode_applies_at_once_and_replaces_its_own_town():
    vacancy = factories.LiveVacancyFactory(places=[factories.place("bradford")])
    place = services.postcode_place(HERE)
    services.vacancy_update(
        vacancy=vacancy, places=[place.town, factories.place("otley")], postcode=HERE
    )
    # The postcode stands for its own town; the other town stays.
    assert set(vacancy.places.all()) == {place, factories.place("otley")}
    services.vacancy_update(vacancy=vacancy, places=[factories.place("leeds")])
    assert set(vacancy.places.all()) == {place, factories.place("leeds")}  # postcode kept
    services.vacancy_update(vacancy=vacancy, postcode="")
    assert set(vacancy.places.all()) == {factories.place("leeds")}
    with pytest.raises(ValidationError) as raised:
        services.vacancy_update(vacancy=vacancy, places=[], postcode="")
    assert "places" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        services.vacancy_update(vacancy=vacancy, postcode="LS6 9ZZ")
    assert "postcode" in raised.value.message_dict


def test_a_draft_placed_only_at_a_postcode_can_be_published():
    employer = factories.EmployerFactory()
    draft = services.vacancy_create(
        employer=employer,
        postcode="BD1 1AA",
        **{
            "title": "Registered nurse",
            "profession": factories.profession("registered-nurse"),
            "description": "Nights on a friendly ward.",
            "apply_url": "https://example.org/apply",
            "closes_at": timezone.now() + timedelta(days=10),
        },
    )
    services.vacancy_publish(vacancy=draft)
    draft.refresh_from_db()
    assert draft.status == Vacancy.Status.LIVE
    (place,) = draft.places.all()
    assert place.postcode == "BD1 1AA" and place.town.slug == "bradford"


@pytest.mark.parametrize(
    "query",
    ["location=LS6+2AA&radius=1", "location=leeds-council-area", "location=west-yorkshire"],
)
def test_an_alert_matches_what_its_search_shows(query):
    now = timezone.now()
    exact = at_postcode(published_at=now - timedelta(hours=2))
    factories.LiveVacancyFactory(
        places=[factories.place("york")], published_at=now - timedelta(hours=3)
    )
    since = now - timedelta(days=1)
    whole = list(
        matching.matching_vacancies(query, now=now, since=since).values_list("id", flat=True)
    )
    assert whole == [exact.pk]
    assert matching.Matcher(now=now, since=since).matches(query) == whole
