"""Settings: safe defaults with nothing set, the environment wins, production is hardened."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import json, django
from django.conf import settings
django.setup()
db = settings.DATABASES["default"]
print(json.dumps({
    "engine": db["ENGINE"], "db_name": str(db["NAME"]), "debug": settings.DEBUG,
    "broker": settings.CELERY_BROKER_URL, "results": settings.CELERY_RESULT_BACKEND,
    "cache": settings.CACHES["default"]["BACKEND"], "email": settings.EMAIL_BACKEND,
    "email_host": settings.EMAIL_HOST, "ssl_redirect": getattr(settings, "SECURE_SSL_REDIRECT", False),
    "hsts": getattr(settings, "SECURE_HSTS_SECONDS", 0), "session_secure": settings.SESSION_COOKIE_SECURE,
}))
"""
READS = re.compile(r'env\.(?:str|bool|int|list|db|email_url|cache_url_config)\(\s*"([A-Z_]+)"')
SETTINGS_VARS = set(READS.findall((ROOT / "jobboard" / "settings.py").read_text()))


def _clean_env(**extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_"))}
    for name in SETTINGS_VARS | {"REDIS_URL", "CACHE_URL", "DATABASE_URL", "EMAIL_URL"}:
        env.pop(name, None)
    env["DJANGO_SETTINGS_MODULE"] = "jobboard.settings"
    env.update(extra)
    return env


def _probe(**extra) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=_clean_env(**extra),
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_defaults_need_no_server():
    conf = _probe()
    assert conf["engine"] == "django.db.backends.sqlite3"
    assert conf["broker"].startswith("sqla+sqlite:///")
    assert conf["results"].startswith("db+sqlite:///")
    assert conf["cache"].endswith("FileBasedCache")  # shared by web, worker and beat
    assert conf["email"].endswith("console.EmailBackend")
    assert conf["debug"] is True
    assert conf["ssl_redirect"] is False


def test_environment_selects_postgres_redis_and_smtp():
    conf = _probe(
        DATABASE_URL="postgres://u:p@db.internal:5432/jobs",
        CELERY_BROKER_URL="redis://redis.internal:6379/0",
        REDIS_URL="redis://redis.internal:6379/1",
        EMAIL_URL="smtp+tls://mailer:secret@smtp.example.org:587",
    )
    assert conf["engine"] == "django.db.backends.postgresql"
    assert conf["db_name"] == "jobs"
    assert conf["broker"] == conf["results"] == "redis://redis.internal:6379/0"
    assert conf["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert conf["email"].endswith("smtp.EmailBackend")
    assert conf["email_host"] == "smtp.example.org"


def test_production_is_hardened():
    conf = _probe(
        DJANGO_ENV="production", DJANGO_SECRET_KEY="x" * 60, DJANGO_ALLOWED_HOSTS="jobs.example.org"
    )
    assert conf["debug"] is False
    assert conf["ssl_redirect"] is True
    assert conf["hsts"] >= 31536000
    assert conf["session_secure"] is True


def test_production_refuses_to_start_without_a_secret_key():
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=_clean_env(DJANGO_ENV="production"),
        capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_check_deploy_is_silent_in_production():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_clean_env(
            DJANGO_ENV="production",
            DJANGO_SECRET_KEY="a-long-random-production-secret-key-0123456789-abcdefghijklmnop",
            DJANGO_ALLOWED_HOSTS="jobs.example.org",
        ),
        capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("document", [".env.example", "README.md"])
def test_every_setting_read_from_the_environment_is_documented(document):
    text = (ROOT / document).read_text()
    missing = sorted(name for name in SETTINGS_VARS if name not in text)
    assert not missing, f"{document} does not mention {missing}"


@pytest.mark.parametrize(
    ("value", "expected"), [("none", None), ("OFF", None), ("30/minute", "30/minute")]
)
def test_an_api_rate_of_none_turns_that_throttle_off(monkeypatch, value, expected):
    from jobboard.settings import _api_rate

    monkeypatch.setenv("API_ANON_RATE", value)
    assert _api_rate("API_ANON_RATE", "120/minute") == expected


def test_the_default_cache_is_shared_by_the_processes_of_make_run(tmp_path):
    """The worker's heartbeat, written in one process, is what /healthz reads in another."""
    write = "import django; django.setup(); from jobboard.celery import heartbeat; heartbeat()"
    read = (
        "import django; django.setup(); from jobboard.views import _worker_seen; "
        "print(_worker_seen())"
    )
    env = _clean_env(JOBBOARD_VAR_DIR=str(tmp_path))
    subprocess.run([sys.executable, "-c", write], cwd=ROOT, env=env, check=True)
    seen = (
        subprocess.run(
            [sys.executable, "-c", read],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    assert seen != "None" and float(seen) < 60


# Every setting the code reads, wherever it reads it (``settings.NAME`` or
# ``getattr(settings, "NAME", default)``): a default hidden in a ``getattr`` is a setting no
# operator can find.
CODE_DIRS = sorted(path.parent.name for path in ROOT.glob("*/apps.py"))  # every app of ours
ATTRIBUTE_READ = re.compile(r"\bsettings\.([A-Z][A-Z0-9_]+)\b")
GETATTR_READ = re.compile(r"getattr\(\s*settings\s*,\s*[\"']([A-Z][A-Z0-9_]+)[\"']")
ASSIGNED = re.compile(r"^\s*([A-Z][A-Z0-9_]+)\s*(?::[^=]+)?=", re.MULTILINE)


def _settings_read_in_code() -> tuple[set[str], set[str]]:
    attributes, getattrs = set(), set()
    for directory in CODE_DIRS:
        for path in (ROOT / directory).rglob("*.py"):
            if "migrations" in path.parts or path.name == "settings.py":
                continue
            text = path.read_text()
            attributes |= set(ATTRIBUTE_READ.findall(text))
            getattrs |= set(GETATTR_READ.findall(text))
    return attributes, getattrs


def test_every_setting_the_code_reads_is_defined_in_settings():
    from django.conf import global_settings

    defined = set(ASSIGNED.findall((ROOT / "jobboard" / "settings.py").read_text()))
    django_defaults = {name for name in dir(global_settings) if name.isupper()}
    attributes, getattrs = _settings_read_in_code()
    missing = sorted((attributes | getattrs) - defined - django_defaults)
    assert not missing, f"jobboard/settings.py does not define {missing}"
    hidden = sorted(getattrs - defined)
    assert not hidden, f"read with a default but not defined in settings: {hidden}"


@pytest.mark.parametrize("document", [".env.example", "README.md"])
def test_every_setting_of_ours_the_code_reads_is_documented(document):
    """Our own rules (not Django's or a library's) are in the README's table and .env.example."""
    from django.conf import global_settings

    text = (ROOT / document).read_text()
    django_defaults = {name for name in dir(global_settings) if name.isupper()}
    attributes, getattrs = _settings_read_in_code()
    ours = {
        name
        for name in (attributes | getattrs) - django_defaults
        if not name.startswith(("CELERY_", "REST_", "SPECTACULAR_", "CORS_", "STORAGES"))
    }
    # Derived in settings.py from documented variables (DATABASE_REPLICA_URLS), or internal.
    internal = {"VAR_DIR", "IS_PRODUCTION", "BASE_DIR", "CELERY_BEAT_SCHEDULE", "DATABASE_REPLICAS"}
    missing = sorted(name for name in ours - internal if name not in text)
    assert not missing, f"{document} does not mention {missing}"


REPLICA_PROBE = """
import json, django
from django.conf import settings
django.setup()
dbs = settings.DATABASES
print(json.dumps({
    "aliases": sorted(dbs), "replicas": settings.DATABASE_REPLICAS,
    "routers": getattr(settings, "DATABASE_ROUTERS", []),
    "hosts": {a: dbs[a]["HOST"] for a in dbs}, "mirror": dbs.get("replica2", {}).get("TEST", {}),
    "options": {a: dbs[a].get("OPTIONS", {}).get("options", "") for a in dbs},
    "no_cursors": {a: dbs[a].get("DISABLE_SERVER_SIDE_CURSORS", False) for a in dbs},
}))
"""


def _probe_replicas(**extra) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", REPLICA_PROBE], cwd=ROOT, env=_clean_env(**extra),
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_replica_urls_add_read_only_aliases_and_the_router():
    conf = _probe_replicas(
        DATABASE_URL="postgres://u:p@primary.internal:5432/jobs",
        DATABASE_REPLICA_URLS="postgres://u:p@r1.internal:5432/jobs,postgres://u:p@r2.internal:5432/jobs",
    )
    assert conf["aliases"] == ["default", "replica1", "replica2"]
    assert conf["replicas"] == ["replica1", "replica2"]
    assert conf["routers"] == ["common.replicas.ReplicaRouter"]
    assert conf["hosts"] == {"default": "primary.internal", "replica1": "r1.internal",
                             "replica2": "r2.internal"}  # fmt: skip
    assert conf["mirror"]["MIRROR"] == "default"
    assert conf["options"]["replica1"] == conf["options"]["default"] == "-c jit=off"
    assert _probe_replicas()["routers"] == []  # no replicas, no router


def test_behind_pgbouncer_no_startup_options_and_no_server_side_cursors():
    conf = _probe_replicas(
        DATABASE_URL="postgres://u:p@pgbouncer:6432/jobs",
        DATABASE_REPLICA_URLS="postgres://u:p@pgbouncer:6432/jobs_replica",
        DATABASE_PGBOUNCER="true",
        DATABASE_STATEMENT_TIMEOUT_MS="5000",
    )
    assert conf["options"] == {"default": "", "replica1": ""}
    assert conf["no_cursors"] == {"default": True, "replica1": True}
