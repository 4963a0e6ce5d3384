"""Settings for the Celery worker and beat that `broker` tests start as subprocesses.

The project's own settings, read from the environment the test passes (database, broker,
result backend, ``EMAIL_URL`` pointing at a temporary folder), with two changes: the queue is
the test's own, so parallel test runs never take each other's tasks, and beat fires every
second instead of every few minutes or once a day, so a test sees it work in seconds.
"""

from jobboard.settings import *  # noqa: F403
from jobboard.settings import CELERY_BROKER_TRANSPORT_OPTIONS, env

CELERY_TASK_DEFAULT_QUEUE = env.str("JOBBOARD_TEST_QUEUE")
CELERY_TASK_ALWAYS_EAGER = False
CELERY_BEAT_SCHEDULE = {
    "expire-vacancies": {"task": "listings.tasks.expire_vacancies", "schedule": 1.0},
    "send-job-alerts-daily": {
        "task": "listings.tasks.send_job_alerts",
        "schedule": 1.0,
        "args": ["daily"],
    },
}

# A broker-loss test hands a held task out again after seconds, not the production hour, and
# looks for such tasks every second.
if env.str("JOBBOARD_TEST_VISIBILITY_TIMEOUT", default=""):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        **CELERY_BROKER_TRANSPORT_OPTIONS,
        "visibility_timeout": env.int("JOBBOARD_TEST_VISIBILITY_TIMEOUT"),
        "unacked_restore_interval": 1,
        "unacked_restore_throttle": 1,
    }
