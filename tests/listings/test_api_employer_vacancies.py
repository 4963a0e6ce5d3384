"""The employer write API: token per member, only their own vacancies, and the same rules and
moderation as the HTML forms (the services decide)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token

from employers import services as employer_services
from listings.models import Vacancy
from tests import factories

pytestmark = pytest.mark.django_db

URL = "/api/v1/employer/vacancies/"


def auth(user) -> dict:
    token = employer_services.api_token_create(user=user)
    return {"HTTP_AUTHORIZATION": f"Token {token.key}"}


def body(**overrides) -> dict:
    data = {
        "title": "Approved Mental Health Professional",
        "profession": "mental-health-practitioner",
        "description": "Join our AMHP service.",
        "places": ["leeds", "bradford"],
        "contract_type": "permanent",
        "working_pattern": "full_time",
        "workplace": "hybrid",
        "salary_min": "41000",
        "salary_max": "46500",
        "salary_period": "year",
        "apply_url": "https://example.org/apply",
        "closes_at": (timezone.now() + timedelta(days=20)).isoformat(),
    }
    data.update(overrides)
    return data


def test_create_publish_as_verified_employer_goes_live(client, owner, employer):
    headers = auth(owner)
    created = client.post(URL, body(), content_type="application/json", **headers)
    assert created.status_code == 201, created.json()
    data = created.json()
    assert data["status"] == "draft" and data["employer"]["slug"] == employer.slug
    assert {p["slug"] for p in data["places"]} == {"bradford", "leeds"}
    assert data["salary_min"] == 41000.0 and data["currency"] == "GBP"
    published = client.post(f"{URL}{data['reference']}/publish/", **headers)
    assert published.status_code == 200
    assert published.json()["status"] == "live"
    assert client.get(f"/api/v1/vacancies/{data['reference']}/").status_code == 200


def test_unverified_employer_goes_to_review(client, db):
    employer = factories.EmployerFactory(verified=False)
    member = factories.MembershipFactory(employer=employer).user
    headers = auth(member)
    reference = client.post(URL, body(), content_type="application/json", **headers).json()[
        "reference"
    ]
    published = client.post(f"{URL}{reference}/publish/", **headers).json()
    assert published["status"] == "pending_review"
    assert client.get(f"/api/v1/vacancies/{reference}/").status_code == 404


def test_recruiter_token_works_too(client, recruiter, draft_vacancy):
    response = client.get(f"{URL}{draft_vacancy.reference}/", **auth(recruiter))
    assert response.status_code == 200 and response.json()["status"] == "draft"


def test_each_member_has_their_own_token(client, owner, recruiter, employer):
    owner_headers, recruiter_headers = auth(owner), auth(recruiter)
    assert owner_headers != recruiter_headers
    assert client.get(URL, **owner_headers).status_code == 200
    employer_services.api_token_revoke(user=owner)
    assert client.get(URL, **owner_headers).status_code == 401
    assert client.get(URL, **recruiter_headers).status_code == 200


def test_replaced_token_stops_working(client, owner):
    old = auth(owner)
    new = auth(owner)
    assert client.get(URL, **old).status_code == 401
    assert client.get(URL, **new).status_code == 200


def test_another_employers_vacancy_is_404(client, owner):
    other = factories.LiveVacancyFactory()
    headers = auth(owner)
    assert client.get(f"{URL}{other.reference}/", **headers).status_code == 404
    patched = client.patch(
        f"{URL}{other.reference}/",
        {"title": "Hijacked"},
        content_type="application/json",
        **headers,
    )
    assert patched.status_code == 404
    assert client.post(f"{URL}{other.reference}/close/", **headers).status_code == 404
    other.refresh_from_db()
    assert other.title != "Hijacked" and other.status == Vacancy.Status.LIVE


def test_list_shows_only_own_vacancies(client, owner, draft_vacancy, live_vacancy):
    factories.LiveVacancyFactory()
    rows = client.get(URL, **auth(owner)).json()["results"]
    assert {r["reference"] for r in rows} == {draft_vacancy.reference, live_vacancy.reference}


def test_user_without_employer_is_forbidden(client, db):
    loner = factories.UserFactory()
    token = Token.objects.create(user=loner)
    response = client.get(URL, HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 403


def test_no_or_bad_token_is_401(client, db):
    assert client.get(URL).status_code == 401
    assert client.get(URL, HTTP_AUTHORIZATION="Token nonsense").status_code == 401


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"profession": "astronaut"}, "profession"),
        ({"places": ["atlantis"]}, "places"),
        ({"places": []}, "places"),
        ({"salary_min": "lots"}, "salary_min"),
        ({"contract_type": "forever"}, "contract_type"),
        ({"apply_url": "not a url"}, "apply_url"),
        ({"apply_url": "ftp://files.example.org/apply.pdf"}, "apply_url"),
        ({"apply_url": "javascript:alert(1)"}, "apply_url"),
        ({"closes_at": "next tuesday"}, "closes_at"),
        ({"title": ""}, "title"),
        ({"salary_min": "50000", "salary_max": "40000"}, "salary_max"),
        ({"hours_per_week": "95"}, "hours_per_week"),
        ({"employer": "someone-else"}, "employer"),
        # The care-sector facts: unknown values, wrong types, and the model's rules.
        ({"pay_band": "band-8"}, "pay_band"),
        ({"pay_scale": "njc", "pay_band": "band-5"}, "pay_band"),
        ({"shifts": ["nights", "graveyard"]}, "shifts"),
        ({"shifts": "nights"}, "shifts"),
        ({"shifts": ["nights"] * 20}, "shifts"),
        ({"visa_sponsorship": "maybe"}, "visa_sponsorship"),
        ({"visa_sponsorship": True}, "visa_sponsorship"),
        ({"dbs_check": "enhanced-plus"}, "dbs_check"),
        ({"dbs_update_service": "sometimes"}, "dbs_update_service"),
        ({"dbs_check": "none", "dbs_paid_by": "employer"}, "dbs_paid_by"),
        ({"driving": "not-needed", "mileage_paid": True}, "mileage_paid"),
        ({"registration": "bma"}, "registration"),
        ({"welsh": "essential", "welsh_level": "fluent"}, "welsh_level"),
        ({"welsh_level": "advanced"}, "welsh_level"),
        ({"interview_date": "soon"}, "interview_date"),
        ({"may_close_early": "perhaps"}, "may_close_early"),
    ],
)
def test_bad_bodies_are_400_and_change_nothing(client, owner, overrides, field):
    before = Vacancy.objects.count()
    response = client.post(URL, body(**overrides), content_type="application/json", **auth(owner))
    assert response.status_code == 400
    assert field in response.json()
    assert Vacancy.objects.count() == before


def test_publish_rules_apply(client, owner, employer):
    draft = factories.VacancyFactory(employer=employer, apply_url="", apply_email="")
    response = client.post(f"{URL}{draft.reference}/publish/", **auth(owner))
    assert response.status_code == 400
    assert "apply_url" in response.json()
    draft.refresh_from_db()
    assert draft.status == Vacancy.Status.DRAFT


def test_closing_date_too_far_is_refused(client, owner, employer):
    headers = auth(owner)
    far = (timezone.now() + timedelta(days=400)).isoformat()
    reference = client.post(
        URL, body(closes_at=far), content_type="application/json", **headers
    ).json()["reference"]
    response = client.post(f"{URL}{reference}/publish/", **headers)
    assert response.status_code == 400 and "closes_at" in response.json()


def test_update_with_stale_version_is_409(client, owner, draft_vacancy):
    headers = auth(owner)
    url = f"{URL}{draft_vacancy.reference}/"
    ok = client.patch(
        url, {"title": "New title", "version": 1}, content_type="application/json", **headers
    )
    assert ok.status_code == 200 and ok.json()["version"] == 2 and ok.json()["title"] == "New title"
    stale = client.patch(
        url, {"title": "Older", "version": 1}, content_type="application/json", **headers
    )
    assert stale.status_code == 409
    draft_vacancy.refresh_from_db()
    assert draft_vacancy.title == "New title"


def test_close_and_renew(client, owner, live_vacancy):
    headers = auth(owner)
    url = f"{URL}{live_vacancy.reference}/"
    assert client.post(f"{url}close/", **headers).json()["status"] == "closed"
    assert client.post(f"{url}close/", **headers).status_code == 400
    edit = client.patch(url, {"title": "x"}, content_type="application/json", **headers)
    assert edit.status_code == 400
    bad = client.post(
        f"{url}renew/", {"closes_at": "soon"}, content_type="application/json", **headers
    )
    assert bad.status_code == 400 and "closes_at" in bad.json()
    new_date = (timezone.now() + timedelta(days=14)).isoformat()
    renewed = client.post(
        f"{url}renew/", {"closes_at": new_date}, content_type="application/json", **headers
    )
    assert renewed.status_code == 200 and renewed.json()["status"] == "live"


def test_duplicate_and_delete_draft(client, owner, live_vacancy):
    headers = auth(owner)
    copy = client.post(f"{URL}{live_vacancy.reference}/duplicate/", **headers)
    assert copy.status_code == 201 and copy.json()["status"] == "draft"
    reference = copy.json()["reference"]
    assert client.delete(f"{URL}{reference}/", **headers).status_code == 204
    assert not Vacancy.objects.filter(reference=reference).exists()
    assert client.delete(f"{URL}{live_vacancy.reference}/", **headers).status_code == 400


def test_member_of_two_employers_must_name_one(client, owner, employer):
    second = factories.MembershipFactory(user=owner).employer
    headers = auth(owner)
    missing = client.post(URL, body(), content_type="application/json", **headers)
    assert missing.status_code == 400 and "employer" in missing.json()
    chosen = client.post(
        URL, body(employer=second.slug), content_type="application/json", **headers
    )
    assert chosen.status_code == 201 and chosen.json()["employer"]["slug"] == second.slug


def test_list_query_count_is_constant(client, owner, employer, django_assert_max_num_queries):
    headers = auth(owner)
    for _ in range(12):
        factories.LiveVacancyFactory(
            employer=employer, places=[factories.place("leeds"), factories.place("york")]
        )
    # Token and user, membership check, count, the page, its places.
    with django_assert_max_num_queries(5):
        body = client.get(URL, **headers).json()
    assert body["count"] == 12 and len(body["results"]) == 12


@pytest.mark.parametrize("profession", ["\x00", "social worker", "", "a" * 300, 7])
def test_a_profession_that_cannot_be_a_slug_is_a_400_without_a_query(client, owner, profession):
    created = client.post(
        URL, body(profession=profession), content_type="application/json", **auth(owner)
    )
    assert created.status_code == 400
    assert "profession" in created.json()
    assert not Vacancy.objects.exists()


def test_care_facts_are_written_and_read_back(client, owner):
    headers = auth(owner)
    facts = {
        "pay_scale": "afc",
        "pay_band": "band-6",
        "shifts": ["weekends", "nights"],
        "overtime_offered": True,
        "visa_sponsorship": "yes",
        "dbs_check": "enhanced-barred",
        "dbs_update_service": True,
        "dbs_paid_by": "employer",
        "driving": "car",
        "mileage_paid": True,
        "registration": "swe",
        "welsh": "desirable",
        "welsh_level": "foundation",
        "may_close_early": True,
        "interview_date": (timezone.localdate() + timedelta(days=30)).isoformat(),
    }
    created = client.post(URL, body(**facts), content_type="application/json", **headers)
    assert created.status_code == 201, created.json()
    answer = created.json()
    assert {name: answer[name] for name in facts} == {**facts, "shifts": ["nights", "weekends"]}
    vacancy = Vacancy.objects.get(reference=answer["reference"])
    assert vacancy.shift_patterns == ["nights", "weekends"]
    cleared = client.patch(
        f"{URL}{vacancy.reference}/",
        {"shifts": [], "visa_sponsorship": ""},
        content_type="application/json",
        **headers,
    )
    assert cleared.status_code == 200
    assert cleared.json()["shifts"] == [] and cleared.json()["visa_sponsorship"] == ""


def test_a_new_vacancy_states_nothing_it_was_not_told(client, owner):
    answer = client.post(URL, body(), content_type="application/json", **auth(owner)).json()
    assert answer["shifts"] == [] and answer["pay_band"] == "" and answer["outcome"] == ""
    assert answer["overtime_offered"] is None and answer["may_close_early"] is False


def test_closing_says_how_it_ended(client, owner, employer):
    headers = auth(owner)
    first = factories.LiveVacancyFactory(employer=employer)
    second = factories.LiveVacancyFactory(employer=employer)
    bad = client.post(
        f"{URL}{first.reference}/close/", {"outcome": "expired"}, content_type="application/json",
        **headers,
    )  # fmt: skip
    assert bad.status_code == 400 and "outcome" in bad.json()
    first.refresh_from_db()
    assert first.status == Vacancy.Status.LIVE
    done = client.post(
        f"{URL}{first.reference}/close/", {"outcome": "filled-here"},
        content_type="application/json", **headers,
    )  # fmt: skip
    assert done.status_code == 200 and done.json()["outcome"] == "filled-here"
    # Saying nothing is allowed (older clients send no body): it stays "not stated".
    quiet = client.post(f"{URL}{second.reference}/close/", **headers)
    assert quiet.status_code == 200 and quiet.json()["outcome"] == ""


def test_editing_a_live_vacancy_of_an_unverified_employer_keeps_it_public(client, db):
    """The same rule as the editor: facts at once, new wording waits beside the approved one."""
    employer = factories.EmployerFactory(verified=False)
    owner = factories.MembershipFactory(employer=employer).user
    vacancy = factories.LiveVacancyFactory(employer=employer)
    headers = auth(owner)
    answer = client.patch(
        f"{URL}{vacancy.reference}/",
        {"salary_max": "45000", "description": "New words\r\nhere", "places": ["york"]},
        content_type="application/json",
        **headers,
    )
    assert answer.status_code == 200, answer.json()
    data = answer.json()
    assert (data["status"], data["salary_max"]) == ("live", 45000.0)
    assert data["description"] == vacancy.description
    assert data["pending_change"]["description"] == "New words\nhere"
    assert data["pending_change"]["places"] == ["york"]
    assert client.get(f"/api/v1/vacancies/{vacancy.reference}/").status_code == 200
    assert client.get(vacancy.get_absolute_url()).status_code == 200
    # Sending the approved wording back withdraws the change.
    again = client.patch(
        f"{URL}{vacancy.reference}/",
        {"description": vacancy.description, "places": ["leeds"]},
        content_type="application/json",
        **headers,
    ).json()
    assert again["pending_change"] is None and again["status"] == "live"
