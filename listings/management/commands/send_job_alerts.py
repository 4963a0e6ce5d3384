"""Send the job alert digests of one frequency (instant, daily or weekly).

Why a command when beat runs ``listings.tasks.send_job_alerts``: deployments that use cron
instead of Celery beat schedule this instead (see docs/operations.md). It runs the same
services chunk by chunk in this process, one mail connection per chunk, so it needs no
broker or worker. Like the task it is idempotent: a second run sends nothing new.
"""

from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import ngettext

from listings.alerts import digests as digest_runs
from listings.models import JobAlert
from listings.tasks import ALERT_CHUNK_SIZE


class Command(BaseCommand):
    help = "Send job alert digests of one frequency; --dry-run only counts them."

    def add_arguments(self, parser):
        parser.add_argument("frequency", choices=JobAlert.Frequency.values)
        parser.add_argument(
            "--dry-run", action="store_true", help="Compute the digests; send and change nothing."
        )
        parser.add_argument("--chunk-size", type=int, default=ALERT_CHUNK_SIZE)

    def handle(self, *args, frequency, dry_run=False, chunk_size=ALERT_CHUNK_SIZE, **options):
        now = timezone.now()
        totals = digest_runs.SendResult()
        for digests in digest_runs.alert_run_digests(frequency, now=now, size=max(1, chunk_size)):
            quiet = sum(1 for digest in digests if not digest.vacancy_ids)
            totals.nothing_new += quiet
            if dry_run:
                totals.sent += len(digests) - quiet
                continue
            digest_runs.alerts_mark_nothing_new(digests, now=now)
            result = digest_runs.alerts_send_digests(
                payload=digest_runs.digest_payload(digests), frequency=frequency, now=now
            )
            totals.sent += result.sent
            totals.failed += result.failed
        verb = "Would send" if dry_run else "Sent"
        sent = ngettext("%(n)s %(f)s digest", "%(n)s %(f)s digests", totals.sent) % {
            "n": totals.sent,
            "f": frequency,
        }
        quiet = ngettext(
            "%(n)s alert had nothing new", "%(n)s alerts had nothing new", totals.nothing_new
        ) % {"n": totals.nothing_new}
        failed = "" if dry_run else f"; {len(totals.failed)} failed (next run retries them)"
        self.stdout.write(f"{verb} {sent}; {quiet}{failed}.")
