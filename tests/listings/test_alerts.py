"""Job alert services: sign-up, tokens, confirmation, digests and batched sending."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail, signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.utils import timezone

from listings import alerts
from listings.models import JobAlert, Vacancy
from tests import factories

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(microsecond=0)


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def live(*, published: timedelta, profession: str = "social-worker", **kwargs) -> Vacancy:
    """A live vacancy published ``published`` before NOW, closing well after it."""
    return factories.LiveVacancyFactory(
        profession=factories.profession(profession),
        published_at=NOW - published,
        closes_at=NOW + timedelta(days=20),
        **kwargs,
    )


def confirmed_alert(*, mark: timedelta = timedelta(days=1), **kwargs) -> JobAlert:
    return factories.JobAlertFactory(
        confirmed_at=NOW - timedelta(days=10), last_sent_at=NOW - mark, **kwargs
    )


def subscribe(**overrides):
    args = {
        "email": "Seeker@Example.org",
        "query": "profession=social-worker&page=3&q=",
        "frequency": JobAlert.Frequency.DAILY,
        "client_ip": "203.0.113.7",
        "now": NOW,
    }
    return alerts.alert_subscribe(**{**args, **overrides})


class TestQueries:
    def test_normalise_query_drops_paging_and_empty_fields(self):
        assert alerts.normalise_query("?page=2&q=&profession=social-worker") == (
            "profession=social-worker"
        )

    def test_normalise_query_drops_what_the_search_page_ignores(self):
        query = alerts.normalise_query("profession=nobody&salary_min=lots&location=leeds")
        assert query == "location=leeds"

    def test_describe_search_uses_the_search_pages_words(self):
        assert "Social Worker" in alerts.describe_search("profession=social-worker")


class TestSubscribe:
    def test_saves_an_unconfirmed_alert_and_sends_a_confirmation(
        self, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            alert = subscribe()
        alert.refresh_from_db()
        assert alert.email == "seeker@example.org"
        assert alert.query == "profession=social-worker"
        assert alert.confirmed_at is None and not alert.is_active
        assert alert.confirmation_sent_at is not None
        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert message.to == ["seeker@example.org"]
        assert "/alerts/confirm/" in message.body
        assert message.alternatives and "/alerts/confirm/" in message.alternatives[0][0]

    def test_signing_up_again_unconfirmed_reuses_the_alert(
        self, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            first = subscribe()
        with django_capture_on_commit_callbacks(execute=True):
            second = subscribe(frequency=JobAlert.Frequency.WEEKLY)
        assert first.pk == second.pk
        assert JobAlert.objects.count() == 1
        assert JobAlert.objects.get().frequency == JobAlert.Frequency.WEEKLY
        assert len(mail.outbox) == 2  # the link is sent again

    def test_an_address_that_already_has_the_alert_gets_its_manage_link(
        self, django_capture_on_commit_callbacks
    ):
        existing = confirmed_alert(email="seeker@example.org", query="profession=social-worker")
        with django_capture_on_commit_callbacks(execute=True):
            result = subscribe()
        assert result.pk == existing.pk
        assert JobAlert.objects.count() == 1
        assert len(mail.outbox) == 1
        assert "already" in mail.outbox[0].subject.lower()
        assert "/alerts/manage/" in mail.outbox[0].body

    def test_a_different_search_is_a_different_alert(self, django_capture_on_commit_callbacks):
        confirmed_alert(email="seeker@example.org", query="profession=social-worker")
        with django_capture_on_commit_callbacks(execute=True):
            subscribe(query="profession=registered-nurse")
        assert JobAlert.objects.count() == 2
        assert "/alerts/confirm/" in mail.outbox[0].body

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [({"email": "not-an-address"}, "email"), ({"frequency": "hourly"}, "frequency")],
    )
    def test_bad_input_is_refused_and_changes_nothing(self, overrides, field):
        with pytest.raises(ValidationError) as exc:
            subscribe(**overrides)
        assert field in exc.value.message_dict
        assert not JobAlert.objects.exists()

    def test_a_hostile_search_is_saved_as_the_page_would_use_it(self):
        alert = subscribe(query="q=" + "x" * 900 + "&employer=" + "y" * 2000 + "&page=9")
        assert alert.query == "q=" + "x" * 200

    def test_per_address_limit_drops_quietly(self, settings, django_capture_on_commit_callbacks):
        settings.ALERT_SIGNUPS_PER_ADDRESS_PER_HOUR = 2
        with django_capture_on_commit_callbacks(execute=True):
            assert subscribe(query="profession=social-worker") is not None
            assert subscribe(query="profession=registered-nurse") is not None
            assert subscribe(query="profession=care-worker") is None
            assert subscribe(email="other@example.org") is not None
        assert JobAlert.objects.count() == 3
        assert len(mail.outbox) == 3

    def test_per_ip_limit_raises(self, settings):
        settings.ALERT_SIGNUPS_PER_IP_PER_HOUR = 2
        subscribe(email="a@example.org")
        subscribe(email="b@example.org")
        with pytest.raises(alerts.SignupRateLimited):
            subscribe(email="c@example.org")
        subscribe(email="c@example.org", client_ip="198.51.100.1")
        assert set(JobAlert.objects.values_list("email", flat=True)) == {
            "a@example.org",
            "b@example.org",
            "c@example.org",
        }


class TestTokens:
    def test_round_trip(self):
        alert = factories.JobAlertFactory()
        assert alerts.read_token(alerts.make_token(alert, "manage"), "manage") == alert

    def test_token_does_not_show_the_address(self):
        alert = factories.JobAlertFactory(email="private.person@example.org")
        assert "private" not in alerts.make_token(alert, "manage")

    @pytest.mark.parametrize(
        "mangle",
        [
            lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),
            lambda t: "x" + t,
            lambda t: "",
            lambda t: "not-a-token",
        ],
    )
    def test_forged_tokens_are_refused(self, mangle):
        alert = factories.JobAlertFactory()
        with pytest.raises(alerts.InvalidToken):
            alerts.read_token(mangle(alerts.make_token(alert, "manage")), "manage")

    def test_a_token_for_another_id_signed_elsewhere_is_refused(self):
        alert = factories.JobAlertFactory()
        forged = signing.dumps({"a": alert.pk, "e": "x"}, salt="elsewhere", compress=True)
        with pytest.raises(alerts.InvalidToken):
            alerts.read_token(forged, "manage")

    def test_a_token_is_only_good_for_its_purpose(self):
        alert = factories.JobAlertFactory()
        with pytest.raises(alerts.InvalidToken):
            alerts.read_token(alerts.make_token(alert, "manage"), "unsubscribe")

    def test_confirmation_tokens_expire(self):
        alert = factories.JobAlertFactory()
        token = alerts.make_token(alert, "confirm")
        with pytest.raises(alerts.InvalidToken, match="expired"):
            alerts.read_token(token, "confirm", max_age=timedelta(seconds=-1))

    def test_a_token_for_a_deleted_alert_names_nothing(self):
        alert = factories.JobAlertFactory()
        token = alerts.make_token(alert, "unsubscribe")
        alert.delete()
        assert alerts.read_token(token, "unsubscribe") is None

    def test_a_token_stops_working_if_the_address_changes(self):
        alert = factories.JobAlertFactory(email="one@example.org")
        token = alerts.make_token(alert, "manage")
        JobAlert.objects.filter(pk=alert.pk).update(email="two@example.org")
        assert alerts.read_token(token, "manage") is None


class TestConfirmAndManage:
    def test_confirm_switches_the_alert_on_from_now(self):
        alert = factories.JobAlertFactory(confirmed_at=None)
        alerts.alert_confirm(alert=alert, now=NOW)
        alert.refresh_from_db()
        assert alert.confirmed_at == NOW and alert.last_sent_at == NOW and alert.is_active

    def test_confirming_twice_changes_nothing(self):
        alert = factories.JobAlertFactory(confirmed_at=None)
        alerts.alert_confirm(alert=alert, now=NOW)
        alerts.alert_confirm(alert=alert, now=NOW + timedelta(hours=5))
        alert.refresh_from_db()
        assert alert.confirmed_at == NOW and alert.last_sent_at == NOW

    def test_a_cancelled_alert_cannot_be_confirmed(self):
        alert = factories.JobAlertFactory(confirmed_at=None, unsubscribed_at=NOW)
        with pytest.raises(ValidationError):
            alerts.alert_confirm(alert=alert, now=NOW)
        alert.refresh_from_db()
        assert alert.confirmed_at is None

    def test_change_frequency(self):
        alert = confirmed_alert()
        alerts.alert_update(alert=alert, frequency=JobAlert.Frequency.WEEKLY)
        alert.refresh_from_db()
        assert alert.frequency == JobAlert.Frequency.WEEKLY

    def test_unknown_frequency_is_refused(self):
        alert = confirmed_alert()
        with pytest.raises(ValidationError):
            alerts.alert_update(alert=alert, frequency="hourly")
        alert.refresh_from_db()
        assert alert.frequency == JobAlert.Frequency.DAILY

    def test_resuming_starts_from_now(self):
        alert = confirmed_alert(mark=timedelta(days=30), paused=True)
        alerts.alert_update(alert=alert, paused=False, now=NOW)
        alert.refresh_from_db()
        assert not alert.paused and alert.last_sent_at == NOW

    def test_pausing_keeps_the_mark(self):
        alert = confirmed_alert()
        before = alert.last_sent_at
        alerts.alert_update(alert=alert, paused=True, now=NOW)
        alert.refresh_from_db()
        assert alert.paused and alert.last_sent_at == before

    def test_unsubscribe_is_idempotent(self):
        alert = confirmed_alert()
        assert alerts.alert_unsubscribe(alert_id=alert.pk, now=NOW) is True
        assert alerts.alert_unsubscribe(alert_id=alert.pk, now=NOW + timedelta(hours=1)) is False
        alert.refresh_from_db()
        assert alert.unsubscribed_at == NOW and not alert.is_active
        assert alerts.alert_unsubscribe(alert_id=alert.pk + 1000) is False

    def test_unconfirmed_alerts_expire(self, settings):
        settings.ALERT_CONFIRMATION_DAYS = 7
        old = factories.JobAlertFactory(confirmed_at=None)
        JobAlert.objects.filter(pk=old.pk).update(created_at=NOW - timedelta(days=8))
        fresh = factories.JobAlertFactory(confirmed_at=None)
        kept = confirmed_alert()
        JobAlert.objects.filter(pk=kept.pk).update(created_at=NOW - timedelta(days=80))
        assert alerts.alerts_expire_unconfirmed(now=NOW, dry_run=True) == 1
        assert JobAlert.objects.count() == 3
        assert alerts.alerts_expire_unconfirmed(now=NOW) == 1
        assert set(JobAlert.objects.values_list("pk", flat=True)) == {fresh.pk, kept.pk}
        assert alerts.alerts_expire_unconfirmed(now=NOW) == 0

    def test_confirmation_is_sent_once(self):
        alert = factories.JobAlertFactory(confirmed_at=None)
        assert alerts.alert_send_confirmation(alert_id=alert.pk, now=NOW) == 1
        assert alerts.alert_send_confirmation(alert_id=alert.pk, now=NOW) == 0
        assert len(mail.outbox) == 1


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
        assert list(alerts.alert_new_vacancies(alert, now=NOW)) == [new]

    @pytest.mark.parametrize(
        "query",
        [
            "profession=social-worker",
            "location=leeds&radius=20",
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

        matched = {v.pk for v in alerts.alert_new_vacancies(alert, now=timezone.now())}
        response = client.get("/jobs/", QUERY_STRING=query)
        assert response.status_code == 200
        shown = {v.pk for v in response.context["results"].page.object_list}
        assert matched == shown

    def test_digests_run_the_filterset_once_per_search_part(self, django_assert_max_num_queries):
        for _ in range(3):
            live(published=timedelta(hours=1))
        group = [
            confirmed_alert(query="profession=social-worker", mark=timedelta(days=1))
            for _ in range(20)
        ]
        group.append(confirmed_alert(query="profession=social-worker", mark=timedelta(minutes=1)))
        # The new vacancies, the FilterSet's own look-up, and the part's matches.
        with django_assert_max_num_queries(3):
            digests = list(alerts.alert_digests(group, now=NOW))
        assert [d.total for d in digests] == [3] * 20 + [0]

    def test_query_parts_keep_location_and_radius_together(self):
        assert alerts.query_parts(
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
        whole = alerts.matching_vacancies(query, now=NOW, since=since)
        expected = list(whole.values_list("id", flat=True))
        assert alerts.Matcher(now=NOW, since=since).matches(query) == expected

    def test_a_matcher_reads_professions_and_each_place_name_once(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        leeds = factories.place("leeds")
        live(published=timedelta(hours=1), places=[leeds])
        matcher = alerts.Matcher(now=NOW, since=NOW - timedelta(days=1))
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
        monkeypatch.setattr(alerts, "PARTS_KEPT", 2)
        leeds, york = factories.place("leeds"), factories.place("york")
        in_leeds = live(published=timedelta(hours=1), places=[leeds])
        in_york = live(published=timedelta(hours=2), places=[york])
        matcher = alerts.Matcher(now=NOW, since=NOW - timedelta(days=1))
        queries = ["location=leeds&radius=5", "location=york&radius=5", "contract=permanent"]
        first = [matcher.matches(query) for query in queries]
        assert len(matcher.parts) == 2 and "location=leeds&radius=5" not in matcher.parts
        matcher.newest.clear()  # ask again, from the parts
        assert [matcher.matches(query) for query in queries] == first
        assert first[:2] == [[in_leeds.pk], [in_york.pk]]
        assert len(matcher.parts) == 2

    def test_a_run_looks_back_only_to_the_oldest_mark(self):
        confirmed_alert(mark=timedelta(hours=20))  # confirmed ten days ago
        confirmed_alert(mark=timedelta(hours=30))
        unsent = factories.JobAlertFactory(confirmed_at=NOW - timedelta(days=2), last_sent_at=None)
        assert alerts._oldest_mark(JobAlert.objects.all(), now=NOW) == unsent.confirmed_at
        unsent.delete()
        assert alerts._oldest_mark(JobAlert.objects.all(), now=NOW) == NOW - timedelta(hours=30)

    def test_a_matcher_refuses_marks_older_than_its_window(self):
        matcher = alerts.Matcher(now=NOW, since=NOW - timedelta(days=1))
        with pytest.raises(ValueError):
            matcher.since_mark("", NOW - timedelta(days=2))


class CountingBackend(LocmemBackend):
    """The test mailbox, counting connections and refusing addresses listed in ``refuse``."""

    opened = 0
    refuse: set[str] = set()

    def open(self):
        type(self).opened += 1
        return True

    def send_messages(self, messages):
        for message in messages:
            if set(message.to) & self.refuse:
                raise OSError("mailbox unavailable")
        return super().send_messages(messages)


@pytest.fixture
def counting_backend(settings):
    settings.EMAIL_BACKEND = f"{__name__}.CountingBackend"
    CountingBackend.opened = 0
    CountingBackend.refuse = set()
    return CountingBackend


class TestSendChunk:
    def send(self, alerts_, **kwargs):
        return alerts.alerts_send_chunk(
            alert_ids=[a.pk for a in alerts_], frequency="daily", now=NOW, **kwargs
        )

    def test_sends_a_digest_per_alert_over_one_connection(self, counting_backend, settings):
        settings.SITE_URL = "https://jobs.example.org"
        newest = live(published=timedelta(hours=1), title="Newest social worker job")
        live(published=timedelta(hours=2))
        group = [confirmed_alert() for _ in range(3)]
        result = self.send(group)
        assert result.sent == 3 and not result.failed
        assert counting_backend.opened == 1
        assert len(mail.outbox) == 3
        message = mail.outbox[0]
        assert message.subject.startswith("2 new jobs")
        assert "Newest social worker job" in message.body
        assert newest.get_absolute_url() in message.body
        html = message.alternatives[0][0]
        assert "Newest social worker job" in html and 'name="viewport"' in html
        unsubscribe = message.extra_headers["List-Unsubscribe"]
        assert unsubscribe.startswith("<https://jobs.example.org/alerts/unsubscribe/")
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert "/alerts/manage/" in message.body and "/alerts/manage/" in html
        assert "https://jobs.example.org/jobs/?profession=social-worker" in message.body
        for alert in group:
            alert.refresh_from_db()
            assert alert.last_sent_at == NOW

    def test_a_second_run_sends_nothing(self, counting_backend):
        live(published=timedelta(hours=1))
        group = [confirmed_alert() for _ in range(2)]
        self.send(group)
        mail.outbox.clear()
        again = alerts.alerts_send_chunk(
            alert_ids=[a.pk for a in group], frequency="daily", now=NOW + timedelta(minutes=5)
        )
        assert again.sent == 0 and mail.outbox == []

    def test_the_same_chunk_delivered_twice_sends_once(self, counting_backend):
        live(published=timedelta(hours=1))
        group = [confirmed_alert() for _ in range(2)]
        self.send(group)
        self.send(group)
        assert len(mail.outbox) == 2

    def test_nothing_new_sends_nothing_but_moves_the_mark(self, counting_backend):
        live(published=timedelta(days=3))
        alert = confirmed_alert()
        result = self.send([alert])
        assert result.sent == 0 and result.nothing_new == 1
        assert mail.outbox == []
        alert.refresh_from_db()
        assert alert.last_sent_at == NOW

    def test_one_failure_neither_loses_nor_repeats_the_others(self, counting_backend):
        live(published=timedelta(hours=1))
        first, refused, last = (confirmed_alert() for _ in range(3))
        counting_backend.refuse = {refused.email}
        result = self.send([first, refused, last])
        assert result.sent == 2 and result.failed == [refused.pk]
        assert sorted(m.to[0] for m in mail.outbox) == sorted([first.email, last.email])
        refused.refresh_from_db()
        assert refused.last_sent_at == NOW - timedelta(days=1)  # still due

        counting_backend.refuse = set()
        mail.outbox.clear()
        retry = self.send([first, refused, last])
        assert retry.sent == 1
        assert [m.to for m in mail.outbox] == [[refused.email]]

    def test_inactive_alerts_get_nothing(self, counting_backend):
        live(published=timedelta(hours=1))
        paused = confirmed_alert(paused=True)
        gone = confirmed_alert(unsubscribed_at=NOW - timedelta(hours=1))
        unconfirmed = factories.JobAlertFactory(confirmed_at=None)
        weekly = confirmed_alert(frequency=JobAlert.Frequency.WEEKLY)
        result = self.send([paused, gone, unconfirmed, weekly])
        assert result.sent == 0 and result.skipped == 4
        assert mail.outbox == []

    def test_lists_ten_and_counts_the_rest(self, counting_backend):
        for minutes in range(1, 14):
            live(published=timedelta(minutes=minutes))
        self.send([confirmed_alert()])
        (message,) = mail.outbox
        assert message.subject.startswith("13 new jobs")
        assert message.body.count("/vacancies/") == 10
        assert "And 3 more." in message.body

    def test_dry_run_sends_and_changes_nothing(self, counting_backend):
        live(published=timedelta(hours=1))
        alert = confirmed_alert()
        result = self.send([alert], dry_run=True)
        assert result.sent == 1 and mail.outbox == []
        alert.refresh_from_db()
        assert alert.last_sent_at == NOW - timedelta(days=1)


class TestDue:
    @pytest.mark.parametrize(
        ("frequency", "mark", "due"),
        [
            ("daily", timedelta(hours=13), True),
            ("daily", timedelta(hours=11), False),
            ("weekly", timedelta(days=4), True),
            ("weekly", timedelta(days=2), False),
            ("instant", timedelta(minutes=1), True),
            ("instant", timedelta(0), False),
        ],
    )
    def test_half_a_period_between_digests(self, frequency, mark, due):
        alert = confirmed_alert(frequency=frequency, mark=mark)
        assert (alert in alerts.alerts_due(frequency, now=NOW)) is due

    def test_run_digests_come_in_chunks_with_identical_searches_together(self):
        live(published=timedelta(hours=1), profession="care-worker")
        a = [confirmed_alert(query="profession=care-worker") for _ in range(3)]
        b = [confirmed_alert(query="profession=social-worker") for _ in range(3)]
        chunks = list(alerts.alert_run_digests("daily", now=NOW, size=3))
        assert [[d.alert.pk for d in chunk] for chunk in chunks] == [
            [x.pk for x in a],
            [x.pk for x in b],
        ]
        assert [d.total for chunk in chunks for d in chunk] == [1, 1, 1, 0, 0, 0]

    def test_unknown_frequency(self):
        with pytest.raises(ValueError):
            alerts.alerts_due("hourly", now=NOW)
