"""How candidates apply, chosen per vacancy: on this board, the employer's site, or by email.

The rule (``Vacancy.apply_problems``) is the same in the editor, the write API, publishing
and the admin: the website needs its address, email needs the address, the board neither.
"""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from employers import services as employer_services
from employers.forms import VacancyForm
from listings import services
from tests import factories
from tests.employers.test_forms import vacancy_data

pytestmark = pytest.mark.django_db
API = "/api/v1/employer/vacancies/"


@pytest.mark.parametrize(
    "method, url, email, error",
    [
        ("website", "", "jobs@example.org", "apply_url"),
        ("email", "https://example.org/apply", "", "apply_email"),
        ("board", "", "", None),
        ("website", "https://example.org/apply", "", None),
        ("email", "", "jobs@example.org", None),
    ],
)
def test_the_editor_asks_for_what_the_method_needs(method, url, email, error):
    form = VacancyForm(data=vacancy_data(apply_method=method, apply_url=url, apply_email=email))
    if error:
        assert not form.is_valid()
        assert error in form.errors
    else:
        assert form.is_valid(), form.errors
        assert form.service_fields()["apply_method"] == method


def test_a_form_without_a_method_means_what_its_addresses_say():
    form = VacancyForm(data=vacancy_data(apply_url="", apply_email="jobs@example.org"))
    assert form.is_valid(), form.errors
    assert form.service_fields()["apply_method"] == "email"


def test_the_editor_saves_the_board_method(client, owner, employer):
    client.force_login(owner)
    data = vacancy_data(apply_method="board", apply_url="", apply_email="")
    data["next"] = "edit"
    response = client.post(reverse("employers:vacancy_create"), data)
    assert response.status_code == 302
    vacancy = employer.vacancies.get()
    assert vacancy.apply_method == "board"
    page = client.get(reverse("employers:vacancy_edit", args=[vacancy.reference])).content.decode()
    assert re.search(r'<input type="radio" name="apply_method" value="board"[^>]*checked', page)


def test_publishing_checks_the_method():
    vacancy = factories.VacancyFactory(apply_method="email", apply_email="", apply_url="x")
    vacancy.apply_url = "https://example.org/apply"
    vacancy.save()
    with pytest.raises(ValidationError) as exc:
        services.vacancy_publish(vacancy=vacancy)
    assert "apply_email" in exc.value.message_dict
    board = factories.VacancyFactory(apply_method="board", apply_url="", apply_email="")
    assert services.vacancy_publish(vacancy=board).status == "live"


def test_a_live_vacancy_cannot_lose_the_address_its_method_needs(employer):
    vacancy = factories.LiveVacancyFactory(employer=employer)
    with pytest.raises(ValidationError) as exc:
        services.vacancy_update(vacancy=vacancy, apply_url="")
    assert "apply_url" in exc.value.message_dict
    vacancy.refresh_from_db()
    assert vacancy.apply_url == "https://example.org/apply"


def _auth(user):
    return {"HTTP_AUTHORIZATION": f"Token {employer_services.api_token_create(user=user).key}"}


def _body(**changes):
    from tests.listings.test_api_employer_vacancies import body

    return body(**changes)


def test_the_api_sets_and_shows_the_method(client, owner):
    headers = _auth(owner)
    created = client.post(
        API, _body(apply_method="board", apply_url=""), content_type="application/json", **headers
    )
    assert created.status_code == 201, created.json()
    assert created.json()["apply_method"] == "board"
    reference = created.json()["reference"]
    assert client.post(f"{API}{reference}/publish/", **headers).status_code == 200
    bad = client.patch(
        f"{API}{reference}/", {"apply_method": "email"}, content_type="application/json", **headers
    )
    assert bad.status_code == 400 and "apply_email" in bad.json()
    unknown = client.patch(
        f"{API}{reference}/", {"apply_method": "fax"}, content_type="application/json", **headers
    )
    assert unknown.status_code == 400 and "apply_method" in unknown.json()


def test_an_older_api_client_with_only_an_email_applies_by_email(client, owner):
    created = client.post(
        API,
        _body(apply_url="", apply_email="jobs@example.org"),
        content_type="application/json",
        **_auth(owner),
    )
    assert created.status_code == 201 and created.json()["apply_method"] == "email"
