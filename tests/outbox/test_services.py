"""Work handed to the worker: queued only once the write commits, retried with one policy."""

from __future__ import annotations

import pytest
from celery import shared_task
from django.db import transaction

from common.queue import RETRYING, enqueue
from jobboard.celery import app as celery_app
from tests.brokers import broker_unreachable

pytestmark = pytest.mark.django_db

RAN: list[tuple] = []


@shared_task(name="tests.common.record")
def record(*args, **kwargs) -> int:
    """A task that notes each run, standing for any task of the project."""
    RAN.append((args, kwargs))
    return len(RAN)


@pytest.fixture(autouse=True)
def _no_runs():
    RAN.clear()
    yield
    RAN.clear()


def test_the_task_is_sent_only_when_the_transaction_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        enqueue(record, 7, kind="invitation")
        assert RAN == []
    assert len(callbacks) == 1
    assert RAN == [((7,), {"kind": "invitation"})]


def test_a_rolled_back_write_sends_nothing(django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        enqueue(record, 7)
        raise RuntimeError("the write failed")
    assert callbacks == []
    assert RAN == []


def test_an_unreachable_broker_is_logged_and_the_write_stands(
    django_capture_on_commit_callbacks, caplog
):
    with broker_unreachable(), django_capture_on_commit_callbacks(execute=True):
        enqueue(record, 7)
    assert RAN == []
    assert "Could not queue tests.common.record" in caplog.text
    assert "periodic run will catch up" in caplog.text


def test_every_task_of_ours_retries_with_the_shared_policy():
    import employers.tasks  # noqa: F401 - registers the tasks
    import listings.tasks  # noqa: F401

    ours = {
        name: task
        for name, task in celery_app.tasks.items()
        if name.startswith(("employers.", "listings."))
    }
    assert {"employers.tasks.send_invitation_email", "listings.tasks.expire_vacancies"} <= set(ours)
    for name, task in ours.items():
        assert task.acks_late is True, name
        assert task.max_retries == RETRYING["max_retries"], name
        assert task.autoretry_for == RETRYING["autoretry_for"], name
        assert task.retry_backoff == RETRYING["retry_backoff"], name


def test_a_task_can_be_queued_by_its_registered_name(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        enqueue("tests.common.record", 7, kind="by name")
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
