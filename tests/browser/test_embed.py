"""The widget on an article page served from another origin, through the real embed.js.

A plain ``http.server`` on another port plays the article site. Its page includes the job
board's script, which inserts the iframe; the iframe's content posts its height back and the
frame is resized to fit. A click on a job opens the vacancy page, counted as widget traffic.
"""

from __future__ import annotations

import functools
import http.server
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from listings.models import TrafficSource, VacancyTraffic
from tests import factories

ARTICLE_HTML = """<!doctype html>
<html lang="en-GB">
<head><meta charset="utf-8"><title>Life as a social worker in Leeds</title></head>
<body style="max-width: 40rem; margin: 2rem auto; font-family: sans-serif">
  <h1>Life as a social worker in Leeds</h1>
  <p>An article about social work in West Yorkshire.</p>
  <aside>
    <div data-jobboard-widget data-title="Social work jobs near Leeds"
         data-query="profession=social-worker&amp;location=leeds&amp;limit=3">
      <a href="{board}/jobs/social-worker/in/leeds/">Social work jobs near Leeds</a>
    </div>
  </aside>
  <p>More of the article follows the widget.</p>
  <script src="{board}/static/js/embed.js" async></script>
</body>
</html>
"""


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def article_site(tmp_path: Path, live_server, settings):
    """An article page on http://127.0.0.1:<port>, a different origin from the job board."""
    (tmp_path / "article.html").write_text(
        ARTICLE_HTML.format(board=live_server.url), encoding="utf-8"
    )
    handler = functools.partial(_QuietHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    settings.ARTICLE_SITE_ORIGINS = [origin]
    settings.SITE_URL = live_server.url
    yield origin
    server.shutdown()
    server.server_close()


def test_widget_on_an_article_page(page, screenshot, article_site, transactional_db):
    now = timezone.now()
    jobs = [
        factories.LiveVacancyFactory(
            title=f"Social Worker - Team {i}",
            places=[factories.place("leeds")],
            published_at=now - timedelta(hours=i + 1),
        )
        for i in range(5)
    ]
    page.goto(f"{article_site}/article.html")
    frame_element = page.locator("[data-jobboard-widget] iframe")
    frame_element.wait_for()
    assert frame_element.get_attribute("title") == "Social work jobs near Leeds"
    frame = page.frame_locator("[data-jobboard-widget] iframe")
    assert frame.get_by_role("heading", name="Social work jobs near Leeds").is_visible()
    assert frame.get_by_role("link", name="See all 5 jobs").is_visible()

    # The frame is resized from the height its content posts (it starts at 360 px).
    page.wait_for_function(
        "document.querySelector('[data-jobboard-widget] iframe').style.height !== '360px'"
    )
    frame_height = frame_element.evaluate("el => el.getBoundingClientRect().height")
    content_height = frame.locator("main").evaluate("el => el.getBoundingClientRect().height")
    assert abs(frame_height - content_height) <= 2
    assert frame.locator(".job-card-link").count() == 3
    screenshot(page)

    frame.get_by_role("link", name=jobs[0].title).click()
    page.wait_for_url(f"**/vacancies/{jobs[0].reference}/**")
    assert page.get_by_role("heading", level=1).inner_text().startswith(jobs[0].title)
    row = VacancyTraffic.objects.get(vacancy=jobs[0])
    assert row.source == TrafficSource.WIDGET and row.views == 1


def test_widget_refuses_other_origins(page, live_server, transactional_db, settings):
    """Framed by a page whose origin is not the article site's, the widget does not load."""
    settings.ARTICLE_SITE_ORIGINS = ["https://articles.example.org"]
    with page.expect_response(lambda r: "/embed/jobs/" in r.url) as answer:
        page.set_content(
            f'<iframe id="w" src="{live_server.url}/embed/jobs/" title="Jobs"></iframe>',
        )
    csp = answer.value.headers["content-security-policy"]
    assert "frame-ancestors https://articles.example.org" in csp
    # The page's load event waits for its frames: by now the browser has refused this one
    # and shows its own error page in its place.
    page.wait_for_load_state("load")
    (child,) = page.main_frame.child_frames
    assert child.url.startswith("chrome-error://")
    frame = page.frame_locator("#w")
    assert frame.locator("main").count() == 0


def test_widget_is_accessible_in_a_narrow_column(browser, live_server, axe_check, transactional_db):
    """In a 280 px column (an article's sidebar on a phone): nothing sticks out, axe is clean."""
    from tests.browser import helpers

    factories.LiveVacancyFactory(
        title="Registered Nurse - Acute Medical Unit (Nights, Band 5)",
        profession=factories.profession("registered-nurse"),
    )
    context = browser.new_context(base_url=live_server.url, viewport={"width": 280, "height": 600})
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        page.goto("/embed/jobs/?profession=registered-nurse")
        assert page.get_by_role("heading", level=2).is_visible()
        helpers.fits_the_screen(page)
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.textContent")
        assert focused.startswith("Registered Nurse - Acute Medical Unit")
        axe_check(page)
    finally:
        context.close()
