"""Job alerts: saved searches emailed to seekers, with no account and a double opt-in.

Writes follow the services pattern (keyword-only arguments, ``transaction.atomic``, emails
queued after commit with ids). Digests are computed here too: an alert is matched with the
search page's own FilterSet over what a seeker can see, so an alert sends exactly what the
same search URL shows, limited to vacancies published after the alert's high-water mark.
"""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import get_connection
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from jobboard.emails import build_email
from listings.filters import VacancyFilterSet
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
# Rows fetched per distinct search when computing a chunk of digests: bounds memory whatever
# the search, and counts above it are shown as "more than".
DIGEST_SCAN_LIMIT = 500
SIGNUP_WINDOW_SECONDS = 60 * 60


class SignupRateLimited(Exception):
    """Too many sign-ups from one client address in the current window."""


class InvalidToken(Exception):
    """A link's token is malformed, forged, for another purpose, or too old."""


# --- Tokens -------------------------------------------------------------------------------
def _salt(purpose: str) -> str:
    return f"listings.alerts.{purpose}"


def make_token(alert: JobAlert, purpose: str) -> str:
    """A signed token naming ``alert`` for one purpose (confirm, manage or unsubscribe).

    It is bound to the alert's address, so it stops working if the row is ever reused.
    """
    payload = {"a": alert.pk, "e": _address_tag(alert.email)}
    return signing.dumps(payload, salt=_salt(purpose), compress=True)


def read_token(token: str, purpose: str, *, max_age: timedelta | None = None) -> JobAlert | None:
    """Return the alert a token names, ``None`` if it no longer exists; raise ``InvalidToken``."""
    try:
        payload = signing.loads(token, salt=_salt(purpose), max_age=max_age)
    except signing.SignatureExpired as exc:
        raise InvalidToken("This link has expired.") from exc
    except signing.BadSignature as exc:
        raise InvalidToken("This link is not valid.") from exc
    if not isinstance(payload, dict) or not isinstance(payload.get("a"), int):
        raise InvalidToken("This link is not valid.")
    alert = JobAlert.objects.filter(pk=payload["a"]).first()
    if alert is not None and _address_tag(alert.email) != payload.get("e"):
        return None
    return alert


def _address_tag(email: str) -> str:
    return hashlib.sha256(email.lower().encode()).hexdigest()[:10]


def alert_links(alert: JobAlert) -> dict[str, str]:
    """Absolute links for emails: confirm, manage, unsubscribe and the full search."""
    base = settings.SITE_URL

    def url(name: str, purpose: str) -> str:
        return base + reverse(name, kwargs={"token": make_token(alert, purpose)})

    return {
        "confirm_url": url("alerts:confirm", "confirm"),
        "manage_url": url("alerts:manage", "manage"),
        "unsubscribe_url": url("alerts:unsubscribe", "unsubscribe"),
        "search_url": search_url(alert.query),
    }


def search_url(query: str) -> str:
    """The absolute address of the search page showing ``query``."""
    path = reverse("listings:search")
    return f"{settings.SITE_URL}{path}?{query}" if query else f"{settings.SITE_URL}{path}"


# --- The search an alert stands for -------------------------------------------------------
def search_filterset(query: str, *, now: datetime | None = None) -> VacancyFilterSet:
    """The search page's own FilterSet for ``query`` over what seekers can see at ``now``.

    The one place alerts meet the search: whatever the page shows for a query string, an
    alert with that query string matches.
    """
    now = now or timezone.now()
    return VacancyFilterSet(
        data=QueryDict(query.lstrip("?")), queryset=Vacancy.objects.live(now=now), now=now
    )


def normalise_query(query: str) -> str:
    """The search as the search page normalises it: known filters only, no paging or empties.

    Parts the page would ignore (an unknown place, letters in a salary) are dropped, so the
    alert stores exactly the search the seeker was shown.
    """
    return search_filterset(query).query_string()


def _filtered(filterset: VacancyFilterSet, *, since: datetime | None) -> QuerySet[Vacancy]:
    if not filterset.is_valid():
        return Vacancy.objects.none()
    vacancies = filterset.qs
    if since is not None:
        vacancies = vacancies.filter(published_at__gt=since)
    return vacancies.order_by("-published_at", "-id")


def matching_vacancies(
    query: str, *, now: datetime, since: datetime | None = None
) -> QuerySet[Vacancy]:
    """Vacancies the search page shows for ``query`` at ``now``, published after ``since``.

    Newest first. A search the FilterSet rejects matches nothing rather than everything.
    """
    return _filtered(search_filterset(query, now=now), since=since)


def alert_new_vacancies(alert: JobAlert, *, now: datetime) -> QuerySet[Vacancy]:
    """What ``alert`` has not sent yet: live matches published after its high-water mark."""
    return matching_vacancies(alert.query, now=now, since=_mark(alert, now=now))


def _mark(alert: JobAlert, *, now: datetime) -> datetime:
    return alert.last_sent_at or alert.confirmed_at or now


def describe_search(query: str) -> str:
    """The search page's own title for a saved search ("Social Worker jobs in Leeds")."""
    return search_filterset(query).describe()


def _check_query(query: str) -> None:
    if len(query) > JobAlert._meta.get_field("query").max_length:
        raise ValidationError({"query": "This search is too long to save as an alert."})


# --- Sign-up and management ---------------------------------------------------------------
def _count_attempt(scope: str, ident: str) -> int:
    """Count one attempt for ``ident`` in the shared cache and return the window's total."""
    digest = hashlib.sha256(ident.strip().lower().encode()).hexdigest()[:32]
    key = f"alerts:{scope}:{digest}"
    cache.add(key, 0, timeout=SIGNUP_WINDOW_SECONDS)
    try:
        return cache.incr(key)
    except ValueError:  # the window ended between add() and incr()
        cache.add(key, 1, timeout=SIGNUP_WINDOW_SECONDS)
        return 1


def alert_subscribe(
    *,
    email: str,
    query: str,
    frequency: str,
    client_ip: str,
    now: datetime | None = None,
) -> JobAlert | None:
    """Save a job alert and queue its confirmation email; nothing is sent to it until confirmed.

    The caller always shows the same answer, so nobody learns whether an address is already
    subscribed: an address that already has this alert gets an email with its manage link
    instead of a second subscription. Too many sign-ups from one client raise
    ``SignupRateLimited``; too many for one address are dropped quietly (returning ``None``).
    """
    from listings import tasks

    now = now or timezone.now()
    if _count_attempt("signup-ip", client_ip) > settings.ALERT_SIGNUPS_PER_IP_PER_HOUR:
        raise SignupRateLimited
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ValidationError({"email": "Enter an email address like name@example.com."}) from exc
    if frequency not in Frequency.values:
        raise ValidationError({"frequency": "Choose how often to get emails."})
    query = normalise_query(query)
    _check_query(query)
    if _count_attempt("signup-address", email) > settings.ALERT_SIGNUPS_PER_ADDRESS_PER_HOUR:
        logger.info("Alert sign-up limit reached for an address; nothing sent.")
        return None

    from listings.services import enqueue

    with transaction.atomic():
        existing = (
            JobAlert.objects.select_for_update()
            .filter(email=email, query=query, unsubscribed_at__isnull=True)
            .order_by(F("confirmed_at").asc(nulls_last=True), "-id")  # a confirmed one wins
            .first()
        )
        if existing is not None and existing.confirmed_at is not None:
            enqueue(tasks.send_alert_reminder_of_subscription, existing.pk)
            return existing
        if existing is not None:
            existing.frequency = frequency
            existing.confirmation_sent_at = None
            existing.save(update_fields=["frequency", "confirmation_sent_at"])
            alert = existing
        else:
            alert = JobAlert(email=email, query=query, frequency=frequency)
            alert.full_clean()
            alert.save()
        enqueue(tasks.send_alert_confirmation, alert.pk)
    return alert


@transaction.atomic
def alert_confirm(*, alert: JobAlert, now: datetime | None = None) -> JobAlert:
    """Switch an alert on from its confirmation link; confirming twice changes nothing.

    Its high-water mark starts now: the seeker has just seen the search's current results.
    """
    now = now or timezone.now()
    alert = JobAlert.objects.select_for_update().get(pk=alert.pk)
    if alert.unsubscribed_at is not None:
        raise ValidationError("This alert was cancelled. Sign up again from the search page.")
    if alert.confirmed_at is None:
        alert.confirmed_at = now
        alert.last_sent_at = now
        alert.save(update_fields=["confirmed_at", "last_sent_at"])
    return alert


@transaction.atomic
def alert_update(
    *,
    alert: JobAlert,
    frequency: str | None = None,
    paused: bool | None = None,
    now: datetime | None = None,
) -> JobAlert:
    """Change how often an alert is sent, or pause and resume it.

    Resuming moves the high-water mark to now, so a long pause is not followed by a digest
    of everything that happened meanwhile.
    """
    now = now or timezone.now()
    alert = JobAlert.objects.select_for_update().get(pk=alert.pk)
    if alert.unsubscribed_at is not None:
        raise ValidationError("This alert was cancelled. Sign up again from the search page.")
    if alert.confirmed_at is None:
        raise ValidationError("Confirm this alert from the email we sent you first.")
    if frequency is not None:
        if frequency not in Frequency.values:
            raise ValidationError({"frequency": "Choose how often to get emails."})
        alert.frequency = frequency
    if paused is not None:
        if alert.paused and not paused:
            alert.last_sent_at = now
        alert.paused = paused
    alert.save(update_fields=["frequency", "paused", "last_sent_at"])
    return alert


def alert_unsubscribe(*, alert_id: int, now: datetime | None = None) -> bool:
    """Stop an alert for good. Idempotent: True only the first time, False ever after.

    One conditional ``UPDATE``, so two clicks (or a mail client's one-click POST racing the
    person's own) cannot both take effect.
    """
    now = now or timezone.now()
    return bool(
        JobAlert.objects.filter(pk=alert_id, unsubscribed_at__isnull=True).update(
            unsubscribed_at=now, paused=False
        )
    )


def alerts_expire_unconfirmed(*, now: datetime | None = None, dry_run: bool = False) -> int:
    """Delete sign-ups never confirmed within ``ALERT_CONFIRMATION_DAYS``; return how many."""
    now = now or timezone.now()
    stale = JobAlert.objects.unconfirmed_before(
        now - timedelta(days=settings.ALERT_CONFIRMATION_DAYS)
    )
    if dry_run:
        return stale.count()
    deleted, _ = stale.delete()
    return deleted


def alerts_pending_confirmation(*, now: datetime | None = None) -> QuerySet[JobAlert]:
    """Sign-ups whose confirmation email has not gone out yet (say the broker was down)."""
    now = now or timezone.now()
    return JobAlert.objects.filter(
        confirmed_at__isnull=True,
        confirmation_sent_at__isnull=True,
        unsubscribed_at__isnull=True,
        created_at__gt=now - timedelta(days=settings.ALERT_CONFIRMATION_DAYS),
    )


# --- Confirmation emails -------------------------------------------------------------------
def alert_send_confirmation(*, alert_id: int, now: datetime | None = None) -> int:
    """Send the confirmation email once; return 1 if sent, 0 if there was nothing to send.

    The row is locked while sending, so two deliveries of the same task cannot both send.
    """
    now = now or timezone.now()
    with transaction.atomic():
        alert = (
            alerts_pending_confirmation(now=now)
            .select_for_update(skip_locked=True)
            .filter(pk=alert_id)
            .first()
        )
        if alert is None:
            return 0
        message = build_email(
            template="alert_confirm",
            context={
                "alert": alert,
                "description": describe_search(alert.query),
                "confirmation_days": settings.ALERT_CONFIRMATION_DAYS,
                **alert_links(alert),
            },
            to=[alert.email],
        )
        sent = message.send()
        JobAlert.objects.filter(pk=alert.pk).update(confirmation_sent_at=now)
    return sent


def alert_send_reminder_of_subscription(*, alert_id: int) -> int:
    """Tell an address that signed up again that it already has this alert, with its links."""
    alert = JobAlert.objects.filter(pk=alert_id, confirmed_at__isnull=False).first()
    if alert is None or alert.unsubscribed_at is not None:
        return 0
    message = build_email(
        template="alert_already_subscribed",
        context={"alert": alert, "description": describe_search(alert.query), **alert_links(alert)},
        to=[alert.email],
    )
    return message.send()


# --- Digests --------------------------------------------------------------------------------
@dataclass
class Digest:
    """What one alert's next email holds: the newest ids to list and how many are new."""

    alert: JobAlert
    vacancy_ids: list[int] = field(default_factory=list)
    total: int = 0
    more: bool = False  # True when there are more than ``total`` (the scan was capped)
    description: str = ""


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


def alert_id_chunks(frequency: str, *, now: datetime, size: int) -> Iterator[list[int]]:
    """Ids of the due alerts in chunks of ``size``, alerts with the same search together.

    Streams from the database, so a hundred thousand alerts never sit in memory at once.
    """
    chunk: list[int] = []
    rows = alerts_due(frequency, now=now).order_by("query", "id").values_list("id", flat=True)
    for alert_id in rows.iterator(chunk_size=2000):
        chunk.append(alert_id)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def alert_digests(
    alerts: Iterable[JobAlert], *, now: datetime, describe: bool = True
) -> Iterator[Digest]:
    """Compute digests for ``alerts``: one database query per distinct search.

    Alerts with the same search share one query from the oldest mark among them; each then
    keeps the (newest-first) prefix published after its own mark.
    """
    by_query: dict[str, list[JobAlert]] = defaultdict(list)
    for alert in alerts:
        by_query[alert.query].append(alert)
    for query, group in by_query.items():
        since = min(_mark(alert, now=now) for alert in group)
        filterset = search_filterset(query, now=now)
        matches = _filtered(filterset, since=since).values_list("id", "published_at")
        rows = list(matches[: DIGEST_SCAN_LIMIT + 1])
        description = filterset.describe() if describe else ""
        capped = len(rows) > DIGEST_SCAN_LIMIT
        rows = rows[:DIGEST_SCAN_LIMIT]
        for alert in group:
            mark = _mark(alert, now=now)
            count = 0
            for _id, published_at in rows:
                if published_at <= mark:
                    break
                count += 1
            yield Digest(
                alert=alert,
                vacancy_ids=[row[0] for row in rows[: min(count, DIGEST_LISTED)]],
                total=count,
                more=capped and count == len(rows),
                description=description,
            )


@dataclass
class SendResult:
    sent: int = 0
    nothing_new: int = 0
    skipped: int = 0
    failed: list[int] = field(default_factory=list)


def _pounds(amount) -> str:
    return f"£{amount:,.0f}" if amount == int(amount) else f"£{amount:,.2f}"


def salary_text(vacancy: Vacancy) -> str:
    """Pay as a seeker reads it ("£34,000 to £42,000 a year"); empty when none is given."""
    low, high = vacancy.salary_min, vacancy.salary_max
    if low is None and high is None:
        return ""
    period = vacancy.get_salary_period_display()
    if low is None or high is None or low == high:
        return f"{_pounds(low if low is not None else high)} {period}"
    return f"{_pounds(low)} to {_pounds(high)} {period}"


def _digest_item(vacancy: Vacancy) -> dict:
    return {
        "vacancy": vacancy,
        "url": settings.SITE_URL + vacancy.get_absolute_url(),
        "places": ", ".join(place.name for place in vacancy.places.all()),
        "salary": salary_text(vacancy),
    }


def _digest_message(digest: Digest, vacancies: dict[int, Vacancy]):
    alert = digest.alert
    links = alert_links(alert)
    listed = [_digest_item(vacancies[i]) for i in digest.vacancy_ids if i in vacancies]
    return build_email(
        template="alert_digest",
        context={
            "alert": alert,
            "description": digest.description,
            "vacancies": listed,
            "total": digest.total,
            "more": digest.more,
            "unlisted": max(0, digest.total - len(listed)),
            **links,
        },
        to=[alert.email],
        headers={
            "List-Unsubscribe": f"<{links['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def alerts_send_chunk(
    *, alert_ids: list[int], frequency: str, now: datetime, dry_run: bool = False
) -> SendResult:
    """Send the digests of one chunk of alerts over a single mail connection.

    Each alert's high-water mark moves to ``now`` right after its own message is sent, under a
    row lock and only if nobody else moved it first, so a failure part-way (or the chunk
    being delivered twice) never loses or repeats another alert's digest. Alerts with
    nothing new send nothing; their mark moves too. Failed ids are returned for a retry.
    """
    result = SendResult()
    alerts = list(alerts_due(frequency, now=now).filter(id__in=alert_ids))
    result.skipped = len(set(alert_ids)) - len(alerts)
    digests = list(alert_digests(alerts, now=now))
    quiet = [d.alert.pk for d in digests if not d.vacancy_ids]
    result.nothing_new = len(quiet)
    if dry_run:
        result.sent = len(digests) - len(quiet)
        return result
    if quiet:
        JobAlert.objects.filter(pk__in=quiet, last_sent_at__lt=now).update(last_sent_at=now)
        JobAlert.objects.filter(pk__in=quiet, last_sent_at__isnull=True).update(last_sent_at=now)
    listed = {i for d in digests for i in d.vacancy_ids}
    vacancies = (
        Vacancy.objects.select_related("employer", "profession")
        .prefetch_related("places")
        .in_bulk(listed)
    )
    with get_connection() as connection:
        for digest in digests:
            if not digest.vacancy_ids:
                continue
            try:
                sent = _send_one(digest, vacancies, connection=connection, now=now)
            except Exception:  # noqa: BLE001 - one bad message must not stop the others
                logger.exception("Job alert %s: digest not sent; will retry.", digest.alert.pk)
                result.failed.append(digest.alert.pk)
                continue
            if sent:
                result.sent += 1
            else:
                result.skipped += 1
    return result


def _send_one(digest: Digest, vacancies: dict[int, Vacancy], *, connection, now) -> bool:
    alert = digest.alert
    with transaction.atomic():
        claimed = (
            JobAlert.objects.select_for_update(skip_locked=True)
            .filter(pk=alert.pk, last_sent_at=alert.last_sent_at, unsubscribed_at__isnull=True)
            .exists()
        )
        if not claimed:
            return False
        message = _digest_message(digest, vacancies)
        message.connection = connection
        message.send()
        JobAlert.objects.filter(pk=alert.pk).update(last_sent_at=now)
    return True
