"""Who may use each candidate URL of applications: the authorisation matrix.

Every URL of ``applications.candidate_urls`` has a row saying what each actor gets: an anonymous
visitor, another seeker, the candidate, the owner and a recruiter of the vacancy's employer,
a member of another employer, and staff. No one but the candidate changes their application,
and only the candidate and the vacancy's employer's team get the CV (no IDOR: another's id is
simply not found).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from applications import candidate_urls as application_urls
from applications.models import (
    Application,
    ApplicationEvent,
    CandidateProfile,
    EqualityMonitoring,
    InterviewSlot,
)
from applications.storage import private_storage
from seekers.models import Seeker
from tests import factories
from tests.applications import documents
from tests.applications.slots import slot, tomorrow_at

pytestmark = pytest.mark.django_db

SIGN_IN = "sign_in"
ROLES = [
    "anonymous",
    "other_seeker",
    "candidate",
    "owner",
    "recruiter",
    "other_member",
    "staff",
]


@dataclass
class Row:
    method: str
    kwargs: object  # callable(ctx) -> URL kwargs
    expect: dict
    data: object = None  # callable(ctx) -> POST data
    url: str = ""  # the URL's name when a second row uses it (another method)


def _candidate_only(candidate, other_seeker, *, anonymous=SIGN_IN, not_seeker=403):
    return {
        "anonymous": anonymous,
        "other_seeker": other_seeker,
        "candidate": candidate,
        "owner": not_seeker,
        "recruiter": not_seeker,
        "other_member": not_seeker,
        "staff": not_seeker,
    }


def _draft(ctx):
    return {"reference": ctx["draft"].vacancy.reference}


def _sent(ctx):
    return {"reference": ctx["sent"].vacancy.reference}


MATRIX: dict[str, Row] = {
    # The start page is public: it says what is asked before anyone signs in.
    "apply": Row("get", _draft, dict.fromkeys(ROLES, 200)),
    # Another seeker has no draft there: they are sent to the start.
    "details": Row("get", _draft, _candidate_only(200, 302)),
    "documents": Row("get", _draft, _candidate_only(200, 302)),
    "sent": Row("get", _sent, _candidate_only(200, 302)),
    "equality": Row("get", _sent, _candidate_only(200, 302)),
    "mine": Row("get", lambda ctx: {}, _candidate_only(200, 200)),
    "withdraw": Row("post", lambda ctx: {"pk": ctx["sent"].pk}, _candidate_only(302, 404)),
    # Another seeker deletes only their own saved CV (they have none): nothing changes.
    "saved_cv_delete": Row("post", lambda ctx: {}, _candidate_only(302, 302)),
    # Choosing an interview time: the candidate's alone; another seeker's id is not found.
    "interview": Row("get", lambda ctx: {"pk": ctx["invited"].pk}, _candidate_only(200, 404)),
    "interview_choose": Row(
        "post",
        lambda ctx: {"pk": ctx["invited"].pk},
        _candidate_only(302, 404),
        data=lambda ctx: {"slot": ctx["free_slot"].pk},
        url="interview",
    ),
    "cv": Row(
        "get",
        lambda ctx: {"pk": ctx["sent"].pk},
        {
            "anonymous": 404,
            "other_seeker": 404,
            "candidate": 200,
            "owner": 200,
            "recruiter": 200,
            "other_member": 404,
            "staff": 404,
        },
    ),
}


def test_every_url_is_in_the_matrix():
    names = {
        pattern.name
        for pattern in application_urls.urlpatterns
        if not str(pattern.pattern).startswith("employer/")  # test_team_authorisation.py
    }
    covered = {row.url or key for key, row in MATRIX.items()}
    assert names == covered, f"matrix rows missing: {sorted(names - covered)}"


def _application(vacancy, seeker, *, status, **fields):
    now = timezone.now()
    application = Application.objects.create(
        vacancy=vacancy,
        seeker=seeker,
        email=seeker.user.email,
        full_name="Sam Carer",
        phone="07700 900123",
        status=status,
        **fields,
        created_at=now,
        updated_at=now,
        submitted_at=None if status == "draft" else now,
        cv_name="cv.pdf",
        cv_content_type="application/pdf",
    )
    application.cv.name = private_storage().save("cvs/test/cv.pdf", ContentFile(documents.PDF))
    application.save()
    return application


@pytest.fixture
def ctx(db):
    employer = factories.EmployerFactory()
    candidate = Seeker.objects.create(user=factories.UserFactory(email="sam@example.net"))
    other = Seeker.objects.create(user=factories.UserFactory(email="kai@example.net"))
    draft_vacancy = factories.LiveVacancyFactory(employer=employer, apply_method="board")
    sent_vacancy = factories.LiveVacancyFactory(employer=employer, apply_method="board")
    profile = CandidateProfile.objects.create(
        seeker=candidate, full_name="Sam Carer", cv_name="cv.pdf", updated_at=timezone.now()
    )
    profile.cv.name = private_storage().save("profile-cvs/t/cv.pdf", ContentFile(documents.PDF))
    profile.save()
    invited_vacancy = factories.LiveVacancyFactory(employer=employer, apply_method="board")
    invited = _application(
        invited_vacancy, candidate, status="interview", slot_invited_at=timezone.now()
    )
    return {
        "invited": invited,
        "free_slot": slot(invited_vacancy, tomorrow_at(10)),
        "candidate": candidate.user,
        "other_seeker": other.user,
        "owner": factories.MembershipFactory(employer=employer, role="owner").user,
        "recruiter": factories.MembershipFactory(employer=employer, role="recruiter").user,
        "other_member": factories.MembershipFactory(role="owner").user,
        "staff": factories.UserFactory(is_staff=True, is_superuser=True),
        "draft": _application(draft_vacancy, candidate, status="draft"),
        "sent": _application(sent_vacancy, candidate, status="new"),
    }


def snapshot(ctx) -> tuple:
    return (
        sorted(Application.objects.values_list("id", "status", "cv", "phone")),
        EqualityMonitoring.objects.count(),
        sorted(CandidateProfile.objects.values_list("id", "cv")),
        sorted(InterviewSlot.objects.values_list("id", "taken_by_id")),
        ApplicationEvent.objects.count(),
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_matrix(client, ctx, name, role):
    row = MATRIX[name]
    expected = row.expect[role]
    if role != "anonymous":
        client.force_login(ctx[role])
    url = reverse(f"candidates:{row.url or name}", kwargs=row.kwargs(ctx))
    before = snapshot(ctx)
    if row.method == "post":
        response = client.post(url, row.data(ctx) if row.data else {})
    else:
        response = client.get(url)
    if expected == SIGN_IN:
        assert response.status_code == 302, f"{name} as {role}: {response.status_code}"
        assert response["Location"].startswith(reverse("seekers:sign_in") + "?next=")
    else:
        assert response.status_code == expected, f"{name} as {role}: {response.status_code}"
    if role != "candidate":
        assert snapshot(ctx) == before, f"{name} as {role} changed the candidate's data"
        if response.status_code == 200 and name != "cv":
            assert b"07700 900123" not in response.content, f"{name} leaks to {role}"
            assert b"sam@example.net" not in response.content, f"{name} leaks to {role}"


@pytest.mark.parametrize("role", ["owner", "recruiter", "other_member", "staff", "other_seeker"])
def test_a_drafts_cv_is_the_candidates_alone(client, ctx, role):
    client.force_login(ctx[role])
    response = client.get(reverse("candidates:cv", args=[ctx["draft"].pk]))
    assert response.status_code == 404


def test_an_unknown_application_is_not_found(client, ctx):
    client.force_login(ctx["candidate"])
    assert client.get(reverse("candidates:cv", args=[10**9])).status_code == 404
    assert client.post(reverse("candidates:withdraw", args=[10**9])).status_code == 404


def test_withdrawing_is_an_event_and_the_team_sees_withdrawn(client, ctx):
    client.force_login(ctx["candidate"])
    client.post(reverse("candidates:withdraw", args=[ctx["sent"].pk]))
    sent = Application.objects.get(pk=ctx["sent"].pk)
    assert sent.status == "withdrawn" and sent.withdrawn_at is not None
    assert list(sent.events.values_list("kind", "from_status", "to_status")) == [
        ("withdrawn", "new", "withdrawn")
    ]
    assert sent.get_status_display() == "Withdrawn"
    # Withdrawing a draft deletes it.
    client.post(reverse("candidates:withdraw", args=[ctx["draft"].pk]))
    assert not Application.objects.filter(pk=ctx["draft"].pk).exists()


def test_the_candidate_sees_the_status_the_employer_set(client, ctx, django_assert_max_num_queries):
    Application.objects.filter(pk=ctx["sent"].pk).update(status="shortlisted")
    client.force_login(ctx["candidate"])
    with django_assert_max_num_queries(8):
        page = client.get(reverse("candidates:mine")).content.decode()
    assert "Shortlisted" in page and "Not sent yet" in page
    assert escape(ctx["sent"].vacancy.title) in page
    assert "Kept for your next application" in page


def test_the_candidate_deletes_the_saved_cv(client, ctx, django_capture_on_commit_callbacks):
    profile = CandidateProfile.objects.get()
    name = profile.cv.name
    client.force_login(ctx["candidate"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("candidates:saved_cv_delete"))
    profile.refresh_from_db()
    assert not profile.cv and not private_storage().exists(name)
    # The applications keep their own copies.
    assert private_storage().exists(Application.objects.get(pk=ctx["sent"].pk).cv.name)


def test_a_draft_has_no_interview_to_choose(client, ctx):
    client.force_login(ctx["candidate"])
    url = reverse("candidates:interview", args=[ctx["draft"].pk])
    assert client.get(url).status_code == 404
    before = snapshot(ctx)
    assert client.post(url, {"slot": ctx["free_slot"].pk}).status_code == 404
    assert snapshot(ctx) == before


def test_withdrawing_asks_to_confirm_first(client, ctx):
    client.force_login(ctx["candidate"])
    response = client.get(reverse("candidates:withdraw", args=[ctx["sent"].pk]))
    assert response.status_code == 200
    assert b"This cannot be undone" in response.content
    assert Application.objects.get(pk=ctx["sent"].pk).status == "new"
    client.force_login(ctx["other_seeker"])
    assert client.get(reverse("candidates:withdraw", args=[ctx["sent"].pk])).status_code == 404
