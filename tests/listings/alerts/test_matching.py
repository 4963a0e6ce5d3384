"""Which vacancies an alert gets: the search page's FilterSet, its parts, the matcher."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from listings.alerts import matching
from tests import factories
from tests.listings.alerts.helpers import NOW, confirmed_alert, live

pytestmark = pytest.mark.django_db


class TestQueries:
    def test_normalise_query_drops_paging_and_empty_fields(self):
        assert matching.normalise_query("?page=2&q=&profession=social-worker") == (
            "profession=social-worker"
        )

    def test_normalise_query_drops_what_the_search_page_ignores(self):
        query = matching.normalise_query("profession=nobody&salary_min=lots&location=leeds")
        assert query == "location=leeds"

    def test_describe_search_uses_the_search_pages_words(self):
        assert "Social Worker" in matching.describe_search("profession=social-worker")


class TestMatching:
    def test_only_new_live_matches_since_the_mark(self):
        alert = confirmed_alert(query="profession=social-worker", mark=timedelta(days=1))
        new = live(published=timedelta(hours=2))
        live(published=timedelta(days=2))  # before the mark: sent last time
        live(published=timedelta(hours=2), profession="registered-nurse")  # another search
        factories.LiveVacancyFactory(  # closed an hour ago, not yet marked expired
            published_at=NOW - timedelta(hours=3), closes_at=NOW - timedelta(hours=1)
        )
        factories.LiveVacancyFactory(  # goes live later
            published_at=NOW + timedelta(hours=1), closes_at=NOW + timedelta(days=9)
        )
        factories.PendingVacancyFactory()
        assert list(matching.alert_new_vacancies(alert, now=NOW)) == [new]

    @pytest.mark.parametrize(
        "query",
        [
            "profession=social-worker",
            "location=leeds&radius=20",
            "location=LS6+3AA&radius=5",
            "location=ls6&radius=3",
            "location=west-yorkshire",
            "location=Yorkshire+and+the+Humber",
            "salary_min=40000",
            "contract=permanent&pattern=full_time",
            "q=nurse",
            "",
        ],
    )
    def test_an_alert_matches_what_the_search_page_shows(self, client, query):
        leeds, york, bristol = (factories.place(s) for s in ("leeds", "york", "bristol"))
        live(published=timedelta(hours=1), places=[leeds], title="Social Worker")
        live(published=timedelta(hours=2), places=[york], salary_max=52000, title="Senior SW")
        live(
            published=timedelta(hours=3),
            places=[bristol],
            profession="registered-nurse",
            title="Staff Nurse",
            contract_type="bank",
        )
        live(published=timedelta(hours=4), places=[leeds], working_pattern="part_time")
        alert = confirmed_alert(query=query, mark=timedelta(days=1))

        matched = {v.pk for v in matching.alert_new_vacancies(alert, now=timezone.now())}
        response = client.get("/jobs/", QUERY_STRING=query)
        assert response.status_code == 200
        shown = {v.pk for v in response.context["results"].page.object_list}
        assert matched == shown

    def test_query_parts_keep_location_and_radius_together(self):
        assert matching.query_parts(
            "q=nurse&location=leeds&radius=20&profession=a&profession=b&sort=newest&page=2"
        ) == ["q=nurse", "location=leeds&radius=20", "profession=a&profession=b"]

    @pytest.mark.parametrize(
        "query",
        [
            "profession=social-worker&location=leeds&radius=30",
            "q=worker&contract=permanent&salary_min=30000",
            "location=york&pattern=part_time&workplace=on_site",
            "profession=social-worker&profession=registered-nurse&posted=1",
            "sector=independent&location=bristol&radius=100",
            "location=nowhere-at-all&radius=5",
            "",
        ],
    )
    def test_parts_intersect_to_the_whole_filterset(self, query):
        leeds, york, bristol = (factories.place(s) for s in ("leeds", "york", "bristol"))
        cases = [
            (leeds, "full_time", "permanent"),
            (york, "part_time", "permanent"),
            (bristol, "part_time", "bank"),
            (leeds, "flexible", "locum"),
        ]
        for n, (where, pattern, contract) in enumerate(cases):
            live(
                published=timedelta(hours=n + 1),
                places=[where],
                working_pattern=pattern,
                contract_type=contract,
                salary_min=20000,
                salary_max=28000 + 4000 * n,
            )
        live(published=timedelta(hours=30), places=[york], profession="registered-nurse")
        since = NOW - timedelta(days=2)
        whole = matching.matching_vacancies(query, now=NOW, since=since)
        expected = list(whole.values_list("id", flat=True))
        assert matching.Matcher(now=NOW, since=since).matches(query) == expected

    def test_a_matcher_reads_professions_and_each_place_name_once(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        leeds = factories.place("leeds")
        live(published=timedelta(hours=1), places=[leeds])
        matcher = matching.Matcher(now=NOW, since=NOW - timedelta(days=1))
        queries = [
            "location=leeds&radius=5",
            "location=leeds&radius=20",
            "location=Leeds&radius=50",
            "profession=social-worker",
            "profession=care-worker&location=leeds&radius=10",
        ]
        with CaptureQueriesContext(connection) as run:
            found = [matcher.matches(query) for query in queries]
        assert [bool(ids) for ids in found] == [True, True, True, True, False]
        sql = [query["sql"] for query in run.captured_queries]
        assert sum('FROM "listings_profession"' in q for q in sql) == 0  # read at the start
        # "leeds" resolved once for its four parts, "Leeds" once; distances per radius.
        resolutions = [q for q in sql if q.startswith('SELECT "listings_place"."id", ')]
        assert len(resolutions) == 2

    def test_a_matcher_keeps_only_its_most_recent_parts(self, monkeypatch):
        """Memory stays flat however many places, employers and keywords a run meets; a part
        dropped and needed again is read again, with the same answer."""
        monkeypatch.setattr(matching, "PARTS_KEPT", 2)
        leeds, york = factories.place("leeds"), factories.place("york")
        in_leeds = live(published=timedelta(hours=1), places=[leeds])
        in_york = live(published=timedelta(hours=2), places=[york])
        matcher = matching.Matcher(now=NOW, since=NOW - timedelta(days=1))
        queries = ["location=leeds&radius=5", "location=york&radius=5", "contract=permanent"]
        first = [matcher.matches(query) for query in queries]
        assert len(matcher.parts) == 2 and "location=leeds&radius=5" not in matcher.parts
        matcher.newest.clear()  # ask again, from the parts
        assert [matcher.matches(query) for query in queries] == first
        assert first[:2] == [[in_leeds.pk], [in_york.pk]]
        assert len(matcher.parts) == 2

    def test_a_matcher_refuses_marks_older_than_its_window(self):
        matcher = matching.Matcher(now=NOW, since=NOW - timedelta(days=1))
        with pytest.raises(ValueError):
            matcher.since_mark("", NOW - timedelta(days=2))


@pytest.mark.parametrize(
    "query",
    [
        "band=band-5",
        "shift=nights&shift=sleep-ins",
        "sponsorship=yes&profession=registered-nurse",
        "dbs=enhanced-barred&driving=not-needed",
        "registration=nmc&welsh=essential",
        "band=band-5&shift=nights&location=leeds&radius=20",
    ],
)
def test_an_alert_on_the_care_facts_matches_the_search_page(client, query):
    leeds = factories.place("leeds")
    live(published=timedelta(hours=1), places=[leeds], profession="registered-nurse",
         pay_scale="afc", pay_band="band-5", shift_patterns=["nights"], registration="nmc",
         visa_sponsorship="yes", welsh="essential")  # fmt: skip
    live(published=timedelta(hours=2), places=[leeds], shift_patterns=["sleep-ins"],
         dbs_check="enhanced-barred", driving="not-needed")  # fmt: skip
    live(published=timedelta(hours=3), places=[leeds], pay_scale="afc", pay_band="band-6",
         shift_patterns=["days"], dbs_check="enhanced-barred", driving="car")  # fmt: skip
    alert = confirmed_alert(query=query, mark=timedelta(days=1))
    matched = {v.pk for v in matching.alert_new_vacancies(alert, now=timezone.now())}
    shown = {v.pk for v in client.get("/jobs/", QUERY_STRING=query).context["results"].page.object_list}  # fmt: skip
    assert matched == shown and matched
    since = NOW - timedelta(days=2)
    whole = matching.matching_vacancies(query, now=NOW, since=since)
    assert matching.Matcher(now=NOW, since=since).matches(query) == list(whole.values_list("id", flat=True))  # fmt: skip
