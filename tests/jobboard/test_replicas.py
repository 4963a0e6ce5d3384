"""Reads from PostgreSQL streaming replicas (common/replicas.py).

The router and the middleware's choices are tested on any database. The real thing runs in
CI's PostgreSQL pass: the test starts a primary of its own (``initdb``, ``wal_level=replica``)
and a hot standby copied from it with ``pg_basebackup -R``, migrates and seeds the primary,
and serves the app under gunicorn with ``DATABASE_REPLICA_URLS`` pointing at the standby.
With the standby's replay paused, a change made on the primary is visible only to requests
that read from the primary, which shows who reads where.
"""

from __future__ import annotations

import glob
import html
import http.cookiejar
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.db import DEFAULT_DB_ALIAS
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from common.replicas import (
    RECENT_WRITE_COOKIE,
    ReplicaReadsMiddleware,
    ReplicaRouter,
    current_read_alias,
    reads_from,
)
from listings.models import Vacancy
from tests.jobboard.test_worker import ROOT

# --- the router and the middleware, on any database ------------------------------------------


class _User:
    def __init__(self, signed_in: bool):
        self.is_authenticated = signed_in


def _routed(request) -> tuple[str, HttpResponse]:
    seen = []

    def view(_request):
        seen.append(current_read_alias())
        return HttpResponse("ok")

    with override_settings(DATABASE_REPLICAS=["replica1"], DATABASE_READ_OWN_WRITES_SECONDS=10):
        response = ReplicaReadsMiddleware(view)(request)
    return seen[0], response


def _request(method: str = "get", *, signed_in: bool = False, **extra):
    request = getattr(RequestFactory(), method)("/jobs/", **extra)
    request.user = _User(signed_in)
    return request


def test_an_anonymous_read_goes_to_a_replica():
    alias, response = _routed(_request())
    assert alias == "replica1"
    assert RECENT_WRITE_COOKIE not in response.cookies


def test_a_signed_in_read_goes_to_the_primary():
    alias, _ = _routed(_request(signed_in=True))
    assert alias == DEFAULT_DB_ALIAS


def test_an_api_token_read_goes_to_the_primary():
    alias, _ = _routed(_request(HTTP_AUTHORIZATION="Token abc"))
    assert alias == DEFAULT_DB_ALIAS


def test_a_write_goes_to_the_primary_and_keeps_the_browser_there_for_a_while():
    alias, response = _routed(_request("post"))
    assert alias == DEFAULT_DB_ALIAS
    cookie = response.cookies[RECENT_WRITE_COOKIE]
    assert cookie["max-age"] == 10
    assert cookie["httponly"]

    request = _request()
    request.COOKIES[RECENT_WRITE_COOKIE] = "1"
    alias, _ = _routed(request)
    assert alias == DEFAULT_DB_ALIAS


def test_without_replicas_nothing_changes():
    seen = []

    def view(_request):
        seen.append(current_read_alias())
        return HttpResponse("ok")

    response = ReplicaReadsMiddleware(view)(_request("post"))
    assert seen == [DEFAULT_DB_ALIAS]
    assert RECENT_WRITE_COOKIE not in response.cookies


def test_the_router_sends_writes_and_reads_outside_a_replica_request_to_the_primary():
    router = ReplicaRouter()
    assert router.db_for_read(Vacancy) == DEFAULT_DB_ALIAS
    with reads_from("replica1"):
        assert router.db_for_read(Vacancy) == "replica1"
        assert router.db_for_write(Vacancy) == DEFAULT_DB_ALIAS
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "listings")
    assert not router.allow_migrate("replica1", "listings")


@pytest.mark.django_db
def test_reads_inside_a_transaction_on_the_primary_stay_there():
    """A test runs inside a transaction: like a service's select_for_update, it reads there."""
    with reads_from("replica1"):
        assert ReplicaRouter().db_for_read(Vacancy) == DEFAULT_DB_ALIAS


# --- a real primary and streaming replica ----------------------------------------------------


def _postgres_bin() -> Path | None:
    """The folder of the server programs (Debian keeps them out of PATH, per version)."""
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    found = versions[-1] if versions else shutil.which("pg_ctl")
    return Path(found).resolve().parent if found else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class StreamingPair:
    """A primary and a hot standby on ports of their own, in a folder of their own.

    PostgreSQL refuses to run as root: as root, its programs run as the ``postgres`` user.
    """

    def __init__(self, bindir: Path):
        self.bindir = bindir
        self.folder = Path(tempfile.mkdtemp(prefix="jb-replica-"))
        self.primary_port = _free_port()
        self.standby_port = _free_port()
        self.as_postgres = os.geteuid() == 0
        if self.as_postgres:
            shutil.chown(self.folder, "postgres", "postgres")

    def run(self, program: str, *args: str) -> None:
        command = [str(self.bindir / program), *args]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def url(self, port: int, name: str = "jobboard") -> str:
        return f"postgres://postgres@127.0.0.1:{port}/{name}"

    def start(self) -> None:
        primary, standby = self.folder / "primary", self.folder / "standby"
        self.run("initdb", "-D", str(primary), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                 "--locale=C.UTF-8")  # fmt: skip
        with (primary / "postgresql.conf").open("a") as conf:
            conf.write(
                f"port = {self.primary_port}\nlisten_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{self.folder}'\nwal_level = replica\n"
                "max_wal_senders = 4\nfsync = off\nsynchronous_commit = off\n"
            )
        self.run("pg_ctl", "-D", str(primary), "-l", str(self.folder / "primary.log"), "-w",
                 "start")  # fmt: skip
        self.run("pg_basebackup", "-h", "127.0.0.1", "-p", str(self.primary_port), "-U",
                 "postgres", "-D", str(standby), "-R", "-X", "stream")  # fmt: skip
        with (standby / "postgresql.conf").open("a") as conf:
            conf.write(f"port = {self.standby_port}\nhot_standby = on\n")
        self.run("pg_ctl", "-D", str(standby), "-l", str(self.folder / "standby.log"), "-w",
                 "start")  # fmt: skip

    def stop(self) -> None:
        for name in ("standby", "primary"):
            if (self.folder / name / "postmaster.pid").exists():
                self.run("pg_ctl", "-D", str(self.folder / name), "-m", "immediate", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)

    def sql(self, port: int, statement: str, params=(), *, database: str = "jobboard"):
        import psycopg

        with psycopg.connect(self.url(port, database), autocommit=True) as conn:
            rows = conn.execute(statement, params)
            return rows.fetchall() if rows.description else None

    def caught_up(self) -> bool:
        (lsn,) = self.sql(self.primary_port, "SELECT pg_current_wal_lsn()::text")[0]
        return self.sql(
            self.standby_port,
            "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn",
            [lsn],
        )[0][0]


def _poll(condition, *, what: str, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


@pytest.fixture
def streaming_pair():
    bindir = _postgres_bin()
    if bindir is None or not (bindir / "pg_basebackup").exists():
        pytest.skip("the PostgreSQL server programs are not installed")
    pair = StreamingPair(bindir)
    try:
        pair.start()
        yield pair
    finally:
        pair.stop()


@pytest.fixture
def replicated_site(streaming_pair, tmp_path):
    """The app under gunicorn: its primary and one replica, migrated and seeded."""
    pair = streaming_pair
    pair.sql(pair.primary_port, "CREATE DATABASE jobboard", database="postgres")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "jobboard.settings",
        "DJANGO_DEBUG": "true",
        "DATABASE_URL": pair.url(pair.primary_port),
        "DATABASE_REPLICA_URLS": pair.url(pair.standby_port),
        # No kept pages or counts: every answer is read from a database.
        "CACHE_URL": "dummycache://",
        "JOBBOARD_VAR_DIR": str(tmp_path),
        "GUNICORN_ACCESSLOG": "",
        "API_ANON_RATE": "none",
    }
    for command in (["migrate", "-v0"], ["seed_demo", "--employers", "3", "--vacancies", "40",
                                          "--no-progress"]):  # fmt: skip
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True,
                       capture_output=True, timeout=300)  # fmt: skip
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "jobboard.wsgi:application", "--config",
         "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"

    def answers():
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=2)
            return True
        except OSError:
            assert server.poll() is None, server.stderr.read()
            return False

    try:
        _poll(answers, what="gunicorn")
        yield base
    finally:
        server.terminate()
        server.wait(timeout=20)


class Browser:
    """One visitor: cookies kept between requests, CSRF tokens read from forms."""

    def __init__(self, base: str):
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def get(self, path: str) -> str:
        """The page's text, entities unescaped (a title's apostrophe is ``&#x27;``)."""
        with self.opener.open(self.base + path, timeout=20) as response:
            return html.unescape(response.read().decode())

    def post_form(self, path: str, fields: dict[str, str]) -> str:
        """Post the form at ``path``; the address of the page it ends on."""
        with self.opener.open(self.base + path, timeout=20) as response:
            page = response.read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **fields}).encode()
        request = urllib.request.Request(self.base + path, data=data,
                                         headers={"Referer": self.base + path})  # fmt: skip
        try:
            with self.opener.open(request, timeout=20) as response:
                return urllib.parse.urlsplit(response.geturl()).path
        except urllib.error.HTTPError as exc:
            pytest.fail(f"{path} answered {exc.code}")

    def forget(self, name: str) -> None:
        for cookie in list(self.cookies):
            if cookie.name == name:
                self.cookies.clear(cookie.domain, cookie.path, cookie.name)


@pytest.mark.postgres
def test_anonymous_searches_read_the_replica_and_members_read_their_own_writes(
    streaming_pair, replicated_site
):
    pair, base = streaming_pair, replicated_site
    _poll(pair.caught_up, what="the standby to replay the seeded rows")
    assert pair.sql(pair.standby_port, "SELECT pg_is_in_recovery()")[0][0] is True

    # The newest live vacancy heads /jobs/ (newest first without keywords).
    (vacancy_id, title) = pair.sql(
        pair.primary_port,
        "SELECT id, title FROM listings_vacancy WHERE status = 'live' AND closes_at > now() "
        "ORDER BY published_at DESC, id DESC LIMIT 1",
    )[0]
    anonymous = Browser(base)
    assert title in anonymous.get("/jobs/")

    # Hold the standby still, then change the vacancy on the primary only.
    pair.sql(pair.standby_port, "SELECT pg_wal_replay_pause()")
    changed = "Replica Lag Revealed Nurse"
    pair.sql(pair.primary_port, "UPDATE listings_vacancy SET title = %s WHERE id = %s",
             [changed, vacancy_id])  # fmt: skip

    page = anonymous.get("/jobs/")
    assert changed not in page and title in page  # served by the paused replica

    employer = Browser(base)  # a member signed in: the session written and read on the primary
    landed = employer.post_form(
        "/accounts/login/", {"username": "employer@example.com", "password": "care-jobs-demo"}
    )
    assert landed.startswith("/employer/")
    employer.forget(RECENT_WRITE_COOKIE)
    assert changed in employer.get("/jobs/")

    # An anonymous browser that has just written (any POST) reads from the primary for a while.
    writer = Browser(base)
    landed = writer.post_form(
        "/accounts/login/", {"username": "nobody@example.com", "password": "wrong"}
    )
    assert landed == "/accounts/login/"  # refused, but a POST all the same
    assert any(c.name == RECENT_WRITE_COOKIE for c in writer.cookies)
    assert changed in writer.get("/jobs/")
    writer.forget(RECENT_WRITE_COOKIE)  # the cookie's time is up
    assert changed not in writer.get("/jobs/")

    # The replica catches up once replay resumes.
    pair.sql(pair.standby_port, "SELECT pg_wal_replay_resume()")
    _poll(lambda: changed in anonymous.get("/jobs/"), what="the replica to show the change")
