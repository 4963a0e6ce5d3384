"""Applying on the board from a phone (Chromium at 375 px, axe-core on every page).

A candidate opens a job taking applications here, reads what is asked and the knock-out
question before starting, confirms their email with the emailed code, gives their details and
answers, uploads a CV, sends, answers the optional equality questions, then finds the
application with its status in /me/applications/ and downloads the CV they sent. In the whole
journey the employer, on their own phone, shortlists and invites them to interview, and the
candidate sees the new status and the invitation email.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core import mail
from playwright.sync_api import expect

from applications.models import Application, EqualityMonitoring, ScreeningQuestion
from tests import factories
from tests.applications import documents
from tests.browser.helpers import ensure_reference_data, fits_the_screen
from tests.factories import place, profession

pytestmark = pytest.mark.django_db(transaction=True)

EMAIL = "ada.carer@example.net"


@pytest.fixture(autouse=True)
def reference_data(transactional_db):
    ensure_reference_data()


def code_from_email(to: str) -> str:
    sent = [m for m in mail.outbox if to in m.to]
    assert sent, f"no email to {to}"
    return re.search(r"\b(\d{6})\b", sent[-1].body).group(1)


def board_vacancy(**fields):
    vacancy = factories.LiveVacancyFactory(
        title="Senior Care Worker",
        profession=profession("care-worker"),
        places=[place("leeds")],
        apply_method="board",
        **fields,
    )
    ScreeningQuestion.objects.create(
        vacancy=vacancy, position=1, text="Can you work weekends?", must_be_yes=True
    )
    return vacancy


def apply_with_a_cv(page, vacancy, cv: Path, axe_check, screenshot) -> Application:
    """The candidate's steps, from the vacancy page to "Application sent"."""
    page.goto(vacancy.get_absolute_url())
    page.get_by_role("link", name="Apply now").first.click()
    page.wait_for_url(f"**/vacancies/{vacancy.reference}/apply/**")
    expect(page.locator(".knockouts").get_by_text("Can you work weekends?")).to_be_visible()
    expect(page.get_by_text("12 months after the job closes")).to_be_visible()
    axe_check(page)
    fits_the_screen(page)
    screenshot(page, "apply-start")

    # No account yet: the address is confirmed with the emailed code, then back here.
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_role("button", name="Send me a code").click()
    page.wait_for_url("**/me/sign-in/code/")
    page.get_by_label("Code from the email").fill(code_from_email(EMAIL))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**/vacancies/{vacancy.reference}/apply/")
    page.get_by_role("button", name="Start your application").click()

    page.wait_for_url("**/apply/details/")
    axe_check(page)
    fits_the_screen(page)
    page.get_by_label("Full name", exact=True).fill("Ada Carer")
    page.get_by_label("Phone number", exact=True).fill("07700 900456")
    page.get_by_role("group", name="Do you have the right to work in the UK?").get_by_label(
        "Yes"
    ).check()
    page.get_by_role("group", name="Is your DBS check on the DBS Update Service?").get_by_label(
        "Yes"
    ).check()
    page.get_by_role("group", name="Can you work weekends?").get_by_label("Yes").check()
    page.get_by_role("button", name="Save and continue").click()

    page.wait_for_url("**/apply/cv/")
    axe_check(page)
    fits_the_screen(page)
    page.get_by_label("Your CV", exact=True).set_input_files(str(cv))
    page.get_by_label("Supporting statement (optional)").fill("Ten years in home care.")
    screenshot(page, "apply-cv")
    page.get_by_role("button", name="Send application").click()

    page.wait_for_url("**/apply/sent/")
    expect(page.get_by_role("heading", name="Application sent")).to_be_visible()
    axe_check(page)
    application = Application.objects.get(email=EMAIL)
    assert application.status == "new" and application.cv_content_type == "application/pdf"
    assert any("Application sent: Senior Care Worker" in m.subject for m in mail.outbox)
    return application


def test_a_candidate_applies_with_a_cv_and_sees_it_in_their_applications(
    phone_page, axe_check, screenshot, tmp_path
):
    page = phone_page
    vacancy = board_vacancy()
    cv = tmp_path / "Ada CV.pdf"
    cv.write_bytes(documents.PDF)
    application = apply_with_a_cv(page, vacancy, cv, axe_check, screenshot)

    page.get_by_role("link", name="Answer the questions").click()
    page.wait_for_url("**/apply/equality/")
    axe_check(page)
    fits_the_screen(page)
    page.get_by_role("group", name="Your age").get_by_label("35 to 44").check()
    page.get_by_role("button", name="Send answers").click()

    page.wait_for_url("**/me/applications/")
    expect(page.get_by_role("link", name="Senior Care Worker", exact=True)).to_be_visible()
    expect(page.locator(".application-status")).to_have_text("New")
    axe_check(page)
    fits_the_screen(page)
    screenshot(page, "my-applications")
    assert EqualityMonitoring.objects.get().age_band == "35-44"

    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Download your CV")).click()
    assert download.value.suggested_filename == "Ada-CV.pdf"
    assert Path(download.value.path()).read_bytes() == documents.PDF

    # Withdrawing asks first; the team then sees "Withdrawn".
    page.get_by_role("link", name=re.compile("^Withdraw")).click()
    page.wait_for_url("**/withdraw/")
    axe_check(page)
    page.get_by_role("button", name="Withdraw the application").click()
    page.wait_for_url("**/me/applications/")
    expect(page.locator(".application-status")).to_have_text("Withdrawn")
    application.refresh_from_db()
    assert application.status == "withdrawn"


def test_the_employer_shortlists_and_invites_and_the_candidate_sees_it(
    phone_page, browser, live_server, axe_check, screenshot, tmp_path
):
    employer = factories.EmployerFactory(name="Hollybank Care")
    owner = factories.MembershipFactory(
        employer=employer, role="owner", user__email="manager@hollybank.example.org"
    ).user
    vacancy = board_vacancy(employer=employer)
    cv = tmp_path / "Ada CV.pdf"
    cv.write_bytes(documents.PDF)
    candidate = phone_page
    application = apply_with_a_cv(candidate, vacancy, cv, axe_check, screenshot)

    # The care home's manager, on their own phone, works through the applications.
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 375, "height": 740},
        is_mobile=True,
        has_touch=True,
    )
    manager = context.new_page()
    manager.set_default_timeout(30_000)
    try:
        manager.goto("/accounts/login/")
        manager.locator("#id_username").fill(owner.email)
        manager.locator("#id_password").fill("correct horse battery staple")
        manager.get_by_role("button", name="Sign in").click()
        manager.wait_for_url("**/employer/")
        manager.goto(f"/employer/vacancies/{vacancy.reference}/applications/")
        axe_check(manager)
        fits_the_screen(manager)
        manager.get_by_role("link", name="Ada Carer").click()
        manager.wait_for_url(f"**/applications/{application.pk}/")
        axe_check(manager)
        fits_the_screen(manager)
        manager.get_by_label("Status", exact=True).select_option(label="Shortlisted")
        manager.get_by_role("button", name="Change the status").click()
        manager.wait_for_url(f"**/applications/{application.pk}/")
        application.refresh_from_db()
        assert application.status == "shortlisted"

        # The candidate sees the new status in their account.
        candidate.goto("/me/applications/")
        expect(candidate.locator(".application-status")).to_have_text("Shortlisted")

        manager.get_by_role("link", name="Invite to interview").click()
        manager.wait_for_url("**/message/*/")
        axe_check(manager)
        fits_the_screen(manager)
        manager.get_by_label("Day", exact=True).fill("2030-01-15")
        manager.get_by_label("Time", exact=True).fill("10:30")
        manager.get_by_label("Address").fill("Hollybank House, 2 Park Road, Leeds LS6 2AB")
        manager.get_by_role("button", name="Send the email").click()
        manager.wait_for_url(f"**/applications/{application.pk}/")
        axe_check(manager)
        screenshot(manager, "team-application")
    finally:
        context.close()

    application.refresh_from_db()
    assert application.status == "interview"
    invitation = [m for m in mail.outbox if EMAIL in m.to and "interview" in m.subject.lower()]
    assert len(invitation) == 1
    assert "Hollybank House, 2 Park Road, Leeds LS6 2AB" in invitation[0].body
    assert "15 January 2030" in invitation[0].body or "15/01/2030" in invitation[0].body

    candidate.goto("/me/applications/")
    expect(candidate.locator(".application-status")).to_have_text("Interview")
    axe_check(candidate)
    fits_the_screen(candidate)
