"""Expire live vacancies past their closing time and email each employer a summary.

Why a command when beat runs ``listings.tasks.expire_vacancies`` every five minutes: some
deployments run cron instead of Celery beat (or want to catch up by hand after an outage).
This runs the same use case (``listings.expiry.run_expiry``), sending the summaries in this
process, with no broker or worker needed; like the task it also sends the summaries a run
that died left unsent. Seekers never wait on it: the live query already hides closed
vacancies.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from listings.expiry import run_expiry


class Command(BaseCommand):
    help = "Mark live vacancies past their closing time as expired and email their employers."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would expire; change nothing."
        )
        parser.add_argument("--batch-size", type=int, default=25_000)

    def handle(self, *args, dry_run=False, batch_size=25_000, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        run = run_expiry(now=timezone.now(), batch_size=batch_size, dry_run=dry_run)
        if dry_run:
            unsent = (
                f"; {run.unreported} earlier expiries await a summary" if run.unreported else ""
            )
            self.stdout.write(
                f"Would expire {len(run.expired)} vacancies of {len(run.summaries)} employers"
                f"{unsent} (dry run)."
            )
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Expired {len(run.expired)} vacancies; sent {run.sent} summary emails."
            )
        )
