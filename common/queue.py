"""The one retry policy of every task.

Every app's tasks are declared ``@shared_task(name=..., **RETRYING)``, so they all
acknowledge late (a worker that dies mid-task leaves it for another) and retry a passing
mail or network failure a bounded number of times with growing, jittered waits. Tasks are
queued through the transactional outbox (``outbox.services.enqueue``).
"""

from __future__ import annotations

from smtplib import SMTPException

RETRYING = {
    "acks_late": True,
    "autoretry_for": (OSError, SMTPException),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 5,
}
