"""Reads for employer pages: the directory, a profile, and the self-service dashboard."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from types import SimpleNamespace
from urllib.parse import quote

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.timezone import localtime

from employers.filters import EmployerFilterSet
from employers.models import Employer, Membership
from employers.permissions import use_membership
from listings.models import Place, TrafficSource, Vacancy, VacancyOutcome, VacancyTraffic
from listings.search import live_vacancies, parse_search

Status = Vacancy.Status

DASHBOARD_SORTS = {
    "updated": ("-updated_at", "-id"),
    "closing": ("closes_at", "-id"),
    "title": ("title", "id"),
    "views": ("-view_count", "-id"),
    "applies": ("-apply_click_count", "-id"),
}
DASHBOARD_SORT_LABELS = {
    "updated": "Recently changed",
    "closing": "Closing soonest",
    "title": "Title (A to Z)",
    "views": "Most viewed",
    "applies": "Most apply clicks",
}


def employer_directory(*, data) -> EmployerFilterSet:
    """The directory's FilterSet; its ``qs`` has towns in the same query (live counts are a
    column of the employer, kept by ``listings.services.employers_live_counts_refresh``)."""
    filterset = EmployerFilterSet(data=data or None)
    filterset.queryset = filterset.queryset.select_related("town")
    return filterset


def employers_hiring(*, limit: int = 6) -> list[Employer]:
    """The employers with the most live vacancies, for the home page (one query)."""
    return list(
        Employer.objects.active()
        .filter(live_vacancy_count__gt=0)
        .order_by("-live_vacancy_count", "name", "id")[:limit]
    )


def employer_public(*, slug: str) -> Employer:
    employer = Employer.objects.active().select_related("town").filter(slug=slug).first()
    if employer is None:
        raise Http404("No such employer.")
    return employer


def employer_live_vacancies(*, employer: Employer, data=None, now: datetime | None = None):
    """An employer's live vacancies, narrowed by the seeker search's filters when available.

    Returns ``(queryset, filterset_or_None)``.
    """
    vacancies = live_vacancies(now=now).filter(employer=employer)
    if data:
        search = parse_search(data, now=now, within=vacancies)
        return search.qs, search
    return vacancies.order_by("-published_at", "-id"), None


def employer_places(*, employer: Employer, now: datetime | None = None) -> list[Place]:
    """Where an employer has live vacancies, its home town first."""
    live = Vacancy.objects.live(now=now).filter(employer=employer)
    # A vacancy placed at a postcode is in its nearest town.
    at = Vacancy.places.through.objects.filter(vacancy__in=live)
    places = list(
        Place.objects.towns()
        .filter(
            Exists(at.filter(place_id=OuterRef("pk")))
            | Exists(at.filter(place__town_id=OuterRef("pk")))
        )
        .order_by("name")[:20]
    )
    if employer.town and employer.town not in places:
        places.insert(0, employer.town)
    return places


# --- Self-service -------------------------------------------------------------------------


def closing_soon_cutoff(now: datetime) -> datetime:
    return now + timedelta(days=max(settings.VACANCY_REMINDER_DAYS, 7))


def _bucket_filters(now: datetime) -> dict[str, Q]:
    """How the dashboard groups vacancies; a live one past its closing time counts as expired."""
    past = Q(status=Status.LIVE, closes_at__lte=now)
    live = Q(status=Status.LIVE, closes_at__gt=now)
    return {
        "draft": Q(status=Status.DRAFT),
        "pending_review": Q(status=Status.PENDING_REVIEW),
        "live": live,
        "closing_soon": live & Q(closes_at__lte=closing_soon_cutoff(now)),
        "closed": Q(status=Status.CLOSED),
        "expired": Q(status=Status.EXPIRED) | past,
        "rejected": Q(status=Status.REJECTED),
    }


BUCKET_LABELS = {
    "draft": "Drafts",
    "pending_review": "Pending review",
    "live": "Live",
    "closing_soon": "Closing soon",
    "closed": "Closed",
    "expired": "Expired",
    "rejected": "Rejected",
}


def dashboard_counts(*, employer: Employer, now: datetime) -> dict[str, int]:
    """How many of the employer's vacancies are in each group (``_bucket_filters``) and how
    many ended each way, from one query grouped by status and outcome.

    Four aggregates per group instead of one filtered ``COUNT`` per bucket and outcome:
    the same single query, but a fifth of the expressions for the ORM to build on every
    dashboard request, where building them cost more than running the query.
    """
    cutoff = closing_soon_cutoff(now)
    groups = (
        Vacancy.objects.for_employer(employer)
        .values("status", "outcome")
        .annotate(
            n=Count("id"),
            ahead=Count("id", filter=Q(closes_at__gt=now)),
            past=Count("id", filter=Q(closes_at__lte=now)),
            soon=Count("id", filter=Q(closes_at__gt=now, closes_at__lte=cutoff)),
        )
        .order_by()
    )
    counts = dict.fromkeys(
        ["all", *BUCKET_LABELS, *(_outcome_key(v) for v in VacancyOutcome.values)], 0
    )
    for group in groups:
        status, n = group["status"], group["n"]
        counts["all"] += n
        if group["outcome"] in VacancyOutcome.values:
            counts[_outcome_key(group["outcome"])] += n
        if status == Status.LIVE:
            # A live vacancy past its closing time counts as expired until the task says so.
            counts["live"] += group["ahead"]
            counts["expired"] += group["past"]
            counts["closing_soon"] += group["soon"]
        elif status in counts:
            counts[status] += n
    return counts


def _outcome_key(value: str) -> str:
    return "ended_" + value.replace("-", "_")


def dashboard_outcomes(counts: dict[str, int]) -> list[tuple[str, int]]:
    """How the employer's vacancies ended, in words, from ``dashboard_counts``."""
    return [(label, counts[_outcome_key(value)]) for value, label in VacancyOutcome.choices]


def dashboard_vacancies(
    *,
    employer: Employer,
    status: str = "",
    q: str = "",
    sort: str = "updated",
    now: datetime | None = None,
):
    """The employer's vacancies for the dashboard table, searched, grouped and sorted."""
    now = now or timezone.now()
    vacancies = (
        Vacancy.objects.for_employer(employer)
        .select_related("profession")
        .only(*DASHBOARD_ROW_FIELDS)
        # Two values rather than two related objects: a vacancy without a pending revision
        # has no ``pending_revision`` at all, and each template lookup of it raised and
        # listed the vacancy's attributes before giving up.
        .annotate(
            copy_of=F("copied_from__reference"),
            revision_since=F("pending_revision__updated_at"),
        )
    )
    buckets = _bucket_filters(now)
    if status in buckets:
        vacancies = vacancies.filter(buckets[status])
    q = " ".join((q or "").split())[:100]
    if q:
        vacancies = vacancies.filter(
            Q(title__icontains=q) | Q(reference__iexact=q) | Q(places__name__icontains=q)
        ).distinct()
    return vacancies.order_by(*DASHBOARD_SORTS.get(sort, DASHBOARD_SORTS["updated"]))


# What a dashboard row shows (``dashboard_rows`` and the template), with ``copy_of`` and
# ``revision_since`` annotated: loading only these keeps the description, its revision's
# copy and the copied vacancy's whole row out of a page that lists 25 of them.
DASHBOARD_ROW_FIELDS = (
    "id",
    "title",
    "slug",
    "reference",
    "status",
    "outcome",
    "closes_at",
    "published_at",
    "updated_at",
    "apply_method",
    "rejection_reason",
    "view_count",
    "apply_click_count",
    "profession__name",
)

# The links of a dashboard row, by the name the template uses.
DASHBOARD_ROW_LINKS = {
    "edit": "employers:vacancy_edit",
    "preview": "employers:vacancy_preview",
    "publish": "employers:vacancy_publish",
    "close": "employers:vacancy_close",
    "renew": "employers:vacancy_renew",
    "duplicate": "employers:vacancy_duplicate",
    "delete": "employers:vacancy_delete",
    "statistics": "employers:vacancy_statistics",
    "applications": "applications:list",
}
_REFERENCE, _SLUG = "__reference__", "__slug__"
# What ``reverse`` leaves unquoted in a path (django.urls.resolvers).
_PATH_SAFE = "!$&'()*+,;=/~:@"


def _number(value: int, noun: str) -> str:
    """``12,345 views``: what ``{{ n|intcomma }} noun{{ n|pluralize }}`` renders in en-gb."""
    return f"{value:,} {noun}{'' if value == 1 else 's'}"


def dashboard_rows(vacancies: list[Vacancy], *, now: datetime | None = None) -> list[Vacancy]:
    """The dashboard page's vacancies with what each row shows worked out once in Python:
    their sources (one grouped query for the page), applications received, links, figures
    and status line. Each link is one ``reverse`` per page with placeholders, filled in per
    row, so a page of 25 rows costs 10 reversals instead of about 190 ``{% url %}`` tags; the
    status line is a few strings instead of a dozen template comparisons and filters."""
    now = now or timezone.now()
    labels = _row_labels()
    traffic = traffic_by_source(vacancy_ids=[v.id for v in vacancies])
    links = {key: reverse(name, args=[_REFERENCE]) for key, name in DASHBOARD_ROW_LINKS.items()}
    public = reverse("listings:vacancy", kwargs={"reference": _REFERENCE, "slug": _SLUG})
    for vacancy in vacancies:
        reference = quote(vacancy.reference, safe=_PATH_SAFE)
        vacancy.sources = [
            {
                **source,
                "views_shown": f"{source['views']:,}",
                "clicks_shown": f"{source['clicks']:,}",
            }
            for source in traffic.get(vacancy.id, [])
        ]
        vacancy.applications_received = applications_received(vacancy.sources)
        vacancy.links = SimpleNamespace(
            public=public.replace(_REFERENCE, reference).replace(
                _SLUG, quote(vacancy.slug, safe=_PATH_SAFE)
            ),
            **{key: url.replace(_REFERENCE, reference) for key, url in links.items()},
        )
        vacancy.meta = _status_line(vacancy, now, labels)
        vacancy.figures = SimpleNamespace(
            views=_number(vacancy.view_count, "view"),
            clicks=_number(vacancy.apply_click_count, "apply click"),
            applications=_number(vacancy.applications_received, "application"),
        )
    return vacancies


def _status_line(vacancy: Vacancy, now: datetime, labels: dict) -> SimpleNamespace:
    """A row's status (a live vacancy past its closing time reads "Expired", as its tab
    does), how it ended unless it simply expired, and when it closes or closed.
    ``labels``: ``_row_labels()``."""
    past = vacancy.closes_at is not None and vacancy.closes_at <= now
    ended = vacancy.outcome and vacancy.outcome != VacancyOutcome.EXPIRED
    closes = ""
    if vacancy.closes_at:
        day = date_format(localtime(vacancy.closes_at), "j M Y")
        closes = f"Closed {day}" if past else f"Closes {day}"
    return SimpleNamespace(
        status="Expired"
        if vacancy.status == Status.LIVE and past
        else labels["status"][vacancy.status],
        outcome=f" ({labels['outcome'][vacancy.outcome].lower()})" if ended else "",
        closes=closes,
    )


def _row_labels() -> dict[str, dict[str, str]]:
    """The words of every status and outcome, looked up once per page."""
    return {
        "status": {value: str(label) for value, label in Status.choices},
        "outcome": {value: str(label) for value, label in VacancyOutcome.choices},
    }


def traffic_by_source(*, vacancy_ids) -> dict[int, list[dict]]:
    """Views, apply clicks and applications per source for each vacancy, busiest source
    first: one grouped query over the few ``VacancyTraffic`` rows of the vacancies asked."""
    rows = (
        VacancyTraffic.objects.filter(vacancy_id__in=list(vacancy_ids))
        .values("vacancy_id", "source")
        .annotate(views=Sum("views"), clicks=Sum("apply_clicks"), applied=Sum("applications"))
        .order_by("vacancy_id", "-views", "source")
    )
    labels = dict(TrafficSource.choices)
    result: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        result[row["vacancy_id"]].append(
            {
                "source": row["source"],
                "label": labels.get(row["source"], row["source"]),
                "views": row["views"] or 0,
                "clicks": row["clicks"] or 0,
                "applications": row["applied"] or 0,
            }
        )
    return dict(result)


def applications_received(sources: list[dict]) -> int:
    """A vacancy's submitted applications, from its ``traffic_by_source`` rows."""
    return sum(source["applications"] for source in sources)


def employer_traffic_summary(*, employer: Employer, now: datetime, days: int = 30) -> list[dict]:
    """Where the employer's visitors came from over the last ``days`` days."""
    since = (now - timedelta(days=days)).date()
    rows = (
        VacancyTraffic.objects.filter(vacancy__employer=employer, day__gte=since)
        .values("source")
        .annotate(views=Sum("views"), clicks=Sum("apply_clicks"))
        .order_by("-views", "source")
    )
    labels = dict(TrafficSource.choices)
    return [
        {
            "label": labels.get(r["source"], r["source"]),
            "views": r["views"] or 0,
            "clicks": r["clicks"] or 0,
        }
        for r in rows
    ]


def funnel_by_source(*, vacancies, since: date | None = None) -> dict:
    """Views → apply clicks → applications → hires by traffic source, and the totals.

    ``vacancies`` is a queryset of vacancies. Everything is read from ``VacancyTraffic``,
    whose applications and hires the applications app keeps as it writes (counted on the
    day and from the source of each submission; drafts not at all; a withdrawn application
    still counted; the counts outlive the applications retention deletes). One grouped
    query over the counter rows, whatever the number of applications.
    """
    traffic = VacancyTraffic.objects.filter(vacancy__in=vacancies)
    if since is not None:
        traffic = traffic.filter(day__gte=since)
    labels = dict(TrafficSource.choices)
    ordered = sorted(
        (
            {
                "source": r["source"],
                "label": labels.get(r["source"], r["source"]),
                "views": r["views"] or 0,
                "clicks": r["clicks"] or 0,
                "applications": r["applications"] or 0,
                "hires": r["hires"] or 0,
            }
            for r in traffic.values("source")
            .annotate(
                views=Sum("views"),
                clicks=Sum("apply_clicks"),
                applications=Sum("applications"),
                hires=Sum("hires"),
            )
            .order_by()
        ),
        key=lambda e: (-e["views"], -e["applications"], e["label"]),
    )
    totals = {
        key: sum(e[key] for e in ordered) for key in ("views", "clicks", "applications", "hires")
    }
    return {"rows": ordered, "totals": totals}


def member_vacancy(request, reference: str) -> Vacancy:
    """A vacancy of one of the user's employers, by reference; 404 for anyone else's.

    If it belongs to another of the user's employers (a link from an email, say), that
    employer becomes the current one, so the page and its actions agree.
    """
    reference = (reference or "").strip().upper()[:16]
    vacancy = (
        Vacancy.objects.select_related("employer", "profession")
        .filter(reference=reference, employer__memberships__user=request.user)
        .first()
    )
    if vacancy is None:
        raise Http404("No such vacancy.")
    if vacancy.employer_id != request.employer.pk:
        membership = Membership.objects.select_related("employer").get(
            user=request.user, employer_id=vacancy.employer_id
        )
        use_membership(request, membership)
    return vacancy


def can_leave(membership: Membership) -> bool:
    """Whether this member may leave the employer: anyone but its last owner."""
    if not membership.is_owner:
        return True
    return (
        Membership.objects.filter(
            employer_id=membership.employer_id, role=Membership.Role.OWNER, user__is_active=True
        )
        .exclude(pk=membership.pk)
        .exists()
    )


def first_steps(*, employer: Employer, membership: Membership) -> list[dict]:
    """What a new employer with no vacancies does next, for the empty dashboard."""
    steps = [
        {
            "done": False,
            "label": "Post your first job",
            "hint": "A draft needs only a job title; add the rest when you are ready.",
            "url_name": "employers:vacancy_create",
        }
    ]
    if membership.is_owner:
        steps.append(
            {
                "done": bool(employer.logo),
                "label": "Add your logo and a few words about you",
                "hint": "Seekers see them beside every job you post.",
                "url_name": "employers:profile",
            }
        )
        steps.append(
            {
                "done": False,
                "label": "Invite a colleague",
                "hint": "Recruiters can post and manage jobs with you.",
                "url_name": "employers:team",
            }
        )
    return steps


def team(*, employer: Employer) -> dict:
    members = list(
        Membership.objects.filter(employer=employer)
        .select_related("user")
        .order_by("role", "user__email")
    )
    invitations = list(
        employer.invitations.filter(accepted_at__isnull=True, revoked_at__isnull=True)
        .select_related("invited_by")
        .order_by("-created_at")
    )
    return {
        "members": members,
        "invitations": invitations,
        "owner_count": sum(1 for m in members if m.is_owner),
    }
