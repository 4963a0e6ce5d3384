"""Celery tasks for applications: thin, fetch by id, call a service or send. Safe to run twice."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from applications import candidate_emails
from applications import candidate_services as services
from applications.models import Application
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
