"""The editor and the employer API take a vacancy's postcode: it places the vacancy exactly
and the employer is shown the nearest town; an unknown postcode is an error of its field."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from employers import services as employer_services
from listings import services
from listings.models import Place, Vacancy
from listings.search import place_label
from tests import factories
from tests.employers.test_views import vacancy_data
from tests.listings.test_api_employer_vacancies import URL, body

pytestmark = pytest.mark.django_db


def postcode_places() -> int:
    return Place.objects.filter(kind=Place.Kind.POSTCODE).count()


# --- the editor -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "typed, code, town",
    [
        ("LS6 3QS", "LS6 3QS", None),
        ("ls63qs", "LS6 3QS", None),  # lower case, no space
        ("np9 0ad", "NP9 0AD", "newport-newport"),  # terminated in 1999, still Newport
    ],
)
def test_the_editor_places_a_vacancy_at_its_postcode_and_shows_the_nearest_town(
    owner_client, employer, typed, code, town
):
    response = owner_client.post(
        reverse("employers:vacancy_create"), vacancy_data(places="", postcode=typed), follow=True
    )
    assert response.status_code == 200
    vacancy = Vacancy.objects.get(employer=employer)
    (place,) = vacancy.places.all()
    assert place.is_postcode and place.postcode == code
    if town:
        assert place.town.slug == town
    label = place_label(place.town)
    page = html.unescape(response.content.decode())
    assert f"Placed at {code} (nearest town: {label})." in page  # the message after saving
    field = re.search(r'<input type="text" name="postcode"[^>]*>', page).group(0)
    assert f'value="{code}"' in field
    assert f"Placed at {code} (nearest town: {label})" in page.split('name="postcode"')[0]
    places = re.search(r'<input type="text" name="places"[^>]*>', page).group(0)
    assert "value=" not in places  # the postcode is not written back as a town


def test_an_unknown_postcode_is_an_error_of_its_field_and_saves_nothing(owner_client, employer):
    response = owner_client.post(
        reverse("employers:vacancy_create"), vacancy_data(places="Leeds", postcode="LS6 9ZZ")
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == ["postcode"]
    assert "could not find the postcode LS6 9ZZ" in errors["postcode"][0]
    assert not Vacancy.objects.filter(employer=employer).exists() and postcode_places() == 0


def test_a_postcode_area_is_refused_with_what_to_write(owner_client, employer):
    response = owner_client.post(
        reverse("employers:vacancy_create"), vacancy_data(places="", postcode="LS6")
    )
    assert response.status_code == 400
    assert "LS6 is a postcode area" in response.context["form"].errors["postcode"][0]


def test_a_postcode_typed_among_the_places_is_the_vacancy_s_postcode(owner_client, employer):
    owner_client.post(reverse("employers:vacancy_create"), vacancy_data(places="ls6 3qs, Bradford"))
    vacancy = Vacancy.objects.get(employer=employer)
    assert {(p.kind, p.postcode or p.slug) for p in vacancy.places.all()} == {
        ("postcode", "LS6 3QS"),
        ("town", "bradford"),
    }
    page = owner_client.get(reverse("employers:vacancy_edit", args=[vacancy.reference]))
    form = page.context["form"]
    assert form["postcode"].value() == "LS6 3QS" and form["places"].value() == "Bradford"


def test_the_postcode_stands_for_its_own_town_and_saving_again_keeps_it(owner_client, employer):
    owner_client.post(
        reverse("employers:vacancy_create"), vacancy_data(places="Leeds", postcode="LS1 4AP")
    )
    vacancy = Vacancy.objects.get(employer=employer)
    (place,) = vacancy.places.all()  # LS1 4AP is in Leeds: no second "Leeds"
    assert place.postcode == "LS1 4AP" and place.town.slug == "leeds"
    url = reverse("employers:vacancy_edit", args=[vacancy.reference])
    form = owner_client.get(url).context["form"]
    again = vacancy_data(
        places=form["places"].value() or "",
        postcode=form["postcode"].value(),
        version=vacancy.version,
    )
    assert owner_client.post(url, again).status_code == 302
    assert list(vacancy.places.all()) == [place]
    cleared = vacancy_data(places="Otley", postcode="", version=vacancy.version + 1)
    assert owner_client.post(url, cleared).status_code == 302
    assert [p.slug for p in vacancy.places.all()] == ["otley"]


def test_a_vacancy_needs_a_place_or_a_postcode(owner_client, employer):
    response = owner_client.post(
        reverse("employers:vacancy_create"),
        vacancy_data(places="", postcode="", next="preview"),
    )
    assert response.status_code == 400
    assert "or give the postcode" in response.context["form"].errors["places"][0]


def test_an_employer_s_own_town_field_still_takes_a_postcode_as_its_town(owner_client, employer):
    response = owner_client.post(
        reverse("employers:profile"),
        {
            "name": employer.name,
            "sector": employer.sector,
            "region": employer.region,
            "town": "BD1 1AA",
            "website": "",
            "about": "",
        },
    )
    assert response.status_code == 302
    employer.refresh_from_db()
    assert employer.town.slug == "bradford" and postcode_places() == 0


# --- the employer API ----------------------------------------------------------------------
def auth(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Token {employer_services.api_token_create(user=user).key}"}


@pytest.mark.parametrize(
    "typed, code", [("LS6 3QS", "LS6 3QS"), ("ls63qs", "LS6 3QS"), ("NP9 0AD", "NP9 0AD")]
)
def test_the_api_takes_a_postcode_and_answers_with_its_nearest_town(client, owner, typed, code):
    answer = client.post(
        URL, body(places=[], postcode=typed), content_type="application/json", **auth(owner)
    )
    assert answer.status_code == 201, answer.json()
    data = answer.json()
    place = Place.objects.get(kind=Place.Kind.POSTCODE, postcode=code)
    assert data["postcode"] == code
    (shown,) = data["places"]
    assert shown == {
        "slug": place.town.slug,
        "name": place.town.name,
        "county": place.town.county,
        "nation": place.town.nation,
        "label": place_label(place.town),
        "lat": place.lat,
        "lng": place.lng,
        "postcode": code,
    }


def test_the_api_refuses_an_unknown_postcode_with_a_field_error(client, owner, employer):
    answer = client.post(
        URL, body(postcode="ls6 9zz"), content_type="application/json", **auth(owner)
    )
    assert answer.status_code == 400
    assert "postcode" in str(answer.json()) and "LS6 9ZZ" in str(answer.json())
    assert not Vacancy.objects.filter(employer=employer).exists() and postcode_places() == 0
    neither = client.post(
        URL, body(places=[], postcode=""), content_type="application/json", **auth(owner)
    )
    assert neither.status_code == 400 and "places" in str(neither.json())
    slug = services.postcode_place("LS6 3QS").slug
    as_town = client.post(URL, body(places=[slug]), content_type="application/json", **auth(owner))
    assert as_town.status_code == 400  # a postcode place is no town to name


def test_the_api_keeps_removes_and_reviews_the_postcode(client, db):
    employer = factories.EmployerFactory(verified=False)
    member = factories.MembershipFactory(employer=employer).user
    headers = auth(member)
    created = client.post(
        URL,
        body(places=["bradford"], postcode="LS6 3QS"),
        content_type="application/json",
        **headers,
    ).json()
    detail = f"{URL}{created['reference']}/"
    assert created["postcode"] == "LS6 3QS"
    assert sorted(p["postcode"] or "" for p in created["places"]) == ["", "LS6 3QS"]
    # Sending back the places as read keeps the postcode, once.
    slugs = [p["slug"] for p in created["places"]]
    kept = client.patch(detail, {"places": slugs}, content_type="application/json", **headers)
    assert kept.status_code == 200 and kept.json()["postcode"] == "LS6 3QS"
    assert len(kept.json()["places"]) == 2
    # Live and unverified: a new postcode waits for review, the approved one shows.
    vacancy = Vacancy.objects.get(reference=created["reference"])
    vacancy.status, vacancy.published_at = Vacancy.Status.LIVE, vacancy.created_at
    vacancy.save()
    moved = client.patch(
        detail, {"postcode": "LS1 4AP"}, content_type="application/json", **headers
    ).json()
    assert moved["postcode"] == "LS6 3QS" and moved["pending_change"]["postcode"] == "LS1 4AP"
    assert "bradford" in moved["pending_change"]["places"]
    assert all(not slug.startswith("postcode-") for slug in moved["pending_change"]["places"])
    services.vacancy_approve(vacancy=vacancy, moderator=factories.UserFactory(is_staff=True))
    approved = client.get(detail, **headers).json()
    assert approved["postcode"] == "LS1 4AP" and approved["pending_change"] is None
