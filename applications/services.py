"""Writes to applications: applying on the board, status changes, withdrawal, retention,
and the employer's team's work (screening questions, moves, ratings, notes, messages, the
webhook).

Services take keyword-only arguments, run in ``transaction.atomic`` and queue emails through
the outbox by task name (the tasks call back into this module). Every change of status goes
through ``application_set_status``, which keeps the history (``ApplicationEvent``); the
candidate's and the employer's sides both use it. Files are deleted only after the deleting
transaction commits, so a rollback never leaves a row without its file.
"""

from __future__ import annotations

import calendar
import secrets
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from applications.emails import MESSAGE_KINDS, STATUS_AFTER, MessageDetails, compose
from applications.files import CheckedFile
from applications.models import (
    EQUALITY_QUESTIONS,
    MAX_SCREENING_QUESTIONS,
    Application,
    ApplicationEvent,
    ApplicationNote,
    ApplicationWebhook,
    CandidateProfile,
    EqualityMonitoring,
    ScreeningAnswer,
    ScreeningQuestion,
    WebhookDelivery,
)
from applications.storage import private_storage
from common.validators import is_web_address
from listings.models import ApplyMethod, Registration, Vacancy
from outbox.services import enqueue

SEND_RECEIVED = "applications.tasks.send_application_received"
Status = Application.Status


def needs_registration(vacancy: Vacancy) -> bool:
    """The vacancy asks for a professional registration, so the form asks for its number."""
    return bool(vacancy.registration) and vacancy.registration != Registration.NONE


def accepts_board_applications(vacancy: Vacancy) -> bool:
    return vacancy.apply_method == ApplyMethod.BOARD and vacancy.is_live


def _delete_files_after_commit(names: Iterable[str]) -> None:
    names = [n for n in names if n]
    if not names:
        return

    def delete():
        storage = private_storage()
        for name in names:
            storage.delete(name)

    transaction.on_commit(delete)


def _store(checked: CheckedFile, *, prefix: str) -> str:
    """Save the checked bytes under a name of our own (never the candidate's), return it."""
    storage = private_storage()
    return storage.save(
        f"{prefix}/{timezone.now():%Y/%m}/{checked.name}", ContentFile(checked.content)
    )


# --- The candidate's profile ------------------------------------------------------------------


def profile_for(seeker) -> CandidateProfile | None:
    return CandidateProfile.objects.filter(seeker=seeker).first()


@transaction.atomic
def profile_update(
    *,
    seeker,
    full_name: str | None = None,
    phone: str | None = None,
    right_to_work: str | None = None,
    cv: CheckedFile | None = None,
    now: datetime | None = None,
) -> CandidateProfile:
    """Keep the seeker's details (and a CV) for their next application."""
    now = now or timezone.now()
    profile, _ = CandidateProfile.objects.select_for_update().get_or_create(
        seeker=seeker, defaults={"updated_at": now}
    )
    for name, value in (
        ("full_name", full_name),
        ("phone", phone),
        ("right_to_work", right_to_work),
    ):
        if value is not None:
            setattr(profile, name, value.strip())
    if cv is not None:
        _delete_files_after_commit([profile.cv.name])
        profile.cv.name = _store(cv, prefix="profile-cvs")
        profile.cv_name, profile.cv_content_type = cv.name, cv.content_type
        profile.cv_size, profile.cv_scan = cv.size, cv.scan
    profile.updated_at = now
    profile.full_clean()
    profile.save()
    return profile


@transaction.atomic
def profile_cv_delete(*, seeker) -> bool:
    """Forget the saved CV (applications keep their own copies)."""
    profile = CandidateProfile.objects.select_for_update().filter(seeker=seeker).first()
    if profile is None or not profile.cv:
        return False
    _delete_files_after_commit([profile.cv.name])
    profile.cv = ""
    profile.cv_name = profile.cv_content_type = profile.cv_scan = ""
    profile.cv_size = 0
    profile.save()
    return True


# --- Applying ---------------------------------------------------------------------------------


def application_start(
    *, vacancy: Vacancy, seeker, source: str = "", now: datetime | None = None
) -> tuple[Application, bool]:
    """The seeker's application for ``vacancy``: their draft (or the one submitted), else a new
    draft filled in from their profile. Returns ``(application, created)``."""
    now = now or timezone.now()
    existing = Application.objects.filter(vacancy=vacancy, seeker=seeker).first()
    if existing is not None:
        return existing, False
    if not accepts_board_applications(vacancy):
        raise ValidationError("This job does not take applications on this board now.")
    profile = profile_for(seeker)
    user = seeker.user
    application = Application(
        vacancy=vacancy,
        seeker=seeker,
        email=user.email,
        email_confirmed_at=user.email_verified_at,
        full_name=(profile.full_name if profile else "")
        or f"{user.first_name} {user.last_name}".strip(),
        phone=profile.phone if profile else "",
        right_to_work=profile.right_to_work if profile else "",
        source=source[:16],
        created_at=now,
        updated_at=now,
    )
    try:
        with transaction.atomic():
            application.save()
            if profile is not None and profile.cv:
                application_save_documents(application=application, use_saved=True, now=now)
    except IntegrityError:  # a second tab started it at the same moment
        return Application.objects.get(vacancy=vacancy, seeker=seeker), False
    return application, True


def _editable(application: Application) -> None:
    if not application.is_draft:
        raise ValidationError("This application has been sent; it can no longer be changed.")
    if not accepts_board_applications(application.vacancy):
        raise ValidationError("This job has closed, so the application cannot be sent.")


@transaction.atomic
def application_save_details(
    *,
    application: Application,
    full_name: str,
    phone: str,
    right_to_work: str,
    registration_number: str = "",
    dbs_update_service: bool | None,
    answers: Mapping[int, object],
    remember: bool = True,
    now: datetime | None = None,
) -> Application:
    """Keep the first step of a draft: the candidate's details and screening answers."""
    now = now or timezone.now()
    _editable(application)
    application.full_name = full_name.strip()
    application.phone = phone.strip()
    application.right_to_work = right_to_work
    application.registration_number = registration_number.strip()
    application.dbs_update_service = dbs_update_service
    application.updated_at = now
    application.full_clean(exclude=["cv"])
    application.save()
    questions = {q.pk: q for q in application.vacancy.screening_questions.all()}
    for question_id, value in answers.items():
        question = questions.get(int(question_id))
        if question is None:
            continue
        defaults = (
            {"answer_yes": value, "answer_text": ""}
            if question.kind == ScreeningQuestion.Kind.YES_NO
            else {"answer_yes": None, "answer_text": str(value or "").strip()[:500]}
        )
        ScreeningAnswer.objects.update_or_create(
            application=application, question=question, defaults=defaults
        )
    if remember and application.seeker_id:
        profile_update(
            seeker=application.seeker,
            full_name=application.full_name,
            phone=application.phone,
            right_to_work=application.right_to_work,
            now=now,
        )
    return application


def _set_cv(
    application: Application,
    *,
    name: str,
    checked_name: str,
    content_type: str,
    size: int,
    scan: str,
):
    _delete_files_after_commit([application.cv.name])
    application.cv.name = name
    application.cv_name, application.cv_content_type = checked_name, content_type
    application.cv_size, application.cv_scan = size, scan


@transaction.atomic
def application_save_documents(
    *,
    application: Application,
    cv: CheckedFile | None = None,
    use_saved: bool = False,
    supporting_statement: str | None = None,
    remember: bool = True,
    now: datetime | None = None,
) -> Application:
    """Keep a draft's CV (a checked upload, kept on the profile too unless ``remember`` is
    off, or a copy of the saved one) and its supporting statement."""
    now = now or timezone.now()
    _editable(application)
    if supporting_statement is not None:
        application.supporting_statement = supporting_statement.strip()[:10000]
    if cv is not None:
        stored = _store(cv, prefix="cvs")
        _set_cv(
            application,
            name=stored,
            checked_name=cv.name,
            content_type=cv.content_type,
            size=cv.size,
            scan=cv.scan,
        )
        if remember and application.seeker_id:
            profile_update(seeker=application.seeker, cv=cv, now=now)
    elif use_saved:
        profile = profile_for(application.seeker) if application.seeker_id else None
        if profile is None or not profile.cv:
            raise ValidationError({"cv": "You have no saved CV. Choose a file."})
        storage = private_storage()
        with storage.open(profile.cv.name, "rb") as handle:
            stored = storage.save(f"cvs/{now:%Y/%m}/{profile.cv_name}", ContentFile(handle.read()))
        _set_cv(
            application,
            name=stored,
            checked_name=profile.cv_name,
            content_type=profile.cv_content_type,
            size=profile.cv_size,
            scan=profile.cv_scan,
        )
    application.updated_at = now
    application.save()
    return application


def missing_for_submit(application: Application) -> dict[str, str]:
    """What the draft still lacks, by field; empty when it can be sent."""
    problems: dict[str, str] = {}
    if not application.full_name:
        problems["full_name"] = "Enter your name."
    if not application.phone:
        problems["phone"] = "Enter a phone number."
    if not application.right_to_work:
        problems["right_to_work"] = "Say whether you have the right to work in the UK."
    if needs_registration(application.vacancy) and not application.registration_number:
        problems["registration_number"] = "Enter your registration number."
    if application.dbs_update_service is None:
        problems["dbs_update_service"] = "Say whether your DBS is on the Update Service."
    answered = {a.question_id: a for a in application.answers.all()}
    for question in application.vacancy.screening_questions.all():
        answer = answered.get(question.pk)
        if answer is None or (
            answer.answer_yes is None
            if question.kind == ScreeningQuestion.Kind.YES_NO
            else not answer.answer_text
        ):
            problems[f"q{question.pk}"] = f"Answer: {question.text}"
    if not application.cv:
        problems["cv"] = "Upload your CV."
    return problems


@transaction.atomic
def application_submit(*, application: Application, now: datetime | None = None) -> Application:
    """Send a complete draft to the employer: status NEW, its history, the candidate's email."""
    now = now or timezone.now()
    application = (
        Application.objects.select_for_update().select_related("vacancy").get(pk=application.pk)
    )
    _editable(application)
    problems = missing_for_submit(application)
    if problems:
        raise ValidationError(problems)
    answers = list(application.answers.select_related("question"))
    application.screening_passed = not any(
        a.question.must_be_yes and a.answer_yes is not True for a in answers
    )
    application.screening_yes_count = sum(1 for a in answers if a.answer_yes is True)
    application.submitted_at = now
    application.updated_at = now
    application.full_clean(exclude=["cv"])
    application.save()
    application_set_status(
        application=application,
        status=Status.NEW,
        kind=ApplicationEvent.Kind.SUBMITTED,
        now=now,
    )
    enqueue(SEND_RECEIVED, application.pk)
    application_announce(application=application, now=now)
    return application


# --- Status ---------------------------------------------------------------------------------


@transaction.atomic
def application_set_status(
    *,
    application: Application,
    status: str,
    actor=None,
    kind: str = ApplicationEvent.Kind.STATUS,
    now: datetime | None = None,
) -> ApplicationEvent | None:
    """Move an application to ``status`` and record it on its history; no event if unchanged.

    A withdrawn application stays withdrawn: the team can no longer move it.
    """
    now = now or timezone.now()
    if status not in Status.values or status == Status.DRAFT:
        raise ValidationError("Choose a status.")
    before = application.status
    if before == status:
        return None
    if before == Status.WITHDRAWN:
        raise ValidationError("The candidate has withdrawn this application.")
    application.status = status
    application.status_changed_at = now
    application.updated_at = now
    if status == Status.WITHDRAWN:
        application.withdrawn_at = now
    application.save(update_fields=["status", "status_changed_at", "updated_at", "withdrawn_at"])
    return ApplicationEvent.objects.create(
        application=application,
        kind=kind,
        actor=actor,
        from_status=before,
        to_status=status,
        created_at=now,
    )


@transaction.atomic
def application_withdraw(
    *, application: Application, seeker, now: datetime | None = None
) -> Application:
    """The candidate withdraws (at any time until the process has ended); the team sees it."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.seeker_id != seeker.pk:
        raise Application.DoesNotExist
    if application.is_draft:
        application_discard(application=application, seeker=seeker)
        return application
    if not application.can_withdraw:
        raise ValidationError("This application has already ended.")
    application_set_status(
        application=application,
        status=Status.WITHDRAWN,
        actor=seeker.user,
        kind=ApplicationEvent.Kind.WITHDRAWN,
        now=now,
    )
    return application


@transaction.atomic
def application_discard(*, application: Application, seeker) -> None:
    """Delete an unsent draft and its file."""
    if application.seeker_id != seeker.pk or not application.is_draft:
        raise ValidationError("Only an unsent draft can be deleted.")
    _delete_files_after_commit([application.cv.name])
    application.delete()


# --- Equality monitoring ------------------------------------------------------------------


@transaction.atomic
def equality_record(
    *, application: Application, answers: Mapping[str, str], now: datetime | None = None
) -> bool:
    """Keep the candidate's optional equality answers apart from the application, once.

    The row carries the vacancy and the day only. Declining (every answer blank) stores
    nothing but still marks the step done. Returns whether a row was stored.
    """
    now = now or timezone.now()
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.is_draft or application.equality_done:
        return False
    application.equality_done = True
    application.save(update_fields=["equality_done"])
    values = {}
    for name, (_label, choices) in EQUALITY_QUESTIONS.items():
        value = str(answers.get(name) or "")
        values[name] = value if value in dict(choices) else ""
    if not any(values.values()):
        return False
    EqualityMonitoring.objects.create(
        vacancy_id=application.vacancy_id, given_on=timezone.localdate(now), **values
    )
    return True


# --- Retention ------------------------------------------------------------------------------


def months_before(moment: datetime, months: int) -> datetime:
    """The same time ``months`` calendar months earlier (the 31st becomes the month's last day)."""
    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def retention_cutoff(now: datetime) -> datetime:
    """Vacancies that closed before this have their applications deleted."""
    return months_before(now, settings.APPLICATION_RETENTION_MONTHS)


def applications_purge(*, now: datetime, batch: int = 500) -> dict[str, int]:
    """Delete the applications (and their files) and equality answers of every vacancy that
    closed more than ``APPLICATION_RETENTION_MONTHS`` ago; return counts. A second run finds
    nothing to do."""
    cutoff = retention_cutoff(now)
    counts = {"applications": 0, "files": 0, "equality": 0}
    ended = Vacancy.objects.filter(closes_at__lt=cutoff)
    while True:
        with transaction.atomic():
            rows = list(
                Application.objects.filter(vacancy__in=ended).values_list("pk", "cv")[:batch]
            )
            if not rows:
                break
            names = [cv for _, cv in rows if cv]
            Application.objects.filter(pk__in=[pk for pk, _ in rows]).delete()
            _delete_files_after_commit(names)
        counts["applications"] += len(rows)
        counts["files"] += len(names)
    counts["equality"] = EqualityMonitoring.objects.filter(vacancy__in=ended).delete()[0]
    return counts


# --- The seeker's data ----------------------------------------------------------------------


@transaction.atomic
def seeker_applications_erase(*, seeker) -> dict[str, int]:
    """Delete every application and the profile of a seeker, their files after commit."""
    apps = Application.objects.filter(seeker=seeker)
    names = [cv for cv in apps.values_list("cv", flat=True) if cv]
    counts = {"applications": apps.count()}
    apps.delete()
    profile = CandidateProfile.objects.filter(seeker=seeker).first()
    if profile is not None:
        names.append(profile.cv.name)
        profile.delete()
    counts["application_files"] = len([n for n in names if n])
    _delete_files_after_commit(names)
    return counts


# --- The employer's team -------------------------------------------------------------------

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
    """Move a locked, submitted application, kept on its history; False if already there."""
    return (
        application_set_status(application=application, status=status, actor=actor, now=now)
        is not None
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
    _move(current, status, actor=actor, now=now or timezone.now())
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
    return sum(_move(row, status, actor=actor, now=now) for row in rows)


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


def _check_details(kind: str, details: MessageDetails, *, now: datetime) -> None:
    errors: dict[str, str] = {}
    if kind == "invite":
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
    subject, body = compose(kind, current, details)
    _move(current, STATUS_AFTER[kind], actor=actor, now=now)
    event = ApplicationEvent.objects.create(
        application=current,
        kind=Event.MESSAGE,
        actor=actor,
        to_status=STATUS_AFTER[kind],
        subject=subject,
        body=body,
        created_at=now,
    )
    enqueue("applications.tasks.send_candidate_message", event.pk)
    return event


def candidate_message_mark_sent(*, event_id: int, now: datetime | None = None) -> bool:
    """Claim a kept message for sending; False when it was sent already (or is not one)."""
    claimed = ApplicationEvent.objects.filter(
        pk=event_id, kind=Event.MESSAGE, sent_at__isnull=True
    ).update(sent_at=now or timezone.now())
    return bool(claimed)


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


def application_announce(*, application: Application, now: datetime | None = None) -> bool:
    """Queue the webhook call for a newly submitted application, once; False if no webhook.

    Called by the submission, in its transaction, so the announcement commits with it.
    """
    employer_id = (
        Vacancy.objects.filter(pk=application.vacancy_id).values_list("employer_id", flat=True)
    ).first()
    active = ApplicationWebhook.objects.filter(employer_id=employer_id, is_active=True).exists()
    if not active:
        return False
    delivery, created = WebhookDelivery.objects.get_or_create(
        application=application, defaults={"created_at": now or timezone.now()}
    )
    if created:
        enqueue("applications.tasks.deliver_webhook", delivery.pk)
    return created
