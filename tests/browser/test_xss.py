"""Stored XSS in Chromium: every payload of the corpus, in every user-written field, on every page
that shows it. No script may run (payloads set ``window.__xss`` or call ``alert()``), and none
may even be *blocked* by the CSP: a blocked inline script means the escaping failed and only
the second line of defence held.
"""

from __future__ import annotations

import pytest

from tests.browser.helpers import ensure_reference_data, json_ld_blocks
from tests.xss_corpus import browser_pages, dashboard_pages, seed_hostile_data

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def reference_data(transactional_db):
    ensure_reference_data()


class Watch:
    """Dialogs and CSP reports on one page, gathered while it is driven."""

    def __init__(self, page):
        self.events: list[str] = []
        page.on("dialog", self._dialog)
        page.on(
            "console",
            lambda msg: (
                "Content Security Policy" in msg.text
                and self.events.append(f"CSP blocked something: {msg.text[:200]}")
            ),
        )
        page.on("pageerror", lambda exc: self.events.append(f"page error: {exc}"))

    def _dialog(self, dialog):
        self.events.append(f"{dialog.type}({dialog.message!r})")
        dialog.dismiss()


def visit(page, watch: Watch, path: str) -> None:
    response = page.goto(path)
    assert response.status < 500, f"{path}: {response.status}"
    csp = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp, f"{path}: CSP {csp!r}"
    page.wait_for_load_state("load")
    assert page.evaluate("typeof window.__xss") == "undefined", f"a payload ran on {path}"
    json_ld_blocks(page)  # every block still parses: no payload closed the script element
    assert not watch.events, f"{path}: {watch.events}"


def test_no_payload_runs_on_any_page(page, screenshot):
    data = seed_hostile_data()
    watch = Watch(page)
    for path in browser_pages(data):
        visit(page, watch, path)
        if path == data.vacancies[0].get_absolute_url():
            screenshot(page, "vacancy")
    # The employer's own view of the same words.
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(data.owner_email)
    page.locator("#id_password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/employer/")
    for path in dashboard_pages(data):
        visit(page, watch, path)
    screenshot(page, "dashboard")
    visit(page, watch, f"/employer/vacancies/{data.vacancies[0].reference}/preview/")
    visit(page, watch, "/employer/profile/")
