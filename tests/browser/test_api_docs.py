"""The API's browsable docs render under the site's CSP from the sidecar's own files."""

from __future__ import annotations


def test_swagger_and_redoc_render_without_cdn(page, live_server, transactional_db):
    errors: list[str] = []
    outside: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    # ReDoc's "powered by" logo points at its CDN; the CSP blocks it, so nothing is fetched.
    page.on(
        "response",
        lambda r: (
            outside.append(r.url)
            if not r.url.startswith((live_server.url, "data:", "blob:"))
            else None
        ),
    )
    page.goto("/api/docs/", timeout=30_000)
    page.get_by_text("/api/v1/vacancies/related/").first.wait_for(timeout=20_000)
    assert page.locator(".opblock").count() >= 18
    page.goto("/api/redoc/", timeout=30_000)
    page.get_by_role("heading", name="Care Jobs Board API").first.wait_for(timeout=20_000)
    assert not outside, outside
    blocked = [e for e in errors if "Content Security Policy" in e]
    assert all("cdn.redoc.ly" in e for e in blocked), blocked


def test_swagger_ui_has_no_serious_axe_violations(page, transactional_db, axe_check):
    """The docs page as a developer first meets it, and with one operation opened."""
    page.goto("/api/docs/", timeout=30_000)
    page.get_by_text("/api/v1/vacancies/related/").first.wait_for(timeout=20_000)
    assert page.evaluate("document.documentElement.lang") == "en-GB"
    axe_check(page)
    page.locator(".opblock-summary-control").first.click()
    page.locator(".opblock-body").first.wait_for(timeout=20_000)
    axe_check(page)
