"""The employer's team's reads: a vacancy's applications, one application, the export and
the API's base. The candidate's reads (and the equality report) are in ``candidate_selectors``.

Every read starts from a vacancy the caller has already checked belongs to the member's
employer (``employers.selectors.member_vacancy``); applications are only ever looked up
inside it, so another employer's application is simply not found.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime

from applications.models import (
    Application,
    ApplicationEvent,
    ApplicationNote,
    InterviewSlot,
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


@dataclass(frozen=True)
class ApplicationFilters:
    status: str = ""
    screening: str = ""  # "passed" or "failed"
    rating: str = ""  # "1".."5" (at least), or "none"
    source: str = ""
    q: str = ""
    sort: str = "newest"

    @property
    def searched(self) -> str:
        """The search box's words as the list matches them: spaces collapsed, at most 100."""
        return " ".join(self.q.split())[:100]

    def count_from(self, counts: dict[str, int]) -> int | None:
        """How many applications these filters list, read from ``status_counts`` when
        they filter by status at most (None when something else narrows the list)."""
        if self.screening or self.rating or self.source or self.searched:
            return None
        return counts.get(self.status, 0) if self.status else counts["all"]


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
    q = filters.searched
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


# Stands for an application's id in its link, reversed once per page (``list_rows``).
_ID_PLACEHOLDER = 987654321


def list_rows(*, vacancy: Vacancy, applications) -> list[Application]:
    """A page of the applications list with what each row shows worked out once in Python:
    one ``reverse`` for the page instead of one ``{% url %}`` per row, the source's and the
    status's words by lookup, the candidate's name and the time they applied as text. On a
    page of 50 rows these filters, lookups and number formats were most of the rendering."""
    rows = list(applications)
    link = reverse("applications:detail", args=[vacancy.reference, _ID_PLACEHOLDER])
    sources = source_labels()
    statuses = {value: str(label) for value, label in Application.Status.choices}
    for row in rows:
        row.pk_text = str(row.pk)
        row.link = link.replace(f"/{_ID_PLACEHOLDER}/", f"/{row.pk_text}/")
        row.name = row.full_name or row.email
        row.status_label = statuses.get(row.status, row.status)
        row.applied = date_format(localtime(row.submitted_at), "j M Y, H:i")
        row.source_label = sources.get(row.source, row.source).lower() if row.source else ""
    return rows


def vacancy_application(*, vacancy: Vacancy, application_id) -> Application:
    """One submitted application of ``vacancy`` with its answers, notes and history; or 404."""
    try:
        pk = int(application_id)
    except (TypeError, ValueError) as exc:
        raise Http404("No such application.") from exc
    application = (
        Application.objects.submitted()
        .filter(vacancy=vacancy, pk=pk)
        .select_related("interview_slot")
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


def vacancy_slots(*, vacancy: Vacancy) -> QuerySet[InterviewSlot]:
    """A vacancy's interview slots in time order, with who chose each (name and status)."""
    return (
        InterviewSlot.objects.filter(vacancy=vacancy)
        .select_related("taken_by")
        .only(
            "id",
            "vacancy_id",
            "starts_at",
            "minutes",
            "where",
            "taken_by__id",
            "taken_by__full_name",
            "taken_by__email",
            "taken_by__status",
        )
        .order_by("starts_at", "id")
    )


def vacancy_slot(*, vacancy: Vacancy, slot_id) -> InterviewSlot:
    """One interview slot of ``vacancy``; 404 for any other."""
    slot = InterviewSlot.objects.filter(vacancy=vacancy, pk=slot_id).first()
    if slot is None:
        raise Http404("No such interview time.")
    return slot


def free_slot_count(*, vacancy: Vacancy, now) -> int:
    """How many of a vacancy's interview times to come nobody has chosen."""
    return InterviewSlot.objects.filter(vacancy=vacancy).free().upcoming(now).count()


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
