"""Alert services: sign-up, confirmation, changes, unsubscribing and expiry of sign-ups."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from listings.alerts import services
from listings.models import JobAlert
from tests import factories
from tests.listings.alerts.helpers import NOW, confirmed_alert

pytestmark = pytest.mark.django_db


def subscribe(**overrides):
    args = {
        "email": "Seeker@Example.org",
        "query": "profession=social-worker&page=3&q=",
        "frequency": JobAlert.Frequency.DAILY,
        "client_ip": "203.0.113.7",
        "now": NOW,
    }
    return services.alert_subscribe(**{**args, **overrides})


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
        with pytest.raises(services.SignupRateLimited):
            subscribe(email="c@example.org")
        subscribe(email="c@example.org", client_ip="198.51.100.1")
        assert set(JobAlert.objects.values_list("email", flat=True)) == {
            "a@example.org",
            "b@example.org",
            "c@example.org",
        }


class TestConfirmAndManage:
    def test_confirm_switches_the_alert_on_from_now(self):
        alert = factories.JobAlertFactory(confirmed_at=None)
        services.alert_confirm(alert=alert, now=NOW)
        alert.refresh_from_db()
        assert alert.confirmed_at == NOW and alert.last_sent_at == NOW and alert.is_active

    def test_confirming_twice_changes_nothing(self):
        alert = factories.JobAlertFactory(confirmed_at=None)
        services.alert_confirm(alert=alert, now=NOW)
        services.alert_confirm(alert=alert, now=NOW + timedelta(hours=5))
        alert.refresh_from_db()
        assert alert.confirmed_at == NOW and alert.last_sent_at == NOW

    def test_a_cancelled_alert_cannot_be_confirmed(self):
        alert = factories.JobAlertFactory(confirmed_at=None, unsubscribed_at=NOW)
        with pytest.raises(ValidationError):
            services.alert_confirm(alert=alert, now=NOW)
        alert.refresh_from_db()
        assert alert.confirmed_at is None

    def test_change_frequency(self):
        alert = confirmed_alert()
        services.alert_update(alert=alert, frequency=JobAlert.Frequency.WEEKLY)
        alert.refresh_from_db()
        assert alert.frequency == JobAlert.Frequency.WEEKLY

    def test_unknown_frequency_is_refused(self):
        alert = confirmed_alert()
        with pytest.raises(ValidationError):
            services.alert_update(alert=alert, frequency="hourly")
        alert.refresh_from_db()
        assert alert.frequency == JobAlert.Frequency.DAILY

    def test_resuming_starts_from_now(self):
        alert = confirmed_alert(mark=timedelta(days=30), paused=True)
        services.alert_update(alert=alert, paused=False, now=NOW)
        alert.refresh_from_db()
        assert not alert.paused and alert.last_sent_at == NOW

    def test_pausing_keeps_the_mark(self):
        alert = confirmed_alert()
        before = alert.last_sent_at
        services.alert_update(alert=alert, paused=True, now=NOW)
        alert.refresh_from_db()
        assert alert.paused and alert.last_sent_at == before

    def test_unsubscribe_is_idempotent(self):
        alert = confirmed_alert()
        assert services.alert_unsubscribe(alert_id=alert.pk, now=NOW) is True
        assert services.alert_unsubscribe(alert_id=alert.pk, now=NOW + timedelta(hours=1)) is False
        alert.refresh_from_db()
        assert alert.unsubscribed_at == NOW and not alert.is_active
        assert services.alert_unsubscribe(alert_id=alert.pk + 1000) is False

    def test_unconfirmed_alerts_expire(self, settings):
        settings.ALERT_CONFIRMATION_DAYS = 7
        old = factories.JobAlertFactory(confirmed_at=None)
        JobAlert.objects.filter(pk=old.pk).update(created_at=NOW - timedelta(days=8))
        fresh = factories.JobAlertFactory(confirmed_at=None)
        kept = confirmed_alert()
        JobAlert.objects.filter(pk=kept.pk).update(created_at=NOW - timedelta(days=80))
        assert services.alerts_expire_unconfirmed(now=NOW, dry_run=True) == 1
        assert JobAlert.objects.count() == 3
        assert services.alerts_expire_unconfirmed(now=NOW) == 1
        assert set(JobAlert.objects.values_list("pk", flat=True)) == {fresh.pk, kept.pk}
        assert services.alerts_expire_unconfirmed(now=NOW) == 0

    def test_confirmation_is_sent_once(self):
        alert = factories.JobAlertFactory(confirmed_at=None)
        assert services.alert_send_confirmation(alert_id=alert.pk, now=NOW) == 1
        assert services.alert_send_confirmation(alert_id=alert.pk, now=NOW) == 0
        assert len(mail.outbox) == 1
