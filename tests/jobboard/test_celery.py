"""A real Celery worker through the configured broker: the embedded SQLite transport by
default, Redis in CI's second pass."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from jobboard.celery import app, ping

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def celery_worker_process(settings):
    """Start `celery worker` as a separate process on this test process's own queue."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "jobboard", "worker", "--pool=solo",
         "--loglevel=WARNING", f"--hostname=test-{os.getpid()}@%h", "--without-heartbeat",
         "--without-gossip", "--without-mingle"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    app.conf.task_always_eager = False
    try:
        yield process
    finally:
        app.conf.task_always_eager = True
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.mark.broker
def test_a_task_passes_through_the_broker_to_a_real_worker(celery_worker_process):
    started = time.monotonic()
    result = ping.apply_async()
    assert result.get(timeout=60) == "pong"
    assert result.successful()
    assert time.monotonic() - started < 60
    assert celery_worker_process.poll() is None  # the worker is still running
