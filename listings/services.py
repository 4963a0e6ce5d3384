"""Every write to a vacancy goes through here: the HTML forms, the API, the admin and tasks.

Each function is one state change named ``vacancy_<action>``. An illegal transition raises
``ValidationError`` and changes nothing; side effects (emails) are queued after commit with
ids, never objects.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, F, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from common.db import on_postgresql
from employers.models import Employer
from listings.models import CARE_FACT_FIELDS, ModerationDecision, Place, Vacancy, VacancyOutcome
from listings.search import vacancies_removed
from outbox.services import enqueue

# Connections an expiry run uses side by side on PostgreSQL (see ``vacancies_expire``).
EXPIRY_CONNECTIONS = 2
FIRST_EXPIRY_BATCH = 1000

Status = Vacancy.Status

# Fields an employer may set; everything else is owned by the life cycle.
EDITABLE_FIELDS = (
    "title",
    "profession",
    "description",
    "workplace",
    "contract_type",
    "working_pattern",
    "hours_per_week",
    "salary_min",
    "salary_max",
    "salary_period",
    "apply_url",
    "apply_email",
    "closes_at",
    # The care-sector facts (blank or None: not stated).
    *CARE_FACT_FIELDS,
)

PUBLISHABLE_FROM = {Status.DRAFT, Status.REJECTED}
RENEWABLE_FROM = {Status.CLOSED, Status.EXPIRED}


def _live_set_changed(employer_id: int) -> None:
    """A vacancy of this employer joined or left the live set (or changed while live).

    The search's kept pages hear of the vacancy itself through its save
    (``listings.search.cache``): a removal at once, an addition within two minutes.
    """
    employers_live_counts_refresh(employer_ids=[employer_id])


def employers_live_counts_refresh(
    *, employer_ids: Iterable[int] | None = None, now: datetime | None = None
) -> int:
    """Recount ``Employer.live_vacancy_count`` for these employers (all when None).

    One ``UPDATE`` with a count per employer from the (employer, status) index; only rows
    whose count changed are written. Services call it for one employer on every change to
    its live vacancies; the expiry run calls it for everyone, which also catches vacancies
    whose closing time passed. Returns how many employers' counts changed.
    """
    live = (
        Vacancy.objects.live(now=now)
        .filter(employer_id=OuterRef("pk"))
        .order_by()
        .values("employer_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    fresh = Coalesce(Subquery(live, output_field=IntegerField()), 0)
    employers = Employer.objects.all()
    if employer_ids is not None:
        employers = employers.filter(pk__in=list(employer_ids))
    return employers.exclude(live_vacancy_count=fresh).update(live_vacancy_count=fresh)


def _set_places(vacancy: Vacancy, places: Iterable[Place] | None) -> None:
    if places is not None:
        vacancy.places.set(list(places))


def _check_editable_fields(fields: dict) -> None:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(f"These fields cannot be set here: {', '.join(sorted(unknown))}.")


@transaction.atomic
def vacancy_create(*, employer, created_by=None, places: Iterable[Place] = (), **fields) -> Vacancy:
    """Save a new draft vacancy for ``employer``."""
    _check_editable_fields(fields)
    vacancy = Vacancy(employer=employer, created_by=created_by, status=Status.DRAFT, **fields)
    vacancy.full_clean(exclude=["slug"])
    vacancy.save()
    _set_places(vacancy, places)
    return vacancy


@transaction.atomic
def vacancy_update(
    *,
    vacancy: Vacancy,
    expected_version: int | None = None,
    places: Iterable[Place] | None = None,
    now: datetime | None = None,
    **fields,
) -> Vacancy:
    """Edit a vacancy's content, refusing if someone else saved it since it was loaded.

    ``expected_version`` is the version the editor's form was built from; a mismatch means a
    colleague saved in between, and the edit is refused rather than silently overwriting.

    New wording on a live vacancy of an unverified employer goes back to staff review, as
    publishing it would have: otherwise approval could be bypassed by editing afterwards.
    """
    _check_editable_fields(fields)
    current = Vacancy.objects.select_for_update().select_related("employer").get(pk=vacancy.pk)
    was_live = current.status == Status.LIVE
    if current.status in RENEWABLE_FROM:
        raise ValidationError("A closed or expired vacancy cannot be edited; renew it first.")
    if expected_version is not None and current.version != expected_version:
        raise ValidationError(
            "Someone else saved this vacancy while you were editing it. "
            "Reload the page to see their changes, then make yours again.",
            code="conflict",
        )
    content_changed = any(
        getattr(current, name) != value for name, value in fields.items() if name != "closes_at"
    ) or (
        places is not None
        and {p.pk for p in places} != set(current.places.values_list("pk", flat=True))
    )
    if current.status == Status.LIVE and content_changed and not current.employer.verified:
        current.status = Status.PENDING_REVIEW
    for name, value in fields.items():
        setattr(current, name, value)
    if "title" in fields:
        current.slug = ""
    if current.status == Status.LIVE and "closes_at" in fields:
        _check_closing_date(current.closes_at, now=now or timezone.now())
    current.full_clean(exclude=["slug"])
    current.version = F("version") + 1
    current.save()
    if was_live or current.status == Status.LIVE:
        _live_set_changed(current.employer_id)
    current.refresh_from_db()
    _set_places(current, places)
    return current


def latest_closing_day(now: datetime) -> date:
    """The last day (UK time) a vacancy may close on: ``VACANCY_MAX_OPEN_DAYS`` after ``now``."""
    return timezone.localtime(now + timedelta(days=settings.VACANCY_MAX_OPEN_DAYS)).date()


def closing_date_problem(closes_at: datetime | None, *, now: datetime) -> str | None:
    """Why ``closes_at`` cannot be a vacancy's closing time at ``now``; None when it can.

    The one closing-date rule: the services, the API and the employer's forms all ask it.
    A closing date is a day to people, so the whole of the last allowed day is allowed.
    """
    if closes_at is None:
        return "Set a closing date."
    if closes_at <= now:
        return "The closing date must be in the future."
    latest = latest_closing_day(now)
    if timezone.localdate(closes_at) > latest:
        return (
            f"A vacancy can stay open for at most {settings.VACANCY_MAX_OPEN_DAYS} days: "
            f"choose {latest:%-d %B %Y} or earlier."
        )
    return None


def _check_closing_date(closes_at: datetime | None, *, now: datetime) -> None:
    problem = closing_date_problem(closes_at, now=now)
    if problem is not None:
        raise ValidationError({"closes_at": problem})


def publication_problems(vacancy: Vacancy, *, now: datetime) -> dict[str, str]:
    """What stops ``vacancy`` from being published, by field (empty when it can go)."""
    problems: dict[str, str] = {}
    try:
        _check_closing_date(vacancy.closes_at, now=now)
    except ValidationError as exc:
        problems.update({k: v[0] for k, v in exc.message_dict.items()})
    if not vacancy.apply_url and not vacancy.apply_email:
        problems["apply_url"] = "Give a web address or an email address for applications."
    if not vacancy.places.exists():
        problems["places"] = "Choose at least one place."
    return problems


@transaction.atomic
def vacancy_publish(*, vacancy: Vacancy, user=None, now: datetime | None = None) -> Vacancy:
    """Send a draft out: live for verified employers, to staff review for the rest."""
    now = now or timezone.now()
    vacancy = Vacancy.objects.select_for_update().select_related("employer").get(pk=vacancy.pk)
    if vacancy.status not in PUBLISHABLE_FROM:
        raise ValidationError(
            f"A {vacancy.get_status_display().lower()} vacancy cannot be published."
        )
    if user is not None and not getattr(user, "email_verified", True):
        raise ValidationError("Confirm your email address before publishing.")
    problems = publication_problems(vacancy, now=now)
    if problems:
        raise ValidationError(problems)
    vacancy.rejection_reason = ""
    if vacancy.employer.verified:
        vacancy.status = Status.LIVE
        vacancy.published_at = now
    else:
        vacancy.status = Status.PENDING_REVIEW
    vacancy.save(update_fields=["status", "published_at", "rejection_reason", "updated_at"])
    _live_set_changed(vacancy.employer_id)
    return vacancy


@transaction.atomic
def vacancy_approve(*, vacancy: Vacancy, moderator, now: datetime | None = None) -> Vacancy:
    """Staff approve a vacancy waiting for review: it goes live now."""
    now = now or timezone.now()
    vacancy = Vacancy.objects.select_for_update().get(pk=vacancy.pk)
    if vacancy.status != Status.PENDING_REVIEW:
        raise ValidationError("Only a vacancy waiting for review can be approved.")
    if vacancy.closes_at is None or vacancy.closes_at <= now:
        raise ValidationError("Its closing date has passed; the employer must set a new one.")
    vacancy.status = Status.LIVE
    vacancy.published_at = now
    vacancy.save(update_fields=["status", "published_at", "updated_at"])
    _live_set_changed(vacancy.employer_id)
    ModerationDecision.objects.create(
        moderator=moderator,
        action=ModerationDecision.Action.APPROVE,
        vacancy=vacancy,
        employer_id=vacancy.employer_id,
    )
    return vacancy


@transaction.atomic
def vacancy_reject(*, vacancy: Vacancy, moderator, reason: str) -> Vacancy:
    """Staff send a vacancy back to its employer with a reason, which is emailed to them."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Give the employer a reason for the rejection."})
    vacancy = Vacancy.objects.select_for_update().get(pk=vacancy.pk)
    if vacancy.status != Status.PENDING_REVIEW:
        raise ValidationError("Only a vacancy waiting for review can be rejected.")
    vacancy.status = Status.REJECTED
    vacancy.rejection_reason = reason
    vacancy.save(update_fields=["status", "rejection_reason", "updated_at"])
    ModerationDecision.objects.create(
        moderator=moderator,
        action=ModerationDecision.Action.REJECT,
        vacancy=vacancy,
        employer_id=vacancy.employer_id,
        reason=reason,
    )
    enqueue("listings.tasks.send_rejection_email", vacancy.id)
    return vacancy


# How an employer may say a vacancy it closes ended ("expired" is set by expiry only).
CLOSING_OUTCOMES = (
    VacancyOutcome.FILLED_HERE,
    VacancyOutcome.FILLED_ELSEWHERE,
    VacancyOutcome.WITHDRAWN,
)


@transaction.atomic
def vacancy_close(*, vacancy: Vacancy, outcome: str = "", now: datetime | None = None) -> Vacancy:
    """Close a live vacancy early; it stays on the site marked as closed.

    ``outcome`` records how it ended (filled through this board, filled elsewhere, or
    withdrawn) for the employer's statistics; blank when the employer did not say.
    """
    now = now or timezone.now()
    if outcome and outcome not in CLOSING_OUTCOMES:
        raise ValidationError(
            {"outcome": "Say whether it was filled here, filled elsewhere or withdrawn."}
        )
    vacancy = Vacancy.objects.select_for_update().get(pk=vacancy.pk)
    if vacancy.status != Status.LIVE:
        raise ValidationError("Only a live vacancy can be closed.")
    vacancy.status = Status.CLOSED
    vacancy.closed_at = now
    vacancy.outcome = outcome
    if vacancy.closes_at and vacancy.closes_at > now:
        vacancy.closes_at = now
    vacancy.save(update_fields=["status", "closed_at", "closes_at", "outcome", "updated_at"])
    _live_set_changed(vacancy.employer_id)
    return vacancy


@transaction.atomic
def vacancy_renew(*, vacancy: Vacancy, closes_at: datetime, now: datetime | None = None) -> Vacancy:
    """Reopen a closed or expired vacancy with a new closing date, keeping its counters.

    Allowed within ``VACANCY_RENEW_WITHIN_DAYS`` of when it stopped; older adverts should be
    duplicated instead so seekers see a fresh date. A new closing date re-arms the reminder.
    """
    now = now or timezone.now()
    vacancy = Vacancy.objects.select_for_update().select_related("employer").get(pk=vacancy.pk)
    if vacancy.status not in RENEWABLE_FROM:
        raise ValidationError("Only a closed or expired vacancy can be renewed.")
    ended = vacancy.closed_at or vacancy.expired_at or vacancy.closes_at
    if ended and ended < now - timedelta(days=settings.VACANCY_RENEW_WITHIN_DAYS):
        raise ValidationError(
            f"Vacancies can be renewed within {settings.VACANCY_RENEW_WITHIN_DAYS} days of "
            "closing. Duplicate this one to advertise it again."
        )
    _check_closing_date(closes_at, now=now)
    vacancy.closes_at = closes_at
    vacancy.closed_at = None
    vacancy.expired_at = None
    vacancy.expiry_notified_at = None  # a later expiry is reported again
    vacancy.outcome = ""  # it has not ended any more
    if vacancy.employer.verified:
        vacancy.status = Status.LIVE
    else:
        vacancy.status = Status.PENDING_REVIEW
    vacancy.save(
        update_fields=[
            "status",
            "closes_at",
            "closed_at",
            "expired_at",
            "expiry_notified_at",
            "outcome",
            "updated_at",
        ]
    )
    _live_set_changed(vacancy.employer_id)
    return vacancy


@transaction.atomic
def vacancy_duplicate(*, vacancy: Vacancy, created_by=None) -> Vacancy:
    """Copy any vacancy into a new draft with a new reference and fresh counters."""
    copy = Vacancy(
        employer_id=vacancy.employer_id,
        created_by=created_by,
        status=Status.DRAFT,
        # A copy is a new round of recruiting: its closing and interview dates are its own.
        **{
            name: getattr(vacancy, name)
            for name in EDITABLE_FIELDS
            if name not in ("closes_at", "interview_date")
        },
    )
    copy.save()
    copy.places.set(vacancy.places.all())
    return copy


@transaction.atomic
def vacancy_delete_draft(*, vacancy: Vacancy) -> None:
    """Delete a draft that was never published; published vacancies are kept for good."""
    vacancy = Vacancy.objects.select_for_update().get(pk=vacancy.pk)
    if vacancy.status != Status.DRAFT or vacancy.published_at is not None:
        raise ValidationError("Only drafts that were never published can be deleted.")
    vacancy.delete()


def vacancies_expire(
    *,
    now: datetime | None = None,
    batch_size: int = 25_000,
    dry_run: bool = False,
    parallel: int = EXPIRY_CONNECTIONS,
) -> list[int]:
    """Mark every live vacancy past its closing time as expired; return the ids changed.

    Each batch is one statement, ``UPDATE … WHERE id IN (due ids LIMIT n FOR UPDATE SKIP
    LOCKED) RETURNING id``, in its own transaction: the ids come from the partial index on
    live closing times, earliest first, and never travel to Python and back, and a large
    backlog never holds many row locks for long. The update repeats the "live and due"
    condition, so a vacancy renewed or closed by someone else a moment earlier is left alone.
    Idempotent: a second run finds nothing due. Seekers never depend on this having run:
    ``Vacancy.objects.live()`` already hides vacancies past their closing time.

    When the first batch is full, on PostgreSQL and outside a transaction, ``parallel``
    connections take the remaining batches side by side (``SKIP LOCKED`` gives each its own
    rows): one backend rewriting rows is bound to one core, and two expired 100,000 of a
    million in 1.6 s instead of 2.5-2.9 s (docs/benchmarks.md).
    The same locking lets a manual run and the beat's overlap without waiting on each other.

    The update also drops the row's search vector: only live rows are searched (the
    full-text index is partial on them), the trigger computes a fresh vector whenever a
    vacancy goes live again, and without it the expired row version PostgreSQL writes is
    about half as wide (measured in ``docs/benchmarks.md``).
    """
    now = now or timezone.now()
    due = Vacancy.objects.due_to_expire(now=now)
    if dry_run:
        return list(due.values_list("id", flat=True))
    table = connection.ops.quote_name(Vacancy._meta.db_table)
    moment = connection.ops.adapt_datetimefield_value(now)

    def expire_batch(size: int) -> list[int]:
        batch_sql, batch_params = (
            due.order_by("closes_at").values("id")[:size].query.sql_with_params()
        )
        if connection.features.has_select_for_update_skip_locked:
            batch_sql += " FOR UPDATE SKIP LOCKED"
        # The batch is a materialised CTE, chosen once: as an ``IN (subquery)`` the planner may
        # run it again for each row it tests, and with SKIP LOCKED each run finds other rows,
        # so one "batch" of 2 once expired all 9 due vacancies.
        materialized = "MATERIALIZED " if on_postgresql() else ""
        update = (
            f"WITH batch AS {materialized}({batch_sql}) "  # noqa: S608 - names are ours
            f"UPDATE {table} SET status = %s, expired_at = %s, outcome = %s, "
            f"search_vector = NULL "
            f"WHERE id IN (SELECT id FROM batch) AND status = %s AND closes_at <= %s RETURNING id"
        )
        params = [
            *batch_params, Status.EXPIRED, moment, VacancyOutcome.EXPIRED, Status.LIVE, moment
        ]  # fmt: skip
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(update, params)
            return [row[0] for row in cursor.fetchall()]

    def expire_batches() -> list[int]:
        done: list[int] = []
        while ids := expire_batch(batch_size):
            done.extend(ids)
        return done

    # A small first batch on this connection: the usual run (a few due, or none) ends there.
    first_size = min(batch_size, FIRST_EXPIRY_BATCH)
    expired = expire_batch(first_size)
    if len(expired) == first_size:
        side_by_side = parallel > 1 and on_postgresql() and not connection.in_atomic_block
        expired += _on_connections(expire_batches, parallel) if side_by_side else expire_batches()
    if expired:
        vacancies_removed(expired)  # no kept page or answer shows them once this commits
    return expired


def _on_connections(work, count: int) -> list:
    """Run ``work`` in ``count`` threads, each on its own database connection; join the lists.

    The first error any thread raised is raised here, once all have stopped.
    """
    results: list[list] = []
    errors: list[BaseException] = []

    def run():
        try:
            results.append(work())
        except BaseException as exc:  # noqa: BLE001 - handed to the caller below
            errors.append(exc)
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=run, name=f"expiry-{n}") for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return [item for result in results for item in result]
