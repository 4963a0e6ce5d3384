"""Expiry and job alert benchmark, on a seeded PostgreSQL database.

    python -m bench.alerts --database-url postgres://postgres@127.0.0.1:5432/jobboard_bench_alerts \
        [--expire 100000] [--alerts 100000] [--chunk-size 200]

Seed first (minutes for a million vacancies)::

    DATABASE_URL=... python manage.py migrate
    DATABASE_URL=... python manage.py seed_demo --employers 20000 --vacancies 1000000

It measures, with the project's own code paths:

1. Expiry: ``--expire`` live vacancies are made due (closing a minute ago), then
   ``services.vacancies_expire`` runs as the task runs it, then once more (idempotent: it must
   find nothing), and the per-employer grouping the task does before queueing summaries.
   Everything it changed is put back afterwards, so the benchmark can be repeated.
2. Daily digests: ``--alerts`` confirmed daily alerts (created with ``seed_alerts`` if there
   are fewer), each last sent a day ago; the digests are computed exactly as the
   ``send_job_alerts`` task and ``send_job_alerts daily --dry-run`` do
   (``alerts.digests.alert_run_digests``): matched with the search FilterSet, nothing sent,
   nothing changed. Resident memory is read after every chunk to show it stays flat.

Results print as a Markdown table for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def rss_mb() -> float:
    """This process's resident memory now, in MiB (from /proc, Linux)."""
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


class QueryCounter:
    """Counts SQL statements through Django's execute wrapper."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def bench_expiry(count: int) -> list[tuple[str, str]]:
    from django.db import connection, transaction
    from django.utils import timezone

    from listings import notifications, services
    from listings.models import Vacancy

    total = Vacancy.objects.count()
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_expiry_saved")
        cursor.execute(
            """
            CREATE TABLE bench_expiry_saved AS
            SELECT id, closes_at FROM listings_vacancy
            WHERE status = 'live' AND published_at < %s AND closes_at > %s
            ORDER BY id LIMIT %s
            """,
            [now - timedelta(hours=1), now, count],
        )
        cursor.execute("SELECT count(*) FROM bench_expiry_saved")
        chosen = cursor.fetchone()[0]
        with transaction.atomic():
            cursor.execute(
                """
                UPDATE listings_vacancy v SET closes_at = %s
                FROM bench_expiry_saved s WHERE v.id = s.id
                """,
                [now - timedelta(minutes=1)],
            )
        cursor.execute("ANALYZE listings_vacancy")
    due = Vacancy.objects.due_to_expire(now=now).count()
    try:
        started = time.perf_counter()
        expired = services.vacancies_expire(now=now)
        first = time.perf_counter() - started
        started = time.perf_counter()
        again = services.vacancies_expire(now=now)
        second = time.perf_counter() - started
        started = time.perf_counter()
        recounted = services.employers_live_counts_refresh(now=now)
        recounting = time.perf_counter() - started
        started = time.perf_counter()
        grouped = notifications.expired_by_employer(expired)
        grouping = time.perf_counter() - started
    finally:
        with connection.cursor() as cursor, transaction.atomic():
            cursor.execute(
                """
                UPDATE listings_vacancy v
                SET closes_at = s.closes_at, status = 'live', expired_at = NULL
                FROM bench_expiry_saved s WHERE v.id = s.id
                """
            )
            cursor.execute("DROP TABLE bench_expiry_saved")
        services.employers_live_counts_refresh()
    assert len(expired) == due, (len(expired), due)
    assert again == [], "a second run must find nothing"
    return [
        ("Vacancies in the table", f"{total:,}"),
        ("Due to expire (made due for the run)", f"{due:,} (of them {chosen:,} set up)"),
        ("`vacancies_expire`: first run", f"{first:.2f} s ({len(expired):,} expired)"),
        ("`vacancies_expire`: second run (idempotent)", f"{second:.3f} s (0 expired)"),
        (
            "Recounting every employer's live vacancies (the task's next step)",
            f"{recounting:.2f} s ({recounted:,} employers changed)",
        ),
        (
            "Grouping by employer for the summary emails",
            f"{grouping:.2f} s ({len(grouped):,} employers)",
        ),
    ]


def bench_digests(alert_count: int, chunk_size: int) -> list[tuple[str, str]]:
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from listings.alerts import digests as digest_runs
    from listings.models import JobAlert, Vacancy

    existing = JobAlert.objects.active().filter(frequency="daily").count()
    if existing < alert_count:
        call_command("seed_alerts", "--alerts", str(alert_count - existing))
    now = timezone.now()
    JobAlert.objects.filter(frequency="daily").update(last_sent_at=now - timedelta(days=1))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE listings_jobalert")
    due = digest_runs.alerts_due("daily", now=now).count()
    distinct = digest_runs.alerts_due("daily", now=now).values("query").distinct().count()
    new_today = (
        Vacancy.objects.live(now=now).filter(published_at__gt=now - timedelta(days=1)).count()
    )

    counter = QueryCounter()
    samples: list[float] = []
    totals = digest_runs.SendResult()
    chunks = 0
    started = time.perf_counter()
    with connection.execute_wrapper(counter):
        for digests in digest_runs.alert_run_digests("daily", now=now, size=chunk_size):
            quiet = sum(1 for digest in digests if not digest.vacancy_ids)
            totals.sent += len(digests) - quiet
            totals.nothing_new += quiet
            chunks += 1
            samples.append(rss_mb())
    elapsed = time.perf_counter() - started

    def at(share: float) -> float:
        return samples[max(0, int(len(samples) * share) - 1)] if samples else 0.0

    return [
        ("Confirmed daily alerts due", f"{due:,}"),
        ("Distinct searches among them", f"{distinct:,}"),
        ("Live vacancies published in the last day", f"{new_today:,}"),
        (
            "Digests computed (`alert_run_digests`, as `send_job_alerts --dry-run`)",
            f"{elapsed:.1f} s in {chunks:,} chunks of {chunk_size}",
        ),
        ("Alerts with something new / nothing new", f"{totals.sent:,} / {totals.nothing_new:,}"),
        (
            "SQL statements",
            f"{counter.count:,} ({counter.count / max(1, distinct):.1f} per search)",
        ),
        (
            "Resident memory after 10% / 50% / 100% of chunks (peak)",
            f"{at(0.1):.0f} / {at(0.5):.0f} / {at(1.0):.0f} MiB "
            f"({max(samples, default=0):.0f} MiB)",
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--expire", type=int, default=100_000)
    parser.add_argument("--alerts", type=int, default=100_000)
    parser.add_argument("--chunk-size", type=int, default=200)
    parser.add_argument("--skip-expiry", action="store_true")
    parser.add_argument("--skip-digests", action="store_true")
    args = parser.parse_args(argv)
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        parser.error("the benchmark is defined on PostgreSQL")

    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jobboard.settings")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    # As the worker runs in production: with DEBUG on, Django keeps the text of the last
    # 9,000 queries, which the memory figures would count.
    os.environ.setdefault("DJANGO_DEBUG", "false")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()

    print(f"Machine: {platform.platform()}, {os.cpu_count()} cores")
    print(f"Python {platform.python_version()}; load average at start {os.getloadavg()[0]:.1f}")
    print()
    print("| Measure | Result |")
    print("| --- | --- |")
    if not args.skip_expiry:
        for name, value in bench_expiry(args.expire):
            print(f"| {name} | {value} |", flush=True)
    if not args.skip_digests:
        for name, value in bench_digests(args.alerts, args.chunk_size):
            print(f"| {name} | {value} |", flush=True)
    print(f"\nLoad average at end: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
