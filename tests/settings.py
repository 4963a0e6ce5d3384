"""Test settings: the project's settings with fast hashing and nothing leaving the process.

The database and broker still come from the environment, so the same suite runs on SQLite
with the embedded broker and, in CI's second pass, on PostgreSQL with Redis.
"""

import os
import tempfile

from jobboard.settings import *  # noqa: F403
from jobboard.settings import CELERY_BROKER_URL, VAR_DIR

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
MEDIA_ROOT = tempfile.mkdtemp(prefix="jobboard-media-")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "applications": {
        "BACKEND": "applications.storage.PrivateFileSystemStorage",
        "OPTIONS": {"location": tempfile.mkdtemp(prefix="jobboard-private-")},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tasks queued by services run in-process unless a test starts a real worker (marked `broker`).
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
# Each xdist worker gets its own queue (and embedded broker file), so a Celery worker started
# by one test process never picks up another's tasks, which point at another test database.
_worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
CELERY_TASK_DEFAULT_QUEUE = f"jobboard-test-{_worker}"
if CELERY_BROKER_URL.startswith("sqla+sqlite"):
    CELERY_BROKER_URL = f"sqla+sqlite:///{VAR_DIR / f'test-broker-{_worker}.sqlite3'}"
    CELERY_RESULT_BACKEND = f"db+sqlite:///{VAR_DIR / f'test-results-{_worker}.sqlite3'}"
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {"anon": "10000/minute", "user": "10000/minute"},
}
SECURE_SSL_REDIRECT = False
# Rendered search pages would hide the template context most view tests read.
SEARCH_PAGE_CACHE = False
# Views are written after each response, so a test reads them at once (the batching's own
# tests set a longer time).
VIEW_COUNT_FLUSH_SECONDS = 0
