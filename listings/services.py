"""Every write to a vacancy goes through here: the HTML forms, the API, the admin and tasks.

Each function is one state change named ``vacancy_<action>``. An illegal transition raises
``ValidationError`` and changes nothing; side effects (emails) are queued after commit with
ids, never objects.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, F, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.text import slugify

from common.db import on_postgresql
from common.markdown import normalise_newlines
from employers.models import Employer
from listings.models import (
    CARE_FACT_FIELDS,
    REVIEWED_FIELDS,
    ModerationDecision,
    Place,
    Vacancy,
    VacancyOutcome,
    VacancyRevision,
)
from listings.search import (
    Origin,
    nearest_place,
    place_label,
    postcode_authority,
    postcode_origin,
    vacancies_removed,
)
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
    "apply_method",
    "apply_url",
    "apply_email",
    "closes_at",
    # The care-sector facts (blank or None: not stated).
    *CARE_FACT_FIELDS,
)

PUBLISHABLE_FROM = {Status.DRAFT, Status.REJECTED}
RENEWABLE_FROM = {Status.CLOSED, Status.EXPIRED}
# A live vacancy may be extended (renewed) as well; see ``vacancy_renew``.
EXTENDABLE_FROM = RENEWABLE_FROM | {Status.LIVE}


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


# --- a vacancy's postcode -------------------------------------------------------------------
POSTCODE_EXAMPLE = "LS6 3QS"
_FULL_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")


def looks_like_postcode(text: str) -> bool:
    """Whether ``text`` is shaped like a full postcode (known or not), in any case."""
    return bool(_FULL_POSTCODE.match(" ".join(str(text).upper().split())))


def find_postcode(text: str) -> Origin:
    """The point of a full postcode (any case, with or without the space; terminated ones
    too, as the search finds them), or a ``ValidationError`` saying why there is none."""
    code = " ".join(str(text).upper().split())
    where = postcode_origin(code) if code else None
    if where is None:
        raise ValidationError(f"Enter a full postcode, such as {POSTCODE_EXAMPLE}.")
    if not looks_like_postcode(code):
        known = "is a postcode area" if where.origin is not None else "is not a full postcode"
        raise ValidationError(
            f"{code} {known}: enter the full postcode, such as {POSTCODE_EXAMPLE}."
        )
    if where.origin is None or where.origin.kind != "postcode":
        raise ValidationError(f"We could not find the postcode {code}. Check it and try again.")
    if nearest_place(where.origin) is None:
        raise ValidationError(f"The postcode {code} is not near any town we know.")
    return where.origin


def postcode_place(text: str) -> Place:
    """The place of a full postcode: its exact point inside its council area, shown as the
    gazetteer town nearest it. Made the first time a vacancy is placed there, then shared."""
    origin = find_postcode(text)
    found = Place.objects.filter(kind=Place.Kind.POSTCODE, postcode=origin.name).first()
    if found is not None:
        return found
    town = nearest_place(origin)
    place, _created = Place.objects.get_or_create(
        kind=Place.Kind.POSTCODE,
        postcode=origin.name,
        defaults={
            "slug": slugify(f"postcode {origin.name}"),
            "name": town.name,
            "county": town.county,
            "nation": town.nation,
            "lat": origin.lat,
            "lng": origin.lng,
            "lad": postcode_authority(origin.name),
            "town": town,
        },
    )
    return place


def postcode_of(places: Iterable[Place]) -> Place | None:
    """The postcode place among a vacancy's places (a vacancy has at most one)."""
    return next((place for place in places if place.is_postcode), None)


def placed_text(place: Place) -> str:
    """What an employer is told of a postcode place: "LS6 3QS (nearest town: Headingley)"."""
    return f"{place.postcode} (nearest town: {place_label(place)})"


def _with_postcode(
    towns: Iterable[Place], postcode: str | None, *, current: Iterable[Place]
) -> list[Place]:
    """A vacancy's places from its towns and its postcode: the postcode's place first, and
    no town that is the postcode's own nearest town (the exact point stands for it).

    ``postcode`` None keeps the current postcode place, "" removes it.
    """
    if postcode is None:
        exact = postcode_of(current)
    else:
        exact = postcode_place(postcode) if postcode.strip() else None
    places = [exact] if exact is not None else []
    for place in towns:
        if place.is_postcode or (exact is not None and place.pk == exact.town_id):
            continue
        if place not in places:
            places.append(place)
    return places


def _set_places(vacancy: Vacancy, places: Iterable[Place] | None) -> None:
    if places is not None:
        vacancy.places.set(list(places))


def _check_editable_fields(fields: dict) -> None:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(f"These fields cannot be set here: {', '.join(sorted(unknown))}.")


@transaction.atomic
def vacancy_create(
    *, employer, created_by=None, places: Iterable[Place] = (), postcode: str = "", **fields
) -> Vacancy:
    """Save a new draft vacancy for ``employer``, at ``places`` (towns) and, when given, at
    ``postcode`` exactly (``postcode_place``; an unknown one is an error of that field)."""
    _check_editable_fields(fields)
    places = _postcode_field(lambda: _with_postcode(places, postcode, current=()))
    fields = _normalised(fields)
    vacancy = Vacancy(employer=employer, created_by=created_by, status=Status.DRAFT, **fields)
    vacancy.full_clean(exclude=["slug"])
    vacancy.save()
    _set_places(vacancy, places)
    return vacancy


# Text an employer writes: stored with one kind of line ending, so a browser's CRLF and an
# API client's LF are the same words (a date-only edit is never a change of wording).
TEXT_FIELDS = ("title", "description", "pay_grade", "apply_url", "apply_email")


def _normalised(fields: dict) -> dict:
    return {
        name: normalise_newlines(value) if name in TEXT_FIELDS and isinstance(value, str) else value
        for name, value in fields.items()
    }


def _wording(vacancy) -> dict:
    """The reviewed fields of a vacancy or a revision, comparable with each other."""
    return {
        name: getattr(vacancy, f"{name}_id" if name == "profession" else name)
        for name in REVIEWED_FIELDS
    }


def _set_wording(target, wording: dict) -> None:
    for name, value in wording.items():
        setattr(target, f"{name}_id" if name == "profession" else name, value)


def holds_wording_for_review(vacancy: Vacancy) -> bool:
    """Whether a change of wording to ``vacancy`` waits for staff while the approved one shows.

    So for a public vacancy of an organisation staff have not verified: facts (pay, hours,
    dates, the care-sector facts) still apply at once. A draft or a vacancy not yet approved
    is not public, so its edits simply apply, and it is reviewed when published.
    """
    return vacancy.status == Status.LIVE and not vacancy.employer.verified


def pending_revision(vacancy: Vacancy) -> VacancyRevision | None:
    """The wording waiting for review beside ``vacancy``, if any."""
    return VacancyRevision.objects.filter(vacancy_id=vacancy.pk).first()


def _postcode_field(combine):
    try:
        return combine()
    except ValidationError as exc:
        raise ValidationError({"postcode": exc.messages}) from exc


@transaction.atomic
def vacancy_update(
    *,
    vacancy: Vacancy,
    expected_version: int | None = None,
    places: Iterable[Place] | None = None,
    postcode: str | None = None,
    user=None,
    now: datetime | None = None,
    **fields,
) -> Vacancy:
    """Edit a vacancy, refusing if someone else saved it since it was loaded.

    ``expected_version`` is the version the editor's form was built from; a mismatch means a
    colleague saved in between, and the edit is refused rather than silently overwriting.

    A live vacancy never leaves the site because it was edited. For an unverified employer
    (``holds_wording_for_review``) the facts apply at once and new wording (title,
    profession, description, how to apply, places) is kept in a ``VacancyRevision`` for
    staff, while seekers keep seeing the approved wording; saving the approved wording again
    withdraws the revision. A verified employer's edits apply at once, with any revision
    still waiting.

    ``places`` are the towns (None keeps them) and ``postcode`` the exact point (None keeps
    it, "" removes it): the postcode's place is one of the vacancy's places, so it is
    reviewed, kept in the revision and copied on approval as the places are.
    """
    _check_editable_fields(fields)
    fields = _normalised(fields)
    now = now or timezone.now()
    current = Vacancy.objects.select_for_update().select_related("employer").get(pk=vacancy.pk)
    if current.status in RENEWABLE_FROM:
        raise ValidationError("A closed or expired vacancy cannot be edited; renew it first.")
    if expected_version is not None and current.version != expected_version:
        raise ValidationError(
            "Someone else saved this vacancy while you were editing it. "
            "Reload the page to see their changes, then make yours again.",
            code="conflict",
        )
    was_live = current.status == Status.LIVE
    approved = _wording(current)
    approved_places = set(current.places.values_list("pk", flat=True))
    revision = pending_revision(current)
    # Start from the newest wording the employer wrote: the revision, if one waits.
    if revision is not None:
        _set_wording(current, _wording(revision))
        wanted_places = set(revision.places.values_list("pk", flat=True))
    else:
        wanted_places = approved_places
    if places is not None or postcode is not None:
        wanted = list(Place.objects.filter(pk__in=wanted_places))
        towns = wanted if places is None else places
        combined = _postcode_field(lambda: _with_postcode(towns, postcode, current=wanted))
        wanted_places = {p.pk for p in combined}
        if not wanted_places and current.status in (Status.LIVE, Status.PENDING_REVIEW):
            raise ValidationError({"places": "Choose at least one place, or give the postcode."})
    for name, value in fields.items():
        setattr(current, name, value)
    if current.status in (Status.LIVE, Status.PENDING_REVIEW):
        problems = wording_problems(current)
        if problems:
            raise ValidationError(problems)
    if current.status == Status.LIVE and "closes_at" in fields:
        _check_closing_date(current.closes_at, now=now)
    current.full_clean(exclude=["slug"])
    wording = _wording(current)
    wording_changed = wording != approved or wanted_places != approved_places
    if holds_wording_for_review(current):
        _set_wording(current, approved)  # seekers keep the approved words meanwhile
        if wording_changed:
            revision = revision or VacancyRevision(vacancy=current)
            _set_wording(revision, wording)
            revision.submitted_by = user
            revision.full_clean(exclude=["vacancy"])
            revision.save()
            revision.places.set(wanted_places)
        elif revision is not None:
            revision.delete()
        wanted_places = approved_places
    else:
        if revision is not None:
            revision.delete()
        if current.title != approved["title"]:
            current.slug = ""
    current.version = F("version") + 1
    current.save()
    if was_live or current.status == Status.LIVE:
        _live_set_changed(current.employer_id)
    current.refresh_from_db()
    if wanted_places != approved_places:
        current.places.set(wanted_places)
    return current


@transaction.atomic
def vacancy_withdraw_revision(*, vacancy: Vacancy) -> bool:
    """Drop the wording waiting for review; the vacancy stays as approved. True if one was."""
    deleted, _ = VacancyRevision.objects.filter(vacancy_id=vacancy.pk).delete()
    if deleted:
        Vacancy.objects.filter(pk=vacancy.pk).update(version=F("version") + 1)
    return bool(deleted)


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


def wording_problems(vacancy: Vacancy) -> dict[str, str]:
    """What an advert must say before seekers see it (a draft may leave it out), by field."""
    problems: dict[str, str] = {}
    if not vacancy.title.strip():
        problems["title"] = "Give the job a title."
    if vacancy.profession_id is None:
        problems["profession"] = "Choose a profession."
    if not vacancy.description.strip():
        problems["description"] = "Describe the job."
    return problems


def publication_problems(vacancy: Vacancy, *, now: datetime) -> dict[str, str]:
    """What stops ``vacancy`` from being published, by field (empty when it can go)."""
    problems = wording_problems(vacancy)
    try:
        _check_closing_date(vacancy.closes_at, now=now)
    except ValidationError as exc:
        problems.update({k: v[0] for k, v in exc.message_dict.items()})
    problems.update(vacancy.apply_problems())
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
        vacancy.published_at = vacancy.published_at or now  # first publication is kept
    else:
        vacancy.status = Status.PENDING_REVIEW
    vacancy.save(update_fields=["status", "published_at", "rejection_reason", "updated_at"])
    _live_set_changed(vacancy.employer_id)
    return vacancy


def _apply_revision(vacancy: Vacancy, revision: VacancyRevision) -> None:
    """Copy approved wording onto the vacancy and drop the revision."""
    if revision.title != vacancy.title:
        vacancy.slug = ""
    _set_wording(vacancy, _wording(revision))
    places = list(revision.places.values_list("pk", flat=True))
    vacancy.version = F("version") + 1
    vacancy.save()
    vacancy.refresh_from_db()
    vacancy.places.set(places)
    revision.delete()


@transaction.atomic
def vacancy_approve(*, vacancy: Vacancy, moderator, now: datetime | None = None) -> Vacancy:
    """Staff approve what waits for review: a new vacancy goes live, new wording replaces the old.

    A vacancy keeps the time it was first published, so its "Posted" date does not move and
    job alerts (which send what was published after their last email) never send it again.
    The employer is emailed that it is approved, with the link.
    """
    now = now or timezone.now()
    vacancy = Vacancy.objects.select_for_update().get(pk=vacancy.pk)
    revision = pending_revision(vacancy)
    if vacancy.status == Status.PENDING_REVIEW:
        if vacancy.closes_at is None or vacancy.closes_at <= now:
            raise ValidationError("Its closing date has passed; the employer must set a new one.")
        vacancy.status = Status.LIVE
        vacancy.published_at = vacancy.published_at or now
        vacancy.save(update_fields=["status", "published_at", "updated_at"])
        change = False
    elif revision is not None:
        _apply_revision(vacancy, revision)
        change = True
    else:
        raise ValidationError("Only a vacancy or a change waiting for review can be approved.")
    _live_set_changed(vacancy.employer_id)
    ModerationDecision.objects.create(
        moderator=moderator,
        action=ModerationDecision.Action.APPROVE,
        vacancy=vacancy,
        employer_id=vacancy.employer_id,
        reason="New wording of a live vacancy" if change else "",
    )
    enqueue("listings.tasks.send_approval_email", vacancy.id, change)
    return vacancy


@transaction.atomic
def vacancy_reject(*, vacancy: Vacancy, moderator, reason: str) -> Vacancy:
    """Staff send a vacancy, or new wording of a live one, back with a reason (emailed).

    Rejected wording is discarded; the vacancy stays on the site as it was approved.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Give the employer a reason for the rejection."})
    vacancy = Vacancy.objects.select_for_update().get(pk=vacancy.pk)
    revision = pending_revision(vacancy)
    if vacancy.status == Status.PENDING_REVIEW:
        vacancy.status = Status.REJECTED
        vacancy.rejection_reason = reason
        vacancy.save(update_fields=["status", "rejection_reason", "updated_at"])
        change = False
    elif revision is not None:
        revision.delete()
        Vacancy.objects.filter(pk=vacancy.pk).update(version=F("version") + 1)
        change = True
    else:
        raise ValidationError("Only a vacancy or a change waiting for review can be rejected.")
    ModerationDecision.objects.create(
        moderator=moderator,
        action=ModerationDecision.Action.REJECT,
        vacancy=vacancy,
        employer_id=vacancy.employer_id,
        reason=reason,
    )
    enqueue("listings.tasks.send_rejection_email", vacancy.id, reason if change else None)
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
    """Give a vacancy a new closing date, keeping its page, reference and counters.

    A live vacancy is extended (the expiry reminder's link); a closed or expired one opens
    again, within ``VACANCY_RENEW_WITHIN_DAYS`` of when it stopped (older adverts should be
    duplicated instead so seekers see a fresh date). Its approved wording was public already,
    so it goes live at once for every employer; a date is a fact, never reviewed. A new
    closing date re-arms the reminder.
    """
    now = now or timezone.now()
    vacancy = Vacancy.objects.select_for_update().select_related("employer").get(pk=vacancy.pk)
    if vacancy.status not in EXTENDABLE_FROM or vacancy.published_at is None:
        raise ValidationError("Only a live, closed or expired vacancy can be renewed.")
    if vacancy.status != Status.LIVE:
        ended = vacancy.closed_at or vacancy.expired_at or vacancy.closes_at
        if ended and ended < now - timedelta(days=settings.VACANCY_RENEW_WITHIN_DAYS):
            raise ValidationError(
                f"Vacancies can be renewed within {settings.VACANCY_RENEW_WITHIN_DAYS} days "
                "of closing. Duplicate this one to advertise it again."
            )
    _check_closing_date(closes_at, now=now)
    if vacancy.status == Status.LIVE and vacancy.closes_at and closes_at <= vacancy.closes_at:
        raise ValidationError(
            {"closes_at": "Choose a date after the current closing date to extend it."}
        )
    vacancy.closes_at = closes_at
    vacancy.closed_at = None
    vacancy.expired_at = None
    vacancy.expiry_notified_at = None  # a later expiry is reported again
    vacancy.outcome = ""  # it has not ended any more
    vacancy.status = Status.LIVE
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
        copied_from=vacancy,
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
