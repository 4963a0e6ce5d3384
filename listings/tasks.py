"""Celery tasks: thin wrappers that fetch by id and call a service. Retries live here."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from jobboard.emails import build_email, employer_recipients
from listings import services
from listings.models import Vacancy

logger = logging.getLogger(__name__)

RETRYING = {
    "acks_late": True,
    "autoretry_for": (OSError,),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 5,
}


@shared_task(name="listings.tasks.expire_vacancies", **RETRYING)
def expire_vacancies() -> int:
    """Mark live vacancies past their closing time as expired; return how many."""
    expired = services.vacancies_expire(now=timezone.now())
    logger.info("Expired %d vacancies.", len(expired))
    return len(expired)


@shared_task(name="listings.tasks.send_rejection_email", **RETRYING)
def send_rejection_email(vacancy_id: int) -> int:
    """Tell an employer's members why staff sent their vacancy back; return messages sent."""
    vacancy = Vacancy.objects.select_related("employer").filter(pk=vacancy_id).first()
    if vacancy is None or vacancy.status != Vacancy.Status.REJECTED:
        return 0
    recipients = employer_recipients(vacancy.employer)
    if not recipients:
        return 0
    message = build_email(
        template="vacancy_rejected",
        context={
            "vacancy": vacancy,
            "edit_url": f"{settings.SITE_URL}/employer/vacancies/{vacancy.reference}/edit/",
        },
        to=recipients,
    )
    return message.send()
