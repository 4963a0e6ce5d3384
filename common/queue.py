"""Handing work to the worker: queued after commit, retried with one policy.

Every app's tasks are declared ``@shared_task(name=..., **RETRYING)``, so they all
acknowledge late (a worker that dies mid-task leaves it for another) and retry a passing
mail or network failure a bounded number of times with growing, jittered waits.
"""

from __future__ import annotations

import logging
from smtplib import SMTPException

from celery import current_app
from django.db import transaction

logger = logging.getLogger(__name__)

RETRYING = {
    "acks_late": True,
    "autoretry_for": (OSError, SMTPException),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 5,
}


def enqueue(task, *args, **kwargs) -> None:
    """Queue ``task`` (a task, or the name it is registered under) once the surrounding
    transaction commits.

    A service names the task it queues when that task calls the service back, so the
    services never import the task modules above them (the import contracts). If the broker
    cannot be reached the write still stands: the failure is logged and the periodic tasks
    pick the work up later, so a broker outage never loses a request.
    """
    name = task if isinstance(task, str) else task.name

    def send():
        try:
            registered = current_app.tasks[name] if isinstance(task, str) else task
            registered.apply_async(args=args, kwargs=kwargs)
        except Exception:  # noqa: BLE001 - the broker being down must not break the request
            logger.exception("Could not queue %s; the periodic run will catch up.", name)

    transaction.on_commit(send)
