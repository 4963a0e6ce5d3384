"""Writes for job seekers: sign-in codes, saved jobs, their alerts, reports, and deletion.

Services take keyword-only arguments, run in ``transaction.atomic`` and queue emails after
commit with ids. Alerts belong to a seeker by email address: every write to one checks that
its address is the seeker's verified address.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from employers.models import Invitation
from listings.alerts import services as alert_services
from listings.alerts.matching import normalise_query
from listings.models import JobAlert, Vacancy
from outbox.services import enqueue
from seekers import codes, hooks, throttling
from seekers.models import SavedJob, Seeker, SignInCode, VacancyReport
from seekers.tasks import send_sign_in_code

MAX_SAVED_JOBS = 500
MAX_IMPORTED = 100


class RateLimited(Exception):
    """Too many attempts in the current window; ``str()`` says what to do."""


def _clean_email(email: str) -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ValidationError({"email": "Enter an email address like name@example.com."}) from exc
    return email


# --- Signing in with a code -----------------------------------------------------------------


def sign_in_code_request(
    *, email: str, client_ip: str, now: datetime | None = None
) -> SignInCode | None:
    """Make a one-time code for ``email`` and queue the email carrying it and its link.

    Anyone may ask: the same answer is shown whether or not the address has an account, and
    the account is made only when the code comes back. Too many requests from one client
    raise ``RateLimited``; too many for one address are dropped quietly (``None``).
    """
    now = now or timezone.now()
    email = _clean_email(email)
    if throttling.CODE_PER_IP.is_blocked(client_ip):
        raise RateLimited("Too many codes have been asked for from here. Wait an hour.")
    throttling.CODE_PER_IP.hit(client_ip)
    if throttling.CODE_PER_EMAIL.is_blocked(email):
        return None
    throttling.CODE_PER_EMAIL.hit(email)
    with transaction.atomic():
        # One code at a time per address: asking again replaces the last one.
        SignInCode.objects.filter(email=email, used_at__isnull=True).delete()
        code = SignInCode.objects.create(
            email=email,
            nonce=codes.new_nonce(),
            created_at=now,
            expires_at=now + timedelta(minutes=settings.SEEKER_CODE_MINUTES),
        )
        enqueue(send_sign_in_code, code.pk)
    return code


def _refuse(email: str, client_ip: str, message: str):
    throttling.CODE_FAILS_PER_EMAIL.hit(email)
    throttling.CODE_FAILS_PER_IP.hit(client_ip)
    raise ValidationError({"code": message})


def sign_in_with_code(
    *,
    email: str | None = None,
    code: str,
    code_id: int | None = None,
    client_ip: str,
    now: datetime | None = None,
):
    """The account of the address a valid code was sent to, made on first use; the code dies.

    Give ``email`` (the code typed in) or ``code_id`` (the emailed link). Using the code proves
    the address, so it is marked verified, and the account gets the seeker role if it had
    only an employer's. A wrong code counts against the address and the client.
    """
    now = now or timezone.now()
    ident = (email or "").strip().lower() or f"code:{code_id}"
    if throttling.CODE_FAILS_PER_EMAIL.is_blocked(ident) or throttling.CODE_FAILS_PER_IP.is_blocked(
        client_ip
    ):
        raise RateLimited("Too many wrong codes. Wait 15 minutes, then ask for a new code.")
    with transaction.atomic():
        found = SignInCode.objects.select_for_update().filter(used_at__isnull=True)
        found = found.filter(pk=code_id) if code_id is not None else found.filter(email=ident)
        row = found.order_by("-created_at").first()
        if row is None or row.expires_at <= now:
            _refuse(ident, client_ip, "This code has expired or was used. Ask for a new one.")
        if row.attempts >= settings.SEEKER_CODE_ATTEMPTS:
            _refuse(ident, client_ip, "Too many wrong tries for this code. Ask for a new one.")
        if not codes.codes_match(row.nonce, code):
            SignInCode.objects.filter(pk=row.pk).update(attempts=F("attempts") + 1)
            wrong = True  # refused after the block, so the count of misses is kept
        else:
            wrong = False
            row.used_at = now
            row.save(update_fields=["used_at"])
            user = _account_for(row.email, now=now)
    if wrong:
        _refuse(ident, client_ip, "That code is not right. Check the email and try again.")
    throttling.CODE_FAILS_PER_EMAIL.reset(ident)
    return user


def _account_for(email: str, *, now: datetime):
    User = get_user_model()
    user = User.objects.filter(email=email).first()
    if user is None:
        try:
            with transaction.atomic():
                user = User.objects.create_user(email=email, password=None)
        except IntegrityError:
            user = User.objects.get(email=email)
    if user.email_verified_at is None:
        user.email_verified_at = now
        user.save(update_fields=["email_verified_at"])
    Seeker.objects.get_or_create(user=user)
    return user


# --- Saved jobs -----------------------------------------------------------------------------


def _savable(reference: str, *, now: datetime) -> Vacancy:
    vacancy = Vacancy.objects.live(now=now).filter(reference=reference).first()
    if vacancy is None:
        raise ValidationError("Only a job that is open can be saved.")
    return vacancy


def saved_job_add(*, seeker: Seeker, reference: str, now: datetime | None = None) -> SavedJob:
    """Keep a live vacancy for later; saving it twice keeps the first save."""
    now = now or timezone.now()
    existing = seeker.saved_jobs.filter(vacancy__reference=reference).first()
    if existing is not None:
        return existing
    vacancy = _savable(reference, now=now)
    if seeker.saved_jobs.count() >= MAX_SAVED_JOBS:
        raise ValidationError(f"You can keep up to {MAX_SAVED_JOBS} jobs. Remove some first.")
    saved, _ = SavedJob.objects.get_or_create(
        seeker=seeker, vacancy=vacancy, defaults={"saved_at": now}
    )
    return saved


def saved_job_remove(*, seeker: Seeker, reference: str) -> bool:
    """Forget a saved job (the row is deleted); True if there was one."""
    deleted, _ = seeker.saved_jobs.filter(vacancy__reference=reference).delete()
    return bool(deleted)


def saved_jobs_import(
    *, seeker: Seeker, references: Iterable[str], now: datetime | None = None
) -> int:
    """Move the jobs saved in the browser into the account; return how many were new.

    Closed, unknown and already saved references are skipped; at most ``MAX_IMPORTED``.
    """
    now = now or timezone.now()
    wanted = {str(r)[:20] for r in list(references)[:MAX_IMPORTED] if r}
    have = set(seeker.saved_jobs.values_list("vacancy__reference", flat=True))
    vacancies = Vacancy.objects.live(now=now).filter(reference__in=wanted - have)
    rows = [SavedJob(seeker=seeker, vacancy=v, saved_at=now) for v in vacancies]
    SavedJob.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


# --- The seeker's alerts (linked by email address) ----------------------------------------


def _own_alert(seeker: Seeker, alert_id: int) -> JobAlert:
    alert = JobAlert.objects.filter(pk=alert_id, email=seeker.user.email).first()
    if alert is None or not seeker.user.email_verified:
        raise JobAlert.DoesNotExist
    return alert


def seeker_alert_change(
    *,
    seeker: Seeker,
    alert_id: int,
    action: str,
    frequency: str | None = None,
    query: str | None = None,
    now: datetime | None = None,
) -> JobAlert | None:
    """Pause, resume, confirm, re-time, re-search or delete one of the seeker's alerts.

    An alert of another address raises ``JobAlert.DoesNotExist``. Deleting removes the row.
    """
    now = now or timezone.now()
    alert = _own_alert(seeker, alert_id)
    if action == "delete":
        alert_services.alert_delete(alert_id=alert.pk)
        return None
    if action == "confirm":
        # Signing in with a code proved the address, as the confirmation link would have.
        return alert_services.alert_confirm(alert=alert, now=now)
    if action in ("pause", "resume"):
        return alert_services.alert_update(alert=alert, paused=action == "pause", now=now)
    if action == "frequency":
        return alert_services.alert_update(alert=alert, frequency=frequency, now=now)
    if action == "search":
        return alert_services.alert_update(alert=alert, query=normalise_query(query or ""), now=now)
    raise ValidationError("Choose what to change.")


# --- Reports of a job -------------------------------------------------------------------------


def vacancy_report_create(
    *,
    vacancy: Vacancy,
    reason: str,
    details: str = "",
    email: str = "",
    client_ip: str,
    now: datetime | None = None,
) -> VacancyReport:
    """File a report about a vacancy for staff to review."""
    now = now or timezone.now()
    if throttling.REPORTS_PER_IP.is_blocked(client_ip):
        raise RateLimited("Thank you: we have several reports from you already. Try later.")
    throttling.REPORTS_PER_IP.hit(client_ip)
    report = VacancyReport(
        vacancy=vacancy,
        reason=reason,
        details=(details or "").strip(),
        email=(email or "").strip().lower(),
        created_at=now,
    )
    report.full_clean()
    report.save()
    return report


@transaction.atomic
def vacancy_report_review(
    *, report: VacancyReport, outcome: str, by, now: datetime | None = None
) -> VacancyReport:
    """Record a member of staff's decision on a report."""
    if outcome not in (VacancyReport.Outcome.ACTED, VacancyReport.Outcome.DISMISSED):
        raise ValidationError("Choose acted on or dismissed.")
    report.outcome = outcome
    report.reviewed_at = now or timezone.now()
    report.reviewed_by = by
    report.save(update_fields=["outcome", "reviewed_at", "reviewed_by"])
    return report


# --- Deleting everything ------------------------------------------------------------------


@transaction.atomic
def seeker_delete(*, user) -> dict[str, int]:
    """Delete the seeker's account and everything held about them, for real; return counts.

    Saved jobs, alerts (any state), sign-in codes for the address and whatever other apps
    registered in ``seekers.hooks`` (applications, their CVs) are deleted; reports they
    filed stay for staff with the address removed. The account itself is deleted too unless it
    also acts for an employer: then only its seeker side goes (the employer area's "close
    account" deletes the rest).
    """
    email = user.email
    counts = {
        "saved_jobs": SavedJob.objects.filter(seeker__user=user).delete()[0],
        "alerts": JobAlert.objects.filter(email=email).delete()[0],
        "sign_in_codes": SignInCode.objects.filter(email=email).delete()[0],
        "reports_anonymised": VacancyReport.objects.filter(email=email).update(email=""),
    }
    seeker = Seeker.objects.filter(user=user).first()
    if seeker is not None:
        # What apps building on seekers hold (applications and their files, say).
        for eraser in hooks.erasers().values():
            counts.update(eraser(seeker=seeker))
    Seeker.objects.filter(user=user).delete()
    if user.memberships.exists():
        counts["account"] = 0
    else:
        # Invitations sent to the address are about it too.
        counts["invitations"] = Invitation.objects.filter(email__iexact=email).delete()[0]
        user.delete()
        counts["account"] = 1
    return counts
