"""The embed widget: who may frame it, what it shows, and how its clicks are counted; and the
visit's UTM parameters attributed to later views and apply clicks."""

from __future__ import annotations

import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.core.cache import cache
from django.utils import timezone

from listings.models import TrafficSource, VacancyTraffic
from tests import factories

pytestmark = pytest.mark.django_db

ARTICLE = "https://articles.example.org"
OTHER_ARTICLE = "https://magazine.example.net"


@pytest.fixture(autouse=True)
def _article_origins(settings):
    settings.ARTICLE_SITE_ORIGINS = [ARTICLE, OTHER_ARTICLE]
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def jobs(db):
    now = timezone.now()
    return [
        factories.LiveVacancyFactory(
            title=f"Social Worker {i}",
            places=[factories.place("leeds")],
            published_at=now - timedelta(hours=i + 1),
        )
        for i in range(7)
    ] + [
        factories.LiveVacancyFactory(
            title="Probation Officer",
            profession=factories.profession("probation-officer"),
            description="Supervise people on probation and write pre-sentence reports for court.",
            places=[factories.place("sheffield")],
        )
    ]


def frame_ancestors(response) -> str:
    policy = response["Content-Security-Policy"]
    return re.search(r"frame-ancestors ([^;]*)", policy).group(1).strip()


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[dict] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.links.append(dict(attrs))


def links(response) -> list[dict]:
    parser = Links()
    parser.feed(response.content.decode())
    return parser.links


def test_widget_may_be_framed_by_article_origins_only(client, jobs):
    response = client.get("/embed/jobs/?profession=social-worker")
    assert response.status_code == 200
    assert frame_ancestors(response).split() == [ARTICLE, OTHER_ARTICLE]
    assert "X-Frame-Options" not in response


@pytest.mark.parametrize("path", ["/jobs/", "/", "/employers/", "/api/v1/vacancies/"])
def test_other_pages_refuse_framing(client, jobs, path):
    response = client.get(path)
    assert frame_ancestors(response) == "'none'"
    assert response["X-Frame-Options"] == "DENY"


def test_widget_without_configured_origins_cannot_be_framed(client, jobs, settings):
    settings.ARTICLE_SITE_ORIGINS = []
    assert frame_ancestors(client.get("/embed/jobs/")) == "'none'"


def test_widget_lists_a_search_with_limit_and_see_all(client, jobs, django_assert_max_num_queries):
    with django_assert_max_num_queries(7):
        response = client.get(
            f"/embed/jobs/?profession=social-worker&location=leeds&limit=3&parent={ARTICLE}"
        )
    html = response.content.decode()
    job_links = [a for a in links(response) if "job-card-link" in a.get("class", "")]
    assert len(job_links) == 3
    assert job_links[0]["href"].startswith(f"http://127.0.0.1:8000{jobs[0].get_absolute_url()}?")
    assert "utm_medium=widget" in job_links[0]["href"]
    assert "utm_source=articles.example.org" in job_links[0]["href"]
    assert all(a["target"] == "_top" for a in job_links)
    assert "See all 7 jobs" in html
    see_all = next(
        a for a in links(response) if a.get("href", "").startswith("http://127.0.0.1:8000/jobs/?")
    )
    assert "location=leeds&profession=social-worker" in see_all["href"]
    assert f'data-parent-origin="{ARTICLE}"' in html
    alert = next(a for a in links(response) if "/alerts/" in a.get("href", ""))
    assert alert["target"] == "_blank" and "location%3Dleeds" in alert["href"]
    assert '<h2 class="embed-heading">' in html and 'lang="en-GB"' in html


def test_a_widget_is_served_again_from_the_cache_still_framable(
    client, jobs, settings, django_assert_num_queries
):
    settings.SEARCH_PAGE_CACHE = True
    url = f"/embed/jobs/?profession=social-worker&limit=3&parent={ARTICLE}"
    first = client.get(url)
    with django_assert_num_queries(0):
        again = client.get(url)
    assert again.content == first.content and b"Social Worker 0" in again.content
    assert frame_ancestors(again).split() == [ARTICLE, OTHER_ARTICLE]
    assert "X-Frame-Options" not in again and "max-age=300" in again["Cache-Control"]
    other = client.get(url.replace("limit=3", "limit=5"))
    assert other.content.count(b"job-card-link") == 5


def test_widget_ignores_unknown_parent_and_bad_limit(client, jobs):
    response = client.get("/embed/jobs/?limit=lots&parent=https://evil.example")
    html = response.content.decode()
    assert 'data-parent-origin=""' in html
    assert len([a for a in links(response) if "job-card-link" in a.get("class", "")]) == 5
    big = client.get("/embed/jobs/?limit=500")
    assert len([a for a in links(big) if "job-card-link" in a.get("class", "")]) == 8


def test_widget_related_to_an_article_url(client, jobs):
    response = client.get(
        "/embed/jobs/?related=https://articles.example.org/practice/probation-reports-court/&limit=3"
    )
    job_links = [a for a in links(response) if "job-card-link" in a.get("class", "")]
    assert job_links and jobs[-1].reference in job_links[0]["href"]
    assert "Related jobs" in response.content.decode()


def test_widget_click_counts_as_widget_traffic(client, jobs):
    response = client.get(f"/embed/jobs/?limit=1&parent={ARTICLE}")
    href = next(a for a in links(response) if "job-card-link" in a.get("class", ""))["href"]
    page = client.get(href.replace("http://127.0.0.1:8000", ""))
    assert page.status_code == 200
    row = VacancyTraffic.objects.get(vacancy=jobs[0])
    assert row.source == TrafficSource.WIDGET and row.views == 1
    assert "source=widget" in page.content.decode()


def test_utm_kept_for_the_visit_and_attributed(client, jobs):
    first, second = jobs[0], jobs[1]
    client.get("/jobs/?utm_source=articles.example.org&utm_medium=article&utm_campaign=probation")
    assert client.session["visit_utm"]["utm_campaign"] == "probation"
    client.get(second.get_absolute_url())
    row = VacancyTraffic.objects.get(vacancy=second)
    assert row.source == TrafficSource.ARTICLE_SITE
    client.get(f"/vacancies/{first.reference}/apply/")
    assert VacancyTraffic.objects.get(vacancy=first).source == TrafficSource.ARTICLE_SITE


def test_utm_visit_expires(client, jobs):
    client.get("/jobs/?utm_source=articles.example.org")
    session = client.session
    session["visit_utm"]["at"] -= 3600
    session.save()
    client.get(jobs[0].get_absolute_url())
    assert VacancyTraffic.objects.get(vacancy=jobs[0]).source == TrafficSource.DIRECT


def test_embed_script_checks_origins():
    from pathlib import Path

    from django.contrib.staticfiles import finders

    script = Path(finders.find("js/embed.js")).read_text(encoding="utf-8")
    assert "event.origin !== board" in script and "/embed/jobs/?" in script


def test_requests_without_a_visit_do_not_touch_the_session(rf):
    """No UTM and no session cookie: the session is not read (no "Vary: Cookie" from us)."""
    from django.contrib.sessions.backends.cache import SessionStore
    from django.http import HttpResponse

    from jobboard.middleware import UTMAttributionMiddleware

    request = rf.get("/jobs/")
    request.session = SessionStore()
    UTMAttributionMiddleware(lambda r: HttpResponse())(request)
    assert request.utm == {} and not request.session.accessed
    tagged = rf.get("/jobs/?utm_source=articles.example.org&utm_campaign=x")
    tagged.session = SessionStore()
    UTMAttributionMiddleware(lambda r: HttpResponse())(tagged)
    assert tagged.utm == {"utm_source": "articles.example.org", "utm_campaign": "x"}
    assert tagged.session.modified


@pytest.mark.parametrize("cached", [False, True])
def test_head_answers_the_same_framing_headers_as_get(client, jobs, settings, cached):
    """A link checker's or a proxy's HEAD sees the policy the widget is really served with."""
    settings.SEARCH_PAGE_CACHE = cached
    url = "/embed/jobs/?profession=social-worker"
    got = client.get(url)
    head = client.head(url)
    assert head.status_code == got.status_code == 200
    assert frame_ancestors(head).split() == [ARTICLE, OTHER_ARTICLE]
    assert head["Content-Security-Policy"] == got["Content-Security-Policy"]
    assert "X-Frame-Options" not in head
    # Another method is refused, but with the same policy: the widget's address has one.
    refused = client.post(url)
    assert refused.status_code == 405
    assert frame_ancestors(refused).split() == [ARTICLE, OTHER_ARTICLE]
    assert "X-Frame-Options" not in refused
