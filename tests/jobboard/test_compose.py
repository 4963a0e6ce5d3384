"""docker-compose.yml agrees with the settings; there is no Docker engine here to run it."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
APP_SERVICES = ["migrate", "web", "worker", "beat"]
SETTINGS_SOURCE = (ROOT / "jobboard" / "settings.py").read_text()


def test_production_shape_has_every_service():
    assert set(SERVICES) == {"migrate", "web", "worker", "beat", "db", "redis"}


def test_app_services_share_one_definition():
    first = SERVICES["worker"]
    for name in APP_SERVICES:
        service = SERVICES[name]
        assert service["image"] == first["image"]
        assert service["build"] == first["build"]
        environment = dict(service["environment"])
        if name == "web":  # the web alone adds a statement timeout
            assert environment.pop("DATABASE_STATEMENT_TIMEOUT_MS").endswith(":-5000}")
        assert environment == first["environment"]


def test_commands():
    assert SERVICES["web"]["command"][0] == "gunicorn"
    assert "jobboard.wsgi:application" in SERVICES["web"]["command"]
    assert SERVICES["worker"]["command"][:4] == ["celery", "-A", "jobboard", "worker"]
    assert SERVICES["beat"]["command"][:4] == ["celery", "-A", "jobboard", "beat"]
    assert SERVICES["migrate"]["command"] == ["python", "manage.py", "migrate", "--noinput"]


def test_exactly_one_beat():
    assert SERVICES["beat"].get("deploy", {}).get("replicas", 1) == 1
    beats = [n for n, s in SERVICES.items() if "beat" in (s.get("command") or [])]
    assert beats == ["beat"]


def test_database_and_redis_are_health_checked_and_awaited():
    assert "pg_isready" in " ".join(SERVICES["db"]["healthcheck"]["test"])
    assert "ping" in SERVICES["redis"]["healthcheck"]["test"]
    for name in APP_SERVICES:
        assert SERVICES[name]["depends_on"]["redis"]["condition"] == "service_healthy"
    for name in ("migrate", "web", "worker"):
        assert SERVICES[name]["depends_on"]["db"]["condition"] == "service_healthy"
    for name in ("web", "worker", "beat"):
        assert SERVICES[name]["depends_on"]["migrate"]["condition"] == (
            "service_completed_successfully"
        )


def test_environment_names_are_ones_the_settings_read():
    for name in SERVICES["web"]["environment"]:
        assert re.search(rf'"{name}"', SETTINGS_SOURCE), f"settings.py never reads {name}"


def test_environment_points_at_the_compose_services():
    env = SERVICES["web"]["environment"]
    db = SERVICES["db"]["environment"]
    assert env["DATABASE_URL"] == (
        f"postgres://{db['POSTGRES_USER']}:{db['POSTGRES_PASSWORD']}@db:5432/{db['POSTGRES_DB']}"
    )
    assert env["CELERY_BROKER_URL"].startswith("redis://redis:6379/")
    assert env["REDIS_URL"].startswith("redis://redis:6379/")
    assert env["DJANGO_ENV"] == "production"


def test_dockerfile_serves_with_gunicorn_and_installs_the_lock():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "requirements.lock" in dockerfile
    assert "collectstatic" in dockerfile
    assert "gunicorn" in dockerfile
