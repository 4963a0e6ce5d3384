"""Load benchmark: the app under gunicorn as in production, driven by wrk from another process.

    python -m bench.load --database-url postgres://postgres@127.0.0.1:5432/jobboard_bench \
        [--seed --vacancies 1000000 --employers 20000 --alerts 100000] \
        [--duration 20] [--connections 50] [--workers 5] [--out docs/benchmarks-load.md]

For each group of the committed request mix (bench/mix.py) it reports throughput, median,
p95 and p99 latency, errors, SQL queries per request (counted in-process with Django's test
client) and the throughput as a share of a trivial page that renders the base template
without touching the database, on the same server and settings. A final mixed run with every
group at once checks that 50 concurrent clients get no error, and the RSS of each gunicorn
worker is read before and after to show whether memory stays flat.

Needs Debian's ``wrk`` (``make bench-deps`` installs it).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Clients for the latency measurement: one per core, so requests are not queued.
QUIET_CONNECTIONS = os.cpu_count() or 1

WRK_SCRIPT = r"""
local paths = {%(paths)s}
local i = math.random(#paths)
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %%d, "duration_us": %%d, "p50": %%d, "p95": %%d, "p99": %%d, ' ..
    '"max": %%d, "errors_status": %%d, "errors_socket": %%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, e.status, e.connect + e.read + e.write + e.timeout))
end
"""


def _errors(status: int, socket: int) -> str:
    """Errors as wrk counts them: answers other than 2xx/3xx, and timeouts or broken sockets
    (wrk gives up on a request after 10 s), told apart because they mean different things."""
    if not status and not socket:
        return "0"
    parts = [f"{status} non-2xx/3xx" if status else "", f"{socket} timeouts" if socket else ""]
    return f"{status + socket} ({', '.join(part for part in parts if part)})"


def server_env(args) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "jobboard.settings",
        "DJANGO_ENV": "production",
        "DJANGO_SECRET_KEY": "benchmark-only-secret-key-" + "x" * 40,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_LOG_LEVEL": "WARNING",
        "BENCHMARK_VIEWS": "true",
        "DATABASE_URL": args.database_url,
        "GUNICORN_ACCESSLOG": "",
        # As docker-compose runs the web: no query may hold a worker for more than 5 s.
        "DATABASE_STATEMENT_TIMEOUT_MS": "5000",
        # Every request comes from one address here; the per-address API limit (tested in the
        # suite) would turn most API requests into 429s, and a limit too high to bite keeps a
        # list of every request of the last minute in the cache: either measures the limiter.
        "API_ANON_RATE": "none",
        "API_USER_RATE": "none",  # DRF's per-user limit counts anonymous clients by address too
    }
    if args.redis_url:
        env["REDIS_URL"] = args.redis_url
        env["CELERY_BROKER_URL"] = args.redis_url
    return env


def manage(env, *command: str) -> None:
    subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True)


def start_server(env: dict[str, str], *, port: int, workers: int) -> subprocess.Popen:
    """gunicorn as in production (the static files must have been collected)."""
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "jobboard.wsgi:application", "--config",
         "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}", "--workers", str(workers)],
        cwd=ROOT, env=env,
    )  # fmt: skip


def rss_of_workers(master_pid: int) -> list[int]:
    """Resident memory (KiB) of each gunicorn worker, read from /proc."""
    sizes = []
    for child in Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split():
        status = Path(f"/proc/{child}/status").read_text()
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                sizes.append(int(line.split()[1]))
    return sizes


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"server did not answer {url} within {timeout} s")


def drain(base: str, timeout: float = 300) -> None:
    """Wait until the server has worked off requests queued by a previous run.

    Sync workers keep processing requests whose clients wrk already closed; measuring the
    next group before they finish would time the backlog, not the pages.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        started = time.monotonic()
        with urllib.request.urlopen(f"{base}/_bench/trivial", timeout=timeout) as response:
            response.read()
        if time.monotonic() - started < 0.2:
            return
        time.sleep(0.5)


def run_wrk(base: str, paths: list[str], *, seconds: int, connections: int) -> dict:
    quoted = ", ".join(json.dumps(p) for p in paths)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(WRK_SCRIPT % {"paths": quoted})
        script = handle.name
    try:
        out = subprocess.run(
            ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s",
             "-s", script, base],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
    finally:
        os.unlink(script)
    line = next(line for line in out.splitlines() if line.startswith("RESULT "))
    result = json.loads(line.removeprefix("RESULT "))
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    return result


def queries_per_request(env, groups: dict[str, list[str]]) -> dict[str, float]:
    """Average SQL queries per request of each group, counted in this process."""
    os.environ.update(env)
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    settings.SEARCH_PAGE_CACHE = False  # count the queries of a rendered page, not a cache hit

    client = Client()
    counts = {}
    for name, paths in groups.items():
        sample = paths[:5]
        total = 0
        for path in sample:
            with CaptureQueriesContext(connection) as captured:
                response = client.get(path, secure=False)
            if response.status_code >= 400:
                raise SystemExit(f"{path} answered {response.status_code}")
            total += len(captured)
        counts[name] = total / len(sample)
    return counts


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--redis-url", default="", help="cache and broker, as in production")
    parser.add_argument("--seed", action="store_true", help="migrate and load demo data first")
    parser.add_argument("--vacancies", type=int, default=1_000_000)
    parser.add_argument("--employers", type=int, default=20_000)
    parser.add_argument("--alerts", type=int, default=100_000)
    parser.add_argument("--duration", type=int, default=20, help="seconds per group")
    parser.add_argument("--soak", type=int, default=60, help="seconds of the mixed run")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1)
    parser.add_argument("--out", type=Path, help="write the markdown table here")
    args = parser.parse_args(argv)
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: make bench-deps (apt-get install wrk)")

    env = server_env(args)
    if args.seed:
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "seed_demo", "--employers", str(args.employers), "--vacancies",
               str(args.vacancies), "--if-empty")  # fmt: skip
        manage(env, "seed_alerts", "--alerts", str(args.alerts), "--if-empty")

    # The fingerprinted static files production serves, before any page is rendered.
    manage(env, "collectstatic", "--noinput", "-v0")
    from bench.mix import build_groups

    groups = build_groups(env, rng=random.Random(7))
    query_counts = queries_per_request(env, groups)

    port = free_port()
    server = start_server(env, port=port, workers=args.workers)
    base = f"http://127.0.0.1:{port}"
    rows = []
    try:
        wait_for(f"{base}/_bench/trivial")
        for paths in groups.values():  # warm every worker's connections and caches
            run_wrk(base, paths, seconds=2, connections=args.workers * 2)
        drain(base)
        memory_before = rss_of_workers(server.pid)
        quiet_seconds = max(5, args.duration // 3)

        def measure(paths: list[str]) -> tuple[dict, dict]:
            """Latency with one client per core (no queueing), then throughput under load."""
            drain(base)
            quiet = run_wrk(base, paths, seconds=quiet_seconds, connections=QUIET_CONNECTIONS)
            drain(base)
            loaded = run_wrk(base, paths, seconds=args.duration, connections=args.connections)
            return quiet, loaded

        trivial_quiet, trivial = measure(["/_bench/trivial"])
        rows.append(("trivial view (yardstick)", trivial_quiet, trivial, 0.0))
        for name, paths in groups.items():
            quiet, loaded = measure(paths)
            rows.append((name, quiet, loaded, query_counts[name]))
        every = [p for paths in groups.values() for p in paths]
        drain(base)
        soak = run_wrk(base, every, seconds=args.soak, connections=args.connections)
        rows.append(
            (
                f"mixed soak, {args.soak} s",
                None,
                soak,
                sum(query_counts.values()) / len(query_counts),
            )
        )
        memory_after = rss_of_workers(server.pid)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    table = render(rows, trivial["rps"], args, memory_before, memory_after)
    print(table)
    if args.out:
        args.out.write_text(table)


def render(rows, trivial_rps, args, memory_before, memory_after) -> str:
    lines = [
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.node()} "
        f"({os.cpu_count()} cores, {platform.python_implementation()} {platform.python_version()}); "
        f"gunicorn {args.workers} workers, wrk {args.connections} connections, "
        f"{args.duration} s per group.",
        "",
        f"Latency first with {QUIET_CONNECTIONS} clients (one per core, no queueing), then "
        f"throughput and latency with {args.connections}.",
        "",
        f"| page group | p50 ms, {QUIET_CONNECTIONS} clients | p95 ms, {QUIET_CONNECTIONS} clients "
        f"| req/s, {args.connections} clients | share of trivial | p50 ms | p95 ms | p99 ms "
        "| errors | SQL/request |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, quiet, r, queries in rows:
        status, socket = r["errors_status"], r["errors_socket"]
        if quiet is not None:
            status += quiet["errors_status"]
            socket += quiet["errors_socket"]
            unqueued = f"{quiet['p50'] / 1000:.1f} | {quiet['p95'] / 1000:.1f}"
        else:
            unqueued = "– | –"
        lines.append(
            f"| {name} | {unqueued} | {r['rps']:.0f} | "
            f"{r['rps'] / max(trivial_rps, 1e-9):.2f} | {r['p50'] / 1000:.1f} | "
            f"{r['p95'] / 1000:.1f} | {r['p99'] / 1000:.1f} | {_errors(status, socket)} | "
            f"{queries:.1f} |"
        )
    lines += [
        "",
        f"Worker RSS before: {', '.join(f'{k // 1024} MiB' for k in memory_before)}; "
        f"after: {', '.join(f'{k // 1024} MiB' for k in memory_after)}.",
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
