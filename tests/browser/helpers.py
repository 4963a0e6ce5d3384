"""Helpers shared by the browser journeys: accessibility, layout, links from emails, data."""

from __future__ import annotations

import importlib
import json
import re
from pathlib import Path

from django.core import mail

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# Served by the browser itself (see ``serve_axe``) at a same-origin path no view answers.
AXE_PATH = "/__test-tools__/axe.min.js"
FAILING_IMPACTS = ("serious", "critical")


def serve_axe(context) -> None:
    """Answer ``AXE_PATH`` on every origin of a browser context with the pinned axe-core.

    The site's CSP allows scripts from 'self' only, and ``add_script_tag(path=...)`` inlines
    the file, which that CSP blocks. Rather than switch CSP off for the journeys (they would
    then stop proving that the pages work under the real policy), the browser fulfils a
    same-origin script URL from the file, so axe loads as any other site script does.
    """
    body = AXE_JS.read_bytes()
    context.route(
        f"**{AXE_PATH}",
        lambda route: route.fulfill(status=200, content_type="text/javascript", body=body),
    )


def axe_violations(
    page, *, exclude: tuple[str, ...] = (), rules: tuple[str, ...] = ()
) -> list[dict]:
    """Run axe-core on the page as it is now; the serious and critical violations it finds.

    ``rules`` switches on rules axe leaves off by default, such as ``target-size`` (WCAG 2.2
    AA's 24 px targets).
    """
    # A page still arriving has no <head> to add the script to.
    page.wait_for_load_state("load")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Resolves once the script has loaded (no polling: the CSP forbids the eval it uses).
        page.add_script_tag(url=AXE_PATH)
    results = page.evaluate(
        """async ([exclude, extra]) => {
            const context = exclude.length ? {exclude: exclude.map((s) => [s])} : document;
            const rules = Object.fromEntries(extra.map((id) => [id, {enabled: true}]));
            const r = await window.axe.run(context, {resultTypes: ["violations"], rules});
            return r.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map((n) => ({
                    target: n.target.join(" "), summary: n.failureSummary,
                })),
            }));
        }""",
        [list(exclude), list(rules)],
    )
    return [v for v in results if v["impact"] in FAILING_IMPACTS]


def describe_violations(url: str, violations: list[dict]) -> str:
    lines = [f"axe-core: {len(violations)} serious or critical violation(s) on {url}"]
    for v in violations:
        lines.append(f"- [{v['impact']}] {v['id']}: {v['help']}")
        for node in v["nodes"]:
            lines.append(f"    {node['target']}: {node['summary']}".replace("\n", " "))
    return "\n".join(lines)


def fits_the_screen(page) -> None:
    """Nothing sticks out sideways: the page is no wider than the viewport."""
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.viewport_size["width"]
    assert width <= viewport, f"{page.url} is {width}px wide on a {viewport}px screen"


def path_of(url: str) -> str:
    """The path and query of an absolute URL (emails link to SITE_URL, not the live server)."""
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def link_from_last_email(to: str, pattern: str) -> str:
    """The path of the first link matching ``pattern`` in the newest email sent to ``to``."""
    sent = [m for m in mail.outbox if to in m.to]
    assert sent, f"no email was sent to {to}; outbox: {[m.to for m in mail.outbox]}"
    body = sent[-1].body
    match = re.search(rf"https?://\S*{pattern}\S*", body)
    assert match, f"no link matching {pattern!r} in:\n{body}"
    return path_of(match.group(0).rstrip(".,)>"))


def ensure_reference_data() -> None:
    """Reload places and professions if an earlier transactional test flushed them."""
    from django.apps import apps

    from listings.models import Place

    if not Place.objects.exists():
        migration = importlib.import_module("listings.migrations.0002_places_professions_search")
        migration.load_reference_data(apps, None)


def json_ld_blocks(page) -> list:
    """Every JSON-LD block on the page, parsed (a broken block fails the test here)."""
    texts = page.locator('script[type="application/ld+json"]').all_text_contents()
    return [json.loads(text) for text in texts]
