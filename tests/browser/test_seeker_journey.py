"""A seeker's whole visit in Chromium, on a desktop and at 375 px, with axe-core on every page.

Search by keyword, narrow with a filter, go to the next page, open a vacancy and apply: the
apply button goes through the tracked redirect, which counts the click, to the employer's form.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from listings.models import Vacancy
from tests import factories
from tests.browser.helpers import ensure_reference_data, fits_the_screen
from tests.factories import place, profession

pytestmark = pytest.mark.django_db(transaction=True)

EMPLOYER_FORM = "https://careers.brookfield.example/apply"


@pytest.fixture(autouse=True)
def reference_data(transactional_db):
    ensure_reference_data()


def seed(count: int = 24) -> None:
    """Care worker jobs in Leeds, every third one bank, newest first by index."""
    now = timezone.now()
    employer = factories.EmployerFactory(name="Brookfield Care")
    for i in range(count):
        factories.LiveVacancyFactory(
            title=f"Care Worker {i:02d}",
            employer=employer,
            profession=profession("care-worker"),
            contract_type="bank" if i % 3 == 0 else "permanent",
            places=[place("leeds")],
            published_at=now - timedelta(hours=i + 1),
            apply_url=EMPLOYER_FORM,
        )
    factories.LiveVacancyFactory(
        title="Registered Nurse - Theatres",
        profession=profession("registered-nurse"),
        employer=factories.EmployerFactory(name="Northgate Hospital"),
    )


def open_filters_on_a_phone(page) -> None:
    panel = page.locator("#filter-panel")
    if not panel.evaluate("el => el.open"):
        page.get_by_text("Filter and sort").click()


def close_filters_on_a_phone(page) -> None:
    """On a phone the filters are a full-screen sheet: "Apply filters" returns to the jobs."""
    panel = page.locator("#filter-panel")
    if page.viewport_size["width"] < 900 and panel.evaluate("el => el.open"):
        page.get_by_role("button", name="Apply filters").click()
        expect(panel).not_to_have_attribute("open", "")


@pytest.mark.parametrize("device", ["page", "phone_page"])
def test_search_filter_page_open_and_apply(request, device, axe_check, screenshot):
    page = request.getfixturevalue(device)
    seed()
    page.route(
        "https://careers.brookfield.example/**",
        lambda route: route.fulfill(
            status=200,
            content_type="text/html",
            body="<html lang=en><title>Apply</title><h1>Brookfield application form</h1>",
        ),
    )
    visited: list[str] = []
    page.on("request", lambda req: visited.append(req.url))

    # From the home page, search by keyword.
    page.goto("/")
    axe_check(page)
    fits_the_screen(page)
    page.get_by_label("What").fill("care worker")
    page.get_by_role("button", name="Search jobs").click()
    page.wait_for_url(re.compile(r"/jobs/\?q=care"))
    expect(page.locator("#results-count")).to_have_text(re.compile(r"^\s*24 jobs"))
    axe_check(page)
    fits_the_screen(page)
    screenshot(page, "results")

    # Narrow to bank work.
    open_filters_on_a_phone(page)
    page.get_by_label(re.compile(r"^Bank")).check()
    page.wait_for_url(re.compile(r"contract=bank"))
    expect(page.locator("#results-count")).to_have_text(re.compile(r"^\s*8 jobs"))
    close_filters_on_a_phone(page)
    expect(page.get_by_role("link", name="Remove filter: Bank")).to_be_visible()
    axe_check(page)
    fits_the_screen(page)
    screenshot(page, "filtered")

    # Back to every contract, then to page 2.
    page.get_by_role("link", name="Remove filter: Bank").click()
    expect(page.locator("#results-count")).to_have_text(re.compile(r"^\s*24 jobs"))
    page.get_by_role("link", name="Next page").click()
    page.wait_for_url(re.compile(r"page=2"))
    expect(page.locator(".result-card")).to_have_count(4)
    axe_check(page)
    fits_the_screen(page)

    # Open the oldest vacancy, which is on page 2.
    page.get_by_role("link", name="Care Worker 23", exact=True).click()
    vacancy = Vacancy.objects.get(title="Care Worker 23")
    page.wait_for_url(re.compile(rf"/vacancies/{vacancy.reference}/"))
    assert page.get_by_role("heading", level=1).inner_text().startswith("Care Worker 23")
    axe_check(page)
    fits_the_screen(page)
    screenshot(page, "vacancy")

    # Apply: the link is the tracked redirect, which lands on the employer's form.
    apply = page.get_by_role("link", name="Apply on the employer’s website")
    assert f"/vacancies/{vacancy.reference}/apply/" in apply.get_attribute("href")
    apply.click()
    page.wait_for_url(EMPLOYER_FORM)
    assert page.get_by_role("heading").inner_text() == "Brookfield application form"
    assert any(f"/vacancies/{vacancy.reference}/apply/" in url for url in visited)
    vacancy.refresh_from_db()
    assert vacancy.apply_click_count == 1
