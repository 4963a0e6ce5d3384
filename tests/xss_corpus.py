"""The stored-XSS corpus (``tests/data/xss_payloads.txt``), the hostile data built from it, the
pages that show that data, and a checker for HTML that would run a script.

Shared by the fast HTTP test (``tests/jobboard/test_xss.py``) and the browser test
(``tests/browser/test_xss.py``), so both look at the same data on the same pages.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, urlencode

from employers.models import Employer
from listings.alerts.tokens import make_token
from listings.models import JobAlert, Vacancy
from tests import factories

CORPUS = Path(__file__).resolve().parent / "data" / "xss_payloads.txt"
# What a payload does when it runs; seen in a script body, it means a payload got through.
RAN = re.compile(r"__xss|alert\(", re.IGNORECASE)
SCRIPT_SCHEMES = ("javascript:", "vbscript:", "livescript:")
URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "data",
    "xlink:href",
    "poster",
    "background",
}
FORBIDDEN_TAGS = {"iframe", "frame", "frameset", "object", "embed", "base", "applet"}
OWNER_PASSWORD = "correct horse battery staple"
SEARCH_PAGE_SIZE = 20
DIRECTORY_PAGE_SIZE = 30
DASHBOARD_PAGE_SIZE = 25


def load_payloads() -> list[str]:
    """The payloads, one a line; ``# `` lines are comments and a literal ``\\n`` a line break."""
    payloads = []
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("# "):
            continue
        payloads.append(line.replace("\\n", "\n"))
    return payloads


@dataclass
class HostileData:
    payloads: list[str]
    employers: list[Employer] = field(default_factory=list)
    vacancies: list[Vacancy] = field(default_factory=list)
    alerts: list[JobAlert] = field(default_factory=list)
    owner_email: str = "owner@hostile.example.org"
    # One employer and one vacancy whose long texts hold every payload, one after another.
    omnibus_employer: Employer | None = None
    omnibus_vacancy: Vacancy | None = None


def seed_hostile_data() -> HostileData:
    """Every payload in every user-written field.

    One employer per payload (name and about) with one live vacancy (title and description);
    the first employer also holds a draft per payload, for its dashboard; one confirmed alert
    per payload whose saved search carries it.
    """
    data = HostileData(payloads=load_payloads())
    for i, payload in enumerate(data.payloads):
        employer = factories.EmployerFactory(
            name=f"{payload}"[:200], slug=f"hostile-{i:02d}", about=payload
        )
        data.employers.append(employer)
        data.vacancies.append(
            factories.LiveVacancyFactory(
                employer=employer,
                title=f"Care Worker {payload}"[:200],
                description=f"Payload {i:02d}.\n\n{payload}\n\n## After\n\n{payload}",
            )
        )
        data.alerts.append(factories.JobAlertFactory(query=urlencode({"q": payload})))
    everything = "\n\n---\n\n".join(data.payloads)
    data.omnibus_employer = factories.EmployerFactory(
        name="Every Payload Care", slug="hostile-all", about=everything
    )
    data.omnibus_vacancy = factories.LiveVacancyFactory(
        employer=data.omnibus_employer, title="Care Worker (every payload)", description=everything
    )
    first = data.employers[0]
    factories.MembershipFactory(employer=first, user__email=data.owner_email)
    for payload in data.payloads:
        factories.VacancyFactory(employer=first, title=f"Draft {payload}"[:200])
    return data


def public_pages(data: HostileData, *, reflected: bool = True) -> list[str]:
    """Every public page that shows the hostile data (and, with ``reflected``, echoes input)."""
    n = len(data.payloads)
    pages = [f"/jobs/?page={p}" for p in range(1, math.ceil(n / SEARCH_PAGE_SIZE) + 1)]
    pages += ["/jobs/social-worker/", "/jobs/social-worker/in/leeds/", "/jobs/?sort=closing"]
    pages += [v.get_absolute_url() for v in data.vacancies]
    pages += [f"/employers/?page={p}" for p in range(1, math.ceil(n / DIRECTORY_PAGE_SIZE) + 1)]
    pages += [e.get_absolute_url() for e in data.employers]
    pages += [data.omnibus_vacancy.get_absolute_url(), data.omnibus_employer.get_absolute_url()]
    pages += ["/embed/jobs/?limit=10", f"/embed/jobs/?limit=10&employer={data.employers[0].slug}"]
    for alert in data.alerts:
        pages.append(f"/alerts/manage/{make_token(alert, 'manage')}/")
        pages.append(f"/alerts/unsubscribe/{make_token(alert, 'unsubscribe')}/")
    pages.append(f"/alerts/confirm/{make_token(data.alerts[0], 'confirm')}/")
    if reflected:
        # Each payload echoed once, taking turns at the places a page repeats its input.
        for i, payload in enumerate(data.payloads):
            q = quote(payload)
            pages.append(
                (
                    f"/jobs/?q={q}&location={q}&contract={q}&employer={q}",
                    f"/embed/jobs/?title={q}&q={q}",
                    f"/alerts/subscribe/?query={quote(urlencode({'q': payload}))}&email={q}",
                )[i % 3]
            )
    return pages


def browser_pages(data: HostileData) -> list[str]:
    """The pages a browser visits: every payload in every field at least once, in fewer pages.

    The list pages show every title and employer name; the omnibus pages every description
    and profile; single vacancy pages (with their JSON-LD) for the payloads that try to close
    the script element or a string, and a sample of the rest; alert pages for a sample. The
    HTTP test covers every page for every payload.
    """
    n = len(data.payloads)
    pages = [f"/jobs/?page={p}" for p in range(1, math.ceil((n + 1) / SEARCH_PAGE_SIZE) + 1)]
    pages += ["/jobs/social-worker/in/leeds/", "/embed/jobs/?limit=10"]
    pages += [
        f"/employers/?page={p}" for p in range(1, math.ceil((n + 1) / DIRECTORY_PAGE_SIZE) + 1)
    ]
    pages += [data.omnibus_vacancy.get_absolute_url(), data.omnibus_employer.get_absolute_url()]
    for i, (payload, vacancy) in enumerate(zip(data.payloads, data.vacancies, strict=True)):
        if "</script" in payload.lower() or payload.startswith(('"', "'")) or i % 8 == 0:
            pages.append(vacancy.get_absolute_url())
    for alert in data.alerts[::6]:
        pages.append(f"/alerts/manage/{make_token(alert, 'manage')}/")
    return pages


def dashboard_pages(data: HostileData) -> list[str]:
    rows = len(data.payloads) + 1
    return [f"/employer/?page={p}" for p in range(1, math.ceil(rows / DASHBOARD_PAGE_SIZE) + 1)]


FEEDS = ["/jobs/feed/rss/", "/jobs/feed/atom/", "/jobs/feed/rss/?q=care"]


def _is_script_url(value: str) -> bool:
    compact = re.sub(r"[\x00-\x20]+", "", value).lower()
    if compact.startswith(SCRIPT_SCHEMES):
        return True
    return compact.startswith("data:") and not compact.startswith("data:image/")


class _Scanner(HTMLParser):
    """Finds markup that would run script: handlers, script URLs, stray scripts and frames."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._script: dict | None = None

    def handle_starttag(self, tag, attrs):
        self._check(tag, attrs)

    def handle_startendtag(self, tag, attrs):
        self._check(tag, attrs)

    def _check(self, tag, attrs):
        found = self.problems.append
        values = {name: value or "" for name, value in attrs}
        for name, value in values.items():
            if name.startswith("on"):
                found(f"<{tag} {name}={value!r}>: an event handler")
            elif name in URL_ATTRIBUTES and _is_script_url(value):
                found(f"<{tag} {name}={value!r}>: a script URL")
            elif name == "srcdoc":
                found(f"<{tag} srcdoc>: a framed document")
            elif name.startswith(("hx-", "data-hx-")) and RAN.search(value):
                found(f"<{tag} {name}={value!r}>: htmx told to run code")
            elif name == "style" and "javascript:" in value.lower():
                found(f"<{tag} style={value!r}>: a script URL in a style")
        if tag in FORBIDDEN_TAGS:
            found(f"<{tag}>: a frame or plug-in")
        if tag == "meta" and values.get("http-equiv", "").lower() == "refresh":
            found("<meta http-equiv=refresh>")
        if tag == "script":
            self._script = {"attrs": values, "text": []}
        if tag == "style":
            self._script = {"attrs": {"type": "text/css"}, "text": [], "style": True}

    def handle_data(self, data):
        if self._script is not None:
            self._script["text"].append(data)

    def handle_endtag(self, tag):
        if tag not in ("script", "style") or self._script is None:
            return
        script, self._script = self._script, None
        text = "".join(script["text"])
        if script.get("style"):
            if "javascript:" in text.lower() or RAN.search(text):
                self.problems.append(f"<style> with script in it: {text[:80]!r}")
            return
        attrs = script["attrs"]
        if attrs.get("src"):
            if not attrs["src"].startswith("/static/") or text.strip():
                self.problems.append(f"<script src={attrs['src']!r}> not one of ours")
        elif attrs.get("type") == "application/ld+json":
            try:
                json.loads(text)
            except ValueError:
                self.problems.append(f"JSON-LD that is not JSON (broken out of?): {text[:120]!r}")
        else:
            self.problems.append(f"an inline <script>: {text[:120]!r}")


def script_dangers(html: str) -> list[str]:
    """What in this HTML would run script, or could; empty when it is safe."""
    scanner = _Scanner()
    scanner.feed(html)
    scanner.close()
    return scanner.problems
