"""Feeds for any search, the sitemap index and its sections, and robots.txt: parsed as XML."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.http import QueryDict
from django.utils import timezone

from listings import sitemaps
from listings.models import Vacancy
from listings.search import parse_search
from tests import factories

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def vacancies(db):
    now = timezone.now()
    social = [
        factories.LiveVacancyFactory(
            title=f"Social Worker {i}",
            places=[factories.place("leeds")],
            published_at=now - timedelta(hours=i + 1),
        )
        for i in range(3)
    ]
    nurse = factories.LiveVacancyFactory(
        title="Staff Nurse",
        profession=factories.profession("registered-nurse"),
        places=[factories.place("york")],
    )
    factories.ClosedVacancyFactory(title="Closed Social Worker")
    factories.VacancyFactory(title="Draft")
    return social, nurse


def test_rss_feed_lists_the_search(client, vacancies, django_assert_max_num_queries):
    social, nurse = vacancies
    with django_assert_max_num_queries(6):
        response = client.get("/jobs/feed/rss/?profession=social-worker&location=leeds")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(response.content).find("channel")
    assert "Social Worker jobs within 10 miles of Leeds" in channel.findtext("title")
    assert channel.findtext("link") == (
        "http://127.0.0.1:8000/jobs/?location=leeds&profession=social-worker"
    )
    items = channel.findall("item")
    expected = parse_search(QueryDict("profession=social-worker&location=leeds")).qs
    assert [item.findtext("link") for item in items] == [
        f"http://127.0.0.1:8000{v.get_absolute_url()}" for v in expected
    ]
    assert len(items) == 3
    first = items[0]
    assert first.findtext("title") == f"{social[0].title}, {social[0].employer.name}"
    assert first.findtext("pubDate")
    assert first.findtext("category") == "Social Worker"
    assert "Leeds" in first.findtext("description")


def test_atom_feed_parses(client, vacancies):
    response = client.get("/jobs/feed/atom/?q=nurse")
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    entries = feed.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}link").get("href") for e in entries] == [
        f"http://127.0.0.1:8000{vacancies[1].get_absolute_url()}"
    ]
    assert entries[0].findtext(f"{ATOM}updated")
    self_link = [link for link in feed.findall(f"{ATOM}link") if link.get("rel") == "self"]
    assert self_link[0].get("href") == "http://127.0.0.1:8000/jobs/feed/atom/?q=nurse"


def test_feed_forgives_bad_parameters(client, vacancies):
    response = client.get("/jobs/feed/rss/?contract=forever&salary_min=lots&radius=%00")
    assert response.status_code == 200
    assert len(ET.fromstring(response.content).find("channel").findall("item")) == 4


def test_feed_paths_do_not_collide_with_landing_pages(client, vacancies):
    assert client.get("/jobs/feed/rss/").status_code == 200
    assert client.get("/jobs/social-worker/").status_code == 200


def test_search_page_links_its_feeds(client, vacancies):
    html = client.get("/jobs/?profession=social-worker").content.decode()
    assert 'type="application/rss+xml"' in html
    assert 'href="/jobs/feed/rss/?profession=social-worker"' in html
    assert 'href="/jobs/feed/atom/?profession=social-worker"' in html


def test_sitemap_index_and_sections(client, vacancies):
    index = ET.fromstring(client.get("/sitemap.xml").content)
    assert index.tag == f"{SM}sitemapindex"
    locations = [s.findtext(f"{SM}loc") for s in index.findall(f"{SM}sitemap")]
    assert {loc.rsplit("/", 1)[1] for loc in locations} >= {
        "sitemap-vacancies.xml",
        "sitemap-employers.xml",
        "sitemap-professions.xml",
        "sitemap-landing.xml",
        "sitemap-pages.xml",
    }
    assert all(s.findtext(f"{SM}lastmod") for s in index.findall(f"{SM}sitemap")[1:])

    urls = ET.fromstring(client.get("/sitemap-vacancies.xml").content)
    entries = {u.findtext(f"{SM}loc"): u.findtext(f"{SM}lastmod") for u in urls}
    live = Vacancy.objects.live()
    assert set(entries) == {f"http://127.0.0.1:8000{v.get_absolute_url()}" for v in live}
    assert all(entries.values())

    landing = ET.fromstring(client.get("/sitemap-landing.xml").content)
    landing_urls = {u.findtext(f"{SM}loc") for u in landing}
    assert landing_urls == {
        "http://127.0.0.1:8000/jobs/social-worker/in/leeds/",
        "http://127.0.0.1:8000/jobs/registered-nurse/in/york/",
    }
    professions = ET.fromstring(client.get("/sitemap-professions.xml").content)
    assert "http://127.0.0.1:8000/jobs/probation-officer/" in {
        u.findtext(f"{SM}loc") for u in professions
    }
    for url in landing_urls:
        assert client.get(url.replace("http://127.0.0.1:8000", "")).status_code == 200


def test_sitemap_sections_split_into_pages(client, vacancies, monkeypatch):
    monkeypatch.setattr(sitemaps.VacancySitemap, "limit", 2)
    index = ET.fromstring(client.get("/sitemap.xml").content)
    pages = [
        s.findtext(f"{SM}loc")
        for s in index.findall(f"{SM}sitemap")
        if "vacancies" in s.findtext(f"{SM}loc")
    ]
    assert len(pages) == 2 and pages[1].endswith("?p=2")
    second = ET.fromstring(client.get("/sitemap-vacancies.xml?p=2").content)
    assert len(second) == 2
    assert client.get("/sitemap-vacancies.xml?p=9").status_code == 404


def test_robots_txt(client, db):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    for path in ("/employer/", "/admin/", "/accounts/", "/api/v1/employer/"):
        assert f"Disallow: {path}" in text
    assert "Sitemap: http://127.0.0.1:8000/sitemap.xml" in text


def test_feed_descriptions_are_html_escaped_exactly_once(client, db):
    import html

    factories.LiveVacancyFactory(description="Pay & benefits: 5 < 6, **paid** training")
    item = ET.fromstring(client.get("/jobs/feed/rss/").content).find("channel/item")
    description = item.findtext("description")
    assert "Pay &amp; benefits: 5 &lt; 6, paid training" in description
    assert "Pay & benefits: 5 < 6, paid training" in html.unescape(description)
