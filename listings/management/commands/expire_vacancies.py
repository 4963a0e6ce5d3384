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
from django.utils.translation import ngettext

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
        expired = len(run.expired)
        vacancies = ngettext("%(n)s vacancy", "%(n)s vacancies", expired) % {"n": expired}
        if dry_run:
            employers = len(run.summaries)
            of = ngettext("%(n)s employer", "%(n)s employers", employers) % {"n": employers}
            unsent = (
                ngettext(
                    "; %(n)s earlier expiry awaits a summary",
                    "; %(n)s earlier expiries await a summary",
                    run.unreported,
                )
                % {"n": run.unreported}
                if run.unreported
                else ""
            )
            self.stdout.write(f"Would expire {vacancies} of {of}{unsent} (dry run).")
            return
        emails = ngettext("%(n)s summary email", "%(n)s summary emails", run.sent) % {"n": run.sent}
        self.stdout.write(self.style.SUCCESS(f"Expired {vacancies}; sent {emails}."))
