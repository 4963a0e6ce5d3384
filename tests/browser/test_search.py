"""The search page in Chromium: filtering, chips, paging, autocomplete; with and without
JavaScript, on a desktop and at 375 px."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from employers.models import Sector
from tests import factories
from tests.factories import place, profession

# Transactional (the live server runs in another thread); the gazetteer is kept between tests.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def seed_jobs(count: int = 26) -> None:
    now = timezone.now()
    nhs = factories.EmployerFactory(name="Leeds Teaching Hospitals NHS Trust", sector=Sector.NHS)
    care = factories.EmployerFactory(name="Oakleaf Home Care")
    for i in range(count):
        factories.LiveVacancyFactory(
            title=f"{'Bank' if i % 3 == 0 else 'Permanent'} Care Worker {i:02d}",
            contract_type="bank" if i % 3 == 0 else "permanent",
            profession=profession("care-worker" if i % 2 else "support-worker"),
            employer=nhs if i % 4 == 0 else care,
            places=[place("leeds")] if i % 2 else [place("bradford"), place("wakefield")],
            published_at=now - timedelta(hours=i + 1),
            salary_min=12 + i % 3,
            salary_max=14 + i % 3,
            salary_period="hour",
            featured=i == 4,
        )


def result_count(page) -> str:
    return page.locator("#results-count").inner_text()


def test_filter_chip_and_paginate_with_htmx(page, screenshot):
    seed_jobs()
    page.goto("/jobs/")
    assert result_count(page).startswith("26 jobs")
    page.get_by_label(re.compile(r"^Bank")).check()
    page.wait_for_url(re.compile(r"/jobs/\?contract=bank$"))
    expect(page.locator("#results-count")).to_contain_text("9 jobs")
    # The page was updated in place: the checkbox kept focus and the chip appeared.
    assert page.evaluate("document.activeElement.id") == "f-contract-bank"
    assert page.get_by_role("link", name="Remove filter: Bank").is_visible()
    assert page.locator(".result-card").count() == 9
    screenshot(page, "filtered")

    page.get_by_role("link", name="Remove filter: Bank").click()
    page.wait_for_url(re.compile(r"/jobs/$"))
    expect(page.locator("#results-count")).to_contain_text("26 jobs")
    page.get_by_role("link", name="Next page").click()
    page.wait_for_url(re.compile(r"/jobs/\?page=2$"))
    expect(page.locator(".result-card")).to_have_count(6)
    assert page.evaluate("document.activeElement.id") == "results-count"
    assert page.locator(".pager-current").inner_text().endswith("2")

    assert page.locator("#search-status").inner_text().startswith("26 jobs")

    page.go_back()
    page.wait_for_url(re.compile(r"/jobs/$"))
    # Going back restores the whole page, not just the results.
    expect(page.get_by_role("heading", level=1)).to_have_text("Jobs")
    expect(page.locator(".site-header")).to_be_visible()


def test_keyword_and_place_search_with_autocomplete(page):
    seed_jobs(6)
    page.goto("/jobs/")
    location = page.get_by_label("Where")
    location.fill("Wakef")
    expect(page.locator("#place-options option[value^='Wakefield']").first).to_be_attached()
    location.fill("Wakefield")
    page.get_by_label("What").fill("bank")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_url(re.compile(r"q=bank&location=wakefield"))
    expect(page.locator("#search-heading")).to_contain_text("Wakefield")
    assert page.get_by_role("link", name=re.compile("Within 10 miles of Wakefield")).is_visible()
    cards = page.locator(".result-card")
    assert cards.count() >= 1
    assert "Wakefield · less than 1 mile" in cards.first.inner_text()
    page.get_by_label("Sort by").select_option("distance")
    page.wait_for_url(re.compile(r"sort=distance"))


def test_search_works_without_javascript(no_js_page, screenshot):
    page = no_js_page
    seed_jobs()
    page.goto("/jobs/?utm_source=article")
    page.get_by_label(re.compile(r"^Bank")).check()
    page.get_by_label("Salary at least").select_option("20000")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"contract=bank"))
    assert result_count(page).startswith("9 jobs")
    assert "salary_min=20000" in page.url
    page.get_by_role("link", name="Remove filter: Bank").click()
    page.wait_for_load_state()
    assert result_count(page).startswith("26 jobs")
    page.get_by_role("link", name="Next page").click()
    page.wait_for_url(re.compile(r"page=2"))
    assert page.locator(".result-card").count() == 6
    screenshot(page)


def test_bad_input_shows_a_plain_message(page):
    seed_jobs(3)
    page.goto("/jobs/?contract=banana&salary_min=lots&page=1000000000000")
    notice = page.locator(".search-notices")
    assert "unknown contract type: “banana”" in notice.inner_text()
    assert "“lots” is not a salary" in notice.inner_text()
    assert result_count(page).startswith("3 jobs")


def test_search_fits_a_phone(phone_page, screenshot):
    page = phone_page
    seed_jobs()
    page.goto("/jobs/social-worker/")  # a landing page, as linked from an article
    page.goto("/jobs/care-worker/in/leeds/")
    assert page.get_by_role("heading", level=1).inner_text() == "Care Worker jobs in Leeds"
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    # On a phone the filters start folded away so the results come first.
    assert page.evaluate("document.getElementById('filter-panel').open") is False
    screenshot(page, "results")
    page.get_by_text("Filter and sort").click()
    page.get_by_label(re.compile(r"^Bank")).check()
    page.wait_for_url(re.compile(r"contract=bank"))
    expect(page.locator(".result-card").first).to_be_visible()
    # The panel stays open across the update so the next choice is one tap away.
    assert page.evaluate("document.getElementById('filter-panel').open") is True
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "filters")


def test_care_fact_filters_on_a_phone(phone_page, screenshot, axe_check):
    page = phone_page
    nurse = profession("registered-nurse")
    for i in range(6):
        factories.LiveVacancyFactory(
            title=f"Staff Nurse {i}",
            profession=nurse,
            pay_scale="afc",
            pay_band="band-5" if i % 2 else "band-6",
            shift_patterns=["nights", "long-days"] if i % 3 == 0 else ["long-days"],
            registration="nmc",
            places=[place("leeds")],
        )
    page.goto("/jobs/registered-nurse/?band=band-5")
    expect(page.locator("#results-count")).to_contain_text("3 jobs")
    page.get_by_text("Filter and sort").click()
    expect(page.locator("#facet-shift")).to_be_visible()
    page.locator("#facet-shift").get_by_label(re.compile(r"^Nights")).check()
    page.wait_for_url(re.compile(r"shift=nights"))
    expect(page.locator("#results-count")).to_contain_text("1 job")
    expect(page.get_by_role("link", name="Remove filter: Nights")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    axe_check(page)
    screenshot(page, "care-facts")
    # The filters are a full-screen sheet on a phone: applying them returns to the jobs.
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("#filter-panel")).not_to_have_attribute("open", "")
    page.locator(".result-card a").first.click()
    expect(
        page.get_by_text("Registration with the Nursing and Midwifery Council (NMC)")
    ).to_be_visible()
    expect(page.locator(".vacancy-facts .pay-band")).to_have_text("(Band 5)")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
