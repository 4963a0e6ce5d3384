"""A candidate applies on the board from a phone (Chromium at 375 px, axe-core on every page).

They open a job taking applications here, read what is asked and the knock-out question
before starting, confirm their email with the emailed code, give their details and answers,
upload a CV, send, answer the optional equality questions, then find the application with
its status in /me/applications/ and download the CV they sent.
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


def test_a_candidate_applies_with_a_cv_and_sees_it_in_their_applications(
    phone_page, axe_check, screenshot, tmp_path
):
    page = phone_page
    vacancy = factories.LiveVacancyFactory(
        title="Senior Care Worker",
        profession=profession("care-worker"),
        places=[place("leeds")],
        apply_method="board",
    )
    ScreeningQuestion.objects.create(
        vacancy=vacancy, position=1, text="Can you work weekends?", must_be_yes=True
    )
    cv = tmp_path / "Ada CV.pdf"
    cv.write_bytes(documents.PDF)

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
    axe_check(page)
    page.get_by_role("button", name="Withdraw the application").click()
    page.wait_for_url("**/me/applications/")
    expect(page.locator(".application-status")).to_have_text("Withdrawn")
    application.refresh_from_db()
    assert application.status == "withdrawn"
