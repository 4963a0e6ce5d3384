"""Browser tests: Playwright for Python driving Debian's Chromium against a live server.

Playwright's own browser download cannot work here, so the system Chromium is used. In CI a
missing Chromium is an error, elsewhere the tests are skipped with the reason.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
ARTIFACTS = Path(os.environ.get("BROWSER_ARTIFACTS", "test-artifacts/screenshots"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]

# Playwright's sync API runs an event loop in this thread; Django's ORM calls from the test
# body are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(autouse=True)
def reference_data(request):
    """Places and professions, which an earlier transactional test's flush may have removed.

    Browser tests run against a live server, so they use ``transactional_db``, whose teardown
    empties every table, including the rows the migrations loaded.
    """
    if "transactional_db" not in request.fixturenames and "live_server" not in request.fixturenames:
        return
    request.getfixturevalue("transactional_db")
    from django.apps import apps

    from listings.models import Place

    if not Place.objects.exists():
        migration = importlib.import_module("listings.migrations.0002_places_professions_search")
        migration.load_reference_data(apps, None)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"Chromium not found at {CHROMIUM}; CI must install it.")
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh desktop-sized page; ``page.base_url`` is the live server."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


@pytest.fixture
def phone_page(browser, live_server):
    """A page 375 px wide, as on a phone between shifts."""
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 375, "height": 740},
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


@pytest.fixture
def no_js_page(browser, live_server):
    """A page with JavaScript switched off: everything must still work."""
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


@pytest.fixture
def screenshot(request):
    """Save a full-page screenshot under the artifacts folder, named after the test."""

    def take(page, name: str = "") -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        stem = request.node.name.replace("/", "_").replace("[", "-").replace("]", "")
        path = ARTIFACTS / f"{stem}{'-' + name if name else ''}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def axe_check():
    """``axe_check(page)``: fail on any serious or critical axe-core violation on the page.

    ``exclude`` takes CSS selectors of regions another party owns (none so far); ``rules``
    switches on rules axe leaves off, e.g. ``("target-size",)``.
    """
    from tests.browser import helpers

    if not helpers.AXE_JS.exists():
        message = f"{helpers.AXE_JS} is missing: run `npm ci` (make test does)."
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)

    def check(page, *, exclude: tuple[str, ...] = (), rules: tuple[str, ...] = ()) -> None:
        if not getattr(page.context, "_serves_axe", False):
            helpers.serve_axe(page.context)
            page.context._serves_axe = True
        violations = helpers.axe_violations(page, exclude=exclude, rules=rules)
        assert not violations, helpers.describe_violations(page.url, violations)

    return check
