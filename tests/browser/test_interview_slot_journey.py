"""Interview times on two phones (Chromium at 375 px, axe-core on every page).

A care home's manager adds three interview times back to back, then invites a shortlisted
candidate to pick one; the candidate follows the email's link, signs in with the emailed
code, books a time and gets the confirmation with a calendar file; the manager sees who chose
which time, and the team got an email.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from applications.models import Application, InterviewSlot
from seekers.models import Seeker
from tests import factories
from tests.applications.factories import ApplicationFactory
from tests.browser.helpers import ensure_reference_data, fits_the_screen, link_from_last_email
from tests.factories import place, profession

pytestmark = pytest.mark.django_db(transaction=True)

EMAIL = "ada.carer@example.net"
MANAGER = "manager@hollybank.example.org"


@pytest.fixture(autouse=True)
def reference_data(transactional_db):
    ensure_reference_data()


def _phone(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 375, "height": 740},
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    page.set_default_timeout(30_000)
    return context, page


def test_the_manager_offers_times_and_the_candidate_books_one(
    phone_page, browser, live_server, axe_check, screenshot
):
    employer = factories.EmployerFactory(name="Hollybank Care")
    factories.MembershipFactory(employer=employer, role="owner", user__email=MANAGER)
    vacancy = factories.LiveVacancyFactory(
        employer=employer,
        title="Senior Care Worker",
        profession=profession("care-worker"),
        places=[place("leeds")],
        apply_method="board",
    )
    seeker = Seeker.objects.create(user=factories.UserFactory(email=EMAIL))
    application = ApplicationFactory(
        vacancy=vacancy, seeker=seeker, email=EMAIL, full_name="Ada Carer", status="shortlisted"
    )
    day = timezone.localdate() + timedelta(days=7)

    context, manager = _phone(browser, live_server)
    try:
        manager.goto("/accounts/login/")
        manager.locator("#id_username").fill(MANAGER)
        manager.locator("#id_password").fill("correct horse battery staple")
        manager.get_by_role("button", name="Sign in").click()
        manager.wait_for_url("**/employer/")
        manager.goto(f"/employer/vacancies/{vacancy.reference}/applications/")
        manager.get_by_role("link", name="Interview times").click()
        manager.wait_for_url("**/applications/slots/")
        axe_check(manager)
        fits_the_screen(manager)
        manager.get_by_label("Day").fill(day.isoformat())
        manager.get_by_label("Time of the first interview").fill("10:00")
        manager.get_by_label("Each interview lasts").select_option(label="30 minutes")
        manager.get_by_label("How many interviews, one after another").select_option("3")
        manager.get_by_label("Address").fill("Hollybank House, 2 Park Road, Leeds LS6 2AB")
        manager.get_by_role("button", name="Add the times").click()
        manager.wait_for_url("**/applications/slots/")
        expect(manager.get_by_text("3 interview times added.")).to_be_visible()
        expect(manager.locator(".slot-row")).to_have_count(3)
        axe_check(manager)
        fits_the_screen(manager)
        screenshot(manager, "team-times")

        manager.goto(f"/employer/vacancies/{vacancy.reference}/applications/{application.pk}/")
        manager.get_by_role("link", name="Invite to interview").click()
        manager.get_by_label("Let the candidate pick one of your free interview times").check()
        axe_check(manager)
        fits_the_screen(manager)
        screenshot(manager, "invite")
        manager.get_by_role("button", name="Send the email").click()
        manager.wait_for_url(f"**/applications/{application.pk}/")
        expect(manager.get_by_text("Invited to pick a time; not chosen yet")).to_be_visible()
    finally:
        context.close()

    # The candidate follows the invitation's link and signs in with the emailed code.
    candidate = phone_page
    candidate.goto(link_from_last_email(EMAIL, "/interview/"))
    candidate.wait_for_url("**/me/sign-in/**")
    candidate.get_by_label("Email address").fill(EMAIL)
    candidate.get_by_role("button", name="Email me a code").click()
    candidate.wait_for_url("**/me/sign-in/code/")
    code = re.search(r"\b(\d{6})\b", [m for m in mail.outbox if EMAIL in m.to][-1].body)
    candidate.get_by_label("Code from the email").fill(code.group(1))
    candidate.get_by_role("button", name="Sign in").click()
    candidate.wait_for_url(f"**/me/applications/{application.pk}/interview/")
    choices = candidate.get_by_role("group", name="Choose a time")
    expect(choices.get_by_role("radio")).to_have_count(3)
    axe_check(candidate)
    fits_the_screen(candidate)
    screenshot(candidate, "choose")
    choices.get_by_role("radio", name=re.compile("10:30 to 11:00")).check()
    candidate.get_by_role("button", name="Book this time").click()
    candidate.wait_for_url(f"**/me/applications/{application.pk}/interview/")
    expect(candidate.get_by_role("heading", name="Booked")).to_be_visible()
    expect(candidate.get_by_text(re.compile(r"10:30 to 11:00")).first).to_be_visible()
    axe_check(candidate)
    fits_the_screen(candidate)
    screenshot(candidate, "booked")

    booked = InterviewSlot.objects.get(taken_by=application)
    assert timezone.localtime(booked.starts_at).strftime("%H:%M") == "10:30"
    confirmation = [m for m in mail.outbox if m.to == [EMAIL] and "Your interview" in m.subject]
    assert len(confirmation) == 1 and confirmation[0].attachments[0][0] == "interview.ics"
    assert any(MANAGER in m.to and "chose an interview time" in m.subject for m in mail.outbox)
    assert Application.objects.get(pk=application.pk).events.filter(kind="slot").count() == 1

    context, manager = _phone(browser, live_server)
    try:
        manager.goto("/accounts/login/")
        manager.locator("#id_username").fill(MANAGER)
        manager.locator("#id_password").fill("correct horse battery staple")
        manager.get_by_role("button", name="Sign in").click()
        manager.wait_for_url("**/employer/")
        manager.goto(f"/employer/vacancies/{vacancy.reference}/applications/slots/")
        expect(manager.get_by_text("Chosen by Ada Carer")).to_be_visible()
        axe_check(manager)
        fits_the_screen(manager)
    finally:
        context.close()
