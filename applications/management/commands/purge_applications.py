"""Delete applications, CVs and equality answers past retention, in this process.

The beat's ``purge-applications`` runs the same service daily; this command is for cron
instead of beat, and ``--dry-run`` says what would go without deleting anything.
"""

from django.core.management.base import BaseCommand
from django.utils import timezone

from applications.candidate_services import applications_purge


class Command(BaseCommand):
    help = "Delete applications and their CVs past APPLICATION_RETENTION_MONTHS after closing."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="count, delete nothing")

    def handle(self, *args, dry_run: bool = False, **options):
        counts = applications_purge(now=timezone.now(), dry_run=dry_run)
        verb = "would delete" if dry_run else "deleted"
        self.stdout.write(
            f"{verb} {counts['applications']} application(s), {counts['files']} file(s) and "
            f"{counts['equality']} equality answer set(s)"
        )
