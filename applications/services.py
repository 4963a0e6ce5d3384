"""The employer's team's writes: screening questions, moving applications (one or many),
ratings, notes, templated messages to candidates, interview slots, and the new-application
webhook.

Each function is one change named ``<entity>_<action>``; a refused change raises
``ValidationError`` (by field where a form or the API shows it) and changes nothing. Emails
and webhook calls are queued through the outbox with ids, after commit. The candidate's
writes are in ``candidate_services``.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from applications.emails import (
    MESSAGE_KINDS,
    STATUS_AFTER,
    MessageDetails,
    compose,
    compose_slot_cancelled,
)
from applications.models import (
    MAX_SCREENING_QUESTIONS,
    MAX_SLOT_MINUTES,
    MIN_SLOT_MINUTES,
    Application,
    ApplicationEvent,
    ApplicationNote,
    ApplicationWebhook,
    InterviewSlot,
    ScreeningQuestion,
    WebhookDelivery,
    hire_change,
)
from common.validators import is_web_address
from listings.models import Vacancy
from listings.traffic import record_applications
from outbox.services import enqueue

Status = Application.Status
Event = ApplicationEvent.Kind


# What the team may set; a draft is the candidate's and a withdrawal the candidate's word.
TEAM_STATUSES = (
    Status.NEW,
    Status.REVIEWING,
    Status.SHORTLISTED,
    Status.INTERVIEW,
    Status.OFFERED,
    Status.HIRED,
    Status.REJECTED,
)
MAX_BULK = 500
NOTE_MAX_LENGTH = 5000
# Statuses that end the process for a candidate: their interview slot to come is freed.
ENDED = (Status.REJECTED, Status.HIRED, Status.WITHDRAWN)
MAX_SLOTS_AT_ONCE = 12
CANCEL_NOTE_MAX_LENGTH = 2000
SEND_CANDIDATE_MESSAGE = "applications.tasks.send_candidate_message"
MAX_SLOT_GAP_MINUTES = 120
SLOTS_AHEAD = timedelta(days=366)


# --- Screening questions ------------------------------------------------------------------


def screening_questions_locked(vacancy: Vacancy) -> bool:
    """Once a candidate has applied, the questions stay as they answered them."""
    return Application.objects.submitted().filter(vacancy=vacancy).exists()


@transaction.atomic
def screening_questions_set(*, vacancy: Vacancy, questions: Sequence[dict]) -> list:
    """Replace a vacancy's screening questions with ``questions`` (at most five, in order).

    Each question is ``{"text", "kind", "must_be_yes"}``; a knock-out ("must be yes") is a
    yes/no question. Errors are by field, ``questions`` or ``<n>.<field>`` (from 0).
    """
    vacancy = Vacancy.objects.select_for_update().get(pk=vacancy.pk)
    if screening_questions_locked(vacancy):
        raise ValidationError(
            {
                "questions": "Candidates have already answered these questions, so they can no "
                "longer change. Duplicate the vacancy to ask different ones."
            }
        )
    if len(questions) > MAX_SCREENING_QUESTIONS:
        raise ValidationError(
            {"questions": f"Ask at most {MAX_SCREENING_QUESTIONS} screening questions."}
        )
    errors: dict[str, str] = {}
    rows = []
    for position, question in enumerate(questions):
        text = " ".join(str(question.get("text") or "").split())
        kind = question.get("kind") or ScreeningQuestion.Kind.YES_NO
        must_be_yes = bool(question.get("must_be_yes"))
        if not text:
            errors[f"{position}.text"] = "Write the question."
        elif len(text) > 300:
            errors[f"{position}.text"] = "Keep the question to 300 characters."
        if kind not in ScreeningQuestion.Kind.values:
            errors[f"{position}.kind"] = "Choose yes or no, or a short answer."
        elif must_be_yes and kind != ScreeningQuestion.Kind.YES_NO:
            errors[f"{position}.must_be_yes"] = "Only a yes or no question can need a yes."
        rows.append(
            ScreeningQuestion(
                vacancy=vacancy, position=position, text=text, kind=kind, must_be_yes=must_be_yes
            )
        )
    if errors:
        raise ValidationError(errors)
    ScreeningQuestion.objects.filter(vacancy=vacancy).delete()
    return ScreeningQuestion.objects.bulk_create(rows)


# --- The team's work on applications ------------------------------------------------------


def _check_team_status(status: str) -> None:
    if status not in TEAM_STATUSES:
        raise ValidationError({"status": "Choose a status from the list."})


def _move(application: Application, status: str, *, actor, now: datetime) -> bool:
    """Record a change of status on a locked, submitted application; False if already so."""
    if application.status == status:
        return False
    ApplicationEvent.objects.create(
        application=application,
        kind=Event.STATUS,
        actor=actor,
        from_status=application.status,
        to_status=status,
        created_at=now,
    )
    application.status = status
    application.status_changed_at = now
    application.updated_at = now
    application.save(update_fields=["status", "status_changed_at", "updated_at"])
    if status in ENDED:
        release_upcoming_slot(application, now=now)
    return True


def release_upcoming_slot(application: Application, *, now: datetime) -> int:
    """Free the interview slot to come that ``application`` holds (a past one stays, as a
    record of the interview); returns how many were freed (0 or 1)."""
    return InterviewSlot.objects.filter(taken_by=application).upcoming(now).update(taken_by=None)


def _count_hires(moves: Iterable[tuple[Application, str]]) -> None:
    """Keep the funnel's hires for ``(application, status before)`` pairs just moved: one
    statement per day and source of their submissions, however many moved."""
    record_applications(
        application.funnel_change(hires=hire_change(before, application.status))
        for application, before in moves
        if hire_change(before, application.status)
    )


def _locked(application: Application) -> Application:
    current = (
        Application.objects.submitted()
        .select_for_update()
        .select_related("vacancy__employer")
        .filter(pk=application.pk)
        .first()
    )
    if current is None:
        raise ValidationError("This application is no longer there.")
    if current.status == Status.WITHDRAWN:
        raise ValidationError("The candidate has withdrawn this application.")
    return current


@transaction.atomic
def application_move(
    *, application: Application, status: str, actor=None, now: datetime | None = None
) -> Application:
    """The team moves an application to ``status`` (kept on its history); the candidate sees it."""
    _check_team_status(status)
    current = _locked(application)
    before = current.status
    _move(current, status, actor=actor, now=now or timezone.now())
    _count_hires([(current, before)])
    return current


@transaction.atomic
def applications_bulk_move(
    *,
    vacancy: Vacancy,
    application_ids: Iterable[int],
    status: str,
    actor=None,
    now: datetime | None = None,
) -> int:
    """Move several applications of one vacancy to ``status``; all or none. Returns how many
    changed (those already there are left as they are)."""
    _check_team_status(status)
    ids = sorted(set(application_ids))
    if not ids:
        raise ValidationError({"ids": "Tick at least one application."})
    if len(ids) > MAX_BULK:
        raise ValidationError({"ids": f"Change at most {MAX_BULK} applications at once."})
    rows = list(
        Application.objects.submitted()
        .select_for_update()
        .filter(vacancy=vacancy, pk__in=ids)
        .order_by("pk")
    )
    if len(rows) != len(ids):
        raise ValidationError({"ids": "Some of those applications are not for this vacancy."})
    if any(row.status == Status.WITHDRAWN for row in rows):
        raise ValidationError({"ids": "Withdrawn applications cannot change; untick them."})
    now = now or timezone.now()
    moves = [(row, row.status) for row in rows]
    changed = sum(_move(row, status, actor=actor, now=now) for row in rows)
    _count_hires(moves)
    return changed


@transaction.atomic
def application_rate(*, application: Application, rating: int | None) -> Application:
    """The team's rating, 1 to 5, or None to clear it."""
    if rating is not None and (isinstance(rating, bool) or rating not in range(1, 6)):
        raise ValidationError({"rating": "Give a rating from 1 to 5."})
    current = _locked(application)
    current.rating = rating
    current.save(update_fields=["rating"])
    return current


@transaction.atomic
def application_add_note(
    *, application: Application, author, body: str, now: datetime | None = None
) -> ApplicationNote:
    """A note the whole team sees; never the candidate."""
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "Write the note."})
    if len(body) > NOTE_MAX_LENGTH:
        raise ValidationError({"body": f"Keep a note to {NOTE_MAX_LENGTH} characters."})
    current = Application.objects.submitted().select_for_update().filter(pk=application.pk).first()
    if current is None:
        raise ValidationError("This application is no longer there.")
    return ApplicationNote.objects.create(
        application=current, author=author, body=body, created_at=now or timezone.now()
    )


def _set_slot_invitation(application: Application, *, pick: bool, now: datetime) -> None:
    """An invitation to pick a time needs a free time to come; a fixed time replaces any
    slot the candidate had chosen."""
    if pick:
        free = (
            InterviewSlot.objects.filter(vacancy_id=application.vacancy_id)
            .free()
            .upcoming(now)
            .exists()
        )
        if not free and application.chosen_slot is None:
            raise ValidationError(
                {
                    "pick": "This vacancy has no free interview times to come. Add some "
                    "first, or give a day and time."
                }
            )
        application.slot_invited_at = now
    else:
        application.slot_invited_at = None
        release_upcoming_slot(application, now=now)
    application.save(update_fields=["slot_invited_at"])


def _check_details(kind: str, details: MessageDetails, *, now: datetime) -> None:
    errors: dict[str, str] = {}
    if kind == "invite" and details.pick:
        pass  # the candidate picks a time: the slots say when and where
    elif kind == "invite":
        if details.interview_on is None:
            errors["interview_on"] = "Give the day of the interview."
        elif details.interview_on < timezone.localdate(now):
            errors["interview_on"] = "The interview must not be in the past."
        if details.interview_at is None:
            errors["interview_at"] = "Give the time of the interview."
        if not details.place.strip() and not details.video_link.strip():
            errors["place"] = "Give the address, or a video call link."
        if details.video_link and not is_web_address(details.video_link):
            errors["video_link"] = "Give a web address starting with https://."
    if len(details.note) > 3000:
        errors["note"] = "Keep the message to 3,000 characters."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def application_send_message(
    *,
    application: Application,
    kind: str,
    details: MessageDetails,
    actor=None,
    now: datetime | None = None,
) -> ApplicationEvent:
    """Email the candidate a templated message and move the application on.

    An invitation moves it to interview, a rejection to unsuccessful, an offer to offered.
    The message is kept on the history exactly as composed; the worker sends that text.
    """
    if kind not in MESSAGE_KINDS:
        raise ValidationError({"kind": "Choose an invitation, a rejection or an offer."})
    now = now or timezone.now()
    _check_details(kind, details, now=now)
    current = _locked(application)
    if kind == "invite":
        _set_slot_invitation(current, pick=details.pick, now=now)
    subject, body = compose(kind, current, details)
    before = current.status
    _move(current, STATUS_AFTER[kind], actor=actor, now=now)
    _count_hires([(current, before)])
    event = ApplicationEvent.objects.create(
        application=current,
        kind=Event.MESSAGE,
        actor=actor,
        to_status=STATUS_AFTER[kind],
        subject=subject,
        body=body,
        created_at=now,
    )
    enqueue(SEND_CANDIDATE_MESSAGE, event.pk)
    return event


def candidate_message_mark_sent(*, event_id: int, now: datetime | None = None) -> bool:
    """Mark a kept message (or interview time confirmation) sent; False when it was sent
    already (or is not one)."""
    claimed = ApplicationEvent.objects.filter(
        pk=event_id,
        kind__in=(Event.MESSAGE, Event.SLOT_CHOSEN, Event.SLOT_CANCELLED),
        sent_at__isnull=True,
    ).update(sent_at=now or timezone.now())
    return bool(claimed)


def slot_chosen_mark_team_told(*, event_id: int, now: datetime | None = None) -> bool:
    """Mark the team told of a chosen interview time; False when they were told already."""
    claimed = ApplicationEvent.objects.filter(
        pk=event_id, kind=Event.SLOT_CHOSEN, team_told_at__isnull=True
    ).update(team_told_at=now or timezone.now())
    return bool(claimed)


# --- Interview slots ----------------------------------------------------------------------


def _slot_errors(
    *,
    day: date | None,
    start: time | None,
    minutes: int,
    count: int,
    gap: int,
    place: str,
    video_link: str,
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if day is None:
        errors["day"] = "Give the day of the interviews."
    if start is None:
        errors["start"] = "Give the time of the first interview."
    if not MIN_SLOT_MINUTES <= minutes <= MAX_SLOT_MINUTES:
        errors["minutes"] = (
            f"An interview lasts from {MIN_SLOT_MINUTES} minutes to {MAX_SLOT_MINUTES // 60} hours."
        )
    if not 1 <= count <= MAX_SLOTS_AT_ONCE:
        errors["count"] = f"Add from 1 to {MAX_SLOTS_AT_ONCE} interview times at once."
    if not 0 <= gap <= MAX_SLOT_GAP_MINUTES:
        errors["gap"] = f"Leave at most {MAX_SLOT_GAP_MINUTES} minutes between interviews."
    if place and video_link:
        errors["video_link"] = "Give an address or a video call link, not both."
    elif not place and not video_link:
        errors["place"] = "Give the address, or a video call link."
    elif video_link and not is_web_address(video_link):
        errors["video_link"] = "Give a web address starting with https://."
    if len(place) > 300 or len(video_link) > 300:
        errors["place" if place else "video_link"] = "Keep it to 300 characters."
    return errors


def _at(moment: datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local:%H:%M} on {local:%A %-d %B}"


@transaction.atomic
def interview_slots_add(
    *,
    vacancy: Vacancy,
    day: date | None,
    start: time | None,
    minutes: int,
    count: int = 1,
    gap: int = 0,
    place: str = "",
    video_link: str = "",
    now: datetime | None = None,
) -> list[InterviewSlot]:
    """Offer ``count`` interview times of ``minutes`` each, one after another ``gap`` minutes
    apart, from ``start`` on ``day`` (the board's local time), at ``place`` or by
    ``video_link``; all or none. Refused by field: a time in the past or more than a year
    ahead, or one that overlaps a time this vacancy already offers."""
    now = now or timezone.now()
    place, video_link = (place or "").strip(), (video_link or "").strip()
    errors = _slot_errors(
        day=day,
        start=start,
        minutes=minutes,
        count=count,
        gap=gap,
        place=place,
        video_link=video_link,
    )
    if errors:
        raise ValidationError(errors)
    first = timezone.make_aware(datetime.combine(day, start))
    if first <= now:
        raise ValidationError({"start": "The first interview must be in the future."})
    if first > now + SLOTS_AHEAD:
        raise ValidationError({"day": "Offer interview times within the next year."})
    step = timedelta(minutes=minutes + gap)
    length = timedelta(minutes=minutes)
    wanted = [first + step * n for n in range(count)]
    # One vacancy's slots are added one request at a time: the overlap check holds.
    Vacancy.objects.select_for_update().filter(pk=vacancy.pk).first()
    nearby = InterviewSlot.objects.filter(
        vacancy=vacancy,
        starts_at__lt=wanted[-1] + length,
        starts_at__gt=first - timedelta(minutes=MAX_SLOT_MINUTES),
    )
    for other in nearby:
        for starts in wanted:
            if other.starts_at < starts + length and starts < other.ends_at:
                raise ValidationError(
                    {
                        "start": f"The interview at {_at(starts)} would overlap the one "
                        f"already offered at {_at(other.starts_at)}."
                    }
                )
    rows = [
        InterviewSlot(vacancy=vacancy, starts_at=starts, minutes=minutes, where=video_link or place)
        for starts in wanted
    ]
    try:
        with transaction.atomic():
            return InterviewSlot.objects.bulk_create(rows)
    except IntegrityError as exc:  # the same time added at the same moment elsewhere
        raise ValidationError({"start": "One of those times is already offered."}) from exc


@transaction.atomic
def interview_slot_remove(*, vacancy: Vacancy, slot_id: int) -> None:
    """Stop offering a free interview time; one a candidate has chosen stays."""
    slot = (
        InterviewSlot.objects.select_for_update(of=("self",))
        .select_related("taken_by")
        .filter(vacancy=vacancy, pk=slot_id)
        .first()
    )
    if slot is None:
        raise ValidationError("That interview time is no longer offered.")
    if slot.taken_by_id is not None:
        who = slot.taken_by.full_name or slot.taken_by.email
        raise ValidationError(
            f"{who} has chosen the interview at {_at(slot.starts_at)}. Cancel their booking "
            "first, then remove the time."
        )
    slot.delete()


@transaction.atomic
def interview_booking_cancel(
    *,
    vacancy: Vacancy,
    slot_id: int,
    note: str = "",
    actor=None,
    now: datetime | None = None,
) -> ApplicationEvent:
    """Free an interview time to come that a candidate chose, and tell them (with ``note``,
    if any) by a message kept on the history and sent by the worker; they may choose again
    while free times remain, from the link in it. The slot stays offered (remove it next if
    the time is no longer good).

    Locks as the candidate's pick does, the application before its slot, so a cancel and a
    pick (or a move) at the same moment queue rather than deadlock; a slot chosen by someone
    else meanwhile is refused, not freed.
    """
    now = now or timezone.now()
    note = (note or "").strip()
    if len(note) > CANCEL_NOTE_MAX_LENGTH:
        raise ValidationError(
            {"note": f"Keep the message to {CANCEL_NOTE_MAX_LENGTH:,} characters."}
        )
    seen = InterviewSlot.objects.filter(vacancy=vacancy, pk=slot_id).first()
    if seen is None:
        raise ValidationError({"slot": "That interview time is no longer offered."})
    if seen.taken_by_id is None:
        raise ValidationError({"slot": "Nobody has chosen that interview time."})
    current = _locked(Application(pk=seen.taken_by_id))
    slot = (
        InterviewSlot.objects.select_for_update(of=("self",))
        .filter(pk=seen.pk, vacancy=vacancy, taken_by=current)
        .first()
    )
    if slot is None:
        raise ValidationError({"slot": "That interview time has changed. Look again."})
    if slot.starts_at <= now:
        raise ValidationError(
            {"slot": "The time of that interview has come, so it can no longer be cancelled."}
        )
    InterviewSlot.objects.filter(pk=slot.pk).update(taken_by=None)
    # Only a candidate still invited to pick is sent back to choose (the link says whether
    # other times are free); one the team has moved on just hears of the cancellation.
    other_times = (
        current.picks_interview_slot
        and InterviewSlot.objects.filter(vacancy=vacancy)
        .free()
        .upcoming(now)
        .exclude(pk=slot.pk)
        .exists()
    )
    subject, body = compose_slot_cancelled(
        current, slot, note=note, can_pick=current.picks_interview_slot, other_times=other_times
    )
    current.updated_at = now
    current.save(update_fields=["updated_at"])
    event = ApplicationEvent.objects.create(
        application=current,
        kind=Event.SLOT_CANCELLED,
        actor=actor,
        subject=subject,
        body=body,
        slot=slot,
        created_at=now,
    )
    enqueue(SEND_CANDIDATE_MESSAGE, event.pk)
    return event


# --- The webhook --------------------------------------------------------------------------


def new_webhook_secret() -> str:
    return secrets.token_hex(32)


@transaction.atomic
def webhook_set(
    *, employer, url: str, is_active: bool = True, now: datetime | None = None
) -> ApplicationWebhook:
    """Set where new applications are announced; a new webhook gets a new secret."""
    url = (url or "").strip()
    if not is_web_address(url) or not url.startswith("https://"):
        raise ValidationError({"url": "Give a web address starting with https://."})
    now = now or timezone.now()
    hook = ApplicationWebhook.objects.select_for_update().filter(employer=employer).first()
    if hook is None:
        hook = ApplicationWebhook(employer=employer, secret=new_webhook_secret(), created_at=now)
    hook.url = url
    hook.is_active = is_active
    hook.updated_at = now
    hook.full_clean(exclude=["employer"])
    hook.save()
    return hook


def webhook_rotate_secret(*, employer, now: datetime | None = None) -> ApplicationWebhook:
    hook = ApplicationWebhook.objects.get(employer=employer)
    hook.secret = new_webhook_secret()
    hook.updated_at = now or timezone.now()
    hook.save(update_fields=["secret", "updated_at"])
    return hook


def webhook_delete(*, employer) -> bool:
    deleted, _ = ApplicationWebhook.objects.filter(employer=employer).delete()
    return bool(deleted)


@transaction.atomic
def webhook_delivery_start(*, application_id: int, now: datetime | None = None):
    """The delivery to attempt for a submitted application, counted as one more attempt; None
    when its employer has no active webhook or it was delivered already."""
    application = (
        Application.objects.submitted()
        .select_related("vacancy__employer__application_webhook")
        .filter(pk=application_id)
        .first()
    )
    if application is None:
        return None
    hook = getattr(application.vacancy.employer, "application_webhook", None)
    if hook is None or not hook.is_active:
        return None
    delivery, _ = WebhookDelivery.objects.select_for_update().get_or_create(
        application=application, defaults={"created_at": now or timezone.now()}
    )
    if delivery.delivered_at is not None:
        return None
    delivery.attempts += 1
    delivery.save(update_fields=["attempts"])
    delivery.application = application
    return delivery


def webhook_delivery_record(
    *, delivery: WebhookDelivery, status: int | None, error: str, now: datetime
) -> None:
    """What the receiver answered; a 2xx marks the application delivered."""
    delivery.last_status = status
    delivery.last_error = error[:300]
    if status is not None and 200 <= status < 300:
        delivery.delivered_at = now
    delivery.save(update_fields=["last_status", "last_error", "delivered_at"])
