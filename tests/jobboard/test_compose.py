"""docker-compose.yml agrees with the settings; there is no Docker engine here to run it."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
APP_SERVICES = ["migrate", "web", "worker", "beat"]
NGINX_TEMPLATE = ROOT / "deploy" / "nginx" / "default.conf.template"
SETTINGS_SOURCE = (ROOT / "jobboard" / "settings.py").read_text()


def test_production_shape_has_every_service():
    assert set(SERVICES) == {
        "migrate", "static", "proxy", "web", "worker", "beat", "db", "redis",
    }  # fmt: skip


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
    assert SERVICES["migrate"]["command"] == [
        "sh",
        "-c",
        "python manage.py migrate --noinput && python manage.py sync_search_phrases",
    ]


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


def test_only_the_proxy_is_published_and_it_serves_static_and_media():
    published = [name for name, service in SERVICES.items() if service.get("ports")]
    assert published == ["proxy"]
    proxy = SERVICES["proxy"]
    assert proxy["image"].startswith("nginx:")
    assert proxy["environment"]["JOBBOARD_UPSTREAM"] == "web:8000"
    mounts = {volume.split(":")[1]: volume for volume in proxy["volumes"]}
    assert mounts["/srv/media"] == "media:/srv/media:ro"  # the volume the web writes logos to
    assert mounts["/srv/static"] == "static:/srv/static:ro"
    assert mounts["/etc/nginx/templates/default.conf.template"].startswith(
        "./deploy/nginx/default.conf.template:"
    )
    assert "media:/data/media" in SERVICES["web"]["volumes"]
    assert SERVICES["web"]["environment"]["DJANGO_MEDIA_ROOT"] == "/data/media"
    assert "static:/data/static" in SERVICES["static"]["volumes"]
    assert SERVICES["proxy"]["depends_on"]["web"]["condition"] == "service_healthy"


def test_the_proxy_template_names_only_variables_compose_gives_it():
    template = NGINX_TEMPLATE.read_text()
    wanted = set(re.findall(r"\$\{(\w+)\}", template))
    assert wanted == set(SERVICES["proxy"]["environment"])
    for directive in ("proxy_request_buffering on", "client_header_timeout", "limit_conn "):
        assert directive in template


def test_the_apps_trust_exactly_the_one_proxy():
    assert SERVICES["web"]["environment"]["TRUSTED_PROXY_COUNT"] == "1"


def test_every_long_running_service_restarts_and_the_worker_is_pinged():
    for name in ("proxy", "web", "worker", "beat", "db", "redis"):
        assert SERVICES[name]["restart"] == "unless-stopped", name
    ping = " ".join(SERVICES["worker"]["healthcheck"]["test"])
    assert "inspect ping" in ping and "celery@$$HOSTNAME" in ping
