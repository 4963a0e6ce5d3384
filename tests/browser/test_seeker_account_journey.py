"""A job seeker's account from start to finish in Chromium at 375 px, with axe-core.

Save a job before having an account (kept in the browser), sign up with the emailed code,
find the job moved into the account, save another from the results with one tap, see an
alert made before the account, pause it, download everything, and delete it all. The live
server runs in a thread of this process, so its emails land in ``mail.outbox`` here.
"""

from __future__ import annotations

import json
import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from employers.models import User
from listings.models import JobAlert
from seekers.models import SavedJob, Seeker
from tests import factories
from tests.browser.helpers import ensure_reference_data, fits_the_screen
from tests.factories import place, profession

pytestmark = pytest.mark.django_db(transaction=True)

EMAIL = "nia.phone@example.net"


@pytest.fixture(autouse=True)
def reference_data(transactional_db):
    ensure_reference_data()


def code_from_email(to: str) -> str:
    sent = [m for m in mail.outbox if to in m.to]
    assert sent, f"no email to {to}"
    return re.search(r"\b(\d{6})\b", sent[-1].body).group(1)


def test_sign_up_save_see_alerts_download_and_delete(phone_page, axe_check, screenshot, tmp_path):
    page = phone_page
    first = factories.LiveVacancyFactory(
        title="Community Nurse", profession=profession("registered-nurse"), places=[place("leeds")]
    )
    second = factories.LiveVacancyFactory(
        title="Care Worker - Nights", profession=profession("care-worker"), places=[place("leeds")]
    )
    factories.JobAlertFactory(email=EMAIL, query="profession=care-worker")

    # Before any account: one tap keeps the job in this browser.
    page.goto(first.get_absolute_url())
    save = page.get_by_role("button", name="Save this job")
    expect(save).to_have_attribute("aria-pressed", "false")
    save.click()
    expect(page.get_by_role("button", name="Saved")).to_have_attribute("aria-pressed", "true")
    assert not SavedJob.objects.exists()
    axe_check(page)
    fits_the_screen(page)

    # Sign up by email: the sign-in page knows about the job kept here.
    page.get_by_role("link", name="Your jobs").click()
    page.wait_for_url("**/me/sign-in/**")
    expect(page.get_by_text("saved in this browser")).to_be_visible()
    axe_check(page)
    fits_the_screen(page)
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_role("button", name="Email me a code").click()
    page.wait_for_url("**/me/sign-in/code/")
    axe_check(page)
    page.get_by_label("Code from the email").fill(code_from_email(EMAIL))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/me/saved/")
    # The job kept in the browser moves into the account.
    expect(page.get_by_role("link", name="Community Nurse")).to_be_visible()
    user = User.objects.get(email=EMAIL)
    assert user.email_verified and Seeker.objects.filter(user=user).exists()
    assert list(SavedJob.objects.values_list("vacancy_id", flat=True)) == [first.pk]
    assert page.evaluate("window.localStorage.getItem('savedJobs')") is None
    axe_check(page)
    fits_the_screen(page)
    screenshot(page, "saved")

    # One tap from the results saves to the account.
    page.goto("/jobs/?profession=care-worker")
    page.get_by_role("button", name=f"Save {second.title}").click()
    card_save = page.locator(f'[data-save-job="{second.reference}"]')
    expect(card_save).to_have_attribute("aria-pressed", "true")
    expect(card_save).to_have_accessible_name(f"Saved {second.title}")
    assert SavedJob.objects.filter(vacancy=second).exists()
    axe_check(page)

    # Every alert for the address, including the one made before the account.
    page.goto("/me/alerts/")
    expect(page.get_by_role("heading", name="Care Worker jobs")).to_be_visible()
    axe_check(page)
    fits_the_screen(page)
    page.get_by_role("button", name="Pause Care Worker jobs").click()
    expect(page.get_by_text("Job alert paused.")).to_be_visible()
    assert JobAlert.objects.get(email=EMAIL).paused

    # Download everything held.
    page.get_by_role("link", name="Your data").click()
    page.wait_for_url("**/me/privacy/")
    axe_check(page)
    fits_the_screen(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download your data").click()
    path = tmp_path / "data.json"
    download.value.save_as(path)
    data = json.loads(path.read_text())
    assert data["account"]["email"] == EMAIL and len(data["saved_jobs"]) == 2
    assert data["job_alerts"][0]["paused"] is True

    # Delete it all: the box first, then rows gone.
    page.get_by_role("button", name="Delete everything").click()
    expect(page.get_by_text("Tick the box to confirm")).to_be_visible()
    assert User.objects.filter(email=EMAIL).exists()
    page.get_by_label("I understand").check()
    page.get_by_role("button", name="Delete everything").click()
    expect(page.get_by_role("heading", name="Your account is deleted")).to_be_visible()
    axe_check(page)
    assert not User.objects.filter(email=EMAIL).exists()
    assert not JobAlert.objects.filter(email=EMAIL).exists() and not SavedJob.objects.exists()


def test_without_javascript_saving_and_reporting_still_work(no_js_page, axe_check):
    page = no_js_page
    vacancy = factories.LiveVacancyFactory(title="Support Worker")
    page.goto(vacancy.get_absolute_url())
    page.get_by_role("link", name="Save this job").click()
    expect(page.get_by_role("link", name="Sign in to save this job")).to_be_visible()
    page.goto(vacancy.get_absolute_url())
    page.get_by_role("link", name="Report this job").click()
    page.get_by_label("It looks like a scam or asks for money").check()
    page.get_by_role("button", name="Send the report").click()
    expect(page.get_by_role("heading", name="Thank you for your report")).to_be_visible()
    assert vacancy.reports.count() == 1
