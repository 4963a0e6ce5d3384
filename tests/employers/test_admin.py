"""Staff moderation in the admin: the review queue, approve and reject, employer verification."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from listings.models import ModerationDecision, Vacancy
from tests import factories

pytestmark = pytest.mark.django_db

QUEUE = "admin:listings_vacancyforreview_changelist"


@pytest.fixture
def staff_client(client, admin_user):
    client.force_login(admin_user)
    return client


def test_queue_shows_pending_only_newest_first(staff_client):
    newer = factories.PendingVacancyFactory(title="Newer")
    older = factories.PendingVacancyFactory(title="Older")
    Vacancy.objects.filter(pk=older.pk).update(updated_at=timezone.now() - timedelta(days=3))
    factories.LiveVacancyFactory(title="Already live")
    response = staff_client.get(reverse(QUEUE))
    assert response.status_code == 200
    rows = list(response.context["cl"].result_list)
    assert [v.pk for v in rows] == [newer.pk, older.pk]
    assert "Already live" not in response.content.decode()


def test_approve_action(staff_client, admin_user):
    vacancy = factories.PendingVacancyFactory()
    response = staff_client.post(
        reverse(QUEUE), {"action": "approve_selected", ACTION_CHECKBOX_NAME: [vacancy.pk]}
    )
    assert response.status_code == 302
    vacancy.refresh_from_db()
    assert vacancy.status == Vacancy.Status.LIVE
    decision = ModerationDecision.objects.get()
    assert (decision.action, decision.moderator) == ("approve", admin_user)


def test_reject_asks_for_a_reason_then_emails_it(
    staff_client, admin_user, django_capture_on_commit_callbacks
):
    vacancy = factories.PendingVacancyFactory()
    factories.MembershipFactory(employer=vacancy.employer, user__email="team@example.org")
    selected = {"action": "reject_selected", ACTION_CHECKBOX_NAME: [vacancy.pk]}

    page = staff_client.post(reverse(QUEUE), selected)
    assert page.status_code == 200
    assert "Reason (sent to the employer)" in page.content.decode()

    blank = staff_client.post(reverse(QUEUE), {**selected, "apply": "1", "reason": "  "})
    assert blank.status_code == 200
    vacancy.refresh_from_db()
    assert vacancy.status == Vacancy.Status.PENDING_REVIEW

    with django_capture_on_commit_callbacks(execute=True):
        done = staff_client.post(
            reverse(QUEUE), {**selected, "apply": "1", "reason": "Say what the pay is."}
        )
    assert done.status_code == 302
    vacancy.refresh_from_db()
    assert (vacancy.status, vacancy.rejection_reason) == ("rejected", "Say what the pay is.")
    decision = ModerationDecision.objects.get()
    assert (decision.action, decision.moderator, decision.reason) == (
        "reject",
        admin_user,
        "Say what the pay is.",
    )
    assert mail.outbox[0].to == ["team@example.org"]


def test_actions_on_the_wrong_status_say_so(staff_client):
    live = factories.LiveVacancyFactory()
    response = staff_client.post(
        reverse("admin:listings_vacancy_changelist"),
        {"action": "approve_selected", ACTION_CHECKBOX_NAME: [live.pk]},
        follow=True,
    )
    assert "Not approved" in response.content.decode()
    assert not ModerationDecision.objects.exists()


def test_verify_employer_action_records_a_decision(staff_client, admin_user):
    employer = factories.EmployerFactory(verified=False)
    staff_client.post(
        reverse("admin:employers_employer_changelist"),
        {"action": "verify_selected", ACTION_CHECKBOX_NAME: [employer.pk]},
    )
    employer.refresh_from_db()
    assert employer.verified and employer.verified_by == admin_user
    assert ModerationDecision.objects.get().action == "verify"


def test_verified_flag_is_not_editable_in_the_form(staff_client):
    employer = factories.EmployerFactory(verified=False)
    page = staff_client.get(reverse("admin:employers_employer_change", args=[employer.pk]))
    assert 'name="verified"' not in page.content.decode()


def test_decisions_are_listed_and_read_only(staff_client, admin_user):
    vacancy = factories.PendingVacancyFactory()
    ModerationDecision.objects.create(
        moderator=admin_user, action="approve", vacancy=vacancy, employer=vacancy.employer
    )
    response = staff_client.get(reverse("admin:listings_moderationdecision_changelist"))
    assert response.status_code == 200
    assert admin_user.email in response.content.decode()
    assert staff_client.get(reverse("admin:listings_moderationdecision_add")).status_code == 403


def test_employer_member_cannot_reach_the_queue(client):
    member = factories.MembershipFactory().user
    client.force_login(member)
    response = client.get(reverse(QUEUE))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
