"""The outbox: a task is recorded with the write that promises it, and relayed after commit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from celery import shared_task
from django.db import transaction
from django.utils import timezone

from common.queue import RETRYING
from jobboard.celery import app as celery_app
from outbox import services
from outbox.models import OutboxMessage
from outbox.services import enqueue, outbox_relay
from tests.brokers import broker_unreachable

pytestmark = pytest.mark.django_db

RAN: list[tuple] = []


@shared_task(name="tests.outbox.record")
def record(*args, **kwargs) -> int:
    """A task that notes each run, standing for any task of the project."""
    RAN.append((args, kwargs))
    return len(RAN)


@pytest.fixture(autouse=True)
def _no_runs():
    RAN.clear()
    services._pause["until"] = 0.0
    yield
    RAN.clear()
    services._pause["until"] = 0.0


def test_the_task_is_recorded_with_the_write_and_sent_when_it_commits(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        enqueue(record, 7, kind="invitation")
        assert RAN == []
        (row,) = OutboxMessage.objects.pending()
        assert (row.task, row.args, row.kwargs) == (
            "tests.outbox.record",
            [7],
            {"kind": "invitation"},
        )
    assert len(callbacks) == 1
    assert RAN == [((7,), {"kind": "invitation"})]
    assert not OutboxMessage.objects.pending().exists()


def test_a_rolled_back_write_promises_nothing(django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        enqueue(record, 7)
        raise RuntimeError("the write failed")
    assert callbacks == []
    assert RAN == []
    assert not OutboxMessage.objects.exists()


def test_an_unreachable_broker_keeps_the_row_and_the_relay_sends_it_later(
    django_capture_on_commit_callbacks, caplog
):
    with broker_unreachable(), django_capture_on_commit_callbacks(execute=True):
        enqueue(record, 7)
    assert RAN == []
    (row,) = OutboxMessage.objects.pending()
    assert row.attempts == 1 and "Error" in row.last_error
    assert "the outbox relay will send it later" in caplog.text

    # Too young for the periodic relay (the after-commit relay's turn), then old enough.
    assert outbox_relay(now=row.created_at) == 0
    assert outbox_relay(now=row.created_at + timedelta(minutes=1)) == 1
    assert RAN == [((7,), {})]
    row.refresh_from_db()
    assert row.sent_at is not None
    assert outbox_relay(now=row.created_at + timedelta(minutes=2)) == 0  # sent once
    assert RAN == [((7,), {})]


def test_after_one_failure_the_process_stops_trying_the_broker_for_a_while(
    django_capture_on_commit_callbacks,
):
    with broker_unreachable():
        with django_capture_on_commit_callbacks(execute=True):
            enqueue(record, 1)
        with django_capture_on_commit_callbacks(execute=True):
            enqueue(record, 2)
    first, second = OutboxMessage.objects.order_by("id")
    assert first.attempts == 1
    assert second.attempts == 0  # not even tried: no request waits on a broker known to be away
    now = timezone.now() + timedelta(minutes=1)
    assert outbox_relay(now=now) == 2
    assert RAN == [((1,), {}), ((2,), {})]


def test_inside_a_request_the_relay_runs_once_the_response_has_been_sent():
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    row = OutboxMessage.objects.create(task="tests.outbox.record", args=[3])
    # As Django's test client does: the test's transaction must outlive the "request".
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        request_started.send(sender=None)
        services._after_commit(row.pk)  # the write's commit, inside the request
        assert RAN == []  # the visitor is not kept waiting on the broker
        request_finished.send(sender=None)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    assert RAN == [((3,), {})]


def test_the_periodic_relay_deletes_rows_sent_long_ago():
    old = OutboxMessage.objects.create(task="tests.outbox.record", sent_at=timezone.now())
    outbox_relay(now=timezone.now() + timedelta(days=8))
    assert not OutboxMessage.objects.filter(pk=old.pk).exists()


def test_every_task_of_ours_retries_with_the_shared_policy():
    import employers.tasks  # noqa: F401 - registers the tasks
    import listings.tasks  # noqa: F401
    import outbox.tasks  # noqa: F401

    ours = {
        name: task
        for name, task in celery_app.tasks.items()
        if name.startswith(("employers.", "listings.", "outbox."))
    }
    assert {"employers.tasks.send_invitation_email", "outbox.tasks.relay_outbox"} <= set(ours)
    for name, task in ours.items():
        assert task.acks_late is True, name
        assert task.max_retries == RETRYING["max_retries"], name
        assert task.autoretry_for == RETRYING["autoretry_for"], name
        assert task.retry_backoff == RETRYING["retry_backoff"], name


def test_a_task_can_be_queued_by_its_registered_name(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        enqueue("tests.outbox.record", 7, kind="by name")
    assert RAN == [((7,), {"kind": "by name"})]


def test_every_task_a_service_names_is_registered():
    import re
    from pathlib import Path

    from celery import current_app

    root = Path(__file__).resolve().parents[2]
    named = set()
    for path in [*root.glob("listings/**/*.py"), *root.glob("employers/**/*.py")]:
        named.update(re.findall(r'enqueue\(\s*"([\w.]+)"', path.read_text()))
    assert named, "services queue some tasks by name"
    assert named <= set(current_app.tasks), named - set(current_app.tasks)


def test_beat_relays_the_outbox_and_catches_up_missed_digest_runs(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule["relay-outbox"]["task"] == "outbox.tasks.relay_outbox"
    daily = schedule["send-job-alerts-daily"]["schedule"]
    assert daily.hour == set(range(7, 19))  # 07:00, then hourly catch-up runs to 18:00
    weekly = schedule["send-job-alerts-weekly"]["schedule"]
    assert weekly.day_of_week == {1, 2} and weekly.hour == set(range(7, 19))
