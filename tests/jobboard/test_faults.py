"""Faults: a worker killed in the middle of a task, and the database cutting every connection
under a running gunicorn. Both run for real in CI's PostgreSQL and Redis pass.

(The broker being down is covered beside the alert sign-up it threatens, in
tests/listings/alerts/test_views.py; concurrent edits in tests/employers.)
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from jobboard.celery import app, ping
from listings.models import Vacancy
from tests import factories
from tests.jobboard.test_worker import ROOT, TIMEOUT, _database_url
from tests.jobboard.test_worker import celery_processes as celery_processes  # the fixture

pytestmark = [
    pytest.mark.postgres,
    # Committed rows that other processes can read; the gazetteer is restored afterwards.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.mark.broker
def test_a_worker_killed_before_acknowledging_runs_the_task_again_with_the_same_result(
    celery_processes, tmp_path
):
    """Prefork worker, task acknowledged late: the parent sees its child die and requeues."""
    owner = factories.MembershipFactory()
    due = factories.LiveVacancyFactory(
        employer=owner.employer,
        title="Night Care Assistant",
        published_at=timezone.now() - timedelta(days=20),
        closes_at=timezone.now() - timedelta(minutes=1),
    )
    celery_processes.start(
        "worker", "--pool=prefork", "--concurrency=1", "--include=tests.fault_tasks",
        f"--queues={celery_processes.queue}", f"--hostname={celery_processes.queue}@%h",
        "--without-heartbeat", "--without-gossip", "--without-mingle",
    )  # fmt: skip
    marker = tmp_path / "died-once"
    result = app.send_task(
        "tests.expire_then_die", args=[str(marker)], queue=celery_processes.queue
    )
    # The second delivery finds nothing left to expire: the same end state, nothing twice.
    assert result.get(timeout=TIMEOUT) == 0, celery_processes.logs()
    assert marker.read_text() == "1"  # the first run expired it, then the process died
    assert Vacancy.objects.get(pk=due.pk).status == Vacancy.Status.EXPIRED

    def summaries():
        return [m for m in celery_processes.messages() if owner.user.email in m["To"]]

    celery_processes.wait_for(summaries, what="the expiry summary")
    # One worker process runs its queue in order: once a ping sent now is answered, every
    # task the two deliveries queued has run, a duplicate summary included.
    assert ping.apply_async(queue=celery_processes.queue).get(timeout=TIMEOUT) == "pong"
    assert len(summaries()) == 1
    assert "SIGKILL" in celery_processes.logs() or "signal 9" in celery_processes.logs()


@pytest.fixture
def gunicorn_server(tmp_path):
    """The app under gunicorn, on this test's database, as production serves it."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "jobboard.settings",
        "DJANGO_DEBUG": "true",  # plain static files: no collectstatic step for a test
        "DATABASE_URL": _database_url(),
        "JOBBOARD_VAR_DIR": str(tmp_path),
        "GUNICORN_ACCESSLOG": "",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "jobboard.wsgi:application", "--config",
         "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=2)
            break
        except OSError:
            assert server.poll() is None, server.stderr.read()
            time.sleep(0.3)
    yield base
    server.terminate()
    server.wait(timeout=20)


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_requests_recover_after_the_database_drops_every_connection(gunicorn_server):
    vacancy = factories.LiveVacancyFactory(title="Registered Nurse - Acute")
    pages = ["/jobs/", vacancy.get_absolute_url(), "/employers/", "/healthz"]
    assert [_status(gunicorn_server + p) for p in pages * 3] == [200] * 12

    with connection.cursor() as cursor:  # what a database restart does to every client
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        assert cursor.fetchone()[0] >= 1

    after = [_status(gunicorn_server + p) for p in pages * 5]
    # A request may be answered 503 "try again" while a worker notices; none fails with a
    # 500 or hangs, and all recover without restarting the app.
    assert set(after) <= {200, 503}
    assert after[-len(pages) * 2 :] == [200] * (len(pages) * 2)
