"""Staff moderate new employers' vacancies in the admin: approve one, reject one with a reason.

Chromium on a desktop and at 375 px; axe-core checks the pages this project adds or shapes
(the review queue and the rejection form) as well as Django's own admin pages around them.
"""

from __future__ import annotations

import pytest
from django.core import mail
from playwright.sync_api import expect

from listings.models import ModerationDecision, Vacancy
from tests import factories
from tests.browser.helpers import ensure_reference_data

pytestmark = pytest.mark.django_db(transaction=True)

QUEUE = "/admin/listings/vacancyforreview/"
REASON = "Add the salary range and the hours, then send it again."


@pytest.fixture(autouse=True)
def reference_data(transactional_db):
    ensure_reference_data()


def choose_action(page, vacancy: Vacancy, action: str) -> None:
    page.locator(f'input[name="_selected_action"][value="{vacancy.pk}"]').check()
    page.locator('select[name="action"]').select_option(action)
    page.locator('button[name="index"]').click()


@pytest.mark.parametrize("device", ["page", "phone_page"])
def test_staff_approve_and_reject_in_the_review_queue(request, device, axe_check, screenshot):
    page = request.getfixturevalue(device)
    factories.UserFactory(
        email="moderator@example.org",
        is_staff=True,
        is_superuser=True,
        password="moderate-well-2026",
    )
    employer = factories.EmployerFactory(name="New Dawn Support", verified=False)
    factories.MembershipFactory(employer=employer, user__email="lead@newdawn.example.org")
    good = factories.PendingVacancyFactory(employer=employer, title="Support Worker - Days")
    vague = factories.PendingVacancyFactory(employer=employer, title="Carer wanted")

    page.goto("/admin/")
    page.locator("#id_username").fill("moderator@example.org")
    page.locator("#id_password").fill("moderate-well-2026")
    page.locator('input[type="submit"]').click()
    page.wait_for_url("**/admin/")
    axe_check(page)

    # The queue lists both, oldest first; approve the good one.
    page.goto(QUEUE)
    expect(page.get_by_text("Support Worker - Days")).to_be_visible()
    expect(page.get_by_text("Carer wanted")).to_be_visible()
    axe_check(page)
    screenshot(page, "queue")
    choose_action(page, good, "approve_selected")
    expect(page.get_by_text("Approved 1 vacancy.")).to_be_visible()
    good.refresh_from_db()
    assert good.status == Vacancy.Status.LIVE
    expect(page.get_by_text("Support Worker - Days")).to_have_count(0)

    # Rejecting asks for a reason first.
    choose_action(page, vague, "reject_selected")
    expect(page.get_by_role("heading", name="Reject 1 vacancy")).to_be_visible()
    reason = page.get_by_label("Reason (sent to the employer)")
    assert reason.get_attribute("required") is not None
    axe_check(page)
    screenshot(page, "reject")
    vague.refresh_from_db()
    assert vague.status == Vacancy.Status.PENDING_REVIEW
    reason.fill(REASON)
    page.get_by_role("button", name="Reject and email the reason").click()
    expect(page.get_by_text("Rejected 1 vacancy")).to_be_visible()
    axe_check(page)

    vague.refresh_from_db()
    assert vague.status == Vacancy.Status.REJECTED
    assert vague.rejection_reason == REASON
    decisions = ModerationDecision.objects.filter(moderator__email="moderator@example.org")
    assert decisions.count() == 2

    rejected = [m for m in mail.outbox if "lead@newdawn.example.org" in m.to]
    assert rejected and REASON in rejected[-1].body
