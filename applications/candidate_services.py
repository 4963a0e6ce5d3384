"""The candidate's writes: applying on the board, the saved profile, withdrawal, choosing an
interview time, equality answers, retention and the deletion of a seeker's applications.

Services take keyword-only arguments, run in ``transaction.atomic`` and queue emails through
the outbox by task name (the tasks call back into this module). Every change of status the
candidate makes goes through ``application_set_status``, which keeps the history
(``ApplicationEvent``). Files are deleted only after the deleting transaction commits, so a
rollback never leaves a row without its file.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from applications.candidate_emails import compose_slot_confirmation
from applications.cleanup import delete_file_after_commit
from applications.files import CheckedFile
from applications.models import (
    EQUALITY_QUESTIONS,
    Application,
    ApplicationEvent,
    CandidateProfile,
    EqualityMonitoring,
    InterviewSlot,
    ScreeningAnswer,
    ScreeningQuestion,
    hire_change,
)
from applications.storage import private_storage
from listings.models import ApplyMethod, Registration, Vacancy
from listings.traffic import record_applications
from outbox.services import enqueue

SEND_RECEIVED = "applications.tasks.send_application_received"
ANNOUNCE = "applications.tasks.deliver_webhook"
SEND_SLOT_CONFIRMATION = "applications.tasks.send_slot_confirmation"
TELL_TEAM_SLOT_CHOSEN = "applications.tasks.tell_team_slot_chosen"
Status = Application.Status


def needs_registration(vacancy: Vacancy) -> bool:
    """The vacancy asks for a professional registration, so the form asks for its number."""
    return bool(vacancy.registration) and vacancy.registration != Registration.NONE


def accepts_board_applications(vacancy: Vacancy) -> bool:
    return vacancy.apply_method == ApplyMethod.BOARD and vacancy.is_live


def _delete_files_after_commit(names: Iterable[str]) -> None:
    """Delete replaced files once the change commits (deleted rows: applications.cleanup)."""
    for name in names:
        delete_file_after_commit(name)


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
    # The funnel's count, kept with the submission (withdrawal never takes it back).
    record_applications([application.funnel_change(applications=1)])
    enqueue(SEND_RECEIVED, application.pk)
    enqueue(ANNOUNCE, application.pk)  # the employer's webhook, if it has one
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
        # Their interview to come is freed for another candidate; a past one stays on record.
        InterviewSlot.objects.filter(taken_by=application).upcoming(now).update(taken_by=None)
    application.save(update_fields=["status", "status_changed_at", "updated_at", "withdrawn_at"])
    hires = hire_change(before, status)
    if hires:
        record_applications([application.funnel_change(hires=hires)])
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
    application.delete()  # its CV goes after commit (applications.cleanup)


# --- Choosing an interview time -------------------------------------------------------------


def interview_slot_problem(
    application: Application, *, held: InterviewSlot | None, now: datetime
) -> str | None:
    """Why the candidate cannot choose (or change) their interview time now; None if they can.

    ``held`` is the slot they hold already, if any.
    """
    if application.status in (Status.WITHDRAWN, Status.REJECTED, Status.HIRED):
        return "This application has ended, so there is no interview to book."
    if not application.picks_interview_slot:
        if application.status == Status.OFFERED:
            return "Your application has moved on from the interview, so its time is settled."
        if application.status == Status.INTERVIEW:
            return (
                "Your invitation gives the time of your interview. To change it, reply to "
                "the employer's email."
            )
        return "The employer has not asked you to choose an interview time."
    if held is not None and held.starts_at <= now:
        return "The time of your interview has come, so it can no longer change."
    return None


@transaction.atomic
def interview_slot_choose(
    *, application: Application, seeker, slot_id: int, now: datetime | None = None
) -> ApplicationEvent | None:
    """The candidate chooses one of the vacancy's free interview times, or moves to another
    while theirs is still to come; kept on the history (``SLOT_CHOSEN``), confirmed to them
    with a calendar file and told to the employer's team. None when it is theirs already.

    Two candidates never hold one slot: the slot is claimed with an update that only
    succeeds while it is free, under row locks taken in one order (theirs and the one they
    want, by id), so of two at the same moment one gets it and the other a form error.
    """
    now = now or timezone.now()
    current = (
        Application.objects.select_for_update(of=("self",))
        .select_related("vacancy__employer")
        .filter(pk=application.pk, seeker=seeker)
        .first()
    )
    if current is None:
        raise Application.DoesNotExist
    slots = list(
        InterviewSlot.objects.select_for_update()
        .filter(Q(taken_by=current) | Q(pk=slot_id, vacancy_id=current.vacancy_id))
        .order_by("pk")
    )
    held = next((slot for slot in slots if slot.taken_by_id == current.pk), None)
    wanted = next((slot for slot in slots if slot.pk == slot_id), None)
    problem = interview_slot_problem(current, held=held, now=now)
    if problem:
        raise ValidationError({"slot": problem})
    if wanted is None:
        raise ValidationError({"slot": "That time is no longer offered. Choose another."})
    if held is not None and held.pk == wanted.pk:
        return None
    if wanted.starts_at <= now:
        raise ValidationError({"slot": "That time has passed. Choose another."})
    if wanted.taken_by_id is not None:
        raise ValidationError({"slot": "Someone else has just chosen that time. Choose another."})
    if held is not None:
        InterviewSlot.objects.filter(pk=held.pk).update(taken_by=None)
    claimed = InterviewSlot.objects.filter(pk=wanted.pk, taken_by__isnull=True).update(
        taken_by=current
    )
    if claimed != 1:  # taken (or removed) since it was read: the release above rolls back
        raise ValidationError({"slot": "That time is no longer free. Choose another."})
    wanted.taken_by = current
    subject, body = compose_slot_confirmation(current, wanted, changed=held is not None)
    current.updated_at = now
    current.save(update_fields=["updated_at"])
    event = ApplicationEvent.objects.create(
        application=current,
        kind=ApplicationEvent.Kind.SLOT_CHOSEN,
        actor=seeker.user,
        subject=subject,
        body=body,
        slot=wanted,
        created_at=now,
    )
    enqueue(SEND_SLOT_CONFIRMATION, event.pk)
    enqueue(TELL_TEAM_SLOT_CHOSEN, event.pk)
    return event


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


def applications_purge(*, now: datetime, batch: int = 500, dry_run: bool = False) -> dict[str, int]:
    """Delete the applications (and their files) and equality answers of every vacancy that
    closed more than ``APPLICATION_RETENTION_MONTHS`` ago; return counts. A second run finds
    nothing to do. ``dry_run`` only counts what would go."""
    cutoff = retention_cutoff(now)
    counts = {"applications": 0, "files": 0, "equality": 0}
    ended = Vacancy.objects.filter(closes_at__lt=cutoff)
    if dry_run:
        due = Application.objects.filter(vacancy__in=ended)
        return {
            "applications": due.count(),
            "files": due.exclude(cv="").count(),
            "equality": EqualityMonitoring.objects.filter(vacancy__in=ended).count(),
        }
    while True:
        with transaction.atomic():
            rows = list(
                Application.objects.filter(vacancy__in=ended).values_list("pk", "cv")[:batch]
            )
            if not rows:
                break
            names = [cv for _, cv in rows if cv]
            # Each row's CV goes once this batch commits (applications.cleanup).
            Application.objects.filter(pk__in=[pk for pk, _ in rows]).delete()
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
    # The files go once the deletion commits (applications.cleanup).
    counts["application_files"] = len([n for n in names if n])
    return counts
