"""The seekers' services: signing in with a code, saved jobs, their alerts, reports."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from listings.models import JobAlert
from seekers import codes, services
from seekers.models import SavedJob, Seeker, SignInCode, VacancyReport
from tests import factories
from tests.seekers.conftest import code_from_last_email

pytestmark = pytest.mark.django_db
User = get_user_model()
IP = "203.0.113.9"


class TestSignInWithCode:
    def test_a_new_address_gets_a_code_and_an_account_only_when_it_comes_back(self, ask_code):
        ask_code(" Nia@Example.NET ")
        assert len(mail.outbox) == 1 and mail.outbox[0].to == ["nia@example.net"]
        code = code_from_last_email("nia@example.net")
        assert code in mail.outbox[0].subject and "/me/sign-in/link/" in mail.outbox[0].body
        assert not User.objects.filter(email="nia@example.net").exists()

        user = services.sign_in_with_code(email="nia@example.net", code=code, client_ip=IP)
        assert user.email == "nia@example.net" and user.email_verified
        assert not user.has_usable_password()
        assert Seeker.objects.filter(user=user).exists()

    def test_the_code_itself_is_not_stored(self, ask_code):
        ask_code("nia@example.net")
        code = code_from_last_email("nia@example.net")
        row = SignInCode.objects.get()
        assert code not in {row.nonce, str(row.pk)} and codes.code_for(row.nonce) == code

    def test_a_code_works_once(self, ask_code):
        ask_code("nia@example.net")
        code = code_from_last_email("nia@example.net")
        services.sign_in_with_code(email="nia@example.net", code=code, client_ip=IP)
        with pytest.raises(ValidationError, match="expired or was used"):
            services.sign_in_with_code(email="nia@example.net", code=code, client_ip=IP)

    def test_a_code_expires(self, settings, ask_code):
        now = timezone.now()
        ask_code("nia@example.net", now=now)
        code = code_from_last_email("nia@example.net")
        later = now + timedelta(minutes=settings.SEEKER_CODE_MINUTES, seconds=1)
        with pytest.raises(ValidationError, match="expired"):
            services.sign_in_with_code(email="nia@example.net", code=code, client_ip=IP, now=later)

    def test_wrong_guesses_kill_the_code(self, settings, ask_code):
        settings.SEEKER_CODE_ATTEMPTS = 3
        ask_code("nia@example.net")
        code = code_from_last_email("nia@example.net")
        wrong = f"{(int(code) + 1) % 1_000_000:06d}"
        for _ in range(3):
            with pytest.raises(ValidationError, match="not right"):
                services.sign_in_with_code(email="nia@example.net", code=wrong, client_ip=IP)
        assert SignInCode.objects.get().attempts == 3
        with pytest.raises(ValidationError, match="Too many wrong tries"):
            services.sign_in_with_code(email="nia@example.net", code=code, client_ip=IP)
        assert not User.objects.filter(email="nia@example.net").exists()

    def test_asking_again_replaces_the_last_code(self, ask_code):
        ask_code("nia@example.net")
        first = code_from_last_email("nia@example.net")
        ask_code("nia@example.net")
        second = code_from_last_email("nia@example.net")
        assert SignInCode.objects.count() == 1
        if first != second:
            with pytest.raises(ValidationError):
                services.sign_in_with_code(email="nia@example.net", code=first, client_ip=IP)
        services.sign_in_with_code(email="nia@example.net", code=second, client_ip=IP)

    def test_requests_are_throttled_per_address_quietly_and_per_client_loudly(self, ask_code):
        for _ in range(5):
            assert ask_code("nia@example.net")
        assert ask_code("nia@example.net") is None
        assert len(mail.outbox) == 5
        for n in range(14):
            ask_code(f"p{n}@example.net")
        with pytest.raises(services.RateLimited):
            ask_code("late@example.net")

    def test_an_employer_member_becomes_a_seeker_too(self, owner, ask_code):
        ask_code(owner.email)
        user = services.sign_in_with_code(
            email=owner.email, code=code_from_last_email(owner.email), client_ip=IP
        )
        assert user.pk == owner.pk and user.memberships.exists()
        assert Seeker.objects.filter(user=owner).exists()
        assert owner.has_usable_password() and User.objects.get(pk=owner.pk).has_usable_password()

    def test_the_link_is_the_same_check_as_the_code(self, ask_code):
        ask_code("nia@example.net")
        row = SignInCode.objects.get()
        token = codes.make_link_token(code_id=row.pk, nonce=row.nonce)
        code_id, code = codes.read_link_token(token)
        user = services.sign_in_with_code(code_id=code_id, code=code, client_ip=IP)
        assert user.email == "nia@example.net"
        assert codes.read_link_token(token[:-2] + "xx") is None


class TestSavedJobs:
    def test_save_is_idempotent_and_only_for_live_jobs(self, seeker):
        live = factories.LiveVacancyFactory()
        first = services.saved_job_add(seeker=seeker, reference=live.reference)
        assert services.saved_job_add(seeker=seeker, reference=live.reference) == first
        assert SavedJob.objects.count() == 1
        draft = factories.VacancyFactory()
        with pytest.raises(ValidationError, match="open"):
            services.saved_job_add(seeker=seeker, reference=draft.reference)

    def test_remove_deletes_the_row(self, seeker):
        live = factories.LiveVacancyFactory()
        services.saved_job_add(seeker=seeker, reference=live.reference)
        assert services.saved_job_remove(seeker=seeker, reference=live.reference) is True
        assert services.saved_job_remove(seeker=seeker, reference=live.reference) is False
        assert not SavedJob.objects.exists()

    def test_import_from_the_browser_skips_closed_unknown_and_duplicates(self, seeker):
        a, b = factories.LiveVacancyFactory(), factories.LiveVacancyFactory()
        closed = factories.ClosedVacancyFactory()
        services.saved_job_add(seeker=seeker, reference=a.reference)
        added = services.saved_jobs_import(
            seeker=seeker, references=[a.reference, b.reference, closed.reference, "NOPE"]
        )
        assert added == 1
        assert set(seeker.saved_jobs.values_list("vacancy_id", flat=True)) == {a.pk, b.pk}


class TestTheSeekersAlerts:
    def test_only_alerts_for_the_seekers_address_can_be_changed(self, seeker):
        mine = factories.JobAlertFactory(email=seeker.user.email)
        theirs = factories.JobAlertFactory(email="other@example.net")
        services.seeker_alert_change(seeker=seeker, alert_id=mine.pk, action="pause")
        mine.refresh_from_db()
        assert mine.paused
        with pytest.raises(JobAlert.DoesNotExist):
            services.seeker_alert_change(seeker=seeker, alert_id=theirs.pk, action="delete")
        assert JobAlert.objects.filter(pk=theirs.pk).exists()

    def test_delete_removes_the_row(self, seeker):
        alert = factories.JobAlertFactory(email=seeker.user.email)
        assert (
            services.seeker_alert_change(seeker=seeker, alert_id=alert.pk, action="delete") is None
        )
        assert not JobAlert.objects.filter(pk=alert.pk).exists()

    def test_a_verified_address_switches_on_an_unconfirmed_alert(self, seeker):
        alert = factories.JobAlertFactory(email=seeker.user.email, confirmed_at=None)
        services.seeker_alert_change(seeker=seeker, alert_id=alert.pk, action="confirm")
        alert.refresh_from_db()
        assert alert.confirmed_at is not None and alert.is_active

    def test_frequency_and_search(self, seeker):
        alert = factories.JobAlertFactory(email=seeker.user.email)
        services.seeker_alert_change(
            seeker=seeker, alert_id=alert.pk, action="frequency", frequency="weekly"
        )
        services.seeker_alert_change(
            seeker=seeker, alert_id=alert.pk, action="search", query="q=nurse&location=leeds"
        )
        alert.refresh_from_db()
        assert alert.frequency == "weekly" and "q=nurse" in alert.query
        with pytest.raises(ValidationError):
            services.seeker_alert_change(
                seeker=seeker, alert_id=alert.pk, action="frequency", frequency="hourly"
            )

    def test_an_unverified_address_reaches_no_alert(self, seeker):
        seeker.user.email_verified_at = None
        seeker.user.save()
        alert = factories.JobAlertFactory(email=seeker.user.email)
        with pytest.raises(JobAlert.DoesNotExist):
            services.seeker_alert_change(seeker=seeker, alert_id=alert.pk, action="pause")


class TestReports:
    def test_a_report_joins_the_queue_and_reports_are_throttled(self):
        vacancy = factories.LiveVacancyFactory()
        report = services.vacancy_report_create(
            vacancy=vacancy, reason="scam", details="Asks for a fee", client_ip=IP
        )
        assert report.outcome == VacancyReport.Outcome.OPEN
        for _ in range(9):
            services.vacancy_report_create(vacancy=vacancy, reason="other", client_ip=IP)
        with pytest.raises(services.RateLimited):
            services.vacancy_report_create(vacancy=vacancy, reason="other", client_ip=IP)
        with pytest.raises(ValidationError):
            services.vacancy_report_create(vacancy=vacancy, reason="nonsense", client_ip="1.2.3.4")

    def test_review(self, owner):
        report = services.vacancy_report_create(
            vacancy=factories.LiveVacancyFactory(), reason="scam", client_ip=IP
        )
        services.vacancy_report_review(report=report, outcome="dismissed", by=owner)
        report.refresh_from_db()
        assert report.outcome == "dismissed" and report.reviewed_by == owner
        with pytest.raises(ValidationError):
            services.vacancy_report_review(report=report, outcome="open", by=owner)
