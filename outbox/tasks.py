"""The periodic relay of the outbox (scheduled by beat)."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from common.queue import RETRYING
from outbox.services import outbox_relay


@shared_task(name="outbox.tasks.relay_outbox", **RETRYING)
def relay_outbox() -> int:
    """Queue the tasks that writes promised and that were not queued after their commit."""
    return outbox_relay(now=timezone.now())
