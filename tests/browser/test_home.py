"""The home page in a real browser, on a desktop and on a phone."""

from tests import factories


def test_home_page_searches_from_the_hero(page, screenshot, transactional_db):
    factories.LiveVacancyFactory(title="Registered Nurse - Acute Medicine")
    page.goto("/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Health and social care")
    assert page.get_by_role(
        "link", name="Registered Nurse - Acute Medicine", exact=True
    ).is_visible()
    screenshot(page)
    page.get_by_label("What").fill("nurse")
    page.get_by_role("button", name="Search jobs").click()
    page.wait_for_url("**/jobs/?q=nurse*")


def test_home_page_fits_a_phone(phone_page, screenshot, transactional_db):
    phone_page.goto("/")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
    screenshot(phone_page)
