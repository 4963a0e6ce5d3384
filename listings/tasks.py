"""Celery tasks: thin wrappers that fetch by id and call a service. Retries live here.

Every task is safe to run twice (the second run finds nothing to do), takes ids rather than
objects, and runs with ``acks_late`` under the time limits in settings. Periodic ones are in
``CELERY_BEAT_SCHEDULE``; the management commands run the same services from cron.
"""

from __future__ import annotations

import logging
from datetime import datetime

from celery import shared_task
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from common.emails import build_email
from common.links import absolute_url, on_site
from common.queue import RETRYING
from employers.emails import employer_recipients
from listings import expiry, notifications, search
from listings.alerts import digests as digest_runs
from listings.alerts import services as alert_services
from listings.models import Vacancy
from outbox.services import enqueue

logger = logging.getLogger(__name__)

# Alerts per chunk task: one mail connection each, small enough to finish well inside the
# task time limit, large enough that identical searches share one query.
ALERT_CHUNK_SIZE = 200


def _moment(value: str | None) -> datetime:
    """Read the ISO time a fan-out task passed to its chunks (JSON has no datetime)."""
    moment = parse_datetime(value) if value else None
    return moment or timezone.now()


# --- Vacancies -------------------------------------------------------------------------------
@shared_task(name="listings.tasks.expire_vacancies", **RETRYING)
def expire_vacancies() -> int:
    """Mark live vacancies past their closing time as expired and queue one summary email per
    employer (``listings.expiry``); return how many expired. A second run finds nothing."""
    run = expiry.run_expiry(now=timezone.now(), send_summary=_queue_expiry_summary)
    logger.info("Expired %d vacancies.", len(run.expired))
    return len(run.expired)


def _queue_expiry_summary(employer_id: int, vacancy_ids: list[int]) -> None:
    enqueue(send_expiry_summary, employer_id, vacancy_ids)


@shared_task(name="listings.tasks.warm_search_cubes", **RETRYING)
def warm_search_cubes() -> dict[str, int]:
    """Count the search facet cubes afresh so no visitor's request has to (see selectors)."""
    return search.warm_cubes()


@shared_task(name="listings.tasks.refresh_search_words", **RETRYING)
def refresh_search_words() -> int:
    """Rebuild the dictionary behind "Did you mean …?" from the live vacancies."""
    return search.refresh_search_words()


@shared_task(name="listings.tasks.send_expiry_summary", **RETRYING)
def send_expiry_summary(employer_id: int, vacancy_ids: list[int]) -> int:
    """Email one employer the list of its vacancies that just expired."""
    return notifications.send_expiry_summary(employer_id=employer_id, vacancy_ids=vacancy_ids)


@shared_task(name="listings.tasks.send_expiry_reminders", **RETRYING)
def send_expiry_reminders() -> int:
    """Queue a reminder for each live vacancy closing soon that has not had one for its date."""
    ids = list(
        notifications.vacancies_due_reminder(now=timezone.now()).values_list("id", flat=True)
    )
    for vacancy_id in ids:
        enqueue(send_expiry_reminder, vacancy_id)
    return len(ids)


@shared_task(name="listings.tasks.send_expiry_reminder", **RETRYING)
def send_expiry_reminder(vacancy_id: int) -> int:
    """Remind one vacancy's employer that it closes soon, with a link to renew it."""
    return notifications.send_expiry_reminder(vacancy_id=vacancy_id, now=timezone.now())


@shared_task(name="listings.tasks.report_stale_work", **RETRYING)
def report_stale_work() -> int:
    """Tell staff about drafts abandoned for long and reviews left waiting (once a day)."""
    return notifications.report_stale_work(now=timezone.now())


@shared_task(name="listings.tasks.send_rejection_email", **RETRYING)
def send_rejection_email(vacancy_id: int, change_reason: str | None = None) -> int:
    """Tell an employer's members why staff sent their vacancy back; return messages sent.

    With ``change_reason``, it was new wording for a live vacancy that was not approved: the
    vacancy stays up as it was, and the reason travels with the task (nothing else keeps it).
    """
    vacancy = Vacancy.objects.select_related("employer").filter(pk=vacancy_id).first()
    if vacancy is None:
        return 0
    if change_reason is None and vacancy.status != Vacancy.Status.REJECTED:
        return 0
    recipients = employer_recipients(vacancy.employer)
    if not recipients:
        return 0
    message = build_email(
        template="vacancy_rejected",
        context={
            "vacancy": vacancy,
            "change": change_reason is not None,
            "reason": change_reason if change_reason is not None else vacancy.rejection_reason,
            "edit_url": absolute_url("employers:vacancy_edit", vacancy.reference),
            "url": on_site(vacancy.get_absolute_url()),
        },
        to=recipients,
    )
    return message.send()


@shared_task(name="listings.tasks.send_approval_email", **RETRYING)
def send_approval_email(vacancy_id: int, change: bool = False) -> int:
    """Tell an employer's members that staff approved their vacancy (or its new wording),
    with the link to its page; return messages sent."""
    vacancy = Vacancy.objects.select_related("employer").filter(pk=vacancy_id).first()
    if vacancy is None or vacancy.status != Vacancy.Status.LIVE:
        return 0
    recipients = employer_recipients(vacancy.employer)
    if not recipients:
        return 0
    message = build_email(
        template="vacancy_approved",
        context={
            "vacancy": vacancy,
            "change": change,
            "url": on_site(vacancy.get_absolute_url()),
            "dashboard_url": absolute_url("employers:dashboard"),
        },
        to=recipients,
    )
    return message.send()


# --- Job alerts ------------------------------------------------------------------------------
@shared_task(name="listings.tasks.send_alert_confirmation", **RETRYING)
def send_alert_confirmation(alert_id: int) -> int:
    """Send a new sign-up its confirmation link (once)."""
    return alert_services.alert_send_confirmation(alert_id=alert_id, now=timezone.now())


@shared_task(name="listings.tasks.send_alert_reminder_of_subscription", **RETRYING)
def send_alert_reminder_of_subscription(alert_id: int) -> int:
    """Tell an address that signed up again that it already has this alert."""
    return alert_services.alert_send_reminder_of_subscription(alert_id=alert_id)


@shared_task(name="listings.tasks.send_pending_alert_confirmations", **RETRYING)
def send_pending_alert_confirmations() -> int:
    """Send the confirmations that were never queued, for example while the broker was down."""
    now = timezone.now()
    pending = alert_services.alerts_pending_confirmation(now=now)
    ids = list(pending.values_list("id", flat=True)[:1000])
    return sum(alert_services.alert_send_confirmation(alert_id=i, now=now) for i in ids)


@shared_task(name="listings.tasks.expire_unconfirmed_alerts", **RETRYING)
def expire_unconfirmed_alerts() -> int:
    """Delete sign-ups that were never confirmed in time."""
    return alert_services.alerts_expire_unconfirmed(now=timezone.now())


@shared_task(name="listings.tasks.purge_unsubscribed_alerts", **RETRYING)
def purge_unsubscribed_alerts() -> int:
    """Delete alerts unsubscribed longer ago than ``ALERT_PURGE_DAYS`` (UK GDPR)."""
    return alert_services.alerts_purge_unsubscribed(now=timezone.now())


@shared_task(name="listings.tasks.send_job_alerts", **RETRYING)
def send_job_alerts(frequency: str) -> int:
    """Compute every due alert's digest and fan the sending out in chunk tasks; return how many.

    The digests are computed here in one pass (one ``Matcher`` for the run), so each chunk
    task only renders and sends. Every chunk carries this run's time: one window for all.
    """
    now = timezone.now()
    chunks = 0
    for digests in digest_runs.alert_run_digests(frequency, now=now, size=ALERT_CHUNK_SIZE):
        digest_runs.alerts_mark_nothing_new(digests, now=now)
        payload = digest_runs.digest_payload(digests)
        if payload:
            enqueue(send_job_alert_chunk, frequency, payload, now.isoformat())
            chunks += 1
    logger.info("Job alerts (%s): %d chunks queued.", frequency, chunks)
    return chunks


@shared_task(name="listings.tasks.send_job_alert_chunk", bind=True, **RETRYING)
def send_job_alert_chunk(self, frequency: str, payload: list[list], now: str) -> int:
    """Send one chunk of digests over one mail connection; retry only the ones that failed."""
    result = digest_runs.alerts_send_digests(payload=payload, frequency=frequency, now=_moment(now))
    if result.failed:
        failed = set(result.failed)
        retry = [row for row in payload if row[0] in failed]
        countdown = min(600, 60 * 2**self.request.retries)
        raise self.retry(args=(frequency, retry, now), countdown=countdown)
    return result.sent
