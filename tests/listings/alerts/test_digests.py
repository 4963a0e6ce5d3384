"""Digest runs: which alerts are due, chunks, batched sending once over one connection."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend

from listings.alerts import digests
from listings.models import JobAlert, Vacancy
from tests import factories
from tests.listings.alerts.helpers import NOW, confirmed_alert, live

pytestmark = pytest.mark.django_db


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
        return digests.alerts_send_chunk(
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
        again = digests.alerts_send_chunk(
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


class TestRunMatching:
    """A run matches all its alerts with one matcher, looking back only as far as it must."""

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
            computed = list(digests.alert_digests(group, now=NOW))
        assert [d.total for d in computed] == [3] * 20 + [0]

    def test_a_run_looks_back_only_to_the_oldest_mark(self):
        confirmed_alert(mark=timedelta(hours=20))  # confirmed ten days ago
        confirmed_alert(mark=timedelta(hours=30))
        unsent = factories.JobAlertFactory(confirmed_at=NOW - timedelta(days=2), last_sent_at=None)
        assert digests._oldest_mark(JobAlert.objects.all(), now=NOW) == unsent.confirmed_at
        unsent.delete()
        assert digests._oldest_mark(JobAlert.objects.all(), now=NOW) == NOW - timedelta(hours=30)


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
        assert (alert in digests.alerts_due(frequency, now=NOW)) is due

    def test_run_digests_come_in_chunks_with_identical_searches_together(self):
        live(published=timedelta(hours=1), profession="care-worker")
        a = [confirmed_alert(query="profession=care-worker") for _ in range(3)]
        b = [confirmed_alert(query="profession=social-worker") for _ in range(3)]
        chunks = list(digests.alert_run_digests("daily", now=NOW, size=3))
        assert [[d.alert.pk for d in chunk] for chunk in chunks] == [
            [x.pk for x in a],
            [x.pk for x in b],
        ]
        assert [d.total for chunk in chunks for d in chunk] == [1, 1, 1, 0, 0, 0]

    def test_unknown_frequency(self):
        with pytest.raises(ValueError):
            digests.alerts_due("hourly", now=NOW)


class TestSentOnce:
    """An alert sends a vacancy once: the time it was first published never moves."""

    def test_a_vacancy_approved_again_or_renewed_is_not_sent_again(self, admin_user):
        from listings import services

        vacancy = live(published=timedelta(days=3))
        alert = confirmed_alert(mark=timedelta(days=4))
        (first,) = digests.alert_digests([alert], now=NOW)
        assert first.vacancy_ids == [vacancy.pk]
        JobAlert.objects.filter(pk=alert.pk).update(last_sent_at=NOW - timedelta(days=2))
        # Sent; later it went back to review (as edits once did) and staff approve it again.
        Vacancy.objects.filter(pk=vacancy.pk).update(status="pending_review")
        services.vacancy_approve(vacancy=vacancy, moderator=admin_user, now=NOW)
        services.vacancy_close(vacancy=vacancy, now=NOW)
        services.vacancy_renew(vacancy=vacancy, closes_at=NOW + timedelta(days=9), now=NOW)
        alert.refresh_from_db()
        (again,) = digests.alert_digests([alert], now=NOW + timedelta(hours=1))
        assert again.vacancy_ids == []
