"""Load confirmed demo job alerts with realistic searches, for benchmarks and demos.

The searches are what seekers save from the search and landing pages: mostly a profession
near a town where the jobs are, some a town alone, some keywords, a few a salary or contract
type. Queries are written in the FilterSet's normalised order (``q``, ``location``,
``radius``, ``profession``, ...), so identical searches are identical strings. Deterministic
for a given ``--seed`` and database.
"""

from __future__ import annotations

import random
from datetime import timedelta
from urllib.parse import urlencode

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count, Q
from django.utils import timezone

from listings.models import JobAlert, Place, Profession, Vacancy

KEYWORDS = ["nurse", "care assistant", "social worker", "night", "support worker", "band 5"]
RADII = ["5", "10", "20", "30"]


def query_for(rng: random.Random, professions: list[str], places: list[str]) -> str:
    """One saved search, as the search page's normalised query string."""
    roll = rng.random()
    params: list[tuple[str, str]] = []
    if roll < 0.10:
        params.append(("q", rng.choice(KEYWORDS)))
    if roll < 0.05 or 0.25 <= roll < 0.80:
        params.append(("location", rng.choice(places)))
        if rng.random() < 0.3:
            params.append(("radius", rng.choice(RADII)))
    if roll >= 0.10 and not 0.65 <= roll < 0.80:
        params.append(("profession", rng.choice(professions)))
    if roll >= 0.90:
        params.append(("contract", rng.choice(["permanent", "bank", "fixed_term"])))
    if roll >= 0.95:
        params.append(("salary_min", rng.choice(["25000", "30000", "35000", "40000"])))
    return urlencode(params)


class Command(BaseCommand):
    help = "Create confirmed demo job alerts (bulk inserts) for benchmarks and demos."

    def add_arguments(self, parser):
        parser.add_argument("--alerts", type=int, default=1000)
        parser.add_argument("--frequency", default="daily", choices=JobAlert.Frequency.values)
        parser.add_argument("--places", type=int, default=500, help="How many towns searches use.")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--batch-size", type=int, default=5000)
        parser.add_argument("--if-empty", action="store_true", help="Do nothing if alerts exist.")

    def handle(self, *args, **options):
        count, batch_size = options["alerts"], options["batch_size"]
        if count < 0 or batch_size < 1 or options["places"] < 1:
            raise CommandError("--alerts must be positive, --batch-size and --places at least 1.")
        if options["if_empty"] and JobAlert.objects.exists():
            self.stdout.write("Alerts already present; nothing to do.")
            return
        rng = random.Random(options["seed"])
        professions = list(Profession.objects.order_by("slug").values_list("slug", flat=True))
        # Seekers search where the jobs are: the towns with the most live vacancies.
        places = list(
            Place.objects.towns()
            .annotate(live=Count("vacancies", filter=Q(vacancies__status=Vacancy.Status.LIVE)))
            .order_by("-live", "slug")
            .values_list("slug", flat=True)[: options["places"]]
        )
        if not professions or not places:
            raise CommandError("No professions or places: run migrations first.")
        now = timezone.now()
        start = JobAlert.objects.count()
        created = 0
        while created < count:
            rows = []
            for n in range(created, min(count, created + batch_size)):
                rows.append(
                    JobAlert(
                        email=f"seeker{start + n}@example.net",
                        query=query_for(rng, professions, places),
                        frequency=options["frequency"],
                        confirmation_sent_at=now - timedelta(days=30),
                        confirmed_at=now - timedelta(days=30),
                        last_sent_at=now - timedelta(days=1, minutes=rng.randint(0, 90)),
                    )
                )
            JobAlert.objects.bulk_create(rows)
            created += len(rows)
        distinct = JobAlert.objects.values("query").distinct().count()
        self.stdout.write(
            self.style.SUCCESS(f"Created {created} alerts ({distinct} distinct searches in all).")
        )
