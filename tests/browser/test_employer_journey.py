"""An employer's whole journey in Chromium, on a desktop and on a 375 px phone.

Sign up, confirm the address from the emailed link, write a vacancy, preview it, publish it
(staff approve a new employer's first vacancy), edit it, close it, renew it and duplicate it.
axe-core checks every page on the way.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from employers.models import Employer
from employers.services import employer_verify
from listings.models import Vacancy
from listings.services import vacancy_approve
from tests import factories
from tests.browser.helpers import fits_the_screen, path_of

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("device", ["page", "phone_page"])
def test_sign_up_to_duplicate(request, device, screenshot, live_server, axe_check):
    page = request.getfixturevalue(device)
    staff = factories.UserFactory(email="moderator@example.org", is_staff=True)

    # Sign up.
    page.goto("/accounts/signup/")
    fits_the_screen(page)
    axe_check(page)
    page.get_by_label("First name").fill("Priya")
    page.get_by_label("Last name").fill("Shah")
    page.get_by_label("Work email address").fill("priya@meadowbank.example.org")
    page.get_by_label("Password").fill("meadowbank-is-hiring-2026")
    page.get_by_label("Organisation name").fill("Meadowbank Home Care")
    page.get_by_label("Sector").select_option(label="Independent care provider")
    page.get_by_label("Region").select_option(label="Yorkshire and the Humber")
    page.get_by_label("Town or city (optional)").fill("York")
    page.get_by_role("button", name="Create account").click()
    # The same page whether or not the address had an account: nothing is revealed.
    page.wait_for_url("**/accounts/signup/sent/")
    assert page.get_by_role("heading", name="Check your email").is_visible()
    axe_check(page)

    # Confirm the address from the link in the email, then sign in.
    message = mail.outbox[-1]
    assert message.to == ["priya@meadowbank.example.org"]
    link = re.search(r"https?://\S+/accounts/verify/\S+/", message.body).group(0)
    page.goto(path_of(link))
    page.get_by_role("button", name="Confirm my email address").click()
    page.wait_for_url("**/accounts/login/**")
    assert page.get_by_text("is confirmed").is_visible()
    page.get_by_label("Email address").fill("priya@meadowbank.example.org")
    page.get_by_label("Password").fill("meadowbank-is-hiring-2026")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/employer/")
    assert page.get_by_role("heading", name="Your vacancies").is_visible()
    screenshot(page, "dashboard-new")
    axe_check(page)

    # Write a vacancy; a mistake first, then put right.
    page.get_by_role("link", name="Post a vacancy").first.click()
    page.get_by_label("Job title").fill("Care Worker - Days")
    page.get_by_label("Profession", exact=True).select_option(label="Care Worker")
    page.get_by_label("Places").fill("York, Atlantis")
    page.get_by_label("Job description").fill("Support people at home.\n\n- Paid mileage")
    page.get_by_label("Salary from (£)").fill("13.50")
    page.get_by_label("Salary to (£)").fill("12.00")
    page.get_by_label("Paid", exact=True).select_option(label="an hour")
    closing = timezone.localdate() + timedelta(days=21)
    page.get_by_label("Closing date").fill(closing.isoformat())
    page.get_by_label("Apply on your website (web address)").fill("https://example.org/apply")
    page.get_by_role("button", name="Save and preview").click()
    summary = page.get_by_role("alert")
    assert "There is a problem" in summary.inner_text()
    assert "Atlantis" in summary.inner_text()
    assert Vacancy.objects.count() == 0
    fits_the_screen(page)
    axe_check(page)
    screenshot(page, "form-errors")
    page.get_by_label("Places").fill("York, Harrogate")
    page.get_by_label("Salary to (£)").fill("14.25")
    # The care-sector facts: a mistake the model's rules catch, then put right.
    page.get_by_label("Days", exact=True).check()
    page.get_by_label("Weekends").check()
    page.get_by_label("Driving", exact=True).select_option(label="No driving needed")
    page.get_by_label("Mileage paid").select_option(label="Yes")
    page.get_by_label("DBS check", exact=True).select_option(
        label="Enhanced DBS check with barred lists"
    )
    page.get_by_label("Skilled Worker visa sponsorship").select_option(label="No sponsorship")
    page.get_by_role("button", name="Save and preview").click()
    assert "Mileage only applies" in page.get_by_role("alert").inner_text()
    assert page.get_by_label("Weekends").is_checked()  # kept while the mistake is put right
    fits_the_screen(page)
    axe_check(page)
    screenshot(page, "form-fact-errors")
    page.get_by_label("Driving", exact=True).select_option(
        label="Driving licence and own vehicle needed"
    )
    page.get_by_role("button", name="Save and preview").click()

    # Preview exactly as seekers will see it, then publish.
    page.wait_for_url("**/preview/")
    assert page.get_by_role("heading", name="Care Worker - Days", level=1).is_visible()
    assert page.get_by_text("this is how seekers will see your vacancy").is_visible()
    fits_the_screen(page)
    axe_check(page)
    screenshot(page, "preview")
    # A new organisation's vacancy goes to review, and the button says so.
    assert page.get_by_role("button", name="Publish").count() == 0
    page.get_by_role("button", name="Submit for review").click()
    page.wait_for_url("**/employer/")
    assert page.get_by_text("is waiting for review").is_visible()
    vacancy = Vacancy.objects.get()
    assert vacancy.status == Vacancy.Status.PENDING_REVIEW
    assert vacancy.shift_patterns == ["days", "weekends"] and vacancy.driving == "car"
    assert vacancy.mileage_paid is True and vacancy.visa_sponsorship == "no"

    # Staff approve the first vacancy and verify the new employer.
    vacancy_approve(vacancy=vacancy, moderator=staff)
    employer_verify(employer=Employer.objects.get(), moderator=staff)

    # Edit the live vacancy.
    page.goto("/employer/?status=live")
    page.get_by_role("link", name="Edit Care Worker - Days").click()
    page.get_by_label("Job title").fill("Care Worker - Days and Weekends")
    axe_check(page)
    page.get_by_role("button", name="Save changes").click()
    assert page.get_by_text("Saved: Care Worker - Days and Weekends").is_visible()
    vacancy.refresh_from_db()
    assert vacancy.title == "Care Worker - Days and Weekends"
    assert vacancy.status == Vacancy.Status.LIVE

    # Close it early.
    page.goto("/employer/")
    fits_the_screen(page)
    axe_check(page)
    page.get_by_role("link", name="Close Care Worker - Days and Weekends").click()
    page.get_by_role("button", name="Close the vacancy").wait_for()
    axe_check(page)
    fits_the_screen(page)
    page.get_by_label("Filled through this board").check()
    page.get_by_role("button", name="Close the vacancy").click()
    assert page.get_by_text("is closed to applications").is_visible()
    vacancy.refresh_from_db()
    assert vacancy.status == Vacancy.Status.CLOSED and vacancy.outcome == "filled-here"
    assert page.get_by_role("heading", name="How your vacancies ended").is_visible()

    # Renew it with a new closing date.
    page.get_by_role("link", name="Renew Care Worker - Days and Weekends").click()
    page.get_by_label("New closing date").fill((closing + timedelta(days=7)).isoformat())
    axe_check(page)
    page.get_by_role("button", name="Renew the vacancy").click()
    assert page.get_by_text("is open until").is_visible()
    vacancy.refresh_from_db()
    assert vacancy.status == Vacancy.Status.LIVE

    # Duplicate it into a new draft.
    page.get_by_role("button", name="Duplicate Care Worker - Days and Weekends").click()
    page.wait_for_url("**/edit/")
    assert page.get_by_text("Copied into a new draft").is_visible()
    assert page.get_by_label("Job title").input_value() == "Care Worker - Days and Weekends"
    assert Vacancy.objects.filter(status=Vacancy.Status.DRAFT).count() == 1
    fits_the_screen(page)
    axe_check(page)
    screenshot(page, "duplicate")

    # The public profile shows the live vacancy.
    page.goto(f"/employers/{Employer.objects.get().slug}/")
    assert page.get_by_role("link", name="Care Worker - Days and Weekends", exact=True).is_visible()
    fits_the_screen(page)
    axe_check(page)
