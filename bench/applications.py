"""The employer's applications pages at volume: a vacancy's list and the dashboard.

    python -m bench.applications --database-url postgres://postgres@127.0.0.1:5432/jb_bench \
        [--per-vacancy 2000] [--total 50000] [--requests 200]

Seeds once (idempotent, on a database migrated for the purpose): an employer whose vacancies
hold ``--total`` submitted applications, one of them ``--per-vacancy``, with traffic rows,
every status and source, and the funnel's counters of applications and hires filled in by
the backfill of ``applications/migrations/0005_funnel_counters.py`` (a database seeded
before that migration gets them when it is migrated). Then, in this process, through Django's test client signed in as the
employer's owner (the whole middleware, session and template stack), it times
``--requests`` GETs each of the trivial page (``/_bench/trivial``, the base template with no
database), the big vacancy's applications list, the same list sorted by screening answers
and filtered, and the dashboard, interleaved so a busy machine slows them alike. It prints
p50/p95 per page and each page's p50 and p95 as a multiple of the trivial page's, as a
Markdown table for docs/benchmarks.md. The target: p95 of both pages at most 50 ms.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SLUG = "bench-applications"


def _setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["BENCHMARK_VIEWS"] = "true"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jobboard.settings")
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def seed(*, per_vacancy: int, total: int):
    """The employer, its owner and vacancies with their applications; made once."""
    from datetime import timedelta
    from importlib import import_module

    from django.apps import apps as django_apps
    from django.db import transaction
    from django.utils import timezone

    from applications.models import Application
    from employers.models import Employer, Membership, User
    from listings.models import Profession, TrafficSource, Vacancy, VacancyTraffic

    employer = Employer.objects.filter(slug=SLUG).first()
    if employer is not None:
        owner = Membership.objects.filter(employer=employer).select_related("user").first().user
        big = Vacancy.objects.filter(employer=employer).order_by("id").first()
        return owner, big
    now = timezone.now()
    profession = Profession.objects.order_by("id").first()
    sources = list(TrafficSource.values)
    statuses = [s for s in Application.Status.values if s != "draft"]
    vacancies_needed = 1 + max(0, -(-(total - per_vacancy) // per_vacancy))
    with transaction.atomic():
        employer = Employer.objects.create(
            name="Bench Applications Care",
            slug=SLUG,
            sector="independent",
            region="yorkshire",
            verified=True,
        )
        owner = User.objects.create_user(email="bench-applications@example.org", password="x")
        owner.email_verified_at = now
        owner.save()
        Membership.objects.create(user=owner, employer=employer, role="owner")
        vacancies = Vacancy.objects.bulk_create(
            Vacancy(
                employer=employer,
                title=f"Care Assistant {n}",
                slug=f"care-assistant-{n}",
                reference=f"BA{n:06d}",
                profession=profession,
                description="Bench",
                status="live",
                apply_method="board",
                published_at=now - timedelta(days=5),
                closes_at=now + timedelta(days=25),
            )
            for n in range(vacancies_needed)
        )
        left = total
        rows = []
        traffic = []
        for index, vacancy in enumerate(vacancies):
            count = min(per_vacancy, left)
            left -= count
            for n in range(count):
                rows.append(
                    Application(
                        vacancy=vacancy,
                        email=f"c{index}-{n}@example.net",
                        full_name=f"Candidate {index}-{n}",
                        status=statuses[n % len(statuses)],
                        source=sources[n % len(sources)],
                        screening_passed=n % 3 != 0,
                        screening_yes_count=n % 4,
                        rating=(n % 6) or None,
                        created_at=now,
                        updated_at=now,
                        submitted_at=now - timedelta(minutes=n),
                    )
                )
            traffic += [
                VacancyTraffic(
                    vacancy=vacancy,
                    day=(now - timedelta(days=day)).date(),
                    source=source,
                    views=50,
                    apply_clicks=5,
                )
                for day in range(30)
                for source in sources
            ]
        VacancyTraffic.objects.bulk_create(traffic, batch_size=5000)
        Application.objects.bulk_create(rows, batch_size=5000)
        # The funnel's counters, as the services keep them: counted by the migration's backfill.
        import_module("applications.migrations.0005_funnel_counters").backfill(django_apps)
    return owner, vacancies[0]


def _time(client, url: str) -> float:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    return elapsed * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--per-vacancy", type=int, default=2000)
    parser.add_argument("--total", type=int, default=50_000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args(argv)
    _setup(args.database_url)

    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from applications.models import Application

    owner, big = seed(per_vacancy=args.per_vacancy, total=args.total)
    client = Client()
    client.force_login(owner)
    pages = {
        "trivial page": "/_bench/trivial",
        f"applications of one vacancy ({big.applications.count():,})": reverse(
            "applications:list", args=[big.reference]
        ),
        "the same, by screening answers, passed, rated 3+": reverse(
            "applications:list", args=[big.reference]
        )
        + "?sort=screening&screening=passed&rating=3",
        f"dashboard ({Application.objects.filter(vacancy__employer=big.employer).count():,}"
        " applications)": reverse("employers:dashboard"),
    }
    for url in pages.values():  # warm: templates, the session, the plan cache
        for _ in range(5):
            _time(client, url)
    timings = {name: [] for name in pages}
    for _ in range(args.requests):
        for name, url in pages.items():
            timings[name].append(_time(client, url))

    def p(values, share):
        return statistics.quantiles(values, n=100)[int(share * 100) - 1]

    trivial = timings["trivial page"]
    t50, t95 = statistics.median(trivial), p(trivial, 0.95)
    print(
        f"{connection.vendor}, {platform.python_implementation()} {platform.python_version()}, "
        f"{args.requests} requests each, in-process test client\n"
    )
    print("| page | p50 ms | p95 ms | p50 / trivial | p95 / trivial |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, values in timings.items():
        m, q = statistics.median(values), p(values, 0.95)
        print(f"| {name} | {m:.1f} | {q:.1f} | {m / t50:.1f} | {q / t95:.1f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
