"""Who may use each of the team's applications URLs and API endpoints: the authorisation matrix.

Actors: anonymous, a job seeker, the candidate themselves, the owner and a recruiter of the
vacancy's employer, a member (owner) of another employer, and staff with no membership.
Every ``employer/`` pattern of ``applications.urls`` needs a row (``test_every_url_is_in_the_matrix``),
and a refused request leaves applications, notes, history and questions exactly as they were.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token

from applications import urls as application_urls
from applications.models import (
    Application,
    ApplicationEvent,
    ApplicationNote,
    ApplicationWebhook,
    InterviewSlot,
    ScreeningQuestion,
)
from seekers.models import Seeker
from tests import factories
from tests.applications.factories import ApplicationFactory, question, with_cv
from tests.applications.slots import slot, tomorrow_at

pytestmark = pytest.mark.django_db

LOGIN = "login"
ACTORS = ["anonymous", "seeker", "candidate", "owner", "recruiter", "outsider", "staff"]
# Anyone signed in without an employer never reaches the employer area.
NOT_A_MEMBER = {"anonymous": LOGIN, "seeker": 403, "candidate": 403, "staff": 403}
TEAM = {"owner": 200, "recruiter": 200, "outsider": 404}
TEAM_WRITE = {"owner": 302, "recruiter": 302, "outsider": 404}


@dataclass
class Row:
    method: str
    kwargs: object
    expect: dict
    data: object = None
    url: str = ""  # the URL's name when a second row uses it (another method)


def _vacancy(ctx):
    return {"reference": ctx["vacancy"].reference}


def _application(ctx):
    return {"reference": ctx["vacancy"].reference, "application_id": ctx["application"].pk}


MATRIX: dict[str, Row] = {
    "questions": Row("get", _vacancy, TEAM),
    "list": Row("get", _vacancy, TEAM),
    "bulk": Row(
        "post",
        _vacancy,
        TEAM_WRITE,
        data=lambda ctx: {"ids": [ctx["application"].pk], "status": "shortlisted"},
    ),
    "export": Row("get", _vacancy, TEAM),
    "equality_report": Row("get", _vacancy, TEAM),
    "detail": Row("get", _application, TEAM),
    "status": Row("post", _application, TEAM_WRITE, data=lambda ctx: {"status": "reviewing"}),
    "rating": Row("post", _application, TEAM_WRITE, data=lambda ctx: {"rating": "4"}),
    "note": Row("post", _application, TEAM_WRITE, data=lambda ctx: {"body": "Strong."}),
    "message": Row(
        "post",
        lambda ctx: {**_application(ctx), "kind": "invite"},
        TEAM_WRITE,
        data=lambda ctx: {
            "interview_on": (date.today() + timedelta(days=2)).isoformat(),
            "interview_at": "10:00",
            "place": "Riverside House, Leeds",
        },
    ),
    "slots": Row("get", _vacancy, TEAM),
    "slots_add": Row(
        "post",
        _vacancy,
        TEAM_WRITE,
        data=lambda ctx: {
            "day": (date.today() + timedelta(days=3)).isoformat(),
            "start": "09:00",
            "minutes": "30",
            "count": "2",
            "gap": "0",
            "place": "Riverside House, Leeds",
        },
        url="slots",
    ),
    "slot_remove": Row(
        "post", lambda ctx: {**_vacancy(ctx), "slot_id": ctx["free_slot"].pk}, TEAM_WRITE
    ),
    "slot_cancel": Row(
        "post",
        lambda ctx: {**_vacancy(ctx), "slot_id": ctx["taken_slot"].pk},
        TEAM_WRITE,
        data=lambda ctx: {"note": "The panel cannot make it."},
    ),
    # Owners only; another employer's owner sees their own employer's webhook.
    "webhook": Row("get", lambda ctx: {}, {"owner": 200, "recruiter": 403, "outsider": 200}),
}


def test_every_url_is_in_the_matrix():
    names = {p.name for p in application_urls.urlpatterns if str(p.pattern).startswith("employer/")}
    assert names == {row.url or key for key, row in MATRIX.items()}


def test_every_view_checks_membership():
    for pattern in application_urls.urlpatterns:
        if str(pattern.pattern).startswith("employer/"):
            assert getattr(pattern.callback, "member_required", False), pattern.name


@pytest.fixture
def ctx(employer, tmp_path, settings):
    owner = factories.MembershipFactory(employer=employer, role="owner").user
    recruiter = factories.MembershipFactory(employer=employer, role="recruiter").user
    outsider = factories.MembershipFactory(role="owner").user
    seeker = Seeker.objects.create(user=factories.UserFactory()).user
    candidate_seeker = Seeker.objects.create(user=factories.UserFactory())
    staff = factories.UserFactory(is_staff=True, is_superuser=True)
    vacancy = factories.LiveVacancyFactory(employer=employer, apply_method="board")
    application = with_cv(
        ApplicationFactory(
            vacancy=vacancy, seeker=candidate_seeker, email=candidate_seeker.user.email
        )
    )
    question(vacancy, "Can you drive?")
    ApplicationNote.objects.create(
        application=application, author=owner, body="Called.", created_at=application.created_at
    )
    # Another employer's application, whose id an outsider might try.
    foreign = ApplicationFactory()
    free_slot = slot(vacancy, tomorrow_at(10))
    taken = slot(vacancy, tomorrow_at(11))
    taken.taken_by = application
    taken.save()
    return {
        "free_slot": free_slot,
        "taken_slot": taken,
        "foreign_slot": slot(foreign.vacancy, tomorrow_at(10)),
        "employer": employer,
        "vacancy": vacancy,
        "application": application,
        "foreign": foreign,
        "owner": owner,
        "recruiter": recruiter,
        "outsider": outsider,
        "seeker": seeker,
        "candidate": candidate_seeker.user,
        "staff": staff,
    }


def snapshot() -> tuple:
    return (
        sorted(Application.objects.values_list("id", "status", "rating")),
        ApplicationNote.objects.count(),
        ApplicationEvent.objects.count(),
        sorted(ScreeningQuestion.objects.values_list("id", "text")),
        ApplicationWebhook.objects.count(),
        sorted(InterviewSlot.objects.values_list("id", "taken_by_id", "starts_at")),
        sorted(Application.objects.values_list("id", "slot_invited_at")),
    )


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_matrix(client, ctx, name, actor):
    row = MATRIX[name]
    expected = row.expect.get(actor, NOT_A_MEMBER.get(actor))
    assert expected is not None, f"{name}: no expectation for {actor}"
    if actor != "anonymous":
        client.force_login(ctx[actor])
    url = reverse(f"applications:{row.url or name}", kwargs=row.kwargs(ctx))
    before = snapshot()
    if row.method == "post":
        response = client.post(url, row.data(ctx) if row.data else {})
    else:
        response = client.get(url)
    if expected == LOGIN:
        assert response.status_code == 302, f"{name} as {actor}: {response.status_code}"
        assert response["Location"].startswith(reverse("login") + "?next=")
    else:
        assert response.status_code == expected, f"{name} as {actor}: {response.status_code}"
    if expected in (LOGIN, 403, 404):
        assert snapshot() == before, f"{name} as {actor} changed data"


@pytest.mark.parametrize("name", ["detail", "status", "rating", "note"])
def test_an_application_of_another_employer_is_not_found_through_my_vacancy(client, ctx, name):
    """No IDOR: my vacancy's reference with someone else's application id is a 404."""
    client.force_login(ctx["owner"])
    url = reverse(
        f"applications:{name}",
        kwargs={"reference": ctx["vacancy"].reference, "application_id": ctx["foreign"].pk},
    )
    before = snapshot()
    response = client.get(url) if name == "detail" else client.post(url, {"body": "x"})
    assert response.status_code == 404
    assert snapshot() == before


def test_another_employers_slot_is_not_found_through_my_vacancy(client, ctx):
    """No IDOR: my vacancy's reference with another vacancy's slot id removes nothing."""
    client.force_login(ctx["owner"])
    url = reverse(
        "applications:slot_remove",
        kwargs={"reference": ctx["vacancy"].reference, "slot_id": ctx["foreign_slot"].pk},
    )
    before = snapshot()
    assert client.post(url).status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize("role", ["owner", "recruiter"])
def test_a_chosen_slot_is_not_removed_by_the_team(client, ctx, role):
    client.force_login(ctx[role])
    url = reverse(
        "applications:slot_remove",
        kwargs={"reference": ctx["vacancy"].reference, "slot_id": ctx["taken_slot"].pk},
    )
    before = snapshot()
    response = client.post(url)
    assert response.status_code == 400
    assert "has chosen the interview at" in response.content.decode()
    assert snapshot() == before


def test_a_draft_is_never_shown_to_the_team(client, ctx):
    draft = ApplicationFactory(
        vacancy=ctx["vacancy"], status=Application.Status.DRAFT, submitted_at=None
    )
    client.force_login(ctx["owner"])
    url = reverse(
        "applications:detail",
        kwargs={"reference": ctx["vacancy"].reference, "application_id": draft.pk},
    )
    assert client.get(url).status_code == 404
    listing = client.get(reverse("applications:list", args=[ctx["vacancy"].reference]))
    assert draft.full_name not in listing.content.decode()


# --- The API -------------------------------------------------------------------------------

API_ACTORS = ["anonymous", "seeker", "candidate", "owner", "recruiter", "outsider", "staff"]
API_REFUSED = {"anonymous": 401, "seeker": 403, "candidate": 403, "staff": 403}


def _api_client(ctx, actor):
    from rest_framework.test import APIClient

    api = APIClient()
    if actor != "anonymous":
        token, _ = Token.objects.get_or_create(user=ctx[actor])
        api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return api


API_MATRIX = {
    "list": (
        "get",
        lambda ctx: "/api/v1/employer/applications/",
        {"owner": 200, "recruiter": 200, "outsider": 200},
    ),
    "detail": (
        "get",
        lambda ctx: f"/api/v1/employer/applications/{ctx['application'].pk}/",
        {"owner": 200, "recruiter": 200, "outsider": 404},
    ),
    "cv": (
        "get",
        lambda ctx: f"/api/v1/employer/applications/{ctx['application'].pk}/cv/",
        {"owner": 200, "recruiter": 200, "outsider": 404},
    ),
    "questions": (
        "get",
        lambda ctx: f"/api/v1/employer/vacancies/{ctx['vacancy'].reference}/screening-questions/",
        {"owner": 200, "recruiter": 200, "outsider": 404},
    ),
    "questions_put": (
        "put",
        lambda ctx: f"/api/v1/employer/vacancies/{ctx['vacancy'].reference}/screening-questions/",
        # Someone has applied, so the questions are locked: 400 even for the team.
        {"owner": 400, "recruiter": 400, "outsider": 404},
    ),
    "slots": (
        "get",
        lambda ctx: f"/api/v1/employer/vacancies/{ctx['vacancy'].reference}/interview-slots/",
        {"owner": 200, "recruiter": 200, "outsider": 404},
    ),
    "slots_create": (
        "post",
        lambda ctx: f"/api/v1/employer/vacancies/{ctx['vacancy'].reference}/interview-slots/",
        {"owner": 201, "recruiter": 201, "outsider": 404},
    ),
    "slot_delete": (
        "delete",
        lambda ctx: (
            f"/api/v1/employer/vacancies/{ctx['vacancy'].reference}/interview-slots/"
            f"{ctx['free_slot'].pk}/"
        ),
        {"owner": 204, "recruiter": 204, "outsider": 404},
    ),
    "slot_cancel": (
        "post",
        lambda ctx: (
            f"/api/v1/employer/vacancies/{ctx['vacancy'].reference}/interview-slots/"
            f"{ctx['taken_slot'].pk}/cancel/"
        ),
        {"owner": 200, "recruiter": 200, "outsider": 404},
    ),
}
API_BODIES = {
    "questions_put": {"questions": [{"text": "New?"}]},
    "slots_create": {
        "day": (date.today() + timedelta(days=3)).isoformat(),
        "start": "09:00",
        "minutes": 30,
        "count": 2,
        "place": "Riverside House, Leeds",
    },
    "slot_cancel": {"note": "The panel cannot make it."},
}


@pytest.mark.parametrize("actor", API_ACTORS)
@pytest.mark.parametrize("name", sorted(API_MATRIX))
def test_api_matrix(ctx, name, actor):
    method, url, expect = API_MATRIX[name]
    expected = expect.get(actor, API_REFUSED.get(actor))
    api = _api_client(ctx, actor)
    before = snapshot()
    if name in API_BODIES:
        response = getattr(api, method)(url(ctx), API_BODIES[name], format="json")
    else:
        response = getattr(api, method)(url(ctx))
    assert response.status_code == expected, f"{name} as {actor}: {response.status_code}"
    if expected not in (200, 201, 204):
        assert snapshot() == before
    if name == "list" and actor == "outsider":
        assert response.json()["count"] == 0
    if name == "list" and actor in ("owner", "recruiter"):
        ids = [row["id"] for row in response.json()["results"]]
        assert ids == [ctx["application"].pk]
    if name == "cv" and expected == 200:
        assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
        assert response["X-Content-Type-Options"] == "nosniff"
