"""Celery tasks for applications: thin, fetch by id, call a service or send. Safe to run twice."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from applications import candidate_emails, emails, services, webhooks
from applications import candidate_services as candidate
from applications.models import Application, ApplicationEvent
from common.queue import RETRYING
from employers.emails import employer_recipients

SLOT_CHOSEN = ApplicationEvent.Kind.SLOT_CHOSEN


@shared_task(name="applications.tasks.send_application_received", **RETRYING)
def send_application_received(application_id: int) -> int:
    """Tell the candidate their application was sent; nothing if it has since gone."""
    application = (
        Application.objects.submitted()
        .filter(pk=application_id)
        .select_related("vacancy__employer")
        .first()
    )
    if application is None:
        return 0
    return candidate_emails.application_received_message(application).send()


@shared_task(name="applications.tasks.purge_applications", **RETRYING)
def purge_applications() -> dict[str, int]:
    """Delete what retention says is due (``APPLICATION_RETENTION_MONTHS`` after closing)."""
    return candidate.applications_purge(now=timezone.now())


class WebhookRefused(OSError):
    """The receiver answered with an error: retried like a network failure."""


@shared_task(name="applications.tasks.send_candidate_message", **RETRYING)
def send_candidate_message(event_id: int) -> int:
    """Send a message kept on an application's history (the team's, or a cancelled
    interview time), once."""
    event = (
        ApplicationEvent.objects.select_related("application__vacancy__employer")
        .filter(
            pk=event_id,
            kind__in=(ApplicationEvent.Kind.MESSAGE, ApplicationEvent.Kind.SLOT_CANCELLED),
            sent_at__isnull=True,
        )
        .first()
    )
    if event is None:
        return 0
    sent = emails.message_email(event).send()
    services.candidate_message_mark_sent(event_id=event.pk)
    return sent


def _slot_chosen(event_id: int, **filters) -> ApplicationEvent | None:
    return (
        ApplicationEvent.objects.select_related("application__vacancy__employer", "slot")
        .filter(pk=event_id, kind=SLOT_CHOSEN, **filters)
        .first()
    )


def _earlier_choices(event: ApplicationEvent) -> int:
    return ApplicationEvent.objects.filter(
        application_id=event.application_id, kind=SLOT_CHOSEN, pk__lt=event.pk
    ).count()


@shared_task(name="applications.tasks.send_slot_confirmation", **RETRYING)
def send_slot_confirmation(event_id: int) -> int:
    """Send the candidate the kept confirmation of the interview time they chose, once, with
    its calendar file (numbered, so a changed time updates the calendar entry)."""
    event = _slot_chosen(event_id, sent_at__isnull=True)
    if event is None:
        return 0
    message = candidate_emails.slot_confirmation_email(event, sequence=_earlier_choices(event))
    sent = message.send()
    services.candidate_message_mark_sent(event_id=event.pk)
    return sent


@shared_task(name="applications.tasks.tell_team_slot_chosen", **RETRYING)
def tell_team_slot_chosen(event_id: int) -> int:
    """Tell the vacancy's team the interview time a candidate chose (or changed to), once."""
    event = _slot_chosen(event_id, team_told_at__isnull=True)
    if event is None:
        return 0
    recipients = employer_recipients(event.application.vacancy.employer)
    if not recipients:
        return 0
    changed = _earlier_choices(event) > 0
    sent = emails.slot_chosen_team_email(event, changed=changed, recipients=recipients).send()
    services.slot_chosen_mark_team_told(event_id=event.pk)
    return sent


@shared_task(name="applications.tasks.deliver_webhook", **RETRYING)
def deliver_webhook(application_id: int) -> int:
    """POST a new application to its employer's webhook, if it has one; retried until the
    receiver answers 2xx, and never again once it has."""
    delivery = services.webhook_delivery_start(application_id=application_id)
    if delivery is None:
        return 0
    hook = delivery.application.vacancy.employer.application_webhook
    now = timezone.now()
    body = webhooks.encode(webhooks.payload(delivery.application))
    try:
        status = webhooks.post(
            hook.url, body, signature=webhooks.sign(body, secret=hook.secret, now=now)
        )
    except OSError as exc:
        services.webhook_delivery_record(delivery=delivery, status=None, error=str(exc), now=now)
        raise
    services.webhook_delivery_record(delivery=delivery, status=status, error="", now=now)
    if not 200 <= status < 300:
        raise WebhookRefused(f"The webhook answered {status}.")
    return 1
