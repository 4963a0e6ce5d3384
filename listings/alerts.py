"""Job alerts: saved searches emailed to seekers, with no account and a double opt-in.

Writes follow the services pattern (keyword-only arguments, ``transaction.atomic``, emails
queued after commit with ids). Digests are computed here too: an alert is matched with the
search page's own FilterSet over what a seeker can see, so an alert sends exactly what the
same search URL shows, limited to vacancies published after the alert's high-water mark.
"""

from __future__ import annotations

import functools
import hashlib
import logging
from bisect import bisect_left
from collections import OrderedDict, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import get_connection
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F, Min, Q, QuerySet
from django.db.models.functions import Coalesce
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from jobboard.emails import build_email
from listings.filters import VacancyFilterSet, places_within, resolve_place
from listings.models import JobAlert, Profession, Vacancy

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
    vacancies = filterset.filtered()
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
# Parameters of the URL contract that decide which vacancies match (``sort`` only orders them).
# ``location`` and ``radius`` go together: the radius only means something with a place.
MATCH_PARTS = (
    ("q",),
    ("location", "radius"),
    ("profession",),
    ("contract",),
    ("pattern",),
    ("workplace",),
    ("sector",),
    ("employer",),
    ("salary_min",),
    ("posted",),
)


def query_parts(query: str) -> list[str]:
    """Split a search into its independent parts, each a query string of its own.

    The FilterSet ANDs its filters, so a search matches exactly the vacancies every one of
    its parts matches. Parameters the FilterSet does not know are left out, as it leaves them.
    """
    data = QueryDict(query)
    parts = []
    for keys in MATCH_PARTS:
        pairs = [(key, value) for key in keys for value in data.getlist(key)]
        if pairs:
            parts.append(urlencode(pairs))
    return parts


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _micros(moment: datetime) -> int:
    """A time as whole microseconds since the epoch: exact, for ordering and bisection."""
    return (moment - EPOCH) // timedelta(microseconds=1)


# How many search parts and whole searches a digest run keeps answered. Parts recur across
# searches (a profession, a town); 5,000 holds every part of the benchmark's 100,000 alerts,
# and bounds memory when a run meets more (docs/benchmarks.md). Whole searches do not recur:
# alerts arrive grouped by search.
PARTS_KEPT = 5000
NEWEST_KEPT = 64


class Matcher:
    """Matches many saved searches against the vacancies new since ``since``, at ``now``.

    Each distinct search part ("profession=social-worker", "location=leeds&radius=20") is
    run once through the search page's own FilterSet, over the live vacancies published since
    ``since``; a search's matches are the intersection of its parts' matches. A run over a
    hundred thousand alerts therefore runs the FilterSet a few thousand times, not once per
    alert, and holds only the new vacancies' ids in memory.
    """

    def __init__(self, *, now: datetime, since: datetime):
        self.now = now
        self.since = since
        self.base = Vacancy.objects.live(now=now).filter(published_at__gt=since)
        rows = self.base.values_list("id", "published_at")
        self.published: dict[int, datetime] = dict(rows.iterator(chunk_size=5000))
        # The most recently used parts only: a run's vocabulary of places, employers and
        # keywords is open-ended, and memory must not grow with it.
        self.parts: OrderedDict[str, frozenset[int]] = OrderedDict()
        self.newest: dict[str, list[int]] = {}
        self.newest_keys: dict[str, list[int]] = {}
        self.places_index: dict[int, list[int]] | None = None
        # Reference data every part's FilterSet needs, read once per run: the professions
        # and each place name's resolution (a few hundred names serve thousands of parts).
        self.professions = {p.slug: p for p in Profession.objects.all()}
        self.place_resolver = functools.lru_cache(maxsize=None)(resolve_place)

    def _by_place(self) -> dict[int, list[int]]:
        """The new vacancies of each place, read once: location parts look places up here."""
        if self.places_index is None:
            self.places_index = defaultdict(list)
            rows = Vacancy.places.through.objects.filter(
                vacancy_id__in=self.base.values("id")
            ).values_list("place_id", "vacancy_id")
            for place_id, vacancy_id in rows.iterator(chunk_size=5000):
                self.places_index[place_id].append(vacancy_id)
        return self.places_index

    def part(self, part: str) -> frozenset[int]:
        if part in self.parts:
            self.parts.move_to_end(part)
        else:
            while len(self.parts) >= PARTS_KEPT:
                self.parts.popitem(last=False)
            filterset = VacancyFilterSet(
                data=QueryDict(part),
                queryset=self.base,
                now=self.now,
                professions=self.professions,
                place_resolver=self.place_resolver,
            )
            if part.startswith("location=") and filterset.is_valid():
                # The FilterSet's location filter (any of a vacancy's places within the
                # radius of the place it resolved), answered from the places read once
                # instead of one EXISTS query over every new vacancy per town.
                if filterset.place is None:
                    self.parts[part] = frozenset(self.published)
                else:
                    near = places_within(filterset.place, filterset.radius_miles)
                    by_place = self._by_place()
                    self.parts[part] = frozenset(
                        vacancy_id
                        for place_id in near.values_list("pk", flat=True)
                        for vacancy_id in by_place.get(place_id, ())
                    )
            elif filterset.is_valid():
                # Bounded by the new vacancies: one plain query, no server-side cursor.
                self.parts[part] = frozenset(filterset.filtered().values_list("id", flat=True))
            else:
                self.parts[part] = frozenset()
        return self.parts[part]

    def matches(self, query: str) -> list[int]:
        """Ids matching ``query`` among the new vacancies, newest first."""
        if query not in self.newest:
            if len(self.newest) >= NEWEST_KEPT:  # alerts come grouped by search: keep it small
                self.newest.clear()
                self.newest_keys.clear()
            ids: set[int] | frozenset[int] = self.published.keys()
            for part in sorted(query_parts(query), key=lambda p: len(self.part(p))):
                ids = self.part(part) & ids
                if not ids:
                    break
            published = self.published
            newest = sorted(ids, key=lambda i: (published[i], i), reverse=True)
            self.newest[query] = newest
            self.newest_keys[query] = [-_micros(published[i]) for i in newest]
        return self.newest[query]

    def since_mark(self, query: str, mark: datetime) -> list[int]:
        """Ids matching ``query`` published after ``mark``, newest first."""
        if mark < self.since:
            raise ValueError("This matcher does not reach back that far.")
        newest = self.matches(query)
        # Newest first, so the ones after the mark are a prefix: find its end by bisection.
        return newest[: bisect_left(self.newest_keys[query], -_micros(mark))]


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
        marks = [_mark(alert, now=now) for alert in alerts]
        matcher = Matcher(now=now, since=min(marks, default=now))
    for alert in alerts:
        ids = matcher.since_mark(alert.query, _mark(alert, now=now))
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


def _digest_message(digest: Digest, vacancies: dict[int, Vacancy], description: str):
    alert = digest.alert
    links = alert_links(alert)
    listed = [_digest_item(vacancies[i]) for i in digest.vacancy_ids if i in vacancies]
    return build_email(
        template="alert_digest",
        context={
            "alert": alert,
            "description": description,
            "vacancies": listed,
            "total": digest.total,
            "unlisted": max(0, digest.total - len(listed)),
            **links,
        },
        to=[alert.email],
        headers={
            "List-Unsubscribe": f"<{links['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


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
        message = _digest_message(digest, vacancies, description)
        message.connection = connection
        message.send()
        JobAlert.objects.filter(pk=alert.pk).update(last_sent_at=now)
    return True
