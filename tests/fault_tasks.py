"""Tasks that only fault tests load into their worker (``celery worker --include``).

Each wraps a real task of the project and kills its own worker process at a chosen moment,
the way an OOM kill or a machine going away would, before the broker has been told the task
is done.
"""

import os
import signal
from pathlib import Path

from celery import shared_task

from listings.tasks import expire_vacancies


@shared_task(name="tests.expire_then_die", acks_late=True, reject_on_worker_lost=True)
def expire_then_die(marker: str) -> int:
    """Run the real expiry, then die once before acknowledging; the redelivery runs again."""
    expired = expire_vacancies.run()
    once = Path(marker)
    if not once.exists():
        once.write_text(str(expired))
        os.kill(os.getpid(), signal.SIGKILL)
    return expired
