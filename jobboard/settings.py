"""Settings for the job board, read from the environment.

Every value has a safe local default, so the project runs with nothing set: SQLite, an
embedded Celery broker on a SQLite file, local-memory cache and email printed to the console.
Production hardening is one switch away: ``DJANGO_ENV=production`` (or ``DJANGO_DEBUG=false``).
Every variable is listed in README.md and in ``.env.example``.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
env.read_env(BASE_DIR / ".env", overwrite=False)

# Runtime files of the embedded defaults (SQLite database, broker and beat schedule).
VAR_DIR = Path(env.str("JOBBOARD_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

# --- Environment switch -------------------------------------------------------------------
DJANGO_ENV = env.str("DJANGO_ENV", default="development")
IS_PRODUCTION = DJANGO_ENV == "production"
DEBUG = env.bool("DJANGO_DEBUG", default=not IS_PRODUCTION)
HARDENED = IS_PRODUCTION or not DEBUG

SECRET_KEY = env.str(
    "DJANGO_SECRET_KEY",
    default="" if IS_PRODUCTION else "local-development-key-not-for-production-use-0123456789",
)
if not SECRET_KEY:
    raise environ.ImproperlyConfigured("DJANGO_SECRET_KEY must be set in production.")

ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=[] if IS_PRODUCTION else ["127.0.0.1", "localhost", "[::1]"]
)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# The public address of this site, used for links in emails, feeds and the API.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
SITE_NAME = env.str("SITE_NAME", default="Care Jobs Board")

# --- Applications -------------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "corsheaders",
    "django_filters",
    "django_htmx",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "common",
    "outbox",
    "jobboard",
    "employers",
    "listings",
    "seekers",
    "applications",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything reads the path or the parameters: control characters are refused.
    "jobboard.middleware.RejectControlCharactersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication: anonymous reads may go to a replica (DATABASE_REPLICA_URLS).
    "common.replicas.ReplicaReadsMiddleware",
    "jobboard.middleware.UTMAttributionMiddleware",
    "jobboard.middleware.StatementTimeoutMiddleware",
    "jobboard.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "jobboard.urls"
WSGI_APPLICATION = "jobboard.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "jobboard.context_processors.site",
            ],
        },
    },
    {
        # Email subjects and plain-text bodies: nothing to escape, so "A&E" stays "A&E".
        "NAME": "text",
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"autoescape": False},
    },
]

# --- Database -----------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web, the worker and beat read while one of them writes; IMMEDIATE
    # transactions take the write lock up front instead of failing half-way.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # JIT compilation pays off for long analytical queries, not for a web page's short ones:
    # it added 10-15 ms to a search's planning. A statement timeout (set for the web
    # processes, not the worker) stops one slow query from holding a web worker for long.
    _pg_options = ["-c jit=off"]
    _statement_timeout_ms = env.int("DATABASE_STATEMENT_TIMEOUT_MS", default=0)
    if _statement_timeout_ms:
        _pg_options.append(f"-c statement_timeout={_statement_timeout_ms}")
    # Behind PgBouncer in transaction mode (docs/deployment.md) a server connection passes to
    # another client after each transaction: a named cursor cannot outlive its transaction
    # (server-side cursors off), and PgBouncer refuses the "options" startup parameter, so
    # jit and the statement timeout are set by its connect_query instead. Prepared statements
    # are never used either way (Django's psycopg cursors bind parameters on the client).
    DATABASE_PGBOUNCER = env.bool("DATABASE_PGBOUNCER", default=False)
    if DATABASE_PGBOUNCER:
        DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    else:
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = " ".join(_pg_options)
DATABASES["default"]["ATOMIC_REQUESTS"] = False

# PostgreSQL streaming replicas (comma-separated URLs): anonymous reads may go to them, every
# other query to the primary (common/replicas.py). A browser that wrote something reads from
# the primary for DATABASE_READ_OWN_WRITES_SECONDS after it, longer than a replica's usual lag.
DATABASE_REPLICAS: list[str] = []
for _number, _url in enumerate(env.list("DATABASE_REPLICA_URLS", default=[]), start=1):
    _replica = env.db_url_config(_url)
    for _key in ("CONN_MAX_AGE", "CONN_HEALTH_CHECKS", "OPTIONS", "DISABLE_SERVER_SIDE_CURSORS"):
        if _key in DATABASES["default"]:
            _replica.setdefault(_key, DATABASES["default"][_key])
    _replica["ATOMIC_REQUESTS"] = False
    _replica["TEST"] = {"MIRROR": "default"}  # tests read the test database through it
    DATABASES[f"replica{_number}"] = _replica
    DATABASE_REPLICAS.append(f"replica{_number}")
if DATABASE_REPLICAS:
    DATABASE_ROUTERS = ["common.replicas.ReplicaRouter"]
DATABASE_READ_OWN_WRITES_SECONDS = env.int("DATABASE_READ_OWN_WRITES_SECONDS", default=10)
IS_POSTGRES = DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache --------------------------------------------------------------------------------
_cache_url = env.str("CACHE_URL", default="") or env.str("REDIS_URL", default="")
if _cache_url:
    CACHES = {"default": env.cache_url_config(_cache_url)}
else:
    # Files under var/: the web process, the worker and beat of `make run` share one cache, so
    # the worker's heartbeat, an expiry run's "the search changed" and the throttles' counts
    # are seen by every process (a per-process memory cache would keep each to itself).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# Whole search pages for anonymous visitors (listings/search/cache.py); tests that read a
# response's template context turn it off, the page cache's own tests turn it on.
SEARCH_PAGE_CACHE = env.bool("SEARCH_PAGE_CACHE", default=True)
# How many kept values (a first search's exact counts) the web processes may compute after
# their responses at once, shared through the cache: about one per two cores of web machines.
LATER_SLOTS = env.int("LATER_SLOTS", default=1)
# Vacancy views and apply clicks are counted in each web process and written in one batch at
# most this often (listings/traffic.py); 0 writes them after every response.
VIEW_COUNT_FLUSH_SECONDS = env.int("VIEW_COUNT_FLUSH_SECONDS", default=10)

# Written to the database, read through the cache; when the cache is down, read from and
# written to the database alone (common/sessions.py).
SESSION_ENGINE = "common.sessions"

# --- Auth ---------------------------------------------------------------------------------
AUTH_USER_MODEL = "employers.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "employers:dashboard"
LOGOUT_REDIRECT_URL = "home"

# --- Internationalisation -----------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Static and media files ---------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("DJANGO_MEDIA_ROOT", default=str(BASE_DIR / "media")))
APPLICATIONS_STORAGE = env.str(
    "DJANGO_APPLICATIONS_STORAGE", default="applications.storage.PrivateFileSystemStorage"
)
# On object storage the CV view redirects to a signed URL that lasts this long.
APPLICATIONS_SIGNED_URL_SECONDS = env.int("APPLICATIONS_SIGNED_URL_SECONDS", default=60)
# A private bucket (django-storages' S3Storage, any S3-compatible service): objects are
# private, read only through signed URLs that the CV view hands out after checking who asks,
# for APPLICATIONS_SIGNED_URL_SECONDS. boto3 reads the credentials, region and endpoint from
# the usual AWS_* variables (or the machine's role).
APPLICATIONS_BUCKET_OPTIONS = {
    "bucket_name": env.str("DJANGO_APPLICATIONS_BUCKET", default=""),
    "default_acl": "private",
    "querystring_auth": True,
    "querystring_expire": APPLICATIONS_SIGNED_URL_SECONDS,
    "file_overwrite": False,
}
STORAGES = {
    "default": {
        "BACKEND": env.str(
            "DJANGO_MEDIA_STORAGE", default="django.core.files.storage.FileSystemStorage"
        )
    },
    # Candidates' CVs: never public (see applications/storage.py).
    "applications": {
        "BACKEND": APPLICATIONS_STORAGE,
        "OPTIONS": (
            APPLICATIONS_BUCKET_OPTIONS
            if APPLICATIONS_STORAGE.startswith("storages.")
            else {
                "location": env.str("DJANGO_PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "private"))
            }
        ),
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if HARDENED
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Email --------------------------------------------------------------------------------
# Development prints messages to the console (see `make run`'s output); production reads an
# SMTP URL such as smtp+tls://user:password@smtp.example.org:587.
_email = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST", "")
EMAIL_PORT = _email.get("EMAIL_PORT", 25)
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
if "EMAIL_FILE_PATH" in _email:
    EMAIL_FILE_PATH = _email["EMAIL_FILE_PATH"]
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default=f"{SITE_NAME} <jobs@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
STAFF_NOTIFICATION_EMAILS = env.list("STAFF_NOTIFICATION_EMAILS", default=[])

# --- Celery -------------------------------------------------------------------------------
# The embedded default is kombu's SQLAlchemy transport on a SQLite file: a real broker that
# needs no server process, so `make run` shows tasks really passing through a queue.
CELERY_BROKER_URL = env.str(
    "CELERY_BROKER_URL", default=f"sqla+sqlite:///{VAR_DIR / 'celery-broker.sqlite3'}"
)
_default_result_backend = (
    CELERY_BROKER_URL
    if CELERY_BROKER_URL.startswith(("redis://", "rediss://"))
    else f"db+sqlite:///{VAR_DIR / 'celery-results.sqlite3'}"
)
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=_default_result_backend)
CELERY_RESULT_EXPIRES = timedelta(days=1)
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 10 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 9 * 60
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing must not hang a web request when the broker is down: fail fast, the caller logs.
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5}
# Redis redelivers an unacknowledged task after the visibility timeout (acks_late): longer than
# any task's time limit plus the longest retry wait (a retry is a delayed task), so a task is
# never handed out twice while it waits or runs. A task a worker held when Redis restarted is
# handed out again after it. Health checks find a dead connection within the interval instead
# of waiting on it. kombu's SQLAlchemy transport passes its options to create_engine.
_on_redis_broker = CELERY_BROKER_URL.startswith(("redis://", "rediss://"))
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {
        "visibility_timeout": 60 * 60,
        "health_check_interval": 25,
        "retry_on_timeout": True,
        "socket_keepalive": True,
        "socket_connect_timeout": 5,
    }
    if _on_redis_broker
    else {}
)
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"retry_policy": {"timeout": 5.0}}
CELERY_REDIS_BACKEND_HEALTH_CHECK_INTERVAL = 25
# A worker keeps trying to reach a lost broker for as long as it takes, instead of giving up
# after 100 attempts; a task running when the connection went is stopped and, acknowledged
# late, redelivered (every task is idempotent).
CELERY_BROKER_CONNECTION_RETRY = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
# Survives a lost broker while holding unacknowledged messages (see jobboard/celery.py).
CELERY_WORKER_CONSUMER = "jobboard.celery:Consumer"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
# Exactly one beat process runs this (see docs/operations.md; cron can run the same jobs).
CELERY_BEAT_SCHEDULE = {
    # /healthz reports how long ago a worker last ran this.
    "worker-heartbeat": {"task": "jobboard.heartbeat", "schedule": timedelta(seconds=30)},
    # Tasks that writes promised (the outbox) and that were not queued when they committed.
    "relay-outbox": {"task": "outbox.tasks.relay_outbox", "schedule": timedelta(minutes=1)},
    "expire-vacancies": {
        "task": "listings.tasks.expire_vacancies",
        "schedule": timedelta(minutes=5),
    },
    # Keeps the facet cubes (listings.selectors.warm_cubes) fresh: they live a minute.
    "warm-search-cubes": {
        "task": "listings.tasks.warm_search_cubes",
        "schedule": timedelta(seconds=50),
    },
    # The words behind "Did you mean …?" (listings.search.suggest): new vacancies' words
    # are offered within the hour.
    "refresh-search-words": {
        "task": "listings.tasks.refresh_search_words",
        "schedule": timedelta(hours=1),
    },
    "send-expiry-reminders": {
        "task": "listings.tasks.send_expiry_reminders",
        "schedule": timedelta(hours=1),
    },
    "send-pending-alert-confirmations": {
        "task": "listings.tasks.send_pending_alert_confirmations",
        "schedule": timedelta(minutes=10),
    },
    "send-job-alerts-instant": {
        "task": "listings.tasks.send_job_alerts",
        "schedule": timedelta(minutes=10),
        "args": ["instant"],
    },
    # Digests go out at 07:00 (weekly: Monday 07:30); the runs every hour after it until 18:00
    # (weekly: to Tuesday) send only to alerts still due, so a run the broker or beat missed is
    # made up the same day and none is sent twice (listings.alerts.digests.MIN_GAP).
    "send-job-alerts-daily": {
        "task": "listings.tasks.send_job_alerts",
        "schedule": crontab(hour="7-18", minute=0),
        "args": ["daily"],
    },
    "send-job-alerts-weekly": {
        "task": "listings.tasks.send_job_alerts",
        "schedule": crontab(hour="7-18", minute=30, day_of_week="mon,tue"),
        "args": ["weekly"],
    },
    "expire-unconfirmed-alerts": {
        "task": "listings.tasks.expire_unconfirmed_alerts",
        "schedule": crontab(hour=3, minute=15),
    },
    # UK GDPR: an unsubscribed alert's address and search are not kept past ALERT_PURGE_DAYS.
    "purge-unsubscribed-alerts": {
        "task": "listings.tasks.purge_unsubscribed_alerts",
        "schedule": crontab(hour=3, minute=25),
    },
    # UK GDPR: applications, CVs and equality answers go APPLICATION_RETENTION_MONTHS after
    # the vacancy closes.
    "purge-applications": {
        "task": "applications.tasks.purge_applications",
        "schedule": crontab(hour=3, minute=35),
    },
    "report-stale-work": {
        "task": "listings.tasks.report_stale_work",
        "schedule": crontab(hour=8, minute=0, day_of_week="mon-fri"),
    },
}

# Serve /_bench/trivial, the yardstick page the load benchmark compares every page with.
BENCHMARK_VIEWS = env.bool("BENCHMARK_VIEWS", default=False)

# --- Job board rules ----------------------------------------------------------------------
VACANCY_MAX_OPEN_DAYS = env.int("VACANCY_MAX_OPEN_DAYS", default=90)
VACANCY_REMINDER_DAYS = env.int("VACANCY_REMINDER_DAYS", default=3)
VACANCY_RENEW_WITHIN_DAYS = env.int("VACANCY_RENEW_WITHIN_DAYS", default=60)
ALERT_CONFIRMATION_DAYS = env.int("ALERT_CONFIRMATION_DAYS", default=7)
# Unsubscribed alerts are deleted (address and search with them) this many days after.
ALERT_PURGE_DAYS = env.int("ALERT_PURGE_DAYS", default=30)
# Applications on the board and their CVs are deleted this many months after the job closes.
APPLICATION_RETENTION_MONTHS = env.int("APPLICATION_RETENTION_MONTHS", default=12)
# The scan step every CV passes: a callable ``scanner(data, *, name) -> applications.files.Scan``
# (the default records "not scanned": plug a virus scanner in here).
APPLICATIONS_CV_SCANNER = env.str("APPLICATIONS_CV_SCANNER", default="applications.files.no_scan")
# Seekers sign in with a one-time code: it lasts this long and dies after this many misses.
SEEKER_CODE_MINUTES = env.int("SEEKER_CODE_MINUTES", default=15)
SEEKER_CODE_ATTEMPTS = env.int("SEEKER_CODE_ATTEMPTS", default=5)
# Job alert sign-ups per email address and per client address in an hour.
ALERT_SIGNUPS_PER_ADDRESS_PER_HOUR = env.int("ALERT_SIGNUPS_PER_ADDRESS_PER_HOUR", default=3)
ALERT_SIGNUPS_PER_IP_PER_HOUR = env.int("ALERT_SIGNUPS_PER_IP_PER_HOUR", default=20)
# Staff are told about drafts untouched this long and reviews waiting this long.
STALE_DRAFT_DAYS = env.int("STALE_DRAFT_DAYS", default=30)
STALE_REVIEW_DAYS = env.int("STALE_REVIEW_DAYS", default=2)
# How long an emailed link works: confirming an employer's email address, joining a team.
EMAIL_VERIFICATION_DAYS = env.int("EMAIL_VERIFICATION_DAYS", default=3)
INVITATION_DAYS = env.int("INVITATION_DAYS", default=7)

# --- Django REST framework and OpenAPI ----------------------------------------------------


def _api_rate(name: str, default: str) -> str | None:
    """A DRF throttle rate from the environment; ``none`` turns that throttle off."""
    rate = env.str(name, default=default).strip()
    return None if rate.lower() in ("", "none", "off") else rate


# How many proxies in front of the app append to X-Forwarded-For (0: none, clients connect
# directly). Rate limits key on the address the outermost trusted proxy saw
# (common.throttling.client_ip; DRF's NUM_PROXIES below).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

REST_FRAMEWORK = {
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # DRF's own throttles, letting a request through when the cache is down (fail open).
    "DEFAULT_THROTTLE_CLASSES": [
        "common.throttling.AnonRateThrottle",
        "common.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": _api_rate("API_ANON_RATE", "120/minute"),
        "user": _api_rate("API_USER_RATE", "600/minute"),
    },
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    # JSON bodies too deep or too large are a 400 (common/parsers.py), never a 500.
    "DEFAULT_PARSER_CLASSES": [
        "common.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": f"{SITE_NAME} API",
    "DESCRIPTION": "Live health and social care vacancies, employers, professions and places.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # Deep links put a link inside each operation's toggle button (nested controls, which
    # screen readers cannot reach); the operations are still found by their tags. The
    # examples' highlighting colours fall below AA contrast on their dark background.
    "SWAGGER_UI_SETTINGS": {"deepLinking": False, "syntaxHighlight": {"activated": False}},
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "SalaryPeriodEnum": "listings.models.SalaryPeriod",
        "ScreeningQuestionKindEnum": "applications.models.ScreeningQuestion.Kind",
    },
    "COMPONENT_SPLIT_REQUEST": True,
}

# --- Cross-site: the article site ---------------------------------------------------------
# Origins of the article site: allowed to call the API from browsers and to frame the widget.
ARTICLE_SITE_ORIGINS = env.list("ARTICLE_SITE_ORIGINS", default=[])
CORS_ALLOWED_ORIGINS = ARTICLE_SITE_ORIGINS
CORS_URLS_REGEX = r"^/api/.*$"

# --- Security -----------------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
        "frame-ancestors": ["'none'"],
    },
}
if HARDENED:
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# --- Logging ------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
