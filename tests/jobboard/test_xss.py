"""Stored and reflected XSS over HTTP: the corpus in every user-written field, every page that
shows it checked for markup that would run script. Fast; the browser test proves the same with
a real parser and the real CSP (tests/browser/test_xss.py).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.test import Client
from django.utils.html import escape

from tests.xss_corpus import (
    FEEDS,
    dashboard_pages,
    load_payloads,
    public_pages,
    script_dangers,
    seed_hostile_data,
)


def test_the_corpus_covers_every_kind_of_attack():
    payloads = load_payloads()
    text = "\n".join(payloads).lower()
    for kind in ("<script", "onerror=", "javascript:", "<svg", "](javascript", "</script>",
                 "{{", "{%", '"onmouseover', "<iframe", "hx-on", "&#106;"):  # fmt: skip
        assert kind in text, f"no payload with {kind!r}"
    assert len(payloads) == len(set(payloads)) >= 50


@pytest.mark.parametrize(
    "html",
    [
        "<p><script>window.__xss=1</script></p>",
        '<img src=x onerror="window.__xss=1">',
        '<a href=" &#106;avascript:alert(1)">x</a>',
        '<script type="application/ld+json">{"name": "</script><script>x()</script>',
        '<div hx-on::load="window.__xss=1"></div>',
        '<iframe src="https://example.org/"></iframe>',
        '<div style="background:url(javascript:alert(1))"></div>',
    ],
)
def test_the_checker_catches_markup_that_runs(html):
    assert script_dangers(html)


def test_the_checker_passes_our_own_markup():
    html = (
        '<script src="/static/js/search.js" defer></script>'
        '<script type="application/ld+json">{"name": "\\u003cscript\\u003e"}</script>'
        '<a href="/jobs/?q=%3Cscript%3E">&lt;script&gt;window.__xss=1&lt;/script&gt;</a>'
        '<img src="data:image/png;base64,AAAA" alt="">'
    )
    assert script_dangers(html) == []


@pytest.fixture
def hostile(db):
    return seed_hostile_data()


def _assert_safe(client: Client, path: str) -> str:
    response = client.get(path)
    assert response.status_code in (200, 400, 404), f"{path}: {response.status_code}"
    csp = response.headers.get("Content-Security-Policy", "")
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp, f"{path}: CSP {csp!r}"
    body = response.content.decode()
    problems = script_dangers(body)
    assert not problems, f"{path}:\n" + "\n".join(problems)
    return body


def test_no_page_showing_hostile_data_would_run_it(client, hostile):
    bodies = {path: _assert_safe(client, path) for path in public_pages(hostile)}
    # The payloads really are on the pages, escaped: the test is looking at them.
    for i, vacancy in enumerate(hostile.vacancies):
        body = bodies[vacancy.get_absolute_url()]
        assert escape(vacancy.title) in body, vacancy.title
        assert f"Payload {i:02d}." in body
    for employer in hostile.employers:
        assert escape(employer.name) in bodies[employer.get_absolute_url()], employer.name


def test_the_dashboard_shows_hostile_titles_safely(client, hostile):
    client.login(username=hostile.owner_email, password="correct horse battery staple")
    seen = ""
    for path in dashboard_pages(hostile):
        seen += _assert_safe(client, path)
    for payload in hostile.payloads:
        assert escape(f"Draft {payload}"[:200]) in seen


def test_feeds_carry_hostile_data_as_text(client, hostile):
    for path in FEEDS:
        response = client.get(path)
        assert response.status_code == 200, path
        root = ET.fromstring(response.content)  # well-formed: nothing broke out of the XML
        # Titles are plain text by the formats; readers render descriptions and summaries as
        # HTML, so once unescaped those must still be inert.
        texts = [el.text or "" for el in root.iter() if el.tag.rsplit("}", 1)[-1] in {
            "description", "summary", "content"}]  # fmt: skip
        assert len(texts) > 10, path
        for text in texts:
            assert not script_dangers(text), f"{path}: {text}"
