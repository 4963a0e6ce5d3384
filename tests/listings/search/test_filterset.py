"""The search's filters: every parameter of the URL contract, how they combine, and bad input."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.http import QueryDict
from django.utils import timezone

from employers.models import Sector
from listings.models import Place
from listings.search import DEFAULT_RADIUS, Search, Sort, parse_search, search_vacancies
from listings.search.cleaning import parse_whole_number
from listings.search.geo import bounding_box, distance_expression, haversine_miles, resolve_place
from listings.search.ordering import nearest_ring
from listings.search.params import MAX_QUERY_LENGTH
from tests import factories
from tests.factories import place, profession

pytestmark = pytest.mark.django_db


def search(query: str = "", **kwargs) -> Search:
    return parse_search(QueryDict(query), **kwargs)


def titles(filterset: Search) -> list[str]:
    return [v.title for v in filterset.qs]


def live(title: str, **kwargs):
    return factories.LiveVacancyFactory(title=title, **kwargs)


# --- what is searched -------------------------------------------------------------------------
def test_only_live_vacancies_are_searched():
    live("Live one")
    factories.VacancyFactory(title="Draft")
    factories.PendingVacancyFactory(title="Pending")
    factories.ExpiredVacancyFactory(title="Expired")
    factories.ClosedVacancyFactory(title="Closed")
    factories.LiveVacancyFactory(title="Past its closing time", closes_at=timezone.now())
    assert titles(search()) == ["Live one"]


def test_a_given_queryset_is_searched_within():
    a = live("Kept")
    live("Outside")
    filterset = parse_search(QueryDict(""), within=factories.Vacancy.objects.filter(pk=a.pk))
    assert titles(filterset) == ["Kept"]


def test_unbound_filterset_still_sorts_and_filters_nothing():
    live("A")
    assert titles(parse_search()) == ["A"]


# --- multi-value filters: OR within, AND across ------------------------------------------------
def test_profession_filter_or_within():
    live("SW", profession=profession("social-worker"))
    live("RN", profession=profession("registered-nurse"))
    live("CW", profession=profession("care-worker"))
    assert sorted(titles(search("profession=social-worker"))) == ["SW"]
    assert sorted(titles(search("profession=social-worker&profession=care-worker"))) == ["CW", "SW"]


def test_contract_pattern_workplace_filters():
    live("Perm full on-site", contract_type="permanent", working_pattern="full_time")
    live("Bank part remote", contract_type="bank", working_pattern="part_time", workplace="remote")
    live(
        "Locum full hybrid", contract_type="locum", working_pattern="full_time", workplace="hybrid"
    )
    assert sorted(titles(search("contract=bank&contract=locum"))) == [
        "Bank part remote",
        "Locum full hybrid",
    ]
    assert titles(search("contract=bank&contract=locum&pattern=full_time")) == ["Locum full hybrid"]
    assert sorted(titles(search("workplace=remote&workplace=on_site"))) == [
        "Bank part remote",
        "Perm full on-site",
    ]


def test_sector_and_employer_filters():
    nhs = factories.EmployerFactory(sector=Sector.NHS, name="Leeds Teaching Hospitals")
    charity = factories.EmployerFactory(sector=Sector.CHARITY)
    live("At NHS", employer=nhs)
    live("At charity", employer=charity)
    live("Independent")
    assert titles(search("sector=nhs")) == ["At NHS"]
    assert sorted(titles(search("sector=nhs&sector=charity"))) == ["At NHS", "At charity"]
    assert titles(search(f"employer={charity.slug}")) == ["At charity"]
    assert titles(search(f"employer={charity.slug}&sector=nhs")) == []


def test_unknown_employer_is_ignored_with_a_notice():
    live("Any")
    filterset = search("employer=no-such-employer")
    assert titles(filterset) == ["Any"]
    assert "could not find the employer" in " ".join(filterset.notices)


# --- salary ---------------------------------------------------------------------------------
def test_salary_min_matches_the_top_of_the_range():
    live("34-42k", salary_min=Decimal("34000"), salary_max=Decimal("42000"))
    assert titles(search("salary_min=42000")) == ["34-42k"]
    assert titles(search("salary_min=42001")) == []
    assert titles(search("salary_min=30000")) == ["34-42k"]


def test_salary_min_compares_hourly_and_daily_pay_as_annual():
    # £20 an hour × 1,950 hours = £39,000; £150 a day × 260 days = £39,000.
    live("Hourly", salary_min=Decimal("15"), salary_max=Decimal("20"), salary_period="hour")
    live("Daily", salary_min=Decimal("150"), salary_max=Decimal("150"), salary_period="day")
    assert sorted(titles(search("salary_min=39000"))) == ["Daily", "Hourly"]
    assert titles(search("salary_min=39001")) == []


def test_salary_min_uses_a_lone_minimum_and_skips_unstated_pay():
    live("From 40k", salary_min=Decimal("40000"), salary_max=None)
    live("Not stated", salary_min=None, salary_max=None)
    assert titles(search("salary_min=40000")) == ["From 40k"]
    assert sorted(titles(search())) == ["From 40k", "Not stated"]


def test_salary_min_reads_human_amounts():
    live("50k", salary_min=Decimal("45000"), salary_max=Decimal("50000"))
    assert titles(search("salary_min=%C2%A350%2C000")) == ["50k"]  # "£50,000"
    assert titles(search("salary_min=50k")) == ["50k"]
    assert titles(search("salary_min=51k")) == []


# --- posted ---------------------------------------------------------------------------------
def test_posted_within_days():
    now = timezone.now()
    live("Today", published_at=now - timedelta(hours=3))
    live("Last week", published_at=now - timedelta(days=6))
    live("Last month", published_at=now - timedelta(days=20))
    assert titles(search("posted=1", now=now)) == ["Today"]
    assert titles(search("posted=7", now=now)) == ["Today", "Last week"]
    assert len(titles(search("posted=30", now=now))) == 3


# --- keywords -------------------------------------------------------------------------------
def test_keyword_finds_the_singular_from_a_plural():
    live("Registered Nurse - Acute Medicine", profession=profession("registered-nurse"))
    live("Care Worker", profession=profession("care-worker"), description="Home visits.")
    assert titles(search("q=nurses")) == ["Registered Nurse - Acute Medicine"]


def test_keyword_searches_employer_and_description():
    employer = factories.EmployerFactory(name="Brightwater Care Homes")
    live("Support Worker", employer=employer, description="Days only.")
    live("Care Worker", description="Includes dementia training.")
    assert titles(search("q=brightwater")) == ["Support Worker"]
    assert titles(search("q=dementia")) == ["Care Worker"]


def test_every_keyword_must_match():
    live("Night Care Assistant", description="Nights.")
    live("Care Assistant - Days", description="Days.")
    assert titles(search("q=night+care")) == ["Night Care Assistant"]


def test_keywords_default_to_relevance_and_title_matches_come_first():
    now = timezone.now()
    live(
        "Support Worker",
        description="Experience as a nurse welcome.",
        published_at=now - timedelta(hours=1),
    )
    live("Staff Nurse", description="Ward work.", published_at=now - timedelta(days=5))
    filterset = search("q=nurse", now=now)
    assert filterset.sort_choice == Sort.RELEVANCE
    assert titles(filterset) == ["Staff Nurse", "Support Worker"]
    assert titles(search("q=nurse&sort=newest", now=now)) == ["Support Worker", "Staff Nurse"]


@pytest.mark.postgres
def test_postgres_full_text_ranks_and_stems():
    live("Registered Nurse", profession=profession("registered-nurse"), description="Wards.")
    live("Healthcare Assistant", description="Supporting our nursing team.")
    live("Care Worker", profession=profession("care-worker"), description="Home care.")
    assert titles(search("q=nurses")) == ["Registered Nurse", "Healthcare Assistant"]
    assert titles(search("q=nurse+-registered")) == ["Healthcare Assistant"]
    assert titles(search("q=%22home+care%22")) == ["Care Worker"]


@pytest.mark.postgres
def test_relevance_ranks_only_the_newest_window_of_matches(monkeypatch):
    now = timezone.now()
    # The best match is the oldest: outside a window of two, it is not ranked at all.
    live("Nurse nurse nurse", published_at=now - timedelta(days=9), description="Nurse.")
    live("Support Worker", published_at=now - timedelta(days=2), description="With nurses.")
    live("Care Assistant", published_at=now - timedelta(days=1), description="Nursing home.")
    live("Staff Nurse", published_at=now - timedelta(days=3), description="Wards.")
    monkeypatch.setattr("listings.search.backends.RELEVANCE_WINDOW", 2)
    filterset = search("q=nurse", now=now)
    assert sorted(titles(filterset)) == ["Care Assistant", "Support Worker"]
    assert filterset.filtered().count() == 4  # the total still counts every match
    monkeypatch.setattr("listings.search.backends.RELEVANCE_WINDOW", 10)
    assert titles(search("q=nurse", now=now))[0] == "Nurse nurse nurse"


def test_relevance_window_covers_every_reachable_result():
    from common.api import MAX_API_PAGES, MAX_PAGE_SIZE
    from listings.search import MAX_PAGES, PAGE_SIZE
    from listings.search.backends import RELEVANCE_WINDOW

    assert RELEVANCE_WINDOW >= MAX_PAGES * PAGE_SIZE
    assert RELEVANCE_WINDOW >= MAX_API_PAGES * MAX_PAGE_SIZE


# --- distance -------------------------------------------------------------------------------
def test_distance_expression_agrees_with_python_haversine():
    leeds = place("leeds")
    bradford_miles = (
        Place.objects.filter(slug="bradford")
        .annotate(miles=distance_expression("lat", "lng", lat=leeds.lat, lng=leeds.lng))
        .get()
        .miles
    )
    bradford = place("bradford")
    expected = haversine_miles(leeds.lat, leeds.lng, bradford.lat, bradford.lng)
    assert bradford_miles == pytest.approx(expected, abs=1e-6)
    assert 8 < expected < 9  # Leeds to Bradford is about 8.6 miles as the crow flies
    assert haversine_miles(leeds.lat, leeds.lng, leeds.lat, leeds.lng) == 0


def test_bounding_box_contains_the_circle():
    leeds = place("leeds")
    box = bounding_box(leeds.lat, leeds.lng, 25)
    for bearing_lat, bearing_lng in ((1, 0), (-1, 0), (0, 1), (0, -1)):
        # A point just inside 25 miles due north/south/east/west lies inside the box.
        lat = leeds.lat + bearing_lat * 24.9 / 69.05
        lng = leeds.lng + bearing_lng * 24.9 / (69.05 * 0.59)
        assert haversine_miles(leeds.lat, leeds.lng, lat, lng) < 25.5
        assert box["south"] <= lat <= box["north"] and box["west"] <= lng <= box["east"]


def test_location_radius_boundaries():
    in_bradford = live("Bradford job", places=[place("bradford")])
    live("London job", places=[place("london")])
    leeds, bradford = place("leeds"), place("bradford")
    miles = haversine_miles(leeds.lat, leeds.lng, bradford.lat, bradford.lng)
    assert titles(search(f"location=leeds&radius={int(miles)}")) == []
    assert titles(search(f"location=leeds&radius={int(miles) + 1}")) == [in_bradford.title]
    filterset = search("location=leeds")
    assert filterset.radius_miles == DEFAULT_RADIUS
    assert titles(filterset) == ["Bradford job"]


def test_location_matches_any_of_a_vacancys_places():
    live("London and Leeds", places=[place("london"), place("leeds")])
    live("Manchester", places=[place("manchester")])
    assert titles(search("location=leeds&radius=5")) == ["London and Leeds"]
    assert titles(search("location=london&radius=5")) == ["London and Leeds"]


def test_nearest_sort_uses_the_closest_place():
    live("Harrogate only", places=[place("harrogate")])  # ~13 miles from Leeds
    live("Wakefield and York", places=[place("york"), place("wakefield")])  # Wakefield ~8.1
    live("Otley", places=[place("otley")])  # ~9.6 miles
    filterset = search("location=leeds&radius=30&sort=distance")
    assert titles(filterset) == ["Wakefield and York", "Otley", "Harrogate only"]
    distances = [v.distance for v in filterset.qs]
    assert distances == sorted(distances)


def test_nearest_first_pages_read_from_rings_match_sorting_everything(
    django_assert_max_num_queries,
):
    now = timezone.now()
    slugs = ["leeds", "bradford", "wakefield", "otley", "harrogate", "york", "huddersfield"]
    for index, slug in enumerate(slugs):
        for age in range(index % 3 + 1):
            live(f"{slug} {age}", places=[place(slug)], published_at=now - timedelta(hours=age))
    both = live("york and leeds", places=[place("york"), place("leeds")])  # nearest: Leeds
    both.published_at = now - timedelta(minutes=30)
    both.save()
    query = "location=leeds&radius=40&sort=distance"
    everything = [v.title for v in search(query, now=now).qs]
    assert len(everything) == 14 and everything[:2] == ["leeds 0", "york and leeds"]
    for depth in range(1, 15):
        filterset = search(query, now=now)
        # Professions, the place, the places near it, at most four rings, the page.
        with django_assert_max_num_queries(3 + 4 + 1):
            top = search_vacancies(filterset, depth=depth)[:depth]
            assert [v.title for v in top] == everything[:depth]
    # The first two results are both at Leeds: the ring is Leeds alone.
    filterset = search(query, now=now)
    assert nearest_ring(filterset, filterset.filtered(), depth=2) == [place("leeds").pk]
    assert len(filterset.near_places) > 300  # instead of every place within 40 miles


def test_place_is_resolved_from_slug_name_or_label():
    assert resolve_place("leeds").slug == "leeds"
    assert resolve_place("  LEEDS ").slug == "leeds"
    assert resolve_place("Newport, Isle of Wight").county == "Isle of Wight"
    assert resolve_place("newport-isle-of-wight").county == "Isle of Wight"
    assert resolve_place("Newport").name == "Newport"
    assert resolve_place("Atlantis") is None
    assert resolve_place("") is None


def test_unknown_place_and_lonely_radius_are_ignored_with_notices():
    live("Anywhere")
    filterset = search("location=Atlantis&radius=10")
    assert titles(filterset) == ["Anywhere"]
    assert "could not find a UK place or postcode called “Atlantis”" in filterset.notices[0]
    filterset = search("radius=10")
    assert titles(filterset) == ["Anywhere"]
    assert filterset.notices == ["A distance needs a place, so it was ignored."]


def test_empty_location_box_with_radius_says_nothing():
    assert search("q=&location=&radius=10").notices == []


# --- sorting --------------------------------------------------------------------------------
def test_sorts():
    now = timezone.now()
    live("Old, closes late, pays most", published_at=now - timedelta(days=9),
         closes_at=now + timedelta(days=40), salary_min=Decimal("50000"), salary_max=Decimal("60000"))  # fmt: skip
    live("New, closes soon, pays least", published_at=now - timedelta(days=1),
         closes_at=now + timedelta(days=2), salary_min=Decimal("20000"), salary_max=Decimal("21000"))  # fmt: skip
    live("No pay given", published_at=now - timedelta(days=5), closes_at=now + timedelta(days=10),
         salary_min=None, salary_max=None)  # fmt: skip
    assert titles(search("", now=now))[0] == "New, closes soon, pays least"
    assert titles(search("sort=closing", now=now)) == [
        "New, closes soon, pays least",
        "No pay given",
        "Old, closes late, pays most",
    ]
    assert titles(search("sort=salary", now=now)) == [
        "Old, closes late, pays most",
        "New, closes soon, pays least",
        "No pay given",
    ]


def test_featured_is_not_sorted_first():
    now = timezone.now()
    live("Featured but older", featured=True, published_at=now - timedelta(days=5))
    live("Newer", published_at=now - timedelta(days=1))
    assert titles(search("", now=now)) == ["Newer", "Featured but older"]


def test_sort_needing_a_missing_input_falls_back_with_a_notice():
    filterset = search("sort=distance")
    assert filterset.sort_choice == Sort.NEWEST
    assert "needs a place" in filterset.notices[0]
    assert search("sort=relevance").sort_choice == Sort.NEWEST
    assert search("sort=sideways").notices == ["We do not know how to sort by “sideways”."]


# --- hostile and odd input ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("query", "expect"),
    [
        ("contract=banana", "unknown contract type: “banana”"),
        ("profession=astronaut", "unknown profession: “astronaut”"),
        ("sector=%3Cscript%3E", "unknown sector: “<script>”"),
        ("salary_min=lots", "“lots” is not a salary we can use"),
        ("salary_min=-5", "“-5” is not a salary we can use"),
        ("salary_min=99999999999999999999", "is not a salary we can use"),
        ("posted=0", "“0” is not a number of days"),
        ("posted=1e9", "“1e9” is not a number of days"),
        ("radius=-3&location=leeds", "“-3” is not a distance"),
        ("radius=NaN&location=leeds", "“NaN” is not a distance"),
        ("radius=100000&location=leeds", "The largest distance is 200 miles"),
        ("q=nurse%00%01", "Hidden or control characters were removed"),
    ],
)
def test_bad_values_are_ignored_with_a_plain_notice(query, expect):
    live("Still found", contract_type="permanent")
    filterset = search(query)
    assert any(expect in notice for notice in filterset.notices), filterset.notices
    assert filterset.form.is_valid()
    list(filterset.qs)  # runs without error


def test_known_values_survive_beside_unknown_ones():
    live("Bank", contract_type="bank")
    live("Permanent", contract_type="permanent")
    filterset = search("contract=bank&contract=nonsense&contract=bank")
    assert titles(filterset) == ["Bank"]
    assert filterset.data.getlist("contract") == ["bank"]


def test_very_long_and_odd_unicode_keywords():
    live("Nurse")
    long_q = "nurse " * 200
    filterset = search(QueryDict(mutable=True).urlencode() + "q=" + long_q.replace(" ", "+"))
    assert len(filterset.data["q"]) <= MAX_QUERY_LENGTH
    assert "shortened" in filterset.notices[0]
    list(filterset.qs)
    for odd in (
        "%E2%80%AEesrun",
        "%F0%9F%98%80",
        "%EF%BF%BD%EF%BF%BD",
        "%D8%AA%D9%85%D8%B1%D9%8A%D8%B6",
    ):
        list(search(f"q={odd}").qs)


def test_enormous_number_of_values_is_capped():
    query = "&".join(["contract=bank"] * 500 + ["profession=care-worker"] * 500)
    filterset = search(query)
    assert filterset.data.getlist("contract") == ["bank"]
    list(filterset.qs)


def test_parse_whole_number():
    assert parse_whole_number("35000") == 35000
    assert parse_whole_number("£35,000") == 35000
    assert parse_whole_number("35k") == 35000
    assert parse_whole_number("12.6") == 12
    for bad in ("", "abc", "-1", "1e5", "١٢", "0x10", "9" * 40):
        assert parse_whole_number(bad) is None


def test_plain_dict_data_is_accepted():
    live("Bank", contract_type="bank")
    assert titles(parse_search({"contract": ["bank"], "q": "bank"})) == ["Bank"]


# --- describing the search ------------------------------------------------------------------
def test_query_string_is_normalised():
    filterset = search(
        "sort=relevance&contract=locum&q=++nurse++&contract=bank&utm_source=x&page=3"
        "&location=Leeds&radius=10&salary_min=%C2%A330k"
    )
    assert filterset.query_string() == (
        "q=nurse&location=leeds&contract=bank&contract=locum&salary_min=30000"
    )
    assert filterset.query_string(page=2).endswith("&page=2")
    assert search("").query_string() == ""


def test_chips_remove_one_value_each():
    employer = factories.EmployerFactory(name="Oakleaf Care", slug="oakleaf-care")
    filterset = search(
        f"q=nurse&location=leeds&radius=15&contract=bank&contract=locum&sector=nhs"
        f"&employer={employer.slug}&salary_min=30000&posted=7&sort=salary"
    )
    chips = {chip.label: chip.remove_query for chip in filterset.chips()}
    assert list(chips) == [
        "Keywords: nurse",
        "Within 15 miles of Leeds",
        "Bank",
        "Locum",
        "Sector: NHS",
        "Employer: Oakleaf Care",
        "Salary £30,000 or more",
        "Posted in the last 7 days",
    ]
    assert "contract=bank" not in chips["Bank"] and "contract=locum" in chips["Bank"]
    assert "location" not in chips["Within 15 miles of Leeds"]
    assert "radius" not in chips["Within 15 miles of Leeds"]
    assert "q=" not in chips["Keywords: nurse"] and "sort=salary" in chips["Keywords: nurse"]


def test_describe():
    assert search("").describe() == "Jobs"
    assert search("profession=social-worker&location=leeds").describe() == (
        "Social Worker jobs within 10 miles of Leeds"
    )
    assert search("q=night").describe() == "“night” jobs"


# --- the care-sector facts (one registry entry and one filter method each) --------------------
def test_pay_band_filter_matches_any_band_given():
    live("Band 5", pay_scale="afc", pay_band="band-5")
    live("Band 6", pay_scale="afc", pay_band="band-6")
    live("Band 7", pay_scale="afc", pay_band="band-7")
    live("Not stated")
    assert sorted(titles(search("band=band-5&band=band-6"))) == ["Band 5", "Band 6"]


def test_shift_filter_matches_a_vacancy_with_any_of_the_patterns():
    live("Nights and weekends", shift_patterns=["nights", "weekends"])
    live("Days only", shift_patterns=["days"])
    live("Sleep-ins", shift_patterns=["sleep-ins", "days"])
    live("None stated")
    assert sorted(titles(search("shift=nights"))) == ["Nights and weekends"]
    assert sorted(titles(search("shift=weekends&shift=sleep-ins"))) == [
        "Nights and weekends",
        "Sleep-ins",
    ]


@pytest.mark.parametrize(
    ("param", "field", "value", "other"),
    [
        ("sponsorship", "visa_sponsorship", "yes", "no"),
        ("dbs", "dbs_check", "enhanced-barred", "basic"),
        ("driving", "driving", "car", "not-needed"),
        ("registration", "registration", "nmc", "hcpc"),
        ("welsh", "welsh", "essential", "not-needed"),
    ],
)
def test_each_fact_filters_by_its_column(param, field, value, other):
    live("Wanted", **{field: value})
    live("Other", **{field: other})
    live("Not stated")
    assert titles(search(f"{param}={value}")) == ["Wanted"]
    assert sorted(titles(search(f"{param}={value}&{param}={other}"))) == ["Other", "Wanted"]


def test_facts_combine_with_each_other_and_the_other_filters():
    nurse = profession("registered-nurse")
    live("Band 5 nights nurse", profession=nurse, pay_scale="afc", pay_band="band-5",
         shift_patterns=["nights"], registration="nmc")  # fmt: skip
    live("Band 5 days nurse", profession=nurse, pay_scale="afc", pay_band="band-5",
         shift_patterns=["days"], registration="nmc")  # fmt: skip
    live("Band 5 nights, other profession", pay_scale="afc", pay_band="band-5",
         shift_patterns=["nights"])  # fmt: skip
    found = search(f"profession={nurse.slug}&band=band-5&shift=nights&registration=nmc")
    assert titles(found) == ["Band 5 nights nurse"]


def test_an_unknown_fact_value_is_dropped_with_a_notice():
    live("A", pay_scale="afc", pay_band="band-5")
    found = search("band=band-8&band=band-5&shift=graveyard")
    assert titles(found) == ["A"]
    assert found.data.getlist("band") == ["band-5"]
    assert any("pay band" in notice and "band-8" in notice for notice in found.notices)
    assert any("shift pattern" in notice for notice in found.notices)


def test_fact_chips_name_the_values_in_words_and_remove_one_each():
    found = search("band=band-5&shift=nights&sponsorship=yes&welsh=essential")
    chips = {chip.label: chip.remove_query for chip in found.chips()}
    assert chips["Band 5"] == "shift=nights&sponsorship=yes&welsh=essential"
    assert chips["Nights"] == "band=band-5&sponsorship=yes&welsh=essential"
    assert "Sponsorship available" in chips and "Welsh essential" in chips
