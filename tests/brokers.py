"""Test helpers for broker faults: the real Celery app pointed where no broker answers."""

from __future__ import annotations

from contextlib import contextmanager

from jobboard.celery import app as celery_app


@contextmanager
def broker_unreachable():
    """Point the Celery app at a broker nobody listens on, as if Redis were down."""
    conf = celery_app.conf
    saved = (
        conf.broker_url,
        conf.broker_write_url,
        conf.task_always_eager,
        conf.broker_connection_timeout,
    )
    # Celery prefers the CELERY_BROKER_URL environment variable to ``broker_url``; the write
    # URL set explicitly wins over both.
    conf.broker_url = conf.broker_write_url = "redis://127.0.0.1:9/0"  # nothing answers
    conf.broker_connection_timeout = 1
    conf.task_always_eager = False
    celery_app._after_fork()  # drop pooled connections to the real broker
    try:
        yield
    finally:
        (
            conf.broker_url,
            conf.broker_write_url,
            conf.task_always_eager,
            conf.broker_connection_timeout,
        ) = saved
        celery_app._after_fork()
