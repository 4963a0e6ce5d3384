"""The candidate's reads: their applications and profile, who may have a CV, the equality
report in aggregate, and what the seeker's data download holds."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from applications.models import (
    EQUALITY_QUESTIONS,
    EQUALITY_SMALL_NUMBER,
    Application,
    CandidateProfile,
    EqualityMonitoring,
    InterviewSlot,
)
from employers.models import Membership
from listings.models import Vacancy


def vacancy_for_apply(reference: str) -> Vacancy | None:
    """The vacancy an apply URL names, with what the form needs, or ``None``."""
    return (
        Vacancy.objects.filter(reference=reference)
        .select_related("employer", "profession")
        .prefetch_related("screening_questions")
        .first()
    )


def candidate_applications(*, seeker) -> QuerySet[Application]:
    """The seeker's applications, drafts first then newest sent, with their vacancies."""
    return (
        Application.objects.filter(seeker=seeker)
        .select_related("vacancy__employer", "interview_slot")
        .order_by("-updated_at", "-id")
    )


def candidate_application(*, seeker, pk: int) -> Application | None:
    """One of the seeker's own applications (another's is simply not found)."""
    return candidate_applications(seeker=seeker).filter(pk=pk).first()


def interview_choices(*, application: Application, now) -> list[InterviewSlot]:
    """The interview times the candidate may choose from: the vacancy's free ones to come."""
    return list(
        InterviewSlot.objects.filter(vacancy_id=application.vacancy_id)
        .free()
        .upcoming(now)
        .order_by("starts_at", "id")
    )


def draft_for(*, seeker, vacancy: Vacancy) -> Application | None:
    return Application.objects.filter(seeker=seeker, vacancy=vacancy).first()


def profile_of(seeker) -> CandidateProfile | None:
    if seeker is None:
        return None
    return CandidateProfile.objects.filter(seeker=seeker).first()


def cv_viewable_by(*, user, pk: int) -> Application | None:
    """The application whose CV ``user`` may download: their own (draft or sent), or a sent
    one for a vacancy of an employer they are a member of. Anyone else gets ``None``."""
    if not user.is_authenticated:
        return None
    application = (
        Application.objects.filter(pk=pk).exclude(cv="").select_related("vacancy", "seeker").first()
    )
    if application is None:
        return None
    if application.seeker is not None and application.seeker.user_id == user.pk:
        return application
    if application.is_draft:
        return None
    is_member = Membership.objects.filter(
        user=user, employer_id=application.vacancy.employer_id
    ).exists()
    return application if is_member else None


def equality_report(*, vacancies) -> dict:
    """Equality answers for ``vacancies`` in aggregate, counts under ``EQUALITY_SMALL_NUMBER``
    suppressed (shown as ``None``), and nothing at all when fewer people answered.

    ``{"total": n or None, "questions": [{"name", "label", "rows": [(answer, count)]}]}``;
    "Prefer not to say" is one of the answers. A suppressed count is never derivable from the
    others: when exactly one answer is suppressed, the next smallest is suppressed with it.
    """
    rows = EqualityMonitoring.objects.filter(vacancy__in=vacancies)
    total = rows.count()
    if total < EQUALITY_SMALL_NUMBER:
        return {"total": None, "questions": [], "small_number": EQUALITY_SMALL_NUMBER}
    questions = []
    for name, (label, choices) in EQUALITY_QUESTIONS.items():
        counted = dict(rows.values(name).annotate(n=Count("id")).values_list(name, "n"))
        answers = [(value, text) for value, text in choices] + [("", "Prefer not to say")]
        known = {value for value, _ in answers}
        counted_rows = [[text, counted.get(value, 0)] for value, text in answers]
        other = sum(n for value, n in counted.items() if value not in known)
        if other:
            counted_rows.append(["Other answers", other])
        small = [r for r in counted_rows if 0 < r[1] < EQUALITY_SMALL_NUMBER]
        for row in small:
            row[1] = None
        if len(small) == 1:
            rest = sorted((r for r in counted_rows if r[1]), key=lambda r: r[1])
            if rest:
                rest[0][1] = None
        questions.append({"name": name, "label": label, "rows": [tuple(r) for r in counted_rows]})
    return {"total": total, "questions": questions, "small_number": EQUALITY_SMALL_NUMBER}


def _when(value) -> str | None:
    return value.isoformat() if value else None


def seeker_application_data(*, user) -> tuple[list[dict], list[tuple[str, str]]]:
    """The seeker's applications for their data download, and the CVs to include with it
    (``(name in the download, stored name)``)."""
    applications = list(
        Application.objects.filter(seeker__user=user)
        .select_related("vacancy__employer")
        .prefetch_related("answers__question", "events")
        .order_by("created_at", "id")
    )
    files = []
    rows = []
    for application in applications:
        cv_file = None
        if application.cv:
            cv_file = f"applications/{application.pk}-{application.cv_name}"
            files.append((cv_file, application.cv.name))
        rows.append(
            {
                "vacancy": application.vacancy.reference,
                "title": application.vacancy.title,
                "employer": application.vacancy.employer.name,
                "status": application.get_status_display(),
                "email": application.email,
                "full_name": application.full_name,
                "phone": application.phone,
                "right_to_work": application.right_to_work,
                "registration_number": application.registration_number,
                "dbs_update_service": application.dbs_update_service,
                "supporting_statement": application.supporting_statement,
                "screening_answers": [
                    {
                        "question": a.question.text,
                        "answer": a.answer_text
                        if a.answer_yes is None
                        else ("yes" if a.answer_yes else "no"),
                    }
                    for a in application.answers.all()
                ],
                "cv_file": cv_file,
                "created_at": _when(application.created_at),
                "submitted_at": _when(application.submitted_at),
                "withdrawn_at": _when(application.withdrawn_at),
                "history": [
                    {
                        "what": e.get_kind_display(),
                        "status": e.to_status,
                        "subject": e.subject,
                        "message": e.body,
                        "at": _when(e.created_at),
                    }
                    for e in application.events.all()
                ],
            }
        )
    return rows, files


def seeker_profile_data(*, user) -> tuple[dict | None, list[tuple[str, str]]]:
    """The details and CV kept for the seeker's next application, for their data download."""
    profile = CandidateProfile.objects.filter(seeker__user=user).first()
    if profile is None:
        return None, []
    cv_file = f"saved-cv/{profile.cv_name}" if profile.cv else None
    data = {
        "full_name": profile.full_name,
        "phone": profile.phone,
        "right_to_work": profile.right_to_work,
        "cv_file": cv_file,
        "updated_at": _when(profile.updated_at),
    }
    return data, [(cv_file, profile.cv.name)] if cv_file else []
