"""Periodic work: expiry with employer summaries, reminders, the staff report, alert fan-out,
the cron commands, and the task options every task must carry."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from jobboard.celery import app
from listings import notifications, services, tasks
from listings.alerts import digests
from listings.models import JobAlert, Vacancy
from listings.search import search_vacancies
from tests import factories

pytestmark = pytest.mark.django_db

Status = Vacancy.Status


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def due_vacancy(employer, *, ago=timedelta(hours=1), **kwargs):
    now = timezone.now()
    return factories.LiveVacancyFactory(
        employer=employer, published_at=now - timedelta(days=20), closes_at=now - ago, **kwargs
    )


def test_the_beat_keeps_the_search_cubes_fresh(employer):
    from listings.search.cache import counts
    from listings.search.facets import _cube_key

    factories.LiveVacancyFactory(employer=employer)
    assert settings.CELERY_BEAT_SCHEDULE["warm-search-cubes"]["schedule"] < timedelta(minutes=1)
    sizes = tasks.warm_search_cubes.delay().get()
    # The cubes' cells: the facet cube, its two levels, and the facts' cube by profession.
    assert sizes == {"facets": 1, "salary_min": 1, "posted": 1, "facts": 1}
    assert len(counts.kept(_cube_key("posted"))) == 1


class TestExpiry:
    def test_expires_at_the_exact_closing_instant(self, employer):
        now = timezone.now()
        vacancy = factories.LiveVacancyFactory(
            employer=employer, published_at=now - timedelta(days=3), closes_at=now
        )
        assert not Vacancy.objects.live(now=now).filter(pk=vacancy.pk).exists()
        assert services.vacancies_expire(now=now - timedelta(microseconds=1)) == []
        assert services.vacancies_expire(now=now) == [vacancy.pk]
        vacancy.refresh_from_db()
        assert vacancy.status == Status.EXPIRED and vacancy.expired_at == now

    def test_expired_rows_drop_their_search_vector_and_renewing_restores_it(self, employer):
        if connection.vendor != "postgresql":
            pytest.skip("the search vector is PostgreSQL's")
        vacancy = due_vacancy(employer, title="Occupational Therapist")

        def found():
            return search_vacancies({"q": "occupational therapist"}).filter(pk=vacancy.pk)

        def vector():
            return Vacancy.objects.values_list("search_vector", flat=True).get(pk=vacancy.pk)

        assert vector()
        assert services.vacancies_expire() == [vacancy.pk]
        assert vector() is None
        vacancy.refresh_from_db()
        services.vacancy_renew(vacancy=vacancy, closes_at=timezone.now() + timedelta(days=14))
        assert "therapist" in vector()
        assert found().exists()

    @pytest.mark.django_db(transaction=True, serialized_rollback=True)
    def test_connections_side_by_side_expire_each_due_vacancy_once(self, monkeypatch):
        if connection.vendor != "postgresql":
            pytest.skip("SKIP LOCKED batches on several connections are PostgreSQL's")
        runs = []
        on_connections = services._on_connections

        def spy(work, count):
            runs.append(count)
            return on_connections(work, count)

        monkeypatch.setattr(services, "_on_connections", spy)
        employer = factories.EmployerFactory()
        due = [due_vacancy(employer, ago=timedelta(minutes=n + 1)) for n in range(9)]
        still_open = factories.LiveVacancyFactory(employer=employer)
        expired = services.vacancies_expire(batch_size=2, parallel=3)
        assert runs == [3]
        assert sorted(expired) == sorted(v.pk for v in due)  # each once
        assert set(Vacancy.objects.filter(status=Status.EXPIRED).values_list("pk", flat=True)) == {
            v.pk for v in due
        }
        still_open.refresh_from_db()
        assert still_open.status == Status.LIVE
        assert services.vacancies_expire(batch_size=2, parallel=3) == []

    def test_one_summary_per_employer_and_a_second_run_sends_nothing(
        self, django_capture_on_commit_callbacks
    ):
        first = factories.MembershipFactory().employer
        factories.MembershipFactory(employer=first, role="recruiter")
        second = factories.MembershipFactory().employer
        a1 = due_vacancy(first, title="Care Worker - Nights")
        a2 = due_vacancy(first, title="Senior Carer")
        b1 = due_vacancy(second, title="Staff Nurse")
        open_one = factories.LiveVacancyFactory(employer=first)

        with django_capture_on_commit_callbacks(execute=True):
            assert tasks.expire_vacancies.delay().get() == 3
        assert {v.status for v in Vacancy.objects.filter(pk__in=[a1.pk, a2.pk, b1.pk])} == {
            Status.EXPIRED
        }
        open_one.refresh_from_db()
        assert open_one.status == Status.LIVE
        assert len(mail.outbox) == 2
        by_employer = {tuple(m.to): m for m in mail.outbox}
        first_mail = next(m for m in mail.outbox if len(m.to) == 2)
        assert "Care Worker - Nights" in first_mail.body and "Senior Carer" in first_mail.body
        assert f"/employer/vacancies/{a1.reference}/renew/" in first_mail.body
        assert "Staff Nurse" not in first_mail.body
        assert len(by_employer) == 2

        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            assert tasks.expire_vacancies.delay().get() == 0
        assert mail.outbox == []

    def test_summary_leaves_out_a_vacancy_renewed_meanwhile(self, owner, employer):
        vacancy = due_vacancy(employer)
        services.vacancies_expire(now=timezone.now())
        services.vacancy_renew(vacancy=vacancy, closes_at=timezone.now() + timedelta(days=10))
        assert notifications.send_expiry_summary(
            employer_id=employer.pk, vacancy_ids=[vacancy.pk]
        ) == (0)
        assert mail.outbox == []

    def test_a_run_that_died_before_queueing_is_caught_up_by_the_next(
        self, owner, employer, django_capture_on_commit_callbacks
    ):
        vacancy = due_vacancy(employer)
        services.vacancies_expire(now=timezone.now())  # expired, then the task died
        assert mail.outbox == []
        with django_capture_on_commit_callbacks(execute=True):
            assert tasks.expire_vacancies.delay().get() == 0  # nothing new to expire...
        (summary,) = mail.outbox  # ...but the unreported expiry is sent
        assert vacancy.title in summary.body
        vacancy.refresh_from_db()
        assert vacancy.expiry_notified_at is not None

    def test_a_summary_delivered_twice_is_sent_once(self, owner, employer):
        vacancy = due_vacancy(employer)
        services.vacancies_expire(now=timezone.now())
        args = {"employer_id": employer.pk, "vacancy_ids": [vacancy.pk]}
        assert notifications.send_expiry_summary(**args) == 1
        assert notifications.send_expiry_summary(**args) == 0  # redelivered: already told
        assert len(mail.outbox) == 1

    def test_renewing_rearms_the_summary(self, owner, employer):
        vacancy = due_vacancy(employer)
        services.vacancies_expire(now=timezone.now())
        notifications.send_expiry_summary(employer_id=employer.pk, vacancy_ids=[vacancy.pk])
        renewed = services.vacancy_renew(
            vacancy=vacancy, closes_at=timezone.now() + timedelta(days=5)
        )
        assert renewed.expiry_notified_at is None

    def test_command_dry_run_changes_nothing(self, owner, employer):
        vacancy = due_vacancy(employer)
        out = StringIO()
        call_command("expire_vacancies", "--dry-run", stdout=out)
        assert "Would expire 1 vacancy of 1 employer" in out.getvalue()
        vacancy.refresh_from_db()
        assert vacancy.status == Status.LIVE and mail.outbox == []

    def test_command_expires_and_emails_in_process(self, owner, employer):
        vacancy = due_vacancy(employer)
        out = StringIO()
        call_command("expire_vacancies", stdout=out)
        vacancy.refresh_from_db()
        assert vacancy.status == Status.EXPIRED
        assert len(mail.outbox) == 1 and mail.outbox[0].to == [owner.email]
        out = StringIO()
        call_command("expire_vacancies", stdout=out)
        assert "Expired 0 vacancies; sent 0" in out.getvalue()
        assert len(mail.outbox) == 1

    def test_command_refuses_a_bad_batch_size(self):
        from django.core.management import CommandError

        with pytest.raises(CommandError):
            call_command("expire_vacancies", "--batch-size", "0")


class TestReminders:
    def closing_in(self, employer, days: float):
        now = timezone.now()
        return factories.LiveVacancyFactory(
            employer=employer,
            published_at=now - timedelta(days=10),
            closes_at=now + timedelta(days=days),
        )

    def test_reminds_once_per_closing_date_with_a_renew_link(
        self, owner, employer, settings, django_capture_on_commit_callbacks
    ):
        settings.VACANCY_REMINDER_DAYS = 3
        soon = self.closing_in(employer, 2)
        self.closing_in(employer, 10)  # not yet
        due_vacancy(employer)  # already closed

        with django_capture_on_commit_callbacks(execute=True):
            assert tasks.send_expiry_reminders.delay().get() == 1
        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert message.to == [owner.email]
        assert soon.title in message.subject or soon.reference in message.subject
        assert f"{settings.SITE_URL}/employer/vacancies/{soon.reference}/renew/" in message.body
        assert f"/employer/vacancies/{soon.reference}/renew/" in message.alternatives[0][0]
        soon.refresh_from_db()
        assert soon.reminder_sent_for == soon.closes_at

        with django_capture_on_commit_callbacks(execute=True):
            assert tasks.send_expiry_reminders.delay().get() == 0
        assert len(mail.outbox) == 1

    def test_a_new_closing_date_rearms_the_reminder(self, owner, employer):
        soon = self.closing_in(employer, 2)
        now = timezone.now()
        assert notifications.send_expiry_reminder(vacancy_id=soon.pk, now=now) == 1
        assert notifications.send_expiry_reminder(vacancy_id=soon.pk, now=now) == 0
        Vacancy.objects.filter(pk=soon.pk).update(closes_at=now + timedelta(days=2, hours=5))
        assert notifications.send_expiry_reminder(vacancy_id=soon.pk, now=now) == 1
        assert len(mail.outbox) == 2

    def test_no_members_still_marks_it(self, employer):
        soon = self.closing_in(employer, 1)
        assert notifications.send_expiry_reminder(vacancy_id=soon.pk, now=timezone.now()) == 0
        soon.refresh_from_db()
        assert soon.reminder_sent_for == soon.closes_at


class TestStaleWork:
    def make_stale(self, employer):
        now = timezone.now()
        draft = factories.VacancyFactory(employer=employer, title="Forgotten draft")
        pending = factories.PendingVacancyFactory(employer=employer, title="Waiting review")
        factories.VacancyFactory(employer=employer, title="Fresh draft")
        Vacancy.objects.filter(pk=draft.pk).update(updated_at=now - timedelta(days=45))
        Vacancy.objects.filter(pk=pending.pk).update(updated_at=now - timedelta(days=3))
        return draft, pending

    def test_reports_to_staff_once_a_day(self, employer, settings):
        settings.STAFF_NOTIFICATION_EMAILS = ["moderators@example.org"]
        draft, pending = self.make_stale(employer)
        assert tasks.report_stale_work.delay().get() == 1
        (message,) = mail.outbox
        assert message.to == ["moderators@example.org"]
        assert "1 review" in message.subject and "1 abandoned draft" in message.subject
        assert draft.reference in message.body and pending.reference in message.body
        assert "Fresh draft" not in message.body
        assert tasks.report_stale_work.delay().get() == 0
        assert len(mail.outbox) == 1

    def test_new_wording_left_waiting_is_reported_too(self, settings):
        from listings import services
        from listings.models import VacancyRevision

        settings.STAFF_NOTIFICATION_EMAILS = ["moderators@example.org"]
        live = factories.LiveVacancyFactory(employer=factories.EmployerFactory(verified=False))
        services.vacancy_update(vacancy=live, title="Changed wording")
        VacancyRevision.objects.update(updated_at=timezone.now() - timedelta(days=3))
        work = notifications.stale_work(now=timezone.now())
        assert [v.pk for v in work.reviews] == [live.pk] and work.review_count == 1

    def test_falls_back_to_staff_users(self, employer, settings):
        settings.STAFF_NOTIFICATION_EMAILS = []
        staff = factories.UserFactory(is_staff=True)
        factories.UserFactory(is_staff=True, is_active=False)
        self.make_stale(employer)
        notifications.report_stale_work(now=timezone.now())
        assert mail.outbox[0].to == [staff.email]

    def test_nothing_stale_nothing_sent(self, employer, settings):
        settings.STAFF_NOTIFICATION_EMAILS = ["moderators@example.org"]
        factories.VacancyFactory(employer=employer)
        assert notifications.report_stale_work(now=timezone.now()) == 0
        assert mail.outbox == []


class TestAlertTasks:
    def test_fan_out_in_chunks_sends_every_digest_once(
        self, monkeypatch, django_capture_on_commit_callbacks
    ):
        monkeypatch.setattr(tasks, "ALERT_CHUNK_SIZE", 2)
        now = timezone.now()
        factories.LiveVacancyFactory(
            published_at=now - timedelta(hours=1), closes_at=now + timedelta(days=5)
        )
        for _ in range(5):
            factories.JobAlertFactory(last_sent_at=now - timedelta(days=1))
        factories.JobAlertFactory(
            last_sent_at=now - timedelta(days=1), frequency=JobAlert.Frequency.WEEKLY
        )
        with django_capture_on_commit_callbacks(execute=True):
            assert tasks.send_job_alerts.delay("daily").get() == 3
        assert len(mail.outbox) == 5
        assert len({m.to[0] for m in mail.outbox}) == 5
        with django_capture_on_commit_callbacks(execute=True):
            assert tasks.send_job_alerts.delay("daily").get() == 0
        assert len(mail.outbox) == 5

    def test_a_failed_message_is_retried_alone(self, settings):
        from tests.listings.alerts.test_digests import CountingBackend

        class FailOnce(CountingBackend):
            failed: set[str] = set()

            def send_messages(self, messages):
                for message in messages:
                    address = message.to[0]
                    if address.startswith("flaky") and address not in self.failed:
                        self.failed.add(address)
                        raise OSError("try again later")
                return super().send_messages(messages)

        settings.EMAIL_BACKEND = f"{__name__}.FailOnceBackend"
        globals()["FailOnceBackend"] = FailOnce
        now = timezone.now()
        factories.LiveVacancyFactory(
            published_at=now - timedelta(hours=1), closes_at=now + timedelta(days=5)
        )
        alerts_ = [
            factories.JobAlertFactory(last_sent_at=now - timedelta(days=1), email=email)
            for email in ("first@example.org", "flaky@example.org", "last@example.org")
        ]
        # Eager mode runs the retry at once (a worker would wait for the countdown).
        payload = digests.digest_payload(digests.alert_digests(alerts_, now=now))
        result = tasks.send_job_alert_chunk.apply(
            args=("daily", payload, now.isoformat()), throw=False
        )
        assert result.get() == 1  # the retry sent only the one that failed
        assert sorted(m.to[0] for m in mail.outbox) == [
            "first@example.org",
            "flaky@example.org",
            "last@example.org",
        ]

    def test_pending_confirmations_are_picked_up(self):
        alert = factories.JobAlertFactory(confirmed_at=None)
        assert tasks.send_pending_alert_confirmations.delay().get() == 1
        assert mail.outbox[0].to == [alert.email]
        assert tasks.send_pending_alert_confirmations.delay().get() == 0

    def test_unconfirmed_alerts_expire(self, settings):
        alert = factories.JobAlertFactory(confirmed_at=None)
        JobAlert.objects.filter(pk=alert.pk).update(
            created_at=timezone.now() - timedelta(days=settings.ALERT_CONFIRMATION_DAYS + 1)
        )
        assert tasks.expire_unconfirmed_alerts.delay().get() == 1
        assert not JobAlert.objects.exists()

    def test_command_dry_run_and_real_run(self):
        now = timezone.now()
        factories.LiveVacancyFactory(
            published_at=now - timedelta(hours=1), closes_at=now + timedelta(days=5)
        )
        alert = factories.JobAlertFactory(last_sent_at=now - timedelta(days=1))
        out = StringIO()
        call_command("send_job_alerts", "daily", "--dry-run", stdout=out)
        assert "Would send 1 daily digest;" in out.getvalue()
        assert mail.outbox == []
        call_command("send_job_alerts", "daily", stdout=out)
        assert len(mail.outbox) == 1 and mail.outbox[0].to == [alert.email]
        out = StringIO()
        call_command("send_job_alerts", "daily", stdout=out)
        assert "Sent 0 daily digests" in out.getvalue()


class TestTaskOptions:
    def test_every_scheduled_task_exists(self):
        app.loader.import_default_modules()
        for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
            assert entry["task"] in app.tasks, name

    def test_alerts_are_scheduled_for_every_frequency(self):
        scheduled = {
            tuple(entry.get("args", ()))
            for entry in settings.CELERY_BEAT_SCHEDULE.values()
            if entry["task"] == "listings.tasks.send_job_alerts"
        }
        assert scheduled == {("instant",), ("daily",), ("weekly",)}

    @pytest.mark.parametrize(
        "task",
        [
            tasks.expire_vacancies,
            tasks.send_expiry_summary,
            tasks.send_expiry_reminders,
            tasks.send_expiry_reminder,
            tasks.report_stale_work,
            tasks.send_alert_confirmation,
            tasks.send_alert_reminder_of_subscription,
            tasks.send_pending_alert_confirmations,
            tasks.expire_unconfirmed_alerts,
            tasks.send_job_alerts,
            tasks.send_job_alert_chunk,
        ],
    )
    def test_late_ack_and_bounded_retries(self, task):
        assert task.acks_late is True
        assert 0 < task.max_retries <= 5
        assert app.conf.task_time_limit and app.conf.task_soft_time_limit
