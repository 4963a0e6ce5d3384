"""The transactional outbox: a task promised by a write is stored with the write and relayed.

``enqueue(task, *args)`` inserts an ``OutboxMessage`` in the caller's transaction, so the
promise commits or rolls back with the change itself. Once the transaction commits the row is
relayed to the broker: inside a web request, after the response has been sent (the visitor
never waits on the broker); elsewhere (a task, a command) at once. A relay that cannot reach
the broker leaves the row pending, and for ``PAUSE_SECONDS`` this process stops trying, so a
broker outage costs a request nothing; the beat task ``outbox.tasks.relay_outbox`` hands the
pending rows over when the broker is back. Tasks are idempotent, so a row relayed twice (a
crash between publishing and marking it sent) does no harm.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime, timedelta

from celery import current_app
from django.core.signals import request_finished, request_started
from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone

from outbox.models import OutboxMessage

logger = logging.getLogger(__name__)

# After a failed publish this process leaves the broker alone for this long.
PAUSE_SECONDS = 30
# The periodic relay leaves rows this young to the after-commit relay.
GRACE = timedelta(seconds=30)
# Sent rows are kept this long for inspection, then deleted by the periodic relay.
KEEP_SENT = timedelta(days=7)

_state = threading.local()
_pause = {"until": 0.0}


def enqueue(task, *args, **kwargs) -> OutboxMessage:
    """Promise to run ``task`` (a task or its registered name) once this transaction commits.

    Arguments must be JSON values (ids, not objects). A service names the task it queues when
    that task calls the service back, so services never import the task modules above them.
    """
    name = task if isinstance(task, str) else task.name
    message = OutboxMessage.objects.create(task=name, args=list(args), kwargs=kwargs)
    transaction.on_commit(lambda: _after_commit(message.pk))
    return message


def _after_commit(pk: int) -> None:
    if getattr(_state, "in_request", False):
        _state.pending.append(pk)
    else:
        relay_message(pk)


def forget_request() -> None:
    """Leave any request this thread was in: its pending rows stay for the periodic relay.

    A request whose view raised past the handler (as the test client re-raises) never sends
    ``request_finished``; without this, later work on the thread would wait for it.
    """
    _state.in_request = False
    _state.pending = []


@receiver(request_started, dispatch_uid="outbox.request_started")
def _request_started(**kwargs) -> None:
    _state.in_request = True
    _state.pending = []


@receiver(request_finished, dispatch_uid="outbox.request_finished")
def _request_finished(**kwargs) -> None:
    pending = getattr(_state, "pending", [])
    _state.in_request = False
    _state.pending = []
    for pk in pending:
        relay_message(pk)


def _paused() -> bool:
    return time.monotonic() < _pause["until"]


def relay_message(pk: int) -> bool:
    """Hand one pending row to the broker; True when it was sent (or already had been)."""
    if _paused() and not current_app.conf.task_always_eager:
        return False
    message = OutboxMessage.objects.filter(pk=pk, sent_at__isnull=True).first()
    if message is None:
        return True
    return _publish(message)


def _publish(message: OutboxMessage) -> bool:
    try:
        registered = current_app.tasks.get(message.task)
        if registered is not None:
            registered.apply_async(args=message.args, kwargs=message.kwargs, retry=False)
        else:
            current_app.send_task(
                message.task, args=message.args, kwargs=message.kwargs, retry=False
            )
    except Exception as exc:  # noqa: BLE001 - the broker being away must not break anything
        if not current_app.conf.task_always_eager:
            _pause["until"] = time.monotonic() + PAUSE_SECONDS
        OutboxMessage.objects.filter(pk=message.pk).update(
            attempts=message.attempts + 1, last_error=repr(exc)[:1000]
        )
        logger.warning(
            "Could not queue %s (outbox #%s); the outbox relay will send it later.",
            message.task,
            message.pk,
            exc_info=True,
        )
        return False
    OutboxMessage.objects.filter(pk=message.pk, sent_at__isnull=True).update(
        sent_at=timezone.now(), attempts=message.attempts + 1, last_error=""
    )
    return True


def outbox_relay(*, now: datetime, batch: int = 500) -> int:
    """Hand every pending row older than ``GRACE`` to the broker, oldest first; return how many.

    Stops at the first failure (the broker is still away); the next run goes on from there.
    Also deletes rows sent more than ``KEEP_SENT`` ago.
    """
    _pause["until"] = 0.0  # the periodic relay always tries
    sent = 0
    ids = list(
        OutboxMessage.objects.pending()
        .created_before(now - GRACE)
        .order_by("id")
        .values_list("id", flat=True)[:batch]
    )
    for pk in ids:
        if not relay_message(pk):
            break
        sent += 1
    OutboxMessage.objects.filter(sent_at__lt=now - KEEP_SENT).delete()
    return sent
