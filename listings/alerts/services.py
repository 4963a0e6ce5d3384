"""Writes to job alerts: sign-up, confirmation, changes, unsubscribing, and their emails.

Services take keyword-only arguments, run in ``transaction.atomic`` and queue emails after
commit with ids. No account is involved: the links in the emails carry signed tokens.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from common.throttling import Throttle
from listings.alerts.emails import already_subscribed_message, confirmation_message
from listings.alerts.matching import normalise_query
from listings.models import JobAlert
from outbox.services import enqueue

logger = logging.getLogger(__name__)

Frequency = JobAlert.Frequency

SIGNUP_WINDOW_SECONDS = 60 * 60


class SignupRateLimited(Exception):
    """Too many sign-ups from one client address in the current window."""


def _check_query(query: str) -> None:
    if len(query) > JobAlert._meta.get_field("query").max_length:
        raise ValidationError({"query": "This search is too long to save as an alert."})


def _count_attempt(scope: str, ident: str) -> int:
    """Count one attempt for ``ident`` in the shared cache and return the window's total.

    0 when the cache is down: the limit fails open (``common.throttling``).
    """
    return Throttle(f"alerts-{scope}", limit=0, window=SIGNUP_WINDOW_SECONDS).hit(ident)


def alert_subscribe(
    *,
    email: str,
    query: str,
    frequency: str,
    client_ip: str,
    now: datetime | None = None,
) -> JobAlert | None:
    """Save a job alert and queue its confirmation email; nothing is sent to it until confirmed.

    The caller always shows the same answer, so nobody learns whether an address is already
    subscribed: an address that already has this alert gets an email with its manage link
    instead of a second subscription. Too many sign-ups from one client raise
    ``SignupRateLimited``; too many for one address are dropped quietly (returning ``None``).
    """

    now = now or timezone.now()
    if _count_attempt("signup-ip", client_ip) > settings.ALERT_SIGNUPS_PER_IP_PER_HOUR:
        raise SignupRateLimited
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ValidationError({"email": "Enter an email address like name@example.com."}) from exc
    if frequency not in Frequency.values:
        raise ValidationError({"frequency": "Choose how often to get emails."})
    query = normalise_query(query)
    _check_query(query)
    if _count_attempt("signup-address", email) > settings.ALERT_SIGNUPS_PER_ADDRESS_PER_HOUR:
        logger.info("Alert sign-up limit reached for an address; nothing sent.")
        return None

    with transaction.atomic():
        existing = (
            JobAlert.objects.select_for_update()
            .filter(email=email, query=query, unsubscribed_at__isnull=True)
            .order_by(F("confirmed_at").asc(nulls_last=True), "-id")  # a confirmed one wins
            .first()
        )
        if existing is not None and existing.confirmed_at is not None:
            enqueue("listings.tasks.send_alert_reminder_of_subscription", existing.pk)
            return existing
        if existing is not None:
            existing.frequency = frequency
            existing.confirmation_sent_at = None
            existing.save(update_fields=["frequency", "confirmation_sent_at"])
            alert = existing
        else:
            alert = JobAlert(email=email, query=query, frequency=frequency)
            alert.full_clean()
            alert.save()
        enqueue("listings.tasks.send_alert_confirmation", alert.pk)
    return alert


@transaction.atomic
def alert_confirm(*, alert: JobAlert, now: datetime | None = None) -> JobAlert:
    """Switch an alert on from its confirmation link; confirming twice changes nothing.

    Its high-water mark starts now: the seeker has just seen the search's current results.
    """
    now = now or timezone.now()
    alert = JobAlert.objects.select_for_update().get(pk=alert.pk)
    if alert.unsubscribed_at is not None:
        raise ValidationError("This alert was cancelled. Sign up again from the search page.")
    if alert.confirmed_at is None:
        alert.confirmed_at = now
        alert.last_sent_at = now
        alert.save(update_fields=["confirmed_at", "last_sent_at"])
    return alert


@transaction.atomic
def alert_update(
    *,
    alert: JobAlert,
    frequency: str | None = None,
    paused: bool | None = None,
    query: str | None = None,
    now: datetime | None = None,
) -> JobAlert:
    """Change how often an alert is sent, pause and resume it, or change its search.

    Resuming moves the high-water mark to now, so a long pause is not followed by a digest
    of everything that happened meanwhile.
    """
    now = now or timezone.now()
    alert = JobAlert.objects.select_for_update().get(pk=alert.pk)
    if alert.unsubscribed_at is not None:
        raise ValidationError("This alert was cancelled. Sign up again from the search page.")
    if alert.confirmed_at is None:
        raise ValidationError("Confirm this alert from the email we sent you first.")
    if frequency is not None:
        if frequency not in Frequency.values:
            raise ValidationError({"frequency": "Choose how often to get emails."})
        alert.frequency = frequency
    if paused is not None:
        if alert.paused and not paused:
            alert.last_sent_at = now
        alert.paused = paused
    if query is not None:
        query = normalise_query(query)
        _check_query(query)
        alert.query = query
    alert.save(update_fields=["frequency", "paused", "last_sent_at", "query"])
    return alert


def alert_delete(*, alert_id: int) -> bool:
    """Delete an alert: the row, its address and its search are gone. True if it existed."""
    deleted, _ = JobAlert.objects.filter(pk=alert_id).delete()
    return bool(deleted)


def alerts_purge_unsubscribed(*, now: datetime | None = None, dry_run: bool = False) -> int:
    """Delete alerts unsubscribed more than ``ALERT_PURGE_DAYS`` ago; return how many.

    One-click unsubscribing only stops the emails (a second click must answer the same), so
    the row stays for that long and is then deleted with its address and search.
    """
    now = now or timezone.now()
    stale = JobAlert.objects.filter(
        unsubscribed_at__lt=now - timedelta(days=settings.ALERT_PURGE_DAYS)
    )
    if dry_run:
        return stale.count()
    deleted, _ = stale.delete()
    return deleted


def alert_unsubscribe(*, alert_id: int, now: datetime | None = None) -> bool:
    """Stop an alert for good. Idempotent: True only the first time, False ever after.

    One conditional ``UPDATE``, so two clicks (or a mail client's one-click POST racing the
    person's own) cannot both take effect.
    """
    now = now or timezone.now()
    return bool(
        JobAlert.objects.filter(pk=alert_id, unsubscribed_at__isnull=True).update(
            unsubscribed_at=now, paused=False
        )
    )


@transaction.atomic
def alert_resubscribe(*, alert_id: int) -> JobAlert | None:
    """Undo an unsubscription (the "undo" on the page the email's link opens).

    The alert carries on from where it stopped. If the address has since signed up again for
    the same search, that alert is the one kept (no second copy); None when neither exists.
    """
    alert = JobAlert.objects.select_for_update().filter(pk=alert_id).first()
    if alert is None or alert.unsubscribed_at is None:
        return alert
    twin = (
        JobAlert.objects.filter(email=alert.email, query=alert.query, unsubscribed_at__isnull=True)
        .exclude(pk=alert.pk)
        .first()
    )
    if twin is not None:
        return twin
    alert.unsubscribed_at = None
    alert.save(update_fields=["unsubscribed_at"])
    return alert


def alerts_expire_unconfirmed(*, now: datetime | None = None, dry_run: bool = False) -> int:
    """Delete sign-ups never confirmed within ``ALERT_CONFIRMATION_DAYS``; return how many."""
    now = now or timezone.now()
    stale = JobAlert.objects.unconfirmed_before(
        now - timedelta(days=settings.ALERT_CONFIRMATION_DAYS)
    )
    if dry_run:
        return stale.count()
    deleted, _ = stale.delete()
    return deleted


def alerts_pending_confirmation(*, now: datetime | None = None) -> QuerySet[JobAlert]:
    """Sign-ups whose confirmation email has not gone out yet (say the broker was down)."""
    now = now or timezone.now()
    return JobAlert.objects.filter(
        confirmed_at__isnull=True,
        confirmation_sent_at__isnull=True,
        unsubscribed_at__isnull=True,
        created_at__gt=now - timedelta(days=settings.ALERT_CONFIRMATION_DAYS),
    )


def alert_send_confirmation(*, alert_id: int, now: datetime | None = None) -> int:
    """Send the confirmation email once; return 1 if sent, 0 if there was nothing to send.

    The row is locked while sending, so two deliveries of the same task cannot both send.
    """
    now = now or timezone.now()
    with transaction.atomic():
        alert = (
            alerts_pending_confirmation(now=now)
            .select_for_update(skip_locked=True)
            .filter(pk=alert_id)
            .first()
        )
        if alert is None:
            return 0
        sent = confirmation_message(alert).send()
        JobAlert.objects.filter(pk=alert.pk).update(confirmation_sent_at=now)
    return sent


def alert_send_reminder_of_subscription(*, alert_id: int) -> int:
    """Tell an address that signed up again that it already has this alert, with its links."""
    alert = JobAlert.objects.filter(pk=alert_id, confirmed_at__isnull=False).first()
    if alert is None or alert.unsubscribed_at is not None:
        return 0
    return already_subscribed_message(alert).send()
