"""Reads for the employer's team: a vacancy's applications, one application, reports.

Every read starts from a vacancy the caller has already checked belongs to the member's
employer (``employers.selectors.member_vacancy``); applications are only ever looked up
inside it, so another employer's application is simply not found.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from applications.models import (
    Application,
    ApplicationEvent,
    ApplicationNote,
    EqualityMonitoring,
    ScreeningAnswer,
)
from listings.models import TrafficSource, Vacancy

Status = Application.Status

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
# Below this many answers in a group, the equality report says "fewer than 5".
SUPPRESS_BELOW = 5


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


EQUALITY_QUESTIONS = (
    ("age_band", "Age"),
    ("sex", "Sex"),
    ("gender_same_as_birth", "Gender identity the same as sex registered at birth"),
    ("ethnicity", "Ethnic group"),
    ("disability", "Disability"),
    ("religion", "Religion or belief"),
    ("sexual_orientation", "Sexual orientation"),
)


def equality_report(*, vacancy_ids) -> dict:
    """Equality monitoring answers in aggregate: per question, how many gave each answer.

    Groups of fewer than five people are merged into "Other answers" (with the smallest
    larger groups too, when the remainder would still be small enough to work out from the
    total), and a total under five shows nothing, so nobody can be picked out. "Prefer not
    to say" (blank) is counted like any answer. One query per question.
    """
    answers = EqualityMonitoring.objects.filter(vacancy_id__in=list(vacancy_ids))
    total = answers.count()
    if total < SUPPRESS_BELOW:
        return {"total": None, "questions": [], "suppress_below": SUPPRESS_BELOW}
    questions = []
    for field, label in EQUALITY_QUESTIONS:
        rows = answers.order_by().values(field).annotate(n=Count("id")).order_by("-n", field)
        groups = []
        hidden = 0
        for row in rows:
            n = row["n"]
            if n < SUPPRESS_BELOW:
                hidden += n
                continue
            groups.append({"answer": row[field] or "Prefer not to say", "count": n})
        # A small remainder could be worked out from the total: hold back the smallest
        # shown groups with it until the remainder is itself large enough to show.
        while 0 < hidden < SUPPRESS_BELOW and groups:
            hidden += groups.pop()["count"]
        if hidden:
            groups.append({"answer": "Other answers", "count": hidden})
        questions.append({"field": field, "label": label, "groups": groups})
    return {"total": total, "questions": questions, "suppress_below": SUPPRESS_BELOW}
