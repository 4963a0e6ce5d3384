"""Emails to employers and staff about the vacancy life cycle: expiry, reminders, stale work.

Each sender is safe to run again: reminders are recorded per closing date under a row lock,
expiry summaries are queued once per expiry run, and the staff report goes out once a day.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from common.emails import build_email
from common.links import absolute_url, on_site
from employers.emails import employer_recipients
from listings.models import Vacancy

logger = logging.getLogger(__name__)

Status = Vacancy.Status
# Ids per query when reading back what an expiry run changed.
ID_BATCH = 5000


def renew_url(vacancy: Vacancy) -> str:
    """The employer area's one-click renew page for ``vacancy``."""
    return absolute_url("employers:vacancy_renew", vacancy.reference)


def _absolute(vacancy: Vacancy) -> str:
    return on_site(vacancy.get_absolute_url())


# --- Expiry summaries ------------------------------------------------------------------------
def expired_by_employer(vacancy_ids: list[int]) -> dict[int, list[int]]:
    """Group the ids an expiry run changed by employer, reading them back in batches."""
    grouped: dict[int, list[int]] = defaultdict(list)
    for start in range(0, len(vacancy_ids), ID_BATCH):
        batch = vacancy_ids[start : start + ID_BATCH]
        rows = Vacancy.objects.filter(id__in=batch).values_list("employer_id", "id")
        for employer_id, vacancy_id in rows:
            grouped[employer_id].append(vacancy_id)
    return grouped


def awaiting_expiry_summary(*, now: datetime, within: timedelta = timedelta(days=2)) -> list[int]:
    """Ids of vacancies that expired recently and whose employer has not been told yet.

    Includes those of an earlier run that died after expiring them but before queueing the
    summaries, so no expiry goes unreported.
    """
    return list(
        Vacancy.objects.filter(
            status=Status.EXPIRED,
            expiry_notified_at__isnull=True,
            expired_at__gte=now - within,
        ).values_list("id", flat=True)
    )


def send_expiry_summary(
    *, employer_id: int, vacancy_ids: list[int], now: datetime | None = None
) -> int:
    """Tell an employer's members which of their vacancies just expired; return messages sent.

    Lists only those still expired and not yet reported, so a vacancy renewed in the meantime
    is left out and a summary delivered twice (a retried or redelivered task) is sent once: the
    rows are locked, the email sent and the rows marked in one transaction.
    """
    now = now or timezone.now()
    with transaction.atomic():
        vacancies = list(
            Vacancy.objects.select_for_update(of=("self",))
            .filter(
                employer_id=employer_id,
                id__in=vacancy_ids,
                status=Status.EXPIRED,
                expiry_notified_at__isnull=True,
            )
            .select_related("employer")
            .order_by("id")
        )
        if not vacancies:
            return 0
        employer = vacancies[0].employer
        recipients = employer_recipients(employer)
        sent = 0
        if recipients:
            message = build_email(
                template="vacancies_expired",
                context={
                    "employer": employer,
                    "vacancies": [
                        {"vacancy": v, "url": _absolute(v), "renew_url": renew_url(v)}
                        for v in vacancies
                    ],
                    "dashboard_url": absolute_url("employers:dashboard"),
                },
                to=recipients,
            )
            sent = message.send()
        Vacancy.objects.filter(id__in=[v.id for v in vacancies]).update(expiry_notified_at=now)
    return sent


# --- Reminders before closing ----------------------------------------------------------------
def _reminder_not_sent() -> Q:
    return Q(reminder_sent_for__isnull=True) | ~Q(reminder_sent_for=F("closes_at"))


def vacancies_due_reminder(*, now: datetime | None = None) -> QuerySet[Vacancy]:
    """Live vacancies closing within ``VACANCY_REMINDER_DAYS`` not yet reminded for that date.

    A renewed vacancy has a new closing date, which no longer equals ``reminder_sent_for``,
    so it is reminded again before its new date.
    """
    now = now or timezone.now()
    horizon = now + timedelta(days=settings.VACANCY_REMINDER_DAYS)
    return Vacancy.objects.filter(
        status=Status.LIVE, closes_at__gt=now, closes_at__lte=horizon
    ).filter(_reminder_not_sent())


def send_expiry_reminder(*, vacancy_id: int, now: datetime | None = None) -> int:
    """Email an employer's members that a vacancy closes soon, once per closing date.

    The vacancy row is locked while the message goes out and marked in the same transaction,
    so two deliveries of the task cannot both send.
    """
    now = now or timezone.now()
    with transaction.atomic():
        vacancy = (
            vacancies_due_reminder(now=now)
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("employer")
            .filter(pk=vacancy_id)
            .first()
        )
        if vacancy is None:
            return 0
        recipients = employer_recipients(vacancy.employer)
        sent = 0
        if recipients:
            message = build_email(
                template="vacancy_reminder",
                context={
                    "vacancy": vacancy,
                    "url": _absolute(vacancy),
                    "renew_url": renew_url(vacancy),
                    "days": max(1, round((vacancy.closes_at - now) / timedelta(days=1))),
                },
                to=recipients,
            )
            sent = message.send()
        Vacancy.objects.filter(pk=vacancy.pk).update(reminder_sent_for=vacancy.closes_at)
    return sent


# --- Stale work for staff --------------------------------------------------------------------
@dataclass
class StaleWork:
    drafts: list[Vacancy]
    reviews: list[Vacancy]
    draft_count: int
    review_count: int

    def __bool__(self) -> bool:
        return bool(self.draft_count or self.review_count)


STALE_LISTED = 50


def stale_work(*, now: datetime | None = None) -> StaleWork:
    """Drafts untouched for ``STALE_DRAFT_DAYS`` and reviews (new vacancies and changes of
    wording) waiting ``STALE_REVIEW_DAYS``."""
    now = now or timezone.now()
    drafts = Vacancy.objects.filter(
        status=Status.DRAFT, updated_at__lt=now - timedelta(days=settings.STALE_DRAFT_DAYS)
    )
    waited = now - timedelta(days=settings.STALE_REVIEW_DAYS)
    # New vacancies, and new wording of live ones waiting beside the approved version.
    reviews = Vacancy.objects.filter(
        Q(status=Status.PENDING_REVIEW, updated_at__lt=waited)
        | Q(pending_revision__updated_at__lt=waited)
    )
    return StaleWork(
        drafts=list(drafts.select_related("employer").order_by("updated_at")[:STALE_LISTED]),
        reviews=list(reviews.select_related("employer").order_by("updated_at")[:STALE_LISTED]),
        draft_count=drafts.count(),
        review_count=reviews.count(),
    )


def staff_recipients() -> list[str]:
    """``STAFF_NOTIFICATION_EMAILS``, or every active staff member when that is empty."""
    if settings.STAFF_NOTIFICATION_EMAILS:
        return list(settings.STAFF_NOTIFICATION_EMAILS)
    users = get_user_model().objects.filter(is_staff=True, is_active=True)
    return sorted(users.values_list("email", flat=True))


def report_stale_work(*, now: datetime | None = None, dry_run: bool = False) -> int:
    """Send staff the day's report of stale drafts and reviews; at most one a day.

    The day is claimed in the shared cache (Redis in production) before sending, so a second
    run that day sends nothing. Returns the number of messages sent.
    """
    now = now or timezone.now()
    work = stale_work(now=now)
    recipients = staff_recipients()
    if not work or not recipients or dry_run:
        return 0
    day = timezone.localdate(now).isoformat()
    if not cache.add(f"listings:stale-work-report:{day}", 1, timeout=2 * 24 * 60 * 60):
        return 0
    admin = absolute_url("admin:listings_vacancy_changelist")
    message = build_email(
        template="staff_stale_work",
        context={
            "work": work,
            "days_draft": settings.STALE_DRAFT_DAYS,
            "days_review": settings.STALE_REVIEW_DAYS,
            "drafts_url": f"{admin}?status__exact=draft",
            "reviews_url": f"{admin}?status__exact=pending_review",
            "admin_url": admin,
        },
        to=recipients,
    )
    try:
        return message.send()
    except Exception:
        cache.delete(f"listings:stale-work-report:{day}")
        raise
