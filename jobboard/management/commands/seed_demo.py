"""Load deterministic, realistic demo data: employers, people and vacancies.

`make run` calls it with ``--if-empty`` so a fresh machine shows a working board; the
benchmarks call it with large counts (a million vacancies loads in minutes on PostgreSQL).
"""

import sys
import time

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from employers.models import Employer
from jobboard.demo import DEMO_OWNER_EMAIL, DEMO_PASSWORD, DEMO_STAFF_EMAIL, seed_demo


class Command(BaseCommand):
    help = "Load deterministic demo employers and vacancies (bulk inserts in batches)."

    def add_arguments(self, parser):
        parser.add_argument("--employers", type=int, default=60)
        parser.add_argument("--vacancies", type=int, default=2000)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--batch-size", type=int, default=5000)
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing if any employer exists."
        )
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, **options):
        if options["employers"] < 1 or options["vacancies"] < 0 or options["batch_size"] < 1:
            raise CommandError(
                "--employers must be at least 1, --vacancies and --batch-size positive."
            )
        if options["if_empty"] and Employer.objects.exists():
            self.stdout.write("Demo data already present; nothing to do.")
            return
        started = time.monotonic()
        bar = tqdm(
            total=options["vacancies"],
            unit="vacancy",
            unit_scale=True,
            disable=options["no_progress"] or not sys.stderr.isatty(),
            file=sys.stderr,
        )
        with bar:
            result = seed_demo(
                employers=options["employers"],
                vacancies=options["vacancies"],
                seed=options["seed"],
                batch_size=options["batch_size"],
                progress=bar.update,
            )
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {result.employers} employers and {result.vacancies} vacancies "
                f"({result.live} live) in {elapsed:.1f} s."
            )
        )
        self.stdout.write(
            f"Sign in as {DEMO_OWNER_EMAIL} (an employer) or {DEMO_STAFF_EMAIL} (staff), "
            f"password {DEMO_PASSWORD!r}."
        )
