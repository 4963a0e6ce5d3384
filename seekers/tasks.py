"""Celery tasks for seekers: thin, fetch by id, send. Safe to run twice."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from common.queue import RETRYING
from seekers import emails
from seekers.models import SignInCode


@shared_task(name="seekers.tasks.send_sign_in_code", **RETRYING)
def send_sign_in_code(code_id: int) -> int:
    """Email a sign-in code and its link; nothing once the code is used, replaced or expired."""
    code = SignInCode.objects.filter(
        pk=code_id, used_at__isnull=True, expires_at__gt=timezone.now()
    ).first()
    if code is None:
        return 0
    return emails.sign_in_code_message(code).send()
