"""The seeker pages through Django's test client: search, landing pages, vacancy, apply."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from employers.models import Sector
from listings.models import TrafficSource, Vacancy, VacancyTraffic
from tests import factories
from tests.factories import place, profession

pytestmark = pytest.mark.django_db
SEARCH = "/jobs/"


def text(response) -> str:
    return response.content.decode()


def json_ld(response) -> list[dict]:
    blocks = re.findall(
        r'<script type="application/ld\+json">(.*?)</script>', text(response), flags=re.S
    )
    return [json.loads(block) for block in blocks]


# --- search page ----------------------------------------------------------------------------
def test_search_page_shows_results_with_readable_details(client):
    factories.LiveVacancyFactory(
        title="Registered Nurse - Acute Medicine",
        profession=profession("registered-nurse"),
        salary_min=Decimal("35000"),
        salary_max=Decimal("42000"),
        closes_at=timezone.now() + timedelta(days=3, hours=1),
        featured=True,
    )
    response = client.get(SEARCH)
    assert response.status_code == 200
    body = text(response)
    assert "Registered Nurse - Acute Medicine" in body
    assert "£35,000 – £42,000 a year" in body
    assert "closes in 3 days" in body or "closes in 4 days" in body
    assert "Featured" in body
    assert re.search(r'id="results-count"[^>]*>\s*1 job\b', body)
    assert 'hx-push-url="true"' in body and "js/vendor/htmx.min.js" in body
    assert '<link rel="canonical" href="http://127.0.0.1:8000/jobs/">' in body
    assert 'name="robots"' not in body


def test_filters_chips_and_facet_counts_render(client):
    factories.LiveVacancyFactory(title="Bank nurse", contract_type="bank")
    factories.LiveVacancyFactory(title="Permanent nurse", contract_type="permanent")
    response = client.get(SEARCH, {"contract": "bank", "q": "nurse"})
    body = text(response)
    assert "Bank nurse" in body and "Permanent nurse" not in body
    assert 'value="bank" checked' in body
    assert "Remove filter: </span>Bank" in body
    assert "Remove filter: </span>Keywords: nurse" in body
    assert '<meta name="robots" content="noindex, follow">' in body
    # A first search of its kind with a facet in use shows its options without a number
    # while they are counted after the response; the next visit has them.
    assert re.search(r'id="results-count"[^>]*>\s*1 job\b', body)
    assert 'f-contract-permanent">Permanent</label>' in body
    body = text(client.get(SEARCH, {"contract": "bank", "q": "nurse"}))
    # The permanent option still counts its one job under the keyword filter.
    assert re.search(r'f-contract-permanent">Permanent <span class="facet-count">1<', body)


def selected_options(body: str, select_id: str) -> list[str]:
    select = re.search(rf'<select id="{select_id}".*?</select>', body, flags=re.S).group(0)
    return re.findall(r'<option value="([^"]*)" selected>', select)


def test_a_linked_amount_missing_from_the_menus_is_kept_selected(client):
    """An article may link radius=25: the form offers 25 miles, so searching again keeps it."""
    factories.LiveVacancyFactory(title="Leeds carer", places=[place("leeds")])
    body = text(
        client.get(
            SEARCH, {"location": "leeds", "radius": "25", "salary_min": "27000", "posted": "10"}
        )
    )
    assert selected_options(body, "search-radius") == ["25"]
    assert "Within 25 miles</option>" in body
    assert selected_options(body, "search-salary") == ["27000"]
    assert 'id="posted-10" name="posted" value="10" checked' in body
    assert "Jobs within 25 miles of Leeds" in body
    # The menus keep their usual amounts around the asked one.
    assert 'value="20">Within 20 miles' in body and 'value="30">Within 30 miles' in body


def test_one_mile_and_one_job_are_singular(client):
    factories.LiveVacancyFactory(title="Leeds carer", places=[place("leeds")])
    body = text(client.get(SEARCH, {"location": "leeds", "radius": "1"}))
    assert "1 miles" not in body
    assert "Jobs within 1 mile of Leeds" in body
    assert re.search(r'id="results-count"[^>]*>\s*1 job\b', body)
    assert "1 live vacancy:" in body and "1 live vacancies" not in body


def test_empty_state_suggests_widening(client):
    response = client.get(SEARCH, {"q": "astronaut", "location": "leeds", "radius": "5"})
    body = text(response)
    assert "No jobs match your search" in body
    assert "a wider distance</a> from Leeds" in body
    assert "radius=10" in body


@pytest.mark.parametrize(
    "query",
    [
        "page=1000000000000",
        "page=-1&page=abc",
        "radius=10",
        "location=%00%00&radius=1e308",
        "salary_min=NaN&posted=-1&sort=%27%3B+DROP+TABLE",
        "contract=%3Cscript%3Ealert(1)%3C/script%3E",
        "q=" + "x" * 5000,
        "q=%E2%80%AE%F0%9F%98%80%00&location=%F0%9F%8F%A5",
        "q=%27+OR+1%3D1--&profession[]=x&employer=../../etc/passwd",
        "q=%22unterminated&q=a+%26+%7C+!+(",
    ],
)
def test_hostile_input_renders_a_page_with_a_notice(client, query):
    factories.LiveVacancyFactory()
    response = client.get(f"{SEARCH}?{query}")
    assert response.status_code == 200
    body = text(response)
    assert "<script>alert(1)</script>" not in body
    if not query.startswith(("q=%27", "q=%22")):  # odd but valid keywords: nothing to say
        assert "We could not use all of your search" in body


def test_page_past_the_cap_says_so(client):
    for i in range(3):
        factories.LiveVacancyFactory(title=f"Job {i}")
    response = client.get(SEARCH, {"page": "999"})
    assert response.status_code == 200
    assert "only 1 page" in text(response)


def test_pager_links_keep_the_search(client, settings):
    now = timezone.now()
    for i in range(23):
        factories.LiveVacancyFactory(title=f"Job {i:02d}", contract_type="bank", published_at=now - timedelta(minutes=i))  # fmt: skip
    response = client.get(SEARCH, {"contract": "bank"})
    assert 'href="/jobs/?contract=bank&amp;page=2" rel="next"' in text(response)
    response = client.get(SEARCH, {"contract": "bank", "page": "2"})
    body = text(response)
    assert "Job 22" in body and "Job 00" not in body
    assert 'href="/jobs/?contract=bank" rel="prev"' in body


def _queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_search_page_query_count_is_constant(client, django_assert_max_num_queries):
    """Same number of queries for 1 or 20 results with many places, professions, employers."""
    url = f"{SEARCH}?location=leeds&radius=30&q=worker&sector=independent"
    factories.LiveVacancyFactory(title="Support worker")
    small = _queries_for(client, url)
    professions = ["social-worker", "care-worker", "support-worker", "registered-nurse"]
    for i in range(25):
        factories.LiveVacancyFactory(
            title=f"Care worker {i}",
            employer=factories.EmployerFactory(sector=Sector.INDEPENDENT),
            profession=profession(professions[i % 4]),
            places=[place("leeds"), place("bradford"), place("wakefield"), place("otley")][
                : 1 + i % 4
            ],
        )
    cache.clear()  # counts are cached for a minute; measure the uncached path both times
    large = _queries_for(client, url)
    assert small == large
    with django_assert_max_num_queries(12):
        client.get(url)
    with django_assert_max_num_queries(8):
        client.get(SEARCH)


def test_htmx_request_gets_the_partial_and_a_clean_url(client):
    factories.LiveVacancyFactory(title="Bank job", contract_type="bank")
    response = client.get(
        SEARCH, {"contract": "bank", "q": "", "location": "", "sort": "newest", "radius": "10"},
        headers={"HX-Request": "true"},
    )  # fmt: skip
    body = text(response)
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="search-results"')
    assert "<html" not in body and "Bank job" in body
    assert response["HX-Push-Url"] == "/jobs/?contract=bank"
    assert "HX-Request" in response["Vary"]


def test_htmx_history_restore_gets_the_full_page(client):
    response = client.get(
        SEARCH, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<html" in text(response)


def test_place_autocomplete(client):
    response = client.get(reverse("listings:place_autocomplete"), {"q": "leed"})
    results = response.json()["results"]
    assert results[0]["slug"] == "leeds" and results[0]["label"] == "Leeds"
    assert {"label": "Leeds (council area)", "slug": "leeds-council-area"}.items() <= {
        k: v for row in results[1:] for k, v in row.items() if row["kind"] == "authority"
    }.items()
    assert client.get(reverse("listings:place_autocomplete"), {"q": "x"}).json() == {"results": []}
    assert "max-age=3600" in response["Cache-Control"]


# --- landing pages --------------------------------------------------------------------------
def test_profession_landing_page(client):
    factories.LiveVacancyFactory(title="Children's Social Worker")
    factories.LiveVacancyFactory(title="Care Worker", profession=profession("care-worker"))
    response = client.get("/jobs/social-worker/")
    body = text(response)
    assert response.status_code == 200
    assert '<h1 id="search-heading">Social Worker jobs</h1>' in body
    assert "<title>Social Worker jobs · " in body
    assert "Children&#x27;s Social Worker" in body and "Care Worker</a>" not in body
    assert '<link rel="canonical" href="http://127.0.0.1:8000/jobs/social-worker/">' in body
    assert re.search(
        r'<meta name="description" content="1 live Social Worker job across the UK', body
    )
    assert 'name="robots"' not in body


def test_profession_in_place_landing_page(client):
    factories.LiveVacancyFactory(title="Leeds job", places=[place("bradford")])
    factories.LiveVacancyFactory(title="London job", places=[place("london")])
    response = client.get("/jobs/social-worker/in/leeds/?page=1")
    body = text(response)
    assert '<h1 id="search-heading">Social Worker jobs in Leeds</h1>' in body
    assert "Leeds job" in body and "London job" not in body
    assert "in and around Leeds" in body
    assert 'href="http://127.0.0.1:8000/jobs/social-worker/in/leeds/"' in body
    assert 'Bradford <span class="job-card-distance">· 8.3 miles</span>' in body


def test_search_equal_to_a_landing_page_points_its_canonical_there(client):
    response = client.get(SEARCH, {"profession": "social-worker", "location": "Leeds"})
    assert (
        '<link rel="canonical" href="http://127.0.0.1:8000/jobs/social-worker/in/leeds/">'
        in text(response)
    )


def test_unknown_landing_pages_are_helpful_404s(client):
    response = client.get("/jobs/astronaut/")
    assert response.status_code == 404
    assert "We do not have a profession with that name" in text(response)
    assert 'href="/jobs/social-worker/"' in text(response)
    response = client.get("/jobs/social-worker/in/leedz/")
    assert response.status_code == 404
    body = text(response)
    assert "We do not know a UK place called <strong>leedz</strong>" in body
    assert 'href="/jobs/social-worker/in/leeds/"' in body


# --- vacancy page ---------------------------------------------------------------------------
def test_live_vacancy_page_has_everything_and_job_posting(client):
    employer = factories.EmployerFactory(name="Oakleaf Care", sector=Sector.CHARITY, website="https://oakleaf.example")  # fmt: skip
    vacancy = factories.LiveVacancyFactory(
        employer=employer,
        title="Senior Social Worker",
        description="## The team\n\n<script>alert(1)</script>We **value** you.",
        hours_per_week=Decimal("37.5"),
        places=[place("leeds"), place("bradford")],
        contract_type="fixed_term",
        working_pattern="full_time",
    )
    response = client.get(vacancy.get_absolute_url())
    body = text(response)
    assert response.status_code == 200
    assert '<h1 id="vacancy-title">Senior Social Worker' in body
    assert "<strong>value</strong>" in body and "<script>alert(1)" not in body
    assert "£34,000 – £42,000 a year" in body and "37.5 hours a week" in body
    assert "Charity and voluntary" in body and f'href="/employers/{employer.slug}/"' in body
    assert f'href="/vacancies/{vacancy.reference}/apply/?source=direct"' in body
    [posting] = json_ld(response)
    assert posting["@type"] == "JobPosting"
    assert posting["title"] == "Senior Social Worker"
    assert posting["identifier"]["value"] == vacancy.reference
    assert posting["hiringOrganization"] == {"@type": "Organization", "name": "Oakleaf Care", "sameAs": "https://oakleaf.example"}  # fmt: skip
    assert posting["employmentType"] == ["FULL_TIME", "TEMPORARY"]
    assert [loc["address"]["addressLocality"] for loc in posting["jobLocation"]] == [
        "Bradford",
        "Leeds",
    ] or [loc["address"]["addressLocality"] for loc in posting["jobLocation"]] == [
        "Leeds",
        "Bradford",
    ]
    assert posting["baseSalary"]["value"] == {"@type": "QuantitativeValue", "unitText": "YEAR", "minValue": 34000.0, "maxValue": 42000.0}  # fmt: skip
    assert posting["datePosted"] == vacancy.published_at.isoformat()
    assert posting["validThrough"] == vacancy.closes_at.isoformat()
    assert posting["directApply"] is False
    assert "<script>" not in posting["description"]
    assert 'name="robots"' not in body


def test_remote_vacancy_is_telecommute(client):
    vacancy = factories.LiveVacancyFactory(workplace="remote", salary_min=Decimal("14.5"), salary_max=Decimal("14.5"), salary_period="hour")  # fmt: skip
    [posting] = json_ld(client.get(vacancy.get_absolute_url()))
    assert posting["jobLocationType"] == "TELECOMMUTE"
    assert posting["applicantLocationRequirements"]["name"] == "United Kingdom"
    assert "jobLocation" not in posting
    assert posting["baseSalary"]["value"] == {"@type": "QuantitativeValue", "unitText": "HOUR", "value": 14.5}  # fmt: skip


def test_view_is_counted_with_its_source(client):
    vacancy = factories.LiveVacancyFactory()
    client.get(vacancy.get_absolute_url(), {"utm_medium": "widget"})
    client.get(vacancy.get_absolute_url(), headers={"User-Agent": "Googlebot/2.1 (+bot)"})
    vacancy.refresh_from_db()
    assert vacancy.view_count == 1
    assert VacancyTraffic.objects.get(vacancy=vacancy).source == TrafficSource.WIDGET


@pytest.mark.parametrize(
    "factory", [factories.ClosedVacancyFactory, factories.ExpiredVacancyFactory]
)
def test_closed_vacancy_page_says_so_without_job_posting(client, factory):
    vacancy = factory(title="Closed social worker job")
    similar = factories.LiveVacancyFactory(title="Open social worker job")
    response = client.get(vacancy.get_absolute_url())
    body = text(response)
    assert response.status_code == 200
    assert "This job has closed" in body
    assert '<meta name="robots" content="noindex">' in body
    assert response["X-Robots-Tag"] == "noindex"
    assert json_ld(response) == []
    assert similar.get_absolute_url() in body
    assert "/apply/" not in body
    vacancy.refresh_from_db()
    assert vacancy.view_count == 0


@pytest.mark.parametrize("factory", [factories.VacancyFactory, factories.PendingVacancyFactory])
def test_drafts_and_pending_are_not_public(client, factory):
    vacancy = factory()
    assert client.get(vacancy.get_absolute_url()).status_code == 404
    assert client.get(f"/vacancies/{vacancy.reference}/").status_code == 404
    assert client.get(f"/vacancies/{vacancy.reference}/apply/").status_code == 404


def test_short_and_wrong_slug_urls_redirect_keeping_the_query(client):
    vacancy = factories.LiveVacancyFactory()
    response = client.get(f"/vacancies/{vacancy.reference.lower()}/?utm_medium=widget")
    assert response.status_code == 301
    assert response["Location"] == f"{vacancy.get_absolute_url()}?utm_medium=widget"
    response = client.get(f"/vacancies/{vacancy.reference}/old-title/")
    assert response["Location"] == vacancy.get_absolute_url()


def test_vacancy_page_query_count(client, django_assert_max_num_queries):
    vacancy = factories.LiveVacancyFactory(places=[place("leeds"), place("york")])
    for _ in range(4):
        factories.LiveVacancyFactory(places=[place("leeds"), place("bradford")])
    # Similar jobs nearest first: the places within reach, one capped count per step of the
    # nearest-first ring, the rows and their places.
    with django_assert_max_num_queries(10):
        client.get(vacancy.get_absolute_url())


# --- apply ----------------------------------------------------------------------------------
def test_apply_redirects_to_the_employer_and_counts(client):
    vacancy = factories.LiveVacancyFactory(apply_url="https://careers.example.org/job/42")
    response = client.get(f"/vacancies/{vacancy.reference}/apply/?source=widget")
    assert response.status_code == 302
    assert response["Location"] == "https://careers.example.org/job/42"
    assert "noindex" in response["X-Robots-Tag"]
    vacancy.refresh_from_db()
    assert vacancy.apply_click_count == 1
    row = VacancyTraffic.objects.get(vacancy=vacancy)
    assert (row.source, row.apply_clicks, row.views) == ("widget", 1, 0)


def test_apply_by_email_opens_mail(client):
    vacancy = factories.LiveVacancyFactory(apply_url="", apply_email="jobs@oakleaf.example", title="Carer & Driver")  # fmt: skip
    response = client.get(f"/vacancies/{vacancy.reference}/apply/?source=%3Cjunk%3E")
    assert response.status_code == 302
    assert response["Location"].startswith("mailto:jobs@oakleaf.example?subject=Application%3A%20Carer%20%26%20Driver")  # fmt: skip
    assert VacancyTraffic.objects.get(vacancy=vacancy).source == TrafficSource.DIRECT


def test_apply_on_a_closed_vacancy_goes_back_to_its_page(client):
    vacancy = factories.ClosedVacancyFactory()
    response = client.get(f"/vacancies/{vacancy.reference}/apply/")
    assert response.status_code == 302
    assert response["Location"] == vacancy.get_absolute_url()
    assert Vacancy.objects.get(pk=vacancy.pk).apply_click_count == 0


def test_home_page_uses_the_result_card(client):
    factories.LiveVacancyFactory(title="Care Worker", salary_min=Decimal("12.60"), salary_max=Decimal("12.60"), salary_period="hour")  # fmt: skip
    body = text(client.get("/"))
    assert "£12.60 an hour" in body


# --- the care-sector facts on the pages -------------------------------------------------------
def test_vacancy_page_shows_the_facts_in_plain_words(client):
    vacancy = factories.LiveVacancyFactory(
        salary_min=Decimal("29970"), salary_max=Decimal("36483"), pay_scale="afc",
        pay_band="band-5", shift_patterns=["nights", "long-days"], registration="nmc",
        dbs_check="enhanced-barred", visa_sponsorship="yes", may_close_early=True,
    )  # fmt: skip
    body = text(client.get(vacancy.get_absolute_url()))
    assert "£29,970 – £36,483 a year" in body and '<span class="pay-band">(Band 5)</span>' in body
    assert "Nights and long days" in body
    assert "Registration with the Nursing and Midwifery Council (NMC)" in body
    assert "Enhanced DBS check with barred lists" in body
    assert "The employer says it can sponsor a Skilled Worker visa" in body
    assert "May close early when enough applications are received" in body


def test_a_vacancy_without_facts_shows_none(client):
    body = text(client.get(factories.LiveVacancyFactory().get_absolute_url()))
    for label in ("<dt>Shifts</dt>", "<dt>Visa sponsorship</dt>", "<dt>DBS check</dt>", "May close early"):  # fmt: skip
        assert label not in body


def test_search_page_offers_and_counts_the_facts(client):
    factories.LiveVacancyFactory(pay_scale="afc", pay_band="band-5", shift_patterns=["nights"])
    factories.LiveVacancyFactory(pay_scale="afc", pay_band="band-6", shift_patterns=["nights"])
    first = client.get("/jobs/", {"band": "band-5"})
    # With no facts' cube kept, the search's rows are counted, and the facts not in use with
    # them, in one pass; the band in use is counted over the search without it, after the
    # response: offered, not yet numbered.
    facets = {f.name: {o.value: o.count for o in f.options} for f in first.context["results"].facets}  # fmt: skip
    assert facets["shift"]["nights"] == 1
    assert set(facets["band"].values()) == {None}
    response = client.get("/jobs/", {"band": "band-5"})
    body = text(response)
    assert 'id="facet-band"' in body and 'id="facet-shift"' in body
    assert 'value="band-5" checked' in body
    band = {o.value: o.count for f in response.context["results"].facets if f.name == "band" for o in f.options}  # fmt: skip
    assert band["band-5"] == 1 and band["band-6"] == 1
    assert "Band 5" in body  # its chip


def test_landing_page_with_a_band_is_the_search(client):
    nurse = factories.profession("registered-nurse")
    factories.LiveVacancyFactory(title="Band 5 nurse", profession=nurse, pay_scale="afc", pay_band="band-5")  # fmt: skip
    factories.LiveVacancyFactory(title="Band 6 nurse", profession=nurse, pay_scale="afc", pay_band="band-6")  # fmt: skip
    body = text(client.get("/jobs/registered-nurse/", {"band": "band-5"}))
    assert "Band 5 nurse" in body and "Band 6 nurse" not in body


@pytest.mark.parametrize(
    "url",
    ["/jobs/registered-nurse/?band=band-5", "/jobs/?profession=registered-nurse&band=band-5"],
)
def test_a_profession_with_a_band_is_canonical_as_its_landing_page_with_the_band(client, url):
    response = client.get(url)
    assert response.context["canonical_url"].endswith("/jobs/registered-nurse/?band=band-5")


# --- the look: cards, labels, the results' order, the vacancy page's links -----------------
def test_places_read_as_people_say_them_on_the_vacancy_page(client):
    vacancy = factories.LiveVacancyFactory(places=[place("leeds"), place("otley")])
    body = text(client.get(vacancy.get_absolute_url()))
    shown = re.search(r"<dt>Location</dt><dd>(.*?)</dd>", body).group(1)
    assert shown in ("Leeds; Otley", "Otley; Leeds")  # not "City and Borough of"


def test_a_card_shows_salary_place_terms_and_badges(client):
    now = timezone.now()
    factories.LiveVacancyFactory(
        title="Night Carer",
        places=[place("leeds"), place("otley")],
        contract_type="bank",
        working_pattern="part_time",
        published_at=now - timedelta(hours=2),
        closes_at=now + timedelta(days=1),
    )
    factories.LiveVacancyFactory(
        title="Day Carer",
        places=[place("leeds")],
        published_at=now - timedelta(days=9),
        closes_at=now + timedelta(days=20),
    )
    body = text(client.get(SEARCH, {"location": "leeds", "sort": "newest"}))
    night, day = body.split('class="job-card-link"')[1:3]
    assert '<p class="job-card-salary">£34,000 – £42,000 a year' in night
    assert 'Leeds <span class="job-card-distance">· less than 1 mile</span>' in night
    assert "and 1 more place" in night and "Bank · Part time" in night
    assert 'badge-new">New<' in night and 'badge-soon">Closing soon<' in night
    assert "badge-new" not in day and "badge-soon" not in day


def test_the_alert_offer_follows_the_first_three_results_and_never_an_empty_search(client):
    for i in range(5):
        factories.LiveVacancyFactory(title=f"Support Worker {i}")
    body = text(client.get(SEARCH))
    offer = body.index('id="alert-signup-title"')
    cards = [m.start() for m in re.finditer(r'class="job-card result-card', body)]
    assert len(cards) == 5 and cards[2] < offer < cards[3]
    assert 'id="alert-signup-title"' not in text(client.get(SEARCH, {"q": "astronaut"}))
    few = text(client.get(SEARCH, {"q": "support worker 1"}))
    assert few.count('id="alert-signup-title"') == 1


def test_the_search_is_one_line_that_opens_the_form_and_the_filters_start_closed(client):
    factories.LiveVacancyFactory()
    body = text(client.get(SEARCH, {"q": "nurse", "location": "leeds"}))
    summary = re.search(r'<summary class="search-edit-summary">(.*?)</summary>', body, re.S)
    assert "“nurse” · Leeds · 10 miles" in summary.group(1) and "Change" in summary.group(1)
    assert '<details class="search-edit" id="search-edit">' in body
    assert '<details class="filter-panel" id="filter-panel">' in body  # closed as sent


def test_back_to_results_keeps_the_search_the_visitor_came_from(client):
    vacancy = factories.LiveVacancyFactory()
    search = "http://testserver/jobs/?q=care&location=leeds&page=2"
    body = text(client.get(vacancy.get_absolute_url(), headers={"Referer": search}))
    assert '<a class="back-link" href="/jobs/?q=care&amp;location=leeds&amp;page=2">' in body
    landing = text(
        client.get(
            vacancy.get_absolute_url(),
            headers={"Referer": "http://testserver/jobs/social-worker/in/leeds/"},
        )
    )
    assert 'class="back-link" href="/jobs/social-worker/in/leeds/"' in landing
    for referrer in ["", "https://elsewhere.example/jobs/?q=care", "http://testserver/employers/"]:
        body = text(client.get(vacancy.get_absolute_url(), headers={"Referer": referrer}))
        assert "back-link" not in body


def test_a_kept_vacancy_page_keeps_each_visitors_own_way_back(client, settings):
    settings.SEARCH_PAGE_CACHE = True
    cache.clear()
    vacancy = factories.LiveVacancyFactory()
    first = text(
        client.get(vacancy.get_absolute_url(), headers={"Referer": "http://testserver/jobs/?q=a"})
    )
    other = text(
        client.get(vacancy.get_absolute_url(), headers={"Referer": "http://testserver/jobs/?q=b"})
    )
    assert 'href="/jobs/?q=a"' in first and 'href="/jobs/?q=b"' in other
    assert "back-link" not in text(client.get(vacancy.get_absolute_url()))


def test_the_vacancy_page_shares_prints_and_applies_from_one_link(client):
    vacancy = factories.LiveVacancyFactory(apply_url="https://careers.example.org/job/42")
    body = text(client.get(vacancy.get_absolute_url()))
    apply = f'href="/vacancies/{vacancy.reference}/apply/?source=direct"'
    assert body.count(apply) == 2  # the apply bar (a box on a desktop) and the page's foot
    assert '<div class="apply-box apply-bar">' in body
    assert f'class="share-link" href="http://127.0.0.1:8000{vacancy.get_absolute_url()}"' in body
    assert 'href="/static/css/print.css" media="print"' in body
    assert "Apply: https://careers.example.org/job/42" in body  # printed, not shown
