"""The worker survives its broker going away: a Redis of this test's own is stopped and started
again under a worker that holds a delayed task, and the task still runs.

The Redis keeps its data on disk (``appendonly``, as in docker-compose), as a restarted
production Redis does; the worker has the project's settings (``tests/worker_settings.py``).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
from celery import Celery

from tests.jobboard.test_worker import ROOT, _database_url

pytestmark = pytest.mark.broker

DEADLINE = 90


def _free_port(first: int = 6390, last: int = 6399) -> int:
    for port in range(first, last + 1):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    pytest.skip("no free port for a test Redis in 6390-6399")


def _poll(condition, *, what: str, timeout: float = DEADLINE, logs=lambda: ""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}\n{logs()}")


class OwnRedis:
    """A redis-server on a port of its own, with its data on disk in ``folder``."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.port = _free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "",
             "--appendonly", "yes", "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        client = redis.Redis(port=self.port, socket_connect_timeout=0.5)

        def answers():
            try:
                return client.ping()
            except redis.ConnectionError:
                assert self.process.poll() is None, "redis-server exited"
                return False

        _poll(answers, what="the test Redis to answer", timeout=20)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()  # a clean shutdown: the append-only file is flushed
            self.process.wait(timeout=20)


@pytest.fixture
def own_redis(tmp_path):
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed")
    server = OwnRedis(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def worker_on(tmp_path):
    started: list[tuple[subprocess.Popen, Path]] = []

    def start(broker_url: str, queue: str) -> tuple[subprocess.Popen, Path]:
        log = tmp_path / "worker.log"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.worker_settings",
            "DATABASE_URL": _database_url(),
            "CELERY_BROKER_URL": broker_url,
            "CELERY_RESULT_BACKEND": broker_url,
            "JOBBOARD_VAR_DIR": str(tmp_path / "var"),
            "JOBBOARD_TEST_QUEUE": queue,
            # Hand a held task out again after seconds, not the production hour.
            "JOBBOARD_TEST_VISIBILITY_TIMEOUT": "4",
        }
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "jobboard", "worker", "--pool=prefork",
             "--concurrency=1", f"--queues={queue}", f"--hostname={queue}@%h",
             "--loglevel=INFO"],
            cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
        )  # fmt: skip
        started.append((process, log))
        return process, log

    yield start
    for process, _log in started:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def test_a_delayed_task_runs_after_redis_restarts_under_the_worker(own_redis, worker_on):
    queue = f"jobboard-broker-loss-{uuid.uuid4().hex[:8]}"
    worker, log = worker_on(own_redis.url, queue)
    client = Celery(broker=own_redis.url, backend=own_redis.url)
    # CELERY_BROKER_URL in the environment (CI's second pass) would win over ``broker``.
    client.conf.broker_write_url = client.conf.broker_read_url = own_redis.url
    client.conf.result_backend = own_redis.url
    client.conf.task_default_queue = queue
    logs = log.read_text

    ready = client.send_task("jobboard.ping", queue=queue)
    assert ready.get(timeout=DEADLINE) == "pong", logs()

    # Held by the worker, unacknowledged, until its time comes.
    delayed = client.send_task("jobboard.ping", queue=queue, countdown=3)
    _poll(lambda: delayed.id in logs(), what="the worker to receive the delayed task", logs=logs)

    own_redis.stop()
    _poll(lambda: "Connection to broker lost" in logs(), what="the worker to notice", logs=logs)
    own_redis.start()

    def ran():
        assert worker.poll() is None, f"the worker died\n{logs()}"
        try:
            return client.AsyncResult(delayed.id).ready()
        except redis.ConnectionError:
            return False

    _poll(ran, what="the delayed task to run after Redis came back", logs=logs)
    assert client.AsyncResult(delayed.id).get(timeout=5) == "pong"
    assert "Unrecoverable error" not in logs()
    assert worker.poll() is None
