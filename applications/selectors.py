"""Reads of applications: the candidate's own, who may have a CV, the employer's team's
lists and pages, the equality report, and what the seeker's data download holds.

The team's reads start from a vacancy the caller has already checked belongs to the member's
employer (``employers.selectors.member_vacancy``); applications are only ever looked up
inside it, so another employer's application is simply not found.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from applications.models import (
    EQUALITY_QUESTIONS,
    EQUALITY_SMALL_NUMBER,
    Application,
    ApplicationEvent,
    ApplicationNote,
    CandidateProfile,
    EqualityMonitoring,
    ScreeningAnswer,
)
from employers.models import Membership
from listings.models import TrafficSource, Vacancy

Status = Application.Status


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
        .select_related("vacancy__employer")
        .order_by("-updated_at", "-id")
    )


def candidate_application(*, seeker, pk: int) -> Application | None:
    """One of the seeker's own applications (another's is simply not found)."""
    return candidate_applications(seeker=seeker).filter(pk=pk).first()


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


# --- The employer's team ------------------------------------------------------------------

SORTS = {
    "newest": ("-submitted_at", "-id"),
    "oldest": ("submitted_at", "id"),
    "screening": ("-screening_passed", "-screening_yes_count", "-submitted_at", "-id"),
    "rating": ("-rating", "-submitted_at", "-id"),
}
SORT_LABELS = {
    "newest": "Newest first",
    "oldest": "Oldest first",
    "screening": "Screening answers (best first)",
    "rating": "Rating (highest first)",
}
# The columns a row of the list shows: the statement and the CV's storage name stay behind.
LIST_COLUMNS = (
    "id",
    "vacancy_id",
    "full_name",
    "email",
    "status",
    "screening_passed",
    "screening_yes_count",
    "rating",
    "source",
    "submitted_at",
    "cv_name",
)
# Statuses the team works through, in the order of the tabs (drafts are never shown).
TEAM_VIEW_STATUSES = [s for s in Status if s != Status.DRAFT]


@dataclass(frozen=True)
class ApplicationFilters:
    status: str = ""
    screening: str = ""  # "passed" or "failed"
    rating: str = ""  # "1".."5" (at least), or "none"
    source: str = ""
    q: str = ""
    sort: str = "newest"


def vacancy_applications(*, vacancy: Vacancy, filters: ApplicationFilters) -> QuerySet:
    """A vacancy's submitted applications, filtered, searched and sorted, list columns only."""
    rows = Application.objects.submitted().filter(vacancy=vacancy)
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.screening == "passed":
        rows = rows.filter(screening_passed=True)
    elif filters.screening == "failed":
        rows = rows.filter(screening_passed=False)
    if filters.rating == "none":
        rows = rows.filter(rating__isnull=True)
    elif filters.rating:
        rows = rows.filter(rating__gte=int(filters.rating))
    if filters.source:
        rows = rows.filter(source=filters.source)
    q = " ".join(filters.q.split())[:100]
    if q:
        rows = rows.filter(Q(full_name__icontains=q) | Q(email__icontains=q))
    return rows.only(*LIST_COLUMNS).order_by(*SORTS.get(filters.sort, SORTS["newest"]))


def status_counts(*, vacancy: Vacancy) -> dict[str, int]:
    """How many of a vacancy's applications are in each status, and ``all``, in one query."""
    rows = (
        Application.objects.submitted()
        .filter(vacancy=vacancy)
        .order_by()
        .values("status")
        .annotate(n=Count("id"))
    )
    counts = {status.value: 0 for status in TEAM_VIEW_STATUSES}
    for row in rows:
        counts[row["status"]] = row["n"]
    counts["all"] = sum(counts.values())
    return counts


def source_labels() -> dict[str, str]:
    return dict(TrafficSource.choices)


def vacancy_application(*, vacancy: Vacancy, application_id) -> Application:
    """One submitted application of ``vacancy`` with its answers, notes and history; or 404."""
    try:
        pk = int(application_id)
    except (TypeError, ValueError) as exc:
        raise Http404("No such application.") from exc
    application = (
        Application.objects.submitted()
        .filter(vacancy=vacancy, pk=pk)
        .prefetch_related(
            Prefetch(
                "answers",
                queryset=ScreeningAnswer.objects.select_related("question").order_by(
                    "question__position", "question_id"
                ),
            ),
            Prefetch("notes", queryset=ApplicationNote.objects.select_related("author")),
            Prefetch("events", queryset=ApplicationEvent.objects.select_related("actor")),
        )
        .first()
    )
    if application is None:
        raise Http404("No such application.")
    application.vacancy = vacancy
    return application


def neighbours(*, vacancy: Vacancy, application: Application) -> dict[str, int | None]:
    """The next and previous application in the default order, for stepping through them."""
    base = Application.objects.submitted().filter(vacancy=vacancy)
    at = application.submitted_at
    newer = (
        base.filter(Q(submitted_at__gt=at) | Q(submitted_at=at, id__gt=application.pk))
        .order_by("submitted_at", "id")
        .values_list("id", flat=True)
        .first()
    )
    older = (
        base.filter(Q(submitted_at__lt=at) | Q(submitted_at=at, id__lt=application.pk))
        .order_by("-submitted_at", "-id")
        .values_list("id", flat=True)
        .first()
    )
    return {"previous": newer, "next": older}


def export_applications(*, vacancy: Vacancy) -> QuerySet:
    """Every submitted application of a vacancy with its answers, for the CSV export."""
    return (
        Application.objects.submitted()
        .filter(vacancy=vacancy)
        .prefetch_related(
            Prefetch("answers", queryset=ScreeningAnswer.objects.order_by("question_id"))
        )
        .order_by("submitted_at", "id")
    )


def employer_applications(*, user) -> QuerySet:
    """Submitted applications of every active employer ``user`` belongs to (the API's base)."""
    return (
        Application.objects.submitted()
        .filter(
            vacancy__employer__memberships__user=user,
            vacancy__employer__is_active=True,
        )
        .select_related("vacancy")
    )


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
