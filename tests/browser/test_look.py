"""The look and the phone-first layout in Chromium, at 375 px and 1280 px, with axe-core.

Results come first on a phone, one job card everywhere, the vacancy page's ways back, to
apply, to share and to print, the employer directory's filters and the home page; every page
reflows at 320 px, and axe (with WCAG 2.2's 24 px target size) finds nothing serious.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from employers.models import Sector
from listings.services import employers_live_counts_refresh
from seekers.models import SavedJob, Seeker
from tests import factories
from tests.browser.helpers import fits_the_screen
from tests.factories import place, profession

# Transactional (the live server runs in another thread); the gazetteer is kept between tests.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

WIDTHS = ["phone_page", "page"]
WCAG22 = ("target-size",)


def seed(count: int = 8):
    now = timezone.now()
    nhs = factories.EmployerFactory(name="Leeds Teaching Hospitals NHS Trust", sector=Sector.NHS)
    care = factories.EmployerFactory(name="Oakleaf Home Care")
    jobs = [
        factories.LiveVacancyFactory(
            title=f"Support Worker {i:02d}",
            employer=nhs if i % 2 else care,
            profession=profession("support-worker" if i % 2 else "care-worker"),
            places=[place("leeds"), place("otley")] if i % 3 == 0 else [place("leeds")],
            published_at=now - timedelta(days=i),
            closes_at=now + timedelta(days=1 + i * 3),
        )
        for i in range(count)
    ]
    employers_live_counts_refresh()
    return jobs


def check(page, axe_check) -> None:
    fits_the_screen(page)
    axe_check(page, rules=WCAG22)


# --- the results ----------------------------------------------------------------------------
def test_on_a_phone_the_first_job_is_on_the_first_screen(phone_page, axe_check, screenshot):
    page = phone_page
    seed()
    page.goto("/jobs/?q=support&location=leeds&radius=20")
    first = page.locator(".job-card").first
    salary = first.locator(".job-card-salary")
    assert salary.bounding_box()["y"] + salary.bounding_box()["height"] <= 740
    # The search is one line saying what was searched; it opens the form.
    summary = page.locator(".search-edit-summary")
    expect(summary).to_contain_text("“support” · Leeds · 20 miles")
    expect(page.get_by_label("What")).to_be_hidden()
    check(page, axe_check)
    screenshot(page, "first-screen")
    summary.click()
    expect(page.get_by_label("What")).to_be_visible()
    check(page, axe_check)


def test_on_a_phone_the_filters_are_a_full_screen_sheet(phone_page, axe_check):
    page = phone_page
    seed()
    page.goto("/jobs/")
    page.get_by_text("Filter and sort").click()
    sheet = page.locator("#filter-panel")
    box = sheet.bounding_box()
    assert (box["x"], box["y"], box["width"], box["height"]) == (0, 0, 375, 740)
    expect(page.locator(".apply-filters")).to_be_in_viewport()
    check(page, axe_check)
    page.locator("#facet-profession").get_by_label(re.compile(r"^Care Worker")).check()
    page.wait_for_url(re.compile(r"profession=care-worker"))
    expect(page.locator("#results-count")).to_contain_text("4 jobs")
    # The sheet stays open across the update; "Apply filters" closes it on the results.
    assert page.evaluate("document.getElementById('filter-panel').open") is True
    page.get_by_role("button", name="Apply filters").click()
    expect(sheet).not_to_have_attribute("open", "")
    expect(page.locator(".job-card").first).to_be_in_viewport()


def test_the_sheet_opens_and_applies_without_javascript(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 375, "height": 740}, java_script_enabled=False
    )
    page = context.new_page()
    seed()
    page.goto("/jobs/")
    page.get_by_text("Filter and sort").click()
    page.locator("#facet-profession").get_by_label(re.compile(r"^Care Worker")).check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"profession=care-worker"))
    expect(page.locator("#results-count")).to_contain_text("4 jobs")
    page.locator(".search-edit-summary").click()
    page.get_by_label("What").fill("support")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_url(re.compile(r"q=support"))
    context.close()


@pytest.mark.parametrize("fixture", WIDTHS)
def test_the_alert_offer_follows_the_first_results(request, fixture, axe_check):
    page = request.getfixturevalue(fixture)
    seed()
    page.goto("/jobs/")
    order = page.evaluate(
        """() => [...document.querySelectorAll('.job-card, .alert-signup')]
                  .map((e) => e.classList.contains('alert-signup') ? 'offer' : 'job')"""
    )
    assert order[:4] == ["job", "job", "job", "offer"] and order.count("offer") == 1
    check(page, axe_check)
    page.goto("/jobs/?q=astronaut")
    expect(page.locator("#results-count")).to_have_text("No jobs match your search")
    expect(page.locator(".alert-signup")).to_have_count(0)


@pytest.mark.parametrize("fixture", WIDTHS)
def test_one_card_everywhere(request, fixture, axe_check, screenshot):
    page = request.getfixturevalue(fixture)
    jobs = seed()
    card = page.locator(".job-card").filter(has_text="Support Worker 00")
    for url in ["/", "/jobs/?location=leeds", jobs[0].employer.get_absolute_url()]:
        page.goto(url)
        expect(card.locator(".job-card-salary")).to_have_text("£34,000 – £42,000 a year")
        expect(card.locator(".job-card-badges")).to_contain_text("New")
        expect(card.locator(".job-card-badges")).to_contain_text("Closing soon")
        expect(card.locator(".job-card-terms")).to_have_text("Permanent · Full time")
        check(page, axe_check)
    screenshot(page, "employer")
    page.goto("/jobs/?location=leeds")
    expect(card.locator(".job-card-place")).to_have_text(
        "Location: Leeds · less than 1 mile and 1 more place"
    )
    page.goto(jobs[1].get_absolute_url())
    expect(page.locator(".similar .job-card").first).to_be_visible()
    check(page, axe_check)


def test_saved_jobs_are_the_same_cards(phone_page, axe_check):
    page = phone_page
    jobs = seed(3)
    email = "sam.saved@example.net"
    page.goto("/me/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_role("button", name="Email me a code").click()
    page.wait_for_url("**/me/sign-in/code/")
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)
    page.get_by_label("Code from the email").fill(code)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/me/saved/")
    seeker = Seeker.objects.get(user__email=email)
    SavedJob.objects.create(seeker=seeker, vacancy=jobs[0], saved_at=timezone.now())
    page.reload()
    card = page.locator(".saved-list .job-card")
    expect(card).to_have_count(1)
    expect(card.locator(".job-card-salary")).to_have_text("£34,000 – £42,000 a year")
    expect(card.get_by_role("button", name=f"Remove {jobs[0].title}")).to_be_visible()
    check(page, axe_check)


# --- the vacancy page -----------------------------------------------------------------------
def test_back_to_results_returns_to_the_same_search(phone_page, axe_check):
    page = phone_page
    seed()
    page.goto("/jobs/?q=support&location=leeds&radius=20&sort=newest")
    page.locator(".job-card-link").first.click()
    page.wait_for_url(re.compile(r"/vacancies/"))
    page.get_by_role("link", name="Back to results").click()
    page.wait_for_url(re.compile(r"/jobs/\?q=support&location=leeds&radius=20&sort=newest$"))


def test_on_a_phone_apply_is_on_the_first_screen_and_never_hides_focus(phone_page, axe_check):
    page = phone_page
    job = seed(1)[0]
    page.goto(job.get_absolute_url())
    apply = page.locator(".apply-bar").get_by_role("link", name="Apply on the employer’s website")
    expect(apply).to_be_in_viewport()
    bar = page.locator(".apply-bar").bounding_box()
    assert bar["y"] + bar["height"] == pytest.approx(740, abs=1)
    page.mouse.wheel(0, 1500)
    expect(apply).to_be_in_viewport()
    # Tabbing through the page, no focused link sits behind the bar.
    for _ in range(25):
        page.keyboard.press("Tab")
        box = page.evaluate(
            "(() => { const r = document.activeElement.getBoundingClientRect();"
            " return [r.top, r.bottom]; })()"
        )
        if page.evaluate("!!document.activeElement.closest('.apply-bar')") or box[0] >= 740:
            continue
        if box[1] - box[0] < 100:  # a link or a button: wholly above the bar
            assert box[1] <= bar["y"] + 1, box
        else:  # a tall region: never entirely behind it
            assert box[0] < bar["y"], box
    check(page, axe_check)


def test_share_copies_the_link_and_is_a_plain_link_without_javascript(page, no_js_page, axe_check):
    job = seed(1)[0]
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(job.get_absolute_url())
    page.evaluate("delete Navigator.prototype.share")
    page.get_by_role("link", name=re.compile("^Share this job")).click()
    expect(page.locator(".share-status")).to_have_text("Link copied")
    assert page.evaluate("navigator.clipboard.readText()").endswith(job.get_absolute_url())
    check(page, axe_check)
    no_js_page.goto(job.get_absolute_url())
    link = no_js_page.get_by_role("link", name=re.compile("^Share this job"))
    assert link.get_attribute("href").endswith(job.get_absolute_url())


def test_the_vacancy_page_prints_the_job_and_how_to_apply(page):
    job = seed(1)[0]
    page.goto(job.get_absolute_url())
    page.emulate_media(media="print")
    expect(page.locator(".site-header nav")).to_be_hidden()
    expect(page.locator(".site-footer")).to_be_hidden()
    expect(page.locator(".apply-bar")).to_be_hidden()
    expect(page.get_by_text(f"Apply: {job.apply_url}")).to_be_visible()
    expect(page.get_by_role("heading", name="About the job")).to_be_visible()
    page.emulate_media(media="screen")
    expect(page.get_by_text(f"Apply: {job.apply_url}")).to_be_hidden()


# --- the employer directory -----------------------------------------------------------------
@pytest.mark.parametrize("fixture", WIDTHS)
def test_directory_filters_are_labelled_checkboxes(request, fixture, axe_check):
    page = request.getfixturevalue(fixture)
    seed()
    page.goto("/employers/")
    if fixture == "phone_page":
        page.get_by_text("Find and filter employers").click()
    nhs = page.get_by_role("checkbox", name="NHS", exact=True)
    label = page.locator("label[for='id_sector_2']")
    assert label.bounding_box()["height"] < 60  # "Independent care provider", not a letter a line
    check(page, axe_check)
    nhs.check()
    page.get_by_role("button", name="Show employers").click()
    page.wait_for_url(re.compile(r"sector=nhs"))
    titles = page.locator(".directory-results .card-title")
    expect(titles).to_have_count(1)
    expect(titles).to_contain_text("Leeds Teaching Hospitals NHS Trust")


def test_buttons_in_a_row_are_as_tall_as_the_fields_and_counts_keep_their_digits(page):
    seed()
    for url, row in [("/", ".search-box"), ("/jobs/", ".search-bar")]:
        page.goto(url)
        heights = page.evaluate(
            f"""[...document.querySelectorAll('{row} input, {row} select, {row} button')]
                .map((e) => e.getBoundingClientRect().height)"""
        )
        assert len(set(heights)) == 1, (url, heights)
    # Counts in a narrow column stay on one line.
    page.set_viewport_size({"width": 900, "height": 900})
    heights = page.evaluate(
        "[...document.querySelectorAll('.facet-count')].map((e) => e.getClientRects().length)"
    )
    assert set(heights) == {1}


@pytest.mark.parametrize("url", ["/alerts/subscribe/?query=location%3Dleeds", "/me/sign-in/"])
def test_the_footer_meets_the_foot_of_a_short_page(page, url):
    page.goto(url)
    bottom = page.evaluate("document.querySelector('.site-footer').getBoundingClientRect().bottom")
    assert bottom == pytest.approx(900, abs=1)


# --- the home page --------------------------------------------------------------------------
@pytest.mark.parametrize("fixture", WIDTHS)
def test_the_home_page_at_a_glance(request, fixture, axe_check, screenshot):
    page = request.getfixturevalue(fixture)
    seed()
    page.goto("/")
    expect(page.get_by_role("search", name="Job search")).to_be_visible()
    expect(page.locator(".hero-count")).to_have_text("8 live jobs")
    popular = page.locator("#professions-title + .tile-list .tile")
    expect(popular).to_have_count(2)
    expect(popular.first).to_contain_text("Care Worker jobs 4 live")
    hiring = page.get_by_role("region", name="Employers hiring now")
    expect(hiring.get_by_role("link", name="Oakleaf Home Care")).to_be_visible()
    expect(hiring).to_contain_text("4 live jobs")
    check(page, axe_check)
    screenshot(page)
    hiring.get_by_role("link", name="Oakleaf Home Care").click()
    page.wait_for_url(re.compile(r"/employers/"))


# --- reflow ---------------------------------------------------------------------------------
def test_every_key_page_reflows_at_320_px(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 320, "height": 640})
    page = context.new_page()
    jobs = seed(4)
    for url in [
        "/",
        "/jobs/?location=leeds",
        jobs[0].get_absolute_url(),
        "/employers/",
        jobs[0].employer.get_absolute_url(),
        "/alerts/subscribe/?query=location%3Dleeds",
    ]:
        page.goto(url)
        fits_the_screen(page)
    page.goto("/jobs/")
    page.get_by_text("Filter and sort").click()
    fits_the_screen(page)
    context.close()
