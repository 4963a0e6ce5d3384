"""Expire live vacancies past their closing time and email each employer a summary.

Why a command when beat runs ``listings.tasks.expire_vacancies`` every five minutes: some
deployments run cron instead of Celery beat (or want to catch up by hand after an outage).
This does the same work through the same service, in this process, with no broker or worker
needed. Seekers never wait on it: the live query already hides closed vacancies.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from listings import notifications, services


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
        now = timezone.now()
        ids = services.vacancies_expire(now=now, batch_size=batch_size, dry_run=dry_run)
        grouped = notifications.expired_by_employer(ids)
        if dry_run:
            self.stdout.write(
                f"Would expire {len(ids)} vacancies of {len(grouped)} employers (dry run)."
            )
            return
        services.employers_live_counts_refresh(now=now)
        sent = 0
        for employer_id, vacancy_ids in grouped.items():
            sent += notifications.send_expiry_summary(
                employer_id=employer_id, vacancy_ids=vacancy_ids
            )
        self.stdout.write(
            self.style.SUCCESS(f"Expired {len(ids)} vacancies; sent {sent} summary emails.")
        )
