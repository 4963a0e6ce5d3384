"""A vacancy in Chromium: from the results to the page to the employer's application form."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from listings.models import Vacancy, VacancyTraffic
from tests import factories
from tests.browser.helpers import fits_the_screen
from tests.factories import place

EMPLOYER_FORM = "https://careers.oakleaf.example/apply/42"


# Transactional (the live server runs in another thread); the gazetteer is kept between tests.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def serve_employer_form(page) -> None:
    """Stand in for the employer's site (no outside network here)."""
    page.route(
        "https://careers.oakleaf.example/**",
        lambda route: route.fulfill(
            status=200, content_type="text/html", body="<h1>Oakleaf application form</h1>"
        ),
    )


def make_vacancy(**kwargs) -> Vacancy:
    employer = factories.EmployerFactory(name="Oakleaf Home Care")
    return factories.LiveVacancyFactory(
        title="Senior Support Worker",
        employer=employer,
        apply_url=EMPLOYER_FORM,
        description="## About the role\n\nYou will lead a small team.\n\n- Paid training\n- Pension",
        hours_per_week=Decimal("37.5"),
        places=[place("leeds"), place("otley")],
        **kwargs,
    )


def test_open_a_vacancy_from_results_and_apply(page, screenshot):
    vacancy = make_vacancy()
    factories.LiveVacancyFactory(title="Support Worker - Nights")
    serve_employer_form(page)
    page.goto("/jobs/?q=support")
    page.get_by_role("link", name="Senior Support Worker", exact=True).click()
    page.wait_for_url(re.compile(rf"/vacancies/{vacancy.reference}/"))
    assert page.get_by_role("heading", level=1).inner_text().startswith("Senior Support Worker")
    assert page.get_by_role("heading", name="About the role").is_visible()
    assert page.locator(".vacancy-facts").inner_text().count("37.5 hours a week") == 1
    assert page.get_by_role("heading", name="Similar live jobs").is_visible()
    assert page.locator('script[type="application/ld+json"]').count() == 1
    screenshot(page)
    page.get_by_role("link", name="Apply on the employer’s website").click()
    page.wait_for_url(EMPLOYER_FORM)
    assert page.get_by_role("heading").inner_text() == "Oakleaf application form"
    vacancy.refresh_from_db()
    assert vacancy.apply_click_count == 1
    assert vacancy.view_count == 1
    assert VacancyTraffic.objects.get(vacancy=vacancy).apply_clicks == 1


def test_vacancy_page_fits_a_phone(phone_page, screenshot):
    vacancy = make_vacancy()
    phone_page.goto(vacancy.get_absolute_url())
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375
    assert phone_page.get_by_role("link", name="Apply on the employer’s website").is_visible()
    screenshot(phone_page)


def test_apply_without_javascript(no_js_page):
    vacancy = make_vacancy()
    serve_employer_form(no_js_page)
    no_js_page.goto(vacancy.get_absolute_url())
    no_js_page.get_by_role("link", name="Apply now").click()
    no_js_page.wait_for_url(EMPLOYER_FORM)
    vacancy.refresh_from_db()
    assert vacancy.apply_click_count == 1


def test_closed_vacancy_page(page, screenshot):
    closed = factories.ClosedVacancyFactory(title="Closed Social Worker")
    factories.LiveVacancyFactory(title="Open Social Worker")
    page.goto(closed.get_absolute_url())
    assert page.get_by_text("This job has closed").is_visible()
    assert page.locator('meta[name="robots"]').get_attribute("content") == "noindex"
    assert page.locator('script[type="application/ld+json"]').count() == 0
    assert page.get_by_role("link", name=re.compile("Apply")).count() == 0
    screenshot(page, "closed")
    page.get_by_role("link", name="Open Social Worker").click()
    page.wait_for_url(re.compile(r"/vacancies/"))
    assert page.get_by_role("link", name="Apply now").is_visible()


LONG_NAME = "NorthamptonshireHealthcareNHSFoundationTrustCommunityServicesDirectorate"


@pytest.mark.parametrize("fixture", ["page", "phone_page"])
def test_a_long_employer_name_stays_inside_its_card(request, fixture):
    page = request.getfixturevalue(fixture)
    employer = factories.EmployerFactory(name=LONG_NAME)
    vacancy = factories.LiveVacancyFactory(employer=employer, places=[place("leeds")])
    page.goto(vacancy.get_absolute_url())
    fits_the_screen(page)
    card = page.locator(".employer-card").bounding_box()
    title = page.locator("#employer-title")
    assert title.evaluate("e => e.scrollWidth <= e.clientWidth")
    box = title.bounding_box()
    assert box["x"] + box["width"] <= card["x"] + card["width"] + 1


def test_a_long_employer_name_fits_a_phone_everywhere_it_is_shown(phone_page):
    employer = factories.EmployerFactory(name=LONG_NAME)
    factories.LiveVacancyFactory(employer=employer, places=[place("leeds")])
    for url in ["/jobs/", employer.get_absolute_url(), "/employers/"]:
        phone_page.goto(url)
        assert phone_page.get_by_text(LONG_NAME).first.is_visible()
        fits_the_screen(phone_page)
