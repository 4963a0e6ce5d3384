"""The accessibility check itself: it must catch a real violation, or a green run means nothing."""

from __future__ import annotations

import pytest

from tests.browser.helpers import AXE_JS, axe_violations, serve_axe


def test_axe_finds_an_image_without_alt_text_under_the_sites_csp(page, transactional_db):
    if not AXE_JS.exists():
        pytest.skip(f"{AXE_JS} is missing: run `npm ci`")
    serve_axe(page.context)
    response = page.goto("/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert axe_violations(page) == []
    page.evaluate(
        "document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=\"/x.png\">')"
    )
    found = {v["id"]: v for v in axe_violations(page)}
    assert "image-alt" in found
    assert found["image-alt"]["impact"] == "critical"
