"""Digest runs: which due alerts get an email, what each lists, and sending it once.

A run computes every due alert's digest with one ``Matcher`` and sends them in chunks, each
over one mail connection. An alert's high-water mark (``last_sent_at``) moves only once its
own message has gone, so a failure part-way or a chunk delivered twice never loses or
repeats another alert's digest.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.mail import get_connection
from django.db import transaction
from django.db.models import Min, Q, QuerySet
from django.db.models.functions import Coalesce

from listings.alerts.emails import digest_message
from listings.alerts.matching import Matcher, describe_search, high_water_mark
from listings.models import JobAlert, Vacancy

logger = logging.getLogger(__name__)

Frequency = JobAlert.Frequency

# The shortest gap between two digests of one alert. Half a period, so a beat or cron run that
# fires twice never sends twice, while a run that starts a little early still sends.
MIN_GAP = {
    Frequency.INSTANT: timedelta(0),
    Frequency.DAILY: timedelta(hours=12),
    Frequency.WEEKLY: timedelta(days=3, hours=12),
}
# How many vacancies a digest lists; the rest are one click away on the search page.
DIGEST_LISTED = 10


@dataclass
class Digest:
    """What one alert's next email holds: the newest ids to list and how many are new."""

    alert: JobAlert
    vacancy_ids: list[int] = field(default_factory=list)
    total: int = 0


def alerts_due(frequency: str, *, now: datetime) -> QuerySet[JobAlert]:
    """Active alerts of ``frequency`` whose last digest is at least ``MIN_GAP`` old."""
    if frequency not in Frequency.values:
        raise ValueError(f"Unknown alert frequency {frequency!r}.")
    gap = MIN_GAP[Frequency(frequency)]
    due = Q(last_sent_at__lte=now - gap) if gap else Q(last_sent_at__lt=now)
    return (
        JobAlert.objects.active()
        .filter(frequency=frequency)
        .filter(due | Q(last_sent_at__isnull=True))
    )


def _oldest_mark(alerts: QuerySet[JobAlert], *, now: datetime) -> datetime:
    oldest = alerts.aggregate(mark=Min(Coalesce("last_sent_at", "confirmed_at")))["mark"]
    return min(oldest, now) if oldest is not None else now


def alert_digests(alerts: Iterable[JobAlert], *, now: datetime, matcher: Matcher | None = None):
    """Digests for ``alerts``: what each has not been sent yet, newest first."""
    alerts = list(alerts)
    if matcher is None:
        marks = [high_water_mark(alert, now=now) for alert in alerts]
        matcher = Matcher(now=now, since=min(marks, default=now))
    for alert in alerts:
        ids = matcher.since_mark(alert.query, high_water_mark(alert, now=now))
        yield Digest(alert=alert, vacancy_ids=ids[:DIGEST_LISTED], total=len(ids))


def alert_run_digests(frequency: str, *, now: datetime, size: int) -> Iterator[list[Digest]]:
    """Every due alert's digest, in chunks of ``size``, sharing one ``Matcher`` for the run.

    Alerts stream from the database ordered by search, so memory stays flat however many
    there are.
    """
    due = alerts_due(frequency, now=now)
    matcher = Matcher(now=now, since=_oldest_mark(due, now=now))
    chunk: list[JobAlert] = []
    for alert in due.order_by("query", "id").iterator(chunk_size=2000):
        chunk.append(alert)
        if len(chunk) >= size:
            yield list(alert_digests(chunk, now=now, matcher=matcher))
            chunk = []
    if chunk:
        yield list(alert_digests(chunk, now=now, matcher=matcher))


def alerts_mark_nothing_new(digests: Iterable[Digest], *, now: datetime) -> int:
    """Move the mark of alerts with nothing new, so the next run looks only at what follows."""
    quiet = [d.alert.pk for d in digests if not d.vacancy_ids]
    if not quiet:
        return 0
    return (
        JobAlert.objects.filter(pk__in=quiet)
        .filter(Q(last_sent_at__lt=now) | Q(last_sent_at__isnull=True))
        .update(last_sent_at=now)
    )


@dataclass
class SendResult:
    sent: int = 0
    nothing_new: int = 0
    skipped: int = 0
    failed: list[int] = field(default_factory=list)


def digest_payload(digests: Iterable[Digest]) -> list[list]:
    """The digests that have something to send, as JSON for a chunk task: [id, ids, total]."""
    return [[d.alert.pk, d.vacancy_ids, d.total] for d in digests if d.vacancy_ids]


def alerts_send_digests(*, payload: list[list], frequency: str, now: datetime) -> SendResult:
    """Send one chunk of computed digests over a single mail connection.

    Each alert's high-water mark moves to ``now`` right after its own message is sent, under a
    row lock and only if it is still due (nobody sent it meanwhile), so a failure part-way, or
    the chunk being delivered twice, never loses or repeats another alert's digest. Failed
    alert ids are returned for a retry.
    """
    result = SendResult()
    wanted = {int(row[0]): row for row in payload}
    alerts = {a.pk: a for a in alerts_due(frequency, now=now).filter(pk__in=wanted)}
    result.skipped = len(wanted) - len(alerts)
    listed = {i for pk in alerts for i in wanted[pk][1]}
    vacancies = (
        Vacancy.objects.select_related("employer", "profession")
        .prefetch_related("places")
        .in_bulk(listed)
    )
    descriptions: dict[str, str] = {}
    with get_connection() as connection:
        for pk, alert in alerts.items():
            _id, ids, total = wanted[pk]
            digest = Digest(alert=alert, vacancy_ids=list(ids), total=int(total))
            if alert.query not in descriptions:
                descriptions[alert.query] = describe_search(alert.query)
            try:
                sent = _send_one(
                    digest, vacancies, descriptions[alert.query], connection=connection, now=now
                )
            except Exception:  # noqa: BLE001 - one bad message must not stop the others
                logger.exception("Job alert %s: digest not sent; will retry.", pk)
                result.failed.append(pk)
                continue
            if sent:
                result.sent += 1
            else:
                result.skipped += 1
    return result


def alerts_send_chunk(
    *, alert_ids: list[int], frequency: str, now: datetime, dry_run: bool = False
) -> SendResult:
    """Compute and send the digests of the given alerts (those still due) in one go."""
    due = alerts_due(frequency, now=now).filter(id__in=alert_ids)
    digests = list(alert_digests(due, now=now))
    result = SendResult(skipped=len(set(alert_ids)) - len(digests))
    result.nothing_new = sum(1 for d in digests if not d.vacancy_ids)
    if dry_run:
        result.sent = len(digests) - result.nothing_new
        return result
    alerts_mark_nothing_new(digests, now=now)
    sent = alerts_send_digests(payload=digest_payload(digests), frequency=frequency, now=now)
    result.sent, result.failed = sent.sent, sent.failed
    result.skipped += sent.skipped
    return result


def _send_one(
    digest: Digest, vacancies: dict[int, Vacancy], description: str, *, connection, now
) -> bool:
    alert = digest.alert
    with transaction.atomic():
        claimed = (
            JobAlert.objects.select_for_update(skip_locked=True)
            .filter(pk=alert.pk, last_sent_at=alert.last_sent_at, unsubscribed_at__isnull=True)
            .exists()
        )
        if not claimed:
            return False
        listed = [vacancies[i] for i in digest.vacancy_ids if i in vacancies]
        message = digest_message(
            alert, vacancies=listed, total=digest.total, description=description
        )
        message.connection = connection
        message.send()
        JobAlert.objects.filter(pk=alert.pk).update(last_sent_at=now)
    return True
