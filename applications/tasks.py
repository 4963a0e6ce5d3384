"""Celery tasks for applications: thin, fetch by id, call a service or send. Safe to run twice."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from applications import candidate_emails, emails, services, webhooks
from applications.models import Application, ApplicationEvent, WebhookDelivery
from common.queue import RETRYING


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
    return services.applications_purge(now=timezone.now())


class WebhookRefused(OSError):
    """The receiver answered with an error: retried like a network failure."""


@shared_task(name="applications.tasks.send_candidate_message", **RETRYING)
def send_candidate_message(event_id: int) -> int:
    """Send a message kept on an application's history, once."""
    event = (
        ApplicationEvent.objects.select_related("application__vacancy__employer")
        .filter(pk=event_id, kind=ApplicationEvent.Kind.MESSAGE, sent_at__isnull=True)
        .first()
    )
    if event is None:
        return 0
    sent = emails.message_email(event).send()
    services.candidate_message_mark_sent(event_id=event.pk)
    return sent


@shared_task(name="applications.tasks.deliver_webhook", **RETRYING)
def deliver_webhook(delivery_id: int) -> int:
    """POST a new application to its employer's webhook; retried until it answers 2xx."""
    delivery = (
        WebhookDelivery.objects.select_related(
            "application__vacancy__employer__application_webhook"
        )
        .filter(pk=delivery_id, delivered_at__isnull=True)
        .first()
    )
    if delivery is None:
        return 0
    employer = delivery.application.vacancy.employer
    hook = getattr(employer, "application_webhook", None)
    if hook is None or not hook.is_active:
        return 0
    now = timezone.now()
    body = webhooks.encode(webhooks.payload(delivery.application))
    delivery.attempts += 1
    try:
        status = webhooks.post(
            hook.url, body, signature=webhooks.sign(body, secret=hook.secret, now=now)
        )
    except OSError as exc:
        delivery.last_status, delivery.last_error = None, str(exc)[:300]
        delivery.save(update_fields=["attempts", "last_status", "last_error"])
        raise
    delivery.last_status, delivery.last_error = status, ""
    if 200 <= status < 300:
        delivery.delivered_at = now
    delivery.save(update_fields=["attempts", "last_status", "last_error", "delivered_at"])
    if delivery.delivered_at is None:
        raise WebhookRefused(f"The webhook answered {status}.")
    return 1
