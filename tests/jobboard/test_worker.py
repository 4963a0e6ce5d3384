"""Real Celery processes: a worker (and beat) started as subprocesses for a few seconds.

They run with the project's settings from the environment (``tests/worker_settings.py``),
against the broker this test run uses: the embedded SQLite transport in the first CI pass,
Redis in the second. Emails leave through Django's file backend into a temporary folder.

The beat test needs a database both processes can see. On SQLite the test database lives in
this process's memory, so that test is marked ``postgres``: it runs for real in CI's
PostgreSQL and Redis pass, on the test database (a transactional test, so rows are committed).
The ping test needs no database and runs in both passes.
"""

from __future__ import annotations

import email
import os
import re
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from jobboard.celery import app, ping
from listings.models import JobAlert, Vacancy
from tests import factories

ROOT = Path(__file__).resolve().parents[2]
SEPARATOR = b"\n" + b"-" * 79 + b"\n"
TIMEOUT = 90


def _database_url() -> str:
    if connection.vendor != "postgresql":
        return f"sqlite:///{ROOT / 'var' / 'worker-test-unused.sqlite3'}"
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


class CeleryProcesses:
    """Start `celery worker` and `celery beat` on a queue of their own; stop them after."""

    def __init__(self, tmp_path: Path):
        self.tmp = tmp_path
        self.queue = f"jobboard-worker-test-{uuid.uuid4().hex[:12]}"
        self.mail_dir = tmp_path / "mail"
        self.mail_dir.mkdir()
        self.processes: list[tuple[subprocess.Popen, Path]] = []
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.worker_settings",
            "DATABASE_URL": _database_url(),
            "CELERY_BROKER_URL": app.conf.broker_url,
            "CELERY_RESULT_BACKEND": str(app.conf.result_backend),
            # django-environ drops one leading slash: four make an absolute path.
            "EMAIL_URL": f"filemail:///{self.mail_dir}",
            "JOBBOARD_VAR_DIR": str(tmp_path / "var"),
            "JOBBOARD_TEST_QUEUE": self.queue,
            "SITE_URL": "https://jobs.example.org",
        }

    def start(self, *args: str) -> subprocess.Popen:
        log = self.tmp / f"{args[0]}.log"
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "jobboard", *args, "--loglevel=INFO"],
            cwd=ROOT,
            env=self.env,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
        )
        self.processes.append((process, log))
        return process

    def worker(self) -> subprocess.Popen:
        return self.start(
            "worker", "--pool=solo", f"--queues={self.queue}", f"--hostname={self.queue}@%h",
            "--without-heartbeat", "--without-gossip", "--without-mingle",
        )  # fmt: skip

    def beat(self) -> subprocess.Popen:
        return self.start("beat", f"--schedule={self.tmp / 'beat-schedule'}")

    def stop(self) -> None:
        for process, _log in self.processes:
            process.terminate()
        for process, _log in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()

    def logs(self) -> str:
        return "\n".join(f"== {log.name}\n{log.read_text()[-4000:]}" for _p, log in self.processes)

    def succeeded(self, task: str) -> int:
        """How many runs of ``task`` the workers have logged as succeeded so far."""
        done = re.compile(rf"Task {re.escape(task)}\[[^\]]+\] succeeded")
        return sum(len(done.findall(log.read_text())) for _process, log in self.processes)

    def messages(self) -> list[email.message.Message]:
        found = []
        for path in sorted(self.mail_dir.glob("*.log")):
            for chunk in path.read_bytes().split(SEPARATOR):
                if chunk.strip():
                    found.append(email.message_from_bytes(chunk.lstrip(b"\n")))
        return found

    def wait_for(self, condition: Callable[[], bool], *, what: str) -> None:
        """Poll ``condition`` until it holds, failing after ``TIMEOUT`` seconds."""
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            if condition():
                return
            for process, _log in self.processes:
                assert process.poll() is None, f"a Celery process exited\n{self.logs()}"
            time.sleep(0.5)
        pytest.fail(f"timed out waiting for {what}\n{self.logs()}")


def text_of(message: email.message.Message) -> str:
    """Every text part of a message, decoded."""
    return "\n".join(
        part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
        for part in message.walk()
        if part.get_content_maintype() == "text"
    )


@pytest.fixture
def celery_processes(tmp_path):
    processes = CeleryProcesses(tmp_path)
    app.conf.task_always_eager = False
    try:
        yield processes
    finally:
        app.conf.task_always_eager = True
        processes.stop()


@pytest.mark.broker
def test_a_worker_configured_from_the_environment_runs_a_task(celery_processes):
    worker = celery_processes.worker()
    result = ping.apply_async(queue=celery_processes.queue)
    assert result.get(timeout=TIMEOUT) == "pong", celery_processes.logs()
    assert worker.poll() is None


@pytest.mark.broker
@pytest.mark.postgres
# Committed rows the subprocesses can read; the gazetteer the migrations loaded is restored
# afterwards for the tests that follow.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_beat_and_worker_expire_a_vacancy_and_send_a_digest(celery_processes):
    now = timezone.now()
    owner = factories.MembershipFactory()
    due = factories.LiveVacancyFactory(
        employer=owner.employer,
        title="Night Care Assistant",
        published_at=now - timedelta(days=20),
        closes_at=now - timedelta(minutes=5),
    )
    fresh = factories.LiveVacancyFactory(
        title="Social Worker - Hospital Discharge Team",
        published_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=20),
    )
    alert = factories.JobAlertFactory(
        email="seeker@example.net",
        query="profession=social-worker",
        confirmed_at=now - timedelta(days=5),
        last_sent_at=now - timedelta(days=2),
    )
    # Hidden from seekers before any worker runs: the query compares with the clock.
    assert not Vacancy.objects.live().filter(pk=due.pk).exists()

    celery_processes.worker()
    celery_processes.beat()

    def to(address):
        return [m for m in celery_processes.messages() if address in m["To"]]

    celery_processes.wait_for(
        lambda: Vacancy.objects.get(pk=due.pk).status == Vacancy.Status.EXPIRED,
        what="beat and the worker to expire the vacancy",
    )
    celery_processes.wait_for(lambda: to("seeker@example.net"), what="the digest email")
    celery_processes.wait_for(lambda: to(owner.user.email), what="the expiry summary")

    (digest,) = to("seeker@example.net")
    assert digest["Subject"].startswith("1 new job")
    unsubscribe = "".join(digest["List-Unsubscribe"].split())  # unfold the long header
    assert unsubscribe.startswith("<https://jobs.example.org/alerts/unsubscribe/")
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    body = text_of(digest)
    assert fresh.reference in body and due.reference not in body
    (summary,) = to(owner.user.email)
    assert "Night Care Assistant" in text_of(summary)
    alert.refresh_from_db()
    assert alert.last_sent_at > now

    # Beat keeps firing every second; three more runs of each task send nothing more.
    expiry, alerts = "listings.tasks.expire_vacancies", "listings.tasks.send_job_alerts"
    ran = celery_processes.succeeded(expiry), celery_processes.succeeded(alerts)
    celery_processes.wait_for(
        lambda: (
            celery_processes.succeeded(expiry) >= ran[0] + 3
            and celery_processes.succeeded(alerts) >= ran[1] + 3
        ),
        what="three more runs of the expiry and the alerts",
    )
    assert len(to("seeker@example.net")) == 1 and len(to(owner.user.email)) == 1
    assert JobAlert.objects.get(pk=alert.pk).last_sent_at == alert.last_sent_at
