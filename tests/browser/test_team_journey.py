"""An owner invites a colleague, who joins from the emailed link: Chromium, desktop and phone.

Two browser contexts, one per person, so neither shares the other's session.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from employers.models import Membership
from tests import factories
from tests.browser.helpers import ensure_reference_data, fits_the_screen, link_from_last_email

pytestmark = pytest.mark.django_db(transaction=True)

VIEWPORTS = {
    "page": {"viewport": {"width": 1280, "height": 900}},
    "phone_page": {"viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True},
}


@pytest.fixture(autouse=True)
def reference_data(transactional_db):
    ensure_reference_data()


def sign_in(page, email: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(email)
    page.locator("#id_password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/employer/")


@pytest.mark.parametrize("device", ["page", "phone_page"])
def test_owner_invites_and_colleague_accepts(
    request, device, browser, live_server, axe_check, screenshot
):
    page = request.getfixturevalue(device)
    employer = factories.EmployerFactory(name="Hollybank Care")
    owner = factories.MembershipFactory(
        employer=employer, role="owner", user__email="owner@hollybank.example.org"
    ).user
    colleague_email = f"jo.{device}@hollybank.example.org"

    # The owner signs in and invites a colleague as a recruiter.
    sign_in(page, owner.email, "correct horse battery staple")
    axe_check(page)
    page.goto("/employer/team/")
    axe_check(page)
    fits_the_screen(page)
    page.get_by_label("Colleague's email address").fill(colleague_email)
    page.get_by_label("Role", exact=True).select_option(label="Recruiter")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text(f"Invitation sent to {colleague_email}.")).to_be_visible()
    expect(page.get_by_role("heading", name="Invitations waiting")).to_be_visible()
    axe_check(page)
    screenshot(page, "team")

    # The colleague follows the emailed link in their own browser and creates an account.
    context = browser.new_context(base_url=live_server.url, **VIEWPORTS[device])
    try:
        colleague = context.new_page()
        colleague.set_default_timeout(10_000)
        colleague.goto(link_from_last_email(colleague_email, "/employer/invitations/"))
        expect(colleague.get_by_role("heading", name="Join Hollybank Care")).to_be_visible()
        axe_check(colleague)
        fits_the_screen(colleague)
        screenshot(colleague, "invitation")
        colleague.get_by_label("First name").fill("Jo")
        colleague.get_by_label("Last name").fill("Okafor")
        colleague.get_by_label("Choose a password").fill("hollybank-recruits-2026")
        colleague.get_by_role("button", name="Create account and join").click()
        colleague.wait_for_url("**/employer/")
        expect(colleague.get_by_text("You have joined Hollybank Care.")).to_be_visible()
        axe_check(colleague)
        fits_the_screen(colleague)
    finally:
        context.close()

    membership = Membership.objects.get(user__email=colleague_email)
    assert membership.employer == employer
    assert membership.role == Membership.Role.RECRUITER

    # The owner sees the new member on the team page.
    page.goto("/employer/team/")
    expect(page.get_by_text(colleague_email).first).to_be_visible()
    axe_check(page)
