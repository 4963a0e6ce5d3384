"""Updating the results in place: the page stays where the seeker was, whether the filter was
changed by mouse, tap or keyboard, and a select stepped through with the arrow keys searches
once, after the seeker stops."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_search import seed_jobs

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# Counts the swaps and notes where the page was when each request left.
WATCH_UPDATES = """() => {
    document.body.dataset.swaps = "0";
    document.addEventListener("htmx:beforeRequest", () => {
        document.body.dataset.scrollBefore = String(Math.round(window.scrollY));
    });
    document.addEventListener("htmx:afterSettle", () => {
        document.body.dataset.swaps = String(Number(document.body.dataset.swaps) + 1);
    });
}"""


def results_top(page) -> int:
    return page.evaluate(
        "Math.round(document.getElementById('results-count').getBoundingClientRect().top"
        " + window.scrollY)"
    )


def assert_stayed(page) -> None:
    expect(page.locator("body")).to_have_attribute("data-swaps", "1")
    before = int(page.locator("body").get_attribute("data-scroll-before"))
    after = page.evaluate("Math.round(window.scrollY)")
    height = page.evaluate("document.documentElement.scrollHeight - window.innerHeight")
    assert after < height - 200, f"the page went to the bottom ({after} of {height})"
    assert abs(after - before) <= 2 or abs(after - results_top(page)) <= 2, (before, after)


def change_bank(page, how: str) -> None:
    bank = page.get_by_label(re.compile(r"^Bank"))
    bank.scroll_into_view_if_needed()
    page.evaluate(WATCH_UPDATES)
    if how == "mouse":
        bank.click()
    elif how == "tap":
        bank.tap()
    else:
        bank.focus()
        page.keyboard.press("Space")
    page.wait_for_url(re.compile(r"contract=bank"))
    expect(page.locator("#results-count")).to_contain_text("9 jobs")


@pytest.mark.parametrize("how", ["mouse", "keyboard"])
def test_a_filter_change_keeps_the_place_on_a_desktop(page, how):
    seed_jobs()
    page.goto("/jobs/")
    change_bank(page, how)
    assert_stayed(page)
    assert page.evaluate("document.activeElement.id") == "f-contract-bank"


@pytest.mark.parametrize("how", ["tap", "keyboard"])
def test_a_filter_change_keeps_the_place_on_a_phone(phone_page, how):
    page = phone_page
    seed_jobs()
    page.goto("/jobs/")
    page.get_by_text("Filter and sort").click()
    change_bank(page, how)
    assert_stayed(page)


def test_the_pager_shows_the_top_of_the_results(phone_page):
    page = phone_page
    seed_jobs()
    page.goto("/jobs/")
    page.evaluate(WATCH_UPDATES)
    page.get_by_role("link", name="Next page").click()
    page.wait_for_url(re.compile(r"page=2"))
    expect(page.locator("body")).to_have_attribute("data-swaps", "1")
    top = page.evaluate("document.getElementById('results-count').getBoundingClientRect().top")
    assert 0 <= top < 740


def test_arrow_keys_on_a_select_search_once_after_a_pause(page):
    seed_jobs()
    sent: list[str] = []
    page.on("request", lambda r: sent.append(r.url) if r.headers.get("hx-request") else None)
    page.clock.install()
    page.goto("/jobs/")
    page.clock.pause_at(page.evaluate("Date.now()") + 1000)
    salary = page.get_by_label("Salary at least")
    salary.focus()
    for _ in range(3):
        page.keyboard.press("ArrowDown")
    page.clock.run_for(300)
    assert sent == []  # no search per key press
    page.clock.run_for(1000)
    page.clock.resume()
    page.wait_for_url(re.compile(r"salary_min=\d+"))
    expect(page.locator("#search-salary")).to_have_value(re.compile(r"\d+"))
    chosen = page.locator("#search-salary").input_value()
    assert len(sent) == 1 and f"salary_min={chosen}" in sent[0]
    assert chosen == page.locator("#search-salary option").nth(3).get_attribute("value")


def test_a_select_picked_with_the_mouse_searches_at_once(page):
    seed_jobs()
    sent: list[str] = []
    page.on("request", lambda r: sent.append(r.url) if r.headers.get("hx-request") else None)
    page.clock.install()
    page.goto("/jobs/")
    page.clock.pause_at(page.evaluate("Date.now()") + 1000)
    page.get_by_label("Sort by").select_option("closing")
    page.wait_for_url(re.compile(r"sort=closing"))
    assert len(sent) == 1
