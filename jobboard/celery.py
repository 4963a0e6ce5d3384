"""The Celery application: configured from Django settings (``CELERY_*``), tasks autodiscovered."""

import contextlib
import logging
import os
import time

from celery import Celery
from celery.worker.consumer import Consumer as CeleryConsumer

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jobboard.settings")

logger = logging.getLogger(__name__)

app = Celery("jobboard")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


class Consumer(CeleryConsumer):
    """Celery's consumer, surviving a lost broker while it holds unacknowledged messages.

    Celery 5.7.0 closes the lost connection after ``collect()`` has already detached its
    transport; closing the default channel then tries to put the unacknowledged messages back
    through the detached transport and raises ``AttributeError``, which is not a connection
    error, so the worker stops with "Unrecoverable error" (a delayed or running task is all it
    takes). The messages are still in the broker's unacknowledged set, which Redis hands out
    again after the visibility timeout, so nothing is lost by dropping the dead channel: the
    consumer reconnects as it does when it holds nothing.
    """

    def on_connection_error_after_connected(self, exc):
        connection = self.connection
        if connection is not None and getattr(connection, "_default_channel", None) is not None:
            channel = connection._default_channel
            with contextlib.suppress(Exception):  # the connection is gone either way
                connection.collect(socket_timeout=2)
            if getattr(channel, "connection", None) is None or channel.connection.client is None:
                # The detached channel can no longer restore anything; forget it.
                connection._default_channel = None
        try:
            super().on_connection_error_after_connected(exc)
        except AttributeError:
            logger.warning("broker connection closed uncleanly; reconnecting", exc_info=True)
            self.connection = None


HEARTBEAT_KEY = "jobboard:worker-heartbeat"


@app.task(name="jobboard.heartbeat", ignore_result=True)
def heartbeat() -> None:
    """Note in the shared cache that beat and a worker are running (``/healthz`` reads it)."""
    from django.core.cache import cache

    cache.set(HEARTBEAT_KEY, time.time(), timeout=None)


@app.task(name="jobboard.ping")
def ping() -> str:
    """Answer "pong": lets health checks and tests see a task pass through the broker."""
    return "pong"
