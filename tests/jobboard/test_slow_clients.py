"""Slow and idle clients: nginx, with the compose file's own configuration, in front of a gunicorn
started by the test, on loopback only.

Hundreds of connections that send nothing, or half a request header, are held by nginx; the
gunicorn workers stay free, so health probes and pages keep being answered. nginx also serves
uploaded media and static files, as it does in docker-compose.
"""

from __future__ import annotations

import getpass
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import IN_CI
from tests.jobboard.test_worker import ROOT, _database_url

TEMPLATE = ROOT / "deploy" / "nginx" / "default.conf.template"
IDLE = 200
HALF_SENT = 50


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _nginx() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else "")
    if not found:
        if IN_CI:
            pytest.fail("nginx is not installed (.ci/run installs it)")
        pytest.skip("nginx is not installed: apt-get install nginx-light")
    return found


def _wait_for(url: str, process: subprocess.Popen, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            assert process.poll() is None, f"{what} exited"
            time.sleep(0.2)
    pytest.fail(f"{what} did not answer in {timeout} s")


@pytest.fixture
def proxied(tmp_path):
    """gunicorn (2 sync workers) behind nginx; yields (base URL, media folder)."""
    media = tmp_path / "media"
    media.mkdir()
    gunicorn_port, nginx_port = _free_port(), _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "jobboard.settings",
        "DJANGO_DEBUG": "true",
        "DATABASE_URL": _database_url(),
        "JOBBOARD_VAR_DIR": str(tmp_path / "var"),
        "DJANGO_MEDIA_ROOT": str(media),
        "GUNICORN_ACCESSLOG": "",
        "TRUSTED_PROXY_COUNT": "1",
    }
    gunicorn = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "jobboard.wsgi:application", "--config",
         "gunicorn.conf.py", "--bind", f"127.0.0.1:{gunicorn_port}", "--workers", "2"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    site = (
        TEMPLATE.read_text()
        .replace("${JOBBOARD_UPSTREAM}", f"127.0.0.1:{gunicorn_port}")
        .replace("${NGINX_LISTEN}", f"127.0.0.1:{nginx_port}")
        .replace("${JOBBOARD_STATIC_ROOT}", str(ROOT / "static"))
        .replace("${JOBBOARD_MEDIA_ROOT}", str(media))
    )
    (tmp_path / "site.conf").write_text(site)
    temp = tmp_path / "nginx-temp"
    temp.mkdir()
    user = f"user {getpass.getuser()};" if os.geteuid() == 0 else ""
    (tmp_path / "nginx.conf").write_text(
        f"""{user}
worker_processes 1;
daemon off;
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {tmp_path}/site.conf;
}}
"""
    )
    nginx = subprocess.Popen(
        [_nginx(), "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    base = f"http://127.0.0.1:{nginx_port}"
    try:
        _wait_for(f"http://127.0.0.1:{gunicorn_port}/healthz", gunicorn, "gunicorn")
        _wait_for(f"{base}/healthz", nginx, "nginx")
        yield base, media
    finally:
        for process in (nginx, gunicorn):
            process.terminate()
        for process in (nginx, gunicorn):
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def _status(url: str, timeout: float = 5) -> int:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_idle_and_half_sent_connections_leave_the_site_answering(proxied):
    base, _media = proxied
    port = int(base.rsplit(":", 1)[1])
    held: list[socket.socket] = []
    try:
        for _ in range(IDLE):
            held.append(socket.create_connection(("127.0.0.1", port), timeout=5))
        for _ in range(HALF_SENT):
            sock = socket.create_connection(("127.0.0.1", port), timeout=5)
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            held.append(sock)
        # A starved site would never answer (the held sockets are never let go), so any
        # bound proves it; a generous one keeps a busy machine from failing it.
        answers = [_status(f"{base}/healthz", timeout=30) for _ in range(15)]
    finally:
        for sock in held:
            sock.close()
    # With gunicorn's two sync workers exposed directly, two such sockets were enough.
    assert answers == [200] * 15


def test_uploaded_media_and_static_files_are_served_by_the_proxy(proxied):
    base, media = proxied
    (media / "logos").mkdir()
    (media / "logos" / "care-home.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    with urllib.request.urlopen(f"{base}/media/logos/care-home.png", timeout=5) as response:
        assert response.status == 200
        assert response.headers["Content-Type"] == "image/png"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert _status(f"{base}/media/logos/missing.png") == 404
    static = next(p for p in (ROOT / "static").rglob("*.css"))
    url = f"{base}/static/{static.relative_to(ROOT / 'static').as_posix()}"
    with urllib.request.urlopen(url, timeout=5) as response:
        assert response.status == 200
        assert "immutable" in response.headers["Cache-Control"]
