"""Every kind of email a write or a scheduled run promises arrives after a broker outage.

Each case does its write with the broker unreachable (the Celery app pointed at a closed
port): the write stands, nothing is sent, and the promise waits in the outbox. Once the
broker is back, the periodic relay (what beat runs every minute) hands it over and the email
goes out, exactly once.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from applications import candidate_services
from employers import services as employer_services
from employers.models import Sector
from listings import services as listing_services
from listings import tasks
from listings.alerts import services as alert_services
from outbox import services as outbox_services
from outbox.models import OutboxMessage
from outbox.services import outbox_relay
from tests import factories
from tests.applications.slots import invited, slot, tomorrow_at
from tests.brokers import broker_unreachable

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_pause():
    outbox_services._pause["until"] = 0.0
    yield
    outbox_services._pause["until"] = 0.0


@pytest.fixture
def outage(django_capture_on_commit_callbacks):
    """Run the block with the broker away, its commits' callbacks run; then relay."""

    class Outage:
        def __enter__(self):
            self._broker = broker_unreachable()
            self._broker.__enter__()
            self._commits = django_capture_on_commit_callbacks(execute=True)
            self._commits.__enter__()
            return self

        def __exit__(self, *exc):
            self._commits.__exit__(*exc)
            self._broker.__exit__(*exc)
            return False

    return Outage()


def relay_after_the_outage() -> int:
    """What beat's relay does once the broker answers again."""
    return outbox_relay(now=timezone.now() + timedelta(minutes=2))


def sent_to(address: str) -> list:
    return [m for m in mail.outbox if address in m.to]


def test_verification_email(outage):
    with outage:
        membership = employer_services.employer_sign_up(
            email="new@brightwater.example.org",
            password="a-long-and-unusual-passphrase",
            employer_name="Brightwater Care",
            sector=Sector.INDEPENDENT,
            region="yorkshire",
        )
    assert mail.outbox == [] and OutboxMessage.objects.pending().count() == 1
    assert relay_after_the_outage() == 1
    (message,) = sent_to(membership.user.email)
    assert "/accounts/verify/" in message.body


def test_password_reset_email(client, outage):
    user = factories.UserFactory()
    with outage:
        response = client.post(reverse("password_reset"), {"email": user.email})
    assert response.status_code == 302
    assert mail.outbox == []
    assert relay_after_the_outage() == 1
    (message,) = sent_to(user.email)
    assert "/accounts/reset/" in message.body


def test_invitation_email(outage):
    owner = factories.MembershipFactory(role="owner")
    with outage:
        employer_services.invitation_create(
            employer=owner.employer, email="colleague@example.org", role="recruiter",
            invited_by=owner.user,
        )  # fmt: skip
    assert mail.outbox == []
    assert relay_after_the_outage() == 1
    assert len(sent_to("colleague@example.org")) == 1


def test_alert_confirmation_and_already_subscribed_emails(outage):
    confirmed = factories.JobAlertFactory(email="known@example.net", query="q=nurse")
    with outage:
        alert_services.alert_subscribe(
            email="new@example.net", query="q=care", frequency="daily", client_ip="192.0.2.1"
        )
        alert_services.alert_subscribe(
            email=confirmed.email, query="q=nurse", frequency="daily", client_ip="192.0.2.1"
        )
    assert mail.outbox == []
    assert relay_after_the_outage() == 2
    (confirmation,) = sent_to("new@example.net")
    assert "/alerts/confirm/" in confirmation.body
    assert len(sent_to("known@example.net")) == 1


def test_rejection_email(outage):
    owner = factories.MembershipFactory(role="owner")
    vacancy = factories.PendingVacancyFactory(employer=owner.employer)
    moderator = factories.UserFactory(is_staff=True)
    with outage:
        listing_services.vacancy_reject(
            vacancy=vacancy, moderator=moderator, reason="Add the salary, please."
        )
    assert mail.outbox == []
    assert relay_after_the_outage() == 1
    (message,) = sent_to(owner.user.email)
    assert "Add the salary, please." in message.body


def test_expiry_summary_and_reminder_emails(outage):
    owner = factories.MembershipFactory(role="owner")
    now = timezone.now()
    factories.LiveVacancyFactory(
        employer=owner.employer, title="Night Care Assistant",
        published_at=now - timedelta(days=20), closes_at=now - timedelta(minutes=1),
    )  # fmt: skip
    factories.LiveVacancyFactory(
        employer=owner.employer, title="Day Care Assistant",
        published_at=now - timedelta(days=20), closes_at=now + timedelta(days=1),
    )  # fmt: skip
    with outage:
        assert tasks.expire_vacancies.run() == 1  # beat's run, in the worker
        assert tasks.send_expiry_reminders.run() == 1
    assert mail.outbox == []
    assert relay_after_the_outage() == 2
    messages = sent_to(owner.user.email)
    assert len(messages) == 2
    bodies = "\n".join(m.body for m in messages)
    assert "Night Care Assistant" in bodies and "Day Care Assistant" in bodies


def test_daily_digest(outage):
    now = timezone.now()
    factories.LiveVacancyFactory(
        title="Social Worker - Hospital Discharge Team", published_at=now - timedelta(hours=1)
    )
    factories.JobAlertFactory(
        email="seeker@example.net", query="profession=social-worker",
        confirmed_at=now - timedelta(days=5), last_sent_at=now - timedelta(days=1),
    )  # fmt: skip
    with outage:
        assert tasks.send_job_alerts.run("daily") == 1  # one chunk promised
    assert mail.outbox == []
    assert relay_after_the_outage() == 1
    (digest,) = sent_to("seeker@example.net")
    assert digest.subject.startswith("1 new job")
    assert relay_after_the_outage() == 0 and len(mail.outbox) == 1


def test_interview_time_confirmation_and_team_emails(outage):
    owner = factories.MembershipFactory(role="owner")
    vacancy = factories.LiveVacancyFactory(employer=owner.employer, apply_method="board")
    application = invited(vacancy, email="priya@example.net")
    chosen = slot(vacancy, tomorrow_at(10))
    with outage:
        candidate_services.interview_slot_choose(
            application=application, seeker=application.seeker, slot_id=chosen.pk
        )
    chosen.refresh_from_db()
    assert chosen.taken_by_id == application.pk  # the choice stands
    assert mail.outbox == [] and OutboxMessage.objects.pending().count() == 2
    assert relay_after_the_outage() == 2
    assert len(sent_to("priya@example.net")) == 1
    assert len(sent_to(owner.user.email)) == 1
    assert relay_after_the_outage() == 0
    assert len(mail.outbox) == 2
