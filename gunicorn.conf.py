"""gunicorn settings for the web service; every value can be overridden from the environment."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# Sync workers, each serving one request at a time: clients reach them only through nginx
# (docker-compose's proxy), which reads whole requests and takes whole answers, so a slow or
# idle client never holds one. Exposed without such a proxy, two idle sockets were enough to
# stop two workers answering (docs/reliability.md).
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then so slow leaks cannot grow without bound. Worker memory stays
# flat under load (docs/benchmarks.md), so rarely: at 5,000 the load benchmark restarted a
# worker every few seconds, and each new worker's first requests paid its start-up.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "50000"))
max_requests_jitter = 5000
# Import the application once in the master and fork the workers from it: a restarted worker
# serves at once instead of importing Django first (nothing connects to a database at import).
preload_app = os.environ.get("GUNICORN_PRELOAD", "true").lower() == "true"
# An empty GUNICORN_ACCESSLOG switches the access log off (benchmarks).
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-") or None
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "*")
