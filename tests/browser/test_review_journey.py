"""A new organisation's vacancy through review, and a live vacancy edited without leaving the site.

Chromium on a desktop and at 375 px, axe-core on every page on the way: the employer posts
and submits for review, staff find it at the top of the queue and approve it from its review
page, and the employer's email links to the live page; then the employer edits the live
vacancy (pay at once, new wording reviewed) while seekers keep seeing the approved version,
and staff approve the change from its diff.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from listings.models import Vacancy, VacancyRevision
from tests import factories
from tests.browser.helpers import ensure_reference_data, fits_the_screen, link_from_last_email

pytestmark = pytest.mark.django_db(transaction=True)

QUEUE = "/admin/listings/vacancyforreview/"
OWNER = "sam@brightpath.example.org"
PASSWORD = "brightpath-hiring-2026"


@pytest.fixture(autouse=True)
def reference_data(transactional_db):
    ensure_reference_data()


def people():
    factories.UserFactory(
        email="moderator@example.org", is_staff=True, is_superuser=True, password=PASSWORD
    )
    employer = factories.EmployerFactory(name="Brightpath Support", verified=False)
    factories.MembershipFactory(employer=employer, user__email=OWNER, user__password=PASSWORD)
    return employer


def sign_in(page, email: str, *, admin: bool = False) -> None:
    if admin:
        page.goto("/admin/")
        page.locator("#id_username").fill(email)
        page.locator("#id_password").fill(PASSWORD)
        page.locator('input[type="submit"]').click()
        page.wait_for_url("**/admin/")
        return
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/employer/")


def other_page(browser, live_server, like):
    """A second person at the same screen size (staff, or an anonymous seeker)."""
    context = browser.new_context(
        base_url=live_server.url,
        viewport=like.viewport_size,
        is_mobile=like.viewport_size["width"] < 500,
        has_touch=like.viewport_size["width"] < 500,
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


@pytest.mark.parametrize("device", ["page", "phone_page"])
def test_post_submit_for_review_approve_and_the_email_links_to_it(
    request, device, browser, live_server, axe_check, screenshot
):
    page = request.getfixturevalue(device)
    people()
    sign_in(page, OWNER)
    expect(page.get_by_role("heading", name="Get started")).to_be_visible()
    expect(page.get_by_text("Organisation not verified yet")).to_be_visible()
    fits_the_screen(page)
    axe_check(page)
    screenshot(page, "first-steps")

    # A draft needs only a title.
    page.get_by_role("link", name="Post your first job").click()
    page.get_by_label("Job title").fill("Support Worker - Days")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Draft saved: Support Worker - Days")).to_be_visible()
    # Then the rest, and the preview says it goes to review.
    page.get_by_label("Profession", exact=True).select_option(label="Support Worker")
    page.get_by_label("Places").fill("Leeds")
    page.get_by_label("Job description").fill("Support adults to live well.\n\n- Paid training")
    page.get_by_label("Salary from (£)").fill("24000")
    closing = timezone.localdate() + timedelta(days=21)
    page.get_by_label("Closing date").fill(closing.isoformat())
    page.get_by_label("Apply on your website (web address)").fill("https://example.org/apply")
    page.get_by_role("button", name="Save and preview").click()
    page.wait_for_url("**/preview/")
    expect(page.get_by_role("button", name="Submit for review")).to_be_visible()
    fits_the_screen(page)
    axe_check(page)
    page.get_by_role("button", name="Submit for review").click()
    page.wait_for_url("**/employer/")
    vacancy = Vacancy.objects.get()
    assert vacancy.status == Vacancy.Status.PENDING_REVIEW

    # Staff find it first in the queue, read it, approve it.
    factories.PendingVacancyFactory(employer=factories.EmployerFactory(verified=True))
    staff = other_page(browser, live_server, page)
    sign_in(staff, "moderator@example.org", admin=True)
    staff.goto(f"{QUEUE}?verified=no")
    first_row = staff.locator("#result_list tbody tr").first
    expect(first_row).to_contain_text(vacancy.reference)
    axe_check(staff)
    staff.get_by_role("link", name=f"Review {vacancy.reference}").click()
    expect(staff.get_by_role("heading", name="A new vacancy")).to_be_visible()
    axe_check(staff)
    screenshot(staff, "review-new")
    staff.get_by_role("button", name="Approve", exact=True).click()
    expect(staff.get_by_text("Approved 1 vacancy.")).to_be_visible()
    staff.context.close()
    vacancy.refresh_from_db()
    assert vacancy.status == Vacancy.Status.LIVE

    # The employer is told, with the link.
    (told,) = [m for m in mail.outbox if OWNER in m.to and "is live" in m.subject]
    assert told.subject == f"Your vacancy is live: Support Worker - Days ({vacancy.reference})"
    page.goto(link_from_last_email(OWNER, vacancy.reference))
    expect(page.get_by_role("heading", name="Support Worker - Days", level=1)).to_be_visible()
    fits_the_screen(page)
    axe_check(page)


@pytest.mark.parametrize("device", ["page", "phone_page"])
def test_editing_a_live_vacancy_keeps_it_up_while_the_new_wording_waits(
    request, device, browser, live_server, axe_check, screenshot
):
    page = request.getfixturevalue(device)
    employer = people()
    vacancy = factories.LiveVacancyFactory(
        employer=employer, title="Night Carer", salary_min=24000, salary_max=26000
    )
    public = vacancy.get_absolute_url()
    seeker = other_page(browser, live_server, page)

    sign_in(page, OWNER)
    page.goto(f"/employer/vacancies/{vacancy.reference}/edit/")
    # The rule, before saving.
    expect(page.get_by_text("This vacancy stays live while you edit it.")).to_be_visible()
    fits_the_screen(page)
    axe_check(page)
    screenshot(page, "edit-rule")
    page.get_by_label("Job title").fill("Senior Night Carer")
    page.get_by_label("Salary to (£)").fill("28000")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Your new wording is waiting for our team")).to_be_visible()
    expect(
        page.get_by_role("heading", name="Your new wording is waiting for review")
    ).to_be_visible()
    assert page.get_by_label("Job title").input_value() == "Senior Night Carer"
    fits_the_screen(page)
    axe_check(page)

    # Seekers still see it: the approved title, the new pay.
    response = seeker.goto(public)
    assert response.status == 200
    expect(seeker.get_by_role("heading", name="Night Carer", level=1)).to_be_visible()
    expect(seeker.get_by_text("28,000").first).to_be_visible()
    axe_check(seeker)

    # Staff approve the change from its diff.
    staff = other_page(browser, live_server, page)
    sign_in(staff, "moderator@example.org", admin=True)
    staff.goto(f"{QUEUE}?kind=change")
    staff.get_by_role("link", name=f"Review {vacancy.reference}").click()
    expect(staff.locator("ins.diff-ins")).to_have_text("Senior Night Carer")
    expect(staff.locator("del.diff-del")).to_have_text("Night Carer")
    axe_check(staff)
    screenshot(staff, "review-change")
    staff.get_by_role("button", name="Approve", exact=True).click()
    expect(staff.get_by_text("Approved 1 vacancy.")).to_be_visible()
    staff.context.close()
    assert not VacancyRevision.objects.exists()

    seeker.goto(public)  # the old address still answers (it may redirect to the new slug)
    expect(seeker.get_by_role("heading", name="Senior Night Carer", level=1)).to_be_visible()
    assert [m.subject for m in mail.outbox if OWNER in m.to][-1].startswith("Your changes are live")
    seeker.context.close()
