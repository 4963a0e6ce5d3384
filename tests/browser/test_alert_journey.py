"""A job alert from start to finish in Chromium, on a desktop and at 375 px, with axe-core.

Sign up from a landing page, confirm from the link in the email, get a digest, and leave with
the digest's one-click unsubscribe link. The live server runs in a thread of this process, so
its emails land in ``django.core.mail.outbox`` here.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from listings.alerts import digests
from listings.models import JobAlert
from tests import factories
from tests.browser.helpers import ensure_reference_data, fits_the_screen, link_from_last_email
from tests.factories import place, profession

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def reference_data(transactional_db):
    ensure_reference_data()


@pytest.mark.parametrize("device", ["page", "phone_page"])
def test_subscribe_confirm_receive_and_unsubscribe(request, device, axe_check, screenshot):
    page = request.getfixturevalue(device)
    email = f"sam.{device}@example.net"
    factories.LiveVacancyFactory(
        title="Social Worker - Children in Care",
        profession=profession("social-worker"),
        places=[place("leeds")],
    )

    # From a landing page, ask for these jobs by email.
    page.goto("/jobs/social-worker/in/leeds/")
    axe_check(page)
    page.get_by_role("link", name="Email me jobs like these").click()
    page.wait_for_url("**/alerts/subscribe/**")
    assert "Social Worker" in page.locator(".lead").inner_text()
    axe_check(page)
    fits_the_screen(page)

    # A mistake first: the page says what is wrong and nothing is stored.
    page.get_by_label("Email address").fill("sam-at-example")
    page.get_by_role("button", name="Create job alert").click()
    expect(page.get_by_text("Enter an email address like name@example.com.")).to_be_visible()
    assert not JobAlert.objects.exists()
    axe_check(page)

    page.get_by_label("Email address").fill(email)
    page.get_by_label("Weekly").check()
    page.get_by_role("button", name="Create job alert").click()
    page.wait_for_url("**/alerts/check-your-email/")
    axe_check(page)
    screenshot(page, "check-email")
    alert = JobAlert.objects.get(email=email)
    assert alert.confirmed_at is None
    assert alert.frequency == JobAlert.Frequency.WEEKLY
    assert alert.query == "location=leeds&profession=social-worker"

    # Confirm from the emailed link: the link shows a button, the button confirms.
    page.goto(link_from_last_email(email, "/alerts/confirm/"))
    axe_check(page)
    alert.refresh_from_db()
    assert alert.confirmed_at is None, "opening the link alone must not confirm"
    page.get_by_role("button", name="Yes, send me these jobs").click()
    page.wait_for_url("**/alerts/manage/**")
    expect(page.get_by_text("Your job alert is on.")).to_be_visible()
    axe_check(page)
    fits_the_screen(page)
    screenshot(page, "manage")
    alert.refresh_from_db()
    assert alert.confirmed_at is not None

    # A new job is published and, some days on, the weekly digest goes out.
    now = timezone.now()
    factories.LiveVacancyFactory(
        title="Senior Social Worker - Fostering",
        profession=profession("social-worker"),
        places=[place("leeds")],
        published_at=now,
    )
    mail.outbox.clear()
    result = digests.alerts_send_chunk(
        alert_ids=[alert.pk], frequency="weekly", now=now + timedelta(days=4)
    )
    assert result.sent == 1
    assert "Senior Social Worker - Fostering" in mail.outbox[-1].body

    # Unsubscribe from the digest's link: opening it is the one click.
    page.goto(link_from_last_email(email, "/alerts/unsubscribe/"))
    expect(page.get_by_role("heading", name="You are unsubscribed")).to_be_visible()
    axe_check(page)
    fits_the_screen(page)
    alert.refresh_from_db()
    assert alert.unsubscribed_at is not None
    # Undo, as someone who tapped it by mistake would.
    page.get_by_role("button", name="Undo: keep sending me this alert").click()
    expect(page.get_by_text("Your job alert is back on")).to_be_visible()
    axe_check(page)
    alert.refresh_from_db()
    assert alert.is_active
