"""Load benchmark: the app under gunicorn as in production, driven by wrk from another process.

    python -m bench.load --database-url postgres://postgres@127.0.0.1:5432/jobboard_bench \
        [--seed --vacancies 1000000 --employers 20000 --alerts 100000] [--port 8104] \
        [--duration 20] [--connections 50] [--workers 5] [--groups search vacancy] \
        [--writes-every 2 [--expiry-every 300]] [--long-tail 2000] [--out FILE]

For each group of the committed request mix (bench/mix.py) it reports throughput, median,
p95 and p99 latency, errors, SQL queries per request (counted in-process with Django's test
client) and the throughput as a share of a trivial page that renders the base template
without touching the database, on the same server and settings. The trivial view is
measured before and after every group and the share is taken of their mean, so a machine
that other work slows down in the middle of a run still gives a fair ratio; each row also
gives the load average when it ended.

Beside the server a process does the beat's cube warming every 50 s, as production's beat
does (``--no-beat`` leaves it out). ``--writes-every N`` then runs the groups again while ``bench/writes.py`` publishes, edits
or closes a vacancy every N seconds through the services (and runs the expiry every
``--expiry-every`` seconds), rows marked "under writes". ``--long-tail N`` requests N
distinct, never-seen search URLs (bench/mix.py ``long_tail``) once each, from two clients,
in two rows (filters only; keyword and distance). A final mixed run with every group at once
checks that 50 concurrent clients get no error, and the RSS of each gunicorn worker is read
before and after to show whether memory stays flat.

Needs Debian's ``wrk`` (``make bench-deps`` installs it).
"""

from __future__ import annotations

import argparse
import http.client
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
import threading
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
            if 400 <= response.status_code < 500:
                raise SystemExit(f"{path} answered {response.status_code}")
            total += len(captured)
        counts[name] = total / len(sample)
    return counts


def run_once_each(base: str, paths: list[str], *, clients: int) -> dict:
    """Request every path once, ``clients`` at a time (keep-alive connections); wrk's summary."""
    host, port = base.removeprefix("http://").split(":")
    todo = iter(paths)
    lock = threading.Lock()
    latencies: list[float] = []
    failures = {"status": 0, "socket": 0}

    def client():
        connection = http.client.HTTPConnection(host, int(port), timeout=10)
        while True:
            with lock:
                path = next(todo, None)
            if path is None:
                break
            started = time.perf_counter()
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                bad = response.status >= 400
            except OSError:
                connection.close()
                connection = http.client.HTTPConnection(host, int(port), timeout=10)
                with lock:
                    failures["socket"] += 1
                continue
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                failures["status"] += bad
        connection.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    duration = time.perf_counter() - started
    latencies.sort()

    def percentile(p: float) -> int:
        if not latencies:
            return 0
        return int(latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))] * 1e6)

    return {
        "requests": len(latencies),
        "duration_us": int(duration * 1e6),
        "rps": len(latencies) / duration,
        "p50": percentile(50),
        "p95": percentile(95),
        "p99": percentile(99),
        "max": percentile(100),
        "errors_status": failures["status"],
        "errors_socket": failures["socket"],
    }


GROUP_CHOICES = {
    "search": ("search, filters only", "search, keyword and distance", "search, deep pages"),
    "landing": ("landing pages",),
    "vacancy": ("vacancy pages",),
    "employer": ("employer pages", "employer directory"),
    "api": ("API lists", "widget"),
}


def start_writes(args, env, *, every: float, warm_every: float = 0) -> subprocess.Popen:
    """``bench/writes.py`` beside the server: the writes, or (``every=0``) the beat's cube
    warming alone, as production's beat does every 50 s."""
    command = [sys.executable, "-m", "bench.writes", "--database-url", args.database_url,
               "--every", str(every), "--expiry-every", str(args.expiry_every),
               "--warm-every", str(warm_every)]  # fmt: skip
    if args.redis_url:
        command += ["--redis-url", args.redis_url]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)


def stop_writes(writer: subprocess.Popen) -> dict:
    writer.send_signal(signal.SIGTERM)
    out, _err = writer.communicate(timeout=120)
    line = next((x for x in out.splitlines() if x.startswith("WRITES ")), "WRITES {}")
    return json.loads(line.removeprefix("WRITES "))


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
    parser.add_argument("--port", type=int, default=0, help="the server's port (default: free)")
    parser.add_argument("--duration", type=int, default=20, help="seconds per group")
    parser.add_argument("--trivial-seconds", type=int, default=8, help="per trivial measure")
    parser.add_argument("--soak", type=int, default=60, help="seconds of the mixed run (0: none)")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1)
    parser.add_argument("--groups", nargs="*", choices=sorted(GROUP_CHOICES), help="default all")
    parser.add_argument("--writes-every", type=float, default=0, help="seconds between writes")
    parser.add_argument("--expiry-every", type=float, default=300)
    parser.add_argument("--long-tail", type=int, default=0, help="never-seen search URLs")
    parser.add_argument(
        "--beat", action=argparse.BooleanOptionalAction, default=True,
        help="warm the search cubes every 50 s as production's beat does",
    )  # fmt: skip
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
    from bench.mix import build_groups, long_tail

    # This process reads the database without the web's statement timeout.
    local = {**env, "DATABASE_STATEMENT_TIMEOUT_MS": "0"}
    groups = build_groups(local, rng=random.Random(7))
    if args.groups:
        wanted = {name for choice in args.groups for name in GROUP_CHOICES[choice]}
        groups = {name: paths for name, paths in groups.items() if name in wanted}
    tail = long_tail(local, rng=random.Random(2026), count=args.long_tail) if args.long_tail else {}
    query_counts = queries_per_request(local, groups)

    port = args.port or free_port()
    server = start_server(env, port=port, workers=args.workers)
    base = f"http://127.0.0.1:{port}"
    rows = []
    writes = None
    beat = start_writes(args, env, every=0, warm_every=50) if args.beat else None
    try:
        wait_for(f"{base}/_bench/trivial")
        for paths in groups.values():  # warm every worker's connections and caches
            run_wrk(base, paths, seconds=2, connections=args.workers * 2)
            run_once_each(base, paths, clients=QUIET_CONNECTIONS)  # every page seen once
        drain(base)
        memory_before = rss_of_workers(server.pid)
        quiet_seconds = max(5, args.duration // 3)

        def trivial() -> dict:
            drain(base)
            return run_wrk(
                base, ["/_bench/trivial"], seconds=args.trivial_seconds,
                connections=args.connections,
            )  # fmt: skip

        def measure(name: str, paths: list[str], queries) -> None:
            """Latency with one client per core (no queueing), then throughput under load,
            between two measures of the trivial view."""
            before = trivial()
            drain(base)
            quiet = run_wrk(base, paths, seconds=quiet_seconds, connections=QUIET_CONNECTIONS)
            drain(base)
            loaded = run_wrk(base, paths, seconds=args.duration, connections=args.connections)
            after = trivial()
            rows.append((name, quiet, loaded, queries, (before, after), os.getloadavg()[0]))

        quiet_trivial = run_wrk(
            base, ["/_bench/trivial"], seconds=quiet_seconds, connections=QUIET_CONNECTIONS
        )
        rows.append(("trivial view (yardstick)", quiet_trivial, trivial(), 0.0, None,
                     os.getloadavg()[0]))  # fmt: skip
        for name, paths in groups.items():
            measure(name, paths, query_counts[name])
        if args.writes_every:
            writer = start_writes(args, env, every=args.writes_every)
            try:
                for name, paths in groups.items():
                    if name.startswith(("search", "vacancy", "landing")):
                        measure(f"{name}, under writes", paths, query_counts[name])
            finally:
                writes = stop_writes(writer)
        for name, paths in tail.items():
            before = trivial()
            drain(base)
            once = run_once_each(base, paths, clients=QUIET_CONNECTIONS)
            after = trivial()
            rows.append((f"{name} ({len(paths)} URLs once each)", once, once, None,
                         (before, after), os.getloadavg()[0]))  # fmt: skip
        if args.soak:
            every = [p for paths in groups.values() for p in paths]
            drain(base)
            soak = run_wrk(base, every, seconds=args.soak, connections=args.connections)
            average = sum(query_counts.values()) / max(1, len(query_counts))
            rows.append((f"mixed soak, {args.soak} s", None, soak, average, None,
                         os.getloadavg()[0]))  # fmt: skip
        memory_after = rss_of_workers(server.pid)
    finally:
        if beat is not None:
            stop_writes(beat)
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    table = render(rows, args, memory_before, memory_after, writes)
    print(table)
    if args.out:
        args.out.write_text(table)


def render(rows, args, memory_before, memory_after, writes) -> str:
    yardstick = rows[0][2]["rps"]
    lines = [
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.node()} "
        f"({os.cpu_count()} cores, {platform.python_implementation()} {platform.python_version()}); "
        f"gunicorn {args.workers} workers, wrk {args.connections} connections, "
        f"{args.duration} s per group.",
        "",
        f"Latency first with {QUIET_CONNECTIONS} clients (one per core, no queueing), then "
        f"throughput and latency with {args.connections}; the trivial view's throughput "
        "before/after each group, and the group's share of their mean. Long-tail rows request "
        f"each URL once from {QUIET_CONNECTIONS} clients (their throughput is at that "
        "concurrency).",
        "",
        f"| page group | p50 ms, {QUIET_CONNECTIONS} clients | p95 ms, {QUIET_CONNECTIONS} clients "
        f"| req/s, {args.connections} clients | trivial req/s before/after | share of trivial "
        "| p50 ms | p95 ms | p99 ms | errors | SQL/request | load avg |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, quiet, r, queries, trivials, load in rows:
        status, socket = r["errors_status"], r["errors_socket"]
        if quiet is not None and quiet is not r:
            status += quiet["errors_status"]
            socket += quiet["errors_socket"]
        if quiet is not None:
            unqueued = f"{quiet['p50'] / 1000:.1f} | {quiet['p95'] / 1000:.1f}"
        else:
            unqueued = "– | –"
        if trivials:
            before, after = trivials
            reference = (before["rps"] + after["rps"]) / 2
            around = f"{before['rps']:.0f} / {after['rps']:.0f}"
        else:
            reference, around = yardstick, "–"
        sql = "–" if queries is None else f"{queries:.1f}"
        lines.append(
            f"| {name} | {unqueued} | {r['rps']:.0f} | {around} | "
            f"{r['rps'] / max(reference, 1e-9):.2f} | {r['p50'] / 1000:.1f} | "
            f"{r['p95'] / 1000:.1f} | {r['p99'] / 1000:.1f} | {_errors(status, socket)} | "
            f"{sql} | {load:.1f} |"
        )
    lines += [
        "",
        f"Worker RSS before: {', '.join(f'{k // 1024} MiB' for k in memory_before)}; "
        f"after: {', '.join(f'{k // 1024} MiB' for k in memory_after)}.",
    ]
    if writes is not None:
        lines += ["", f'Writes during the "under writes" rows: {json.dumps(writes)}.']
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
