"""The one expiry use case: the beat's task and the cron command both run ``run_expiry``.

A run marks live vacancies past their closing time as expired, recounts employers' live
vacancies, and reports to each employer every expiry not yet reported: this run's, and any
an earlier run left behind when it died after expiring and before its summaries went out.
Seekers never wait on it: ``Vacancy.objects.live()`` already hides closed vacancies.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from listings import notifications, services

# How a run hands over one employer's summary: (employer id, vacancy ids) -> messages sent.
# The task queues one task per employer (retried on its own); the command sends in process.
SummarySender = Callable[[int, list[int]], int | None]


@dataclass
class ExpiryRun:
    """What a run did, or in a dry run would do."""

    expired: list[int]
    summaries: dict[int, list[int]] = field(default_factory=dict)
    sent: int = 0
    unreported: int = 0


def run_expiry(
    *,
    now: datetime,
    batch_size: int = 25_000,
    dry_run: bool = False,
    send_summary: SummarySender | None = None,
) -> ExpiryRun:
    """Expire what is due at ``now`` and report every unreported expiry to its employer.

    ``summaries`` maps employer ids to the vacancies reported; in a dry run it groups the
    vacancies that would expire, ``unreported`` counts earlier expiries still to report, and
    nothing changes. ``send_summary`` defaults to sending each summary now, in this process.
    Idempotent: a second run finds nothing to expire and nothing to report.
    """
    expired = services.vacancies_expire(now=now, batch_size=batch_size, dry_run=dry_run)
    if dry_run:
        return ExpiryRun(
            expired=expired,
            summaries=notifications.expired_by_employer(expired),
            unreported=len(notifications.awaiting_expiry_summary(now=now)),
        )

    def send_now(employer_id: int, vacancy_ids: list[int]) -> int:
        return notifications.send_expiry_summary(
            employer_id=employer_id, vacancy_ids=vacancy_ids, now=now
        )

    send = send_summary or send_now
    services.employers_live_counts_refresh(now=now)
    # Everything not yet reported, not only this run's: a run that died after expiring and
    # before reporting left its summaries to this one.
    unreported = notifications.awaiting_expiry_summary(now=now)
    run = ExpiryRun(expired=expired, summaries=notifications.expired_by_employer(unreported))
    for employer_id, vacancy_ids in run.summaries.items():
        run.sent += send(employer_id, vacancy_ids) or 0
    return run
