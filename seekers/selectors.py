"""Reads for job seekers: their saved jobs, their alerts, and everything held about them."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from listings.alerts.matching import describe_search
from listings.models import JobAlert, Place
from listings.selectors import similar_vacancies
from seekers import hooks
from seekers.models import SavedJob, Seeker, SignInCode, VacancyReport

SIMILAR_FOR_CLOSED = 3


def seeker_of(user) -> Seeker | None:
    """The seeker role of a signed-in account, or ``None``."""
    if not user.is_authenticated:
        return None
    return Seeker.objects.filter(user=user).select_related("user").first()


def saved_jobs(*, seeker: Seeker, now: datetime | None = None) -> list[SavedJob]:
    """The seeker's saved jobs, newest first; each closed one carries ``similar`` live jobs."""
    now = now or timezone.now()
    rows = list(
        seeker.saved_jobs.select_related(
            "vacancy__employer", "vacancy__profession"
        ).prefetch_related(Prefetch("vacancy__places", queryset=Place.objects.order_by("name")))
    )
    for row in rows:
        v = row.vacancy
        row.is_live = (
            v.status == v.Status.LIVE
            and v.published_at is not None
            and v.published_at <= now
            and v.closes_at is not None
            and v.closes_at > now
        )
        row.similar = (
            [] if row.is_live else similar_vacancies(row.vacancy, now=now, limit=SIMILAR_FOR_CLOSED)
        )
    return rows


def saved_references(*, seeker: Seeker | None) -> set[str]:
    if seeker is None:
        return set()
    return set(seeker.saved_jobs.values_list("vacancy__reference", flat=True))


def seeker_alerts(*, seeker: Seeker) -> QuerySet[JobAlert]:
    """Every alert for the seeker's verified address, in the order they were made."""
    if not seeker.user.email_verified:
        return JobAlert.objects.none()
    return JobAlert.objects.filter(email=seeker.user.email).order_by("created_at", "id")


def alerts_with_descriptions(*, seeker: Seeker) -> list[JobAlert]:
    alerts = list(seeker_alerts(seeker=seeker))
    for alert in alerts:
        alert.description = describe_search(alert.query)
    return alerts


def _when(value) -> str | None:
    return value.isoformat() if value else None


def seeker_data(*, user, now: datetime | None = None) -> dict:
    """Everything held about a seeker, for them to download (UK GDPR, article 15 and 20)."""
    return seeker_download(user=user, now=now)[0]


def seeker_download(*, user, now: datetime | None = None) -> tuple[dict, list]:
    """The download's data and the files that go with it: ``[(name, storage, stored_name)]``.

    Apps that build on seekers add theirs through ``seekers.hooks.register_export``.
    """
    now = now or timezone.now()
    data = _own_data(user=user, now=now)
    files = []
    for name, reader in hooks.exporters().items():
        found = reader(user=user)
        data[name] = found["data"]
        files.extend((archive, found["storage"], stored) for archive, stored in found["files"])
    return data, files


def _own_data(*, user, now: datetime) -> dict:
    seeker = Seeker.objects.filter(user=user).first()
    saved = (
        list(seeker.saved_jobs.select_related("vacancy__employer").order_by("saved_at", "id"))
        if seeker
        else []
    )
    return {
        "exported_at": now.isoformat(),
        "account": {
            "email": user.email,
            "email_verified_at": _when(user.email_verified_at),
            "first_name": user.first_name,
            "last_name": user.last_name,
            "date_joined": _when(user.date_joined),
            "last_login": _when(user.last_login),
            "has_password": user.has_usable_password(),
            "seeker_since": _when(seeker.created_at) if seeker else None,
            "employer_memberships": [
                {"employer": m.employer.name, "role": m.role, "since": _when(m.created_at)}
                for m in user.memberships.select_related("employer").order_by("created_at")
            ],
        },
        "saved_jobs": [
            {
                "reference": row.vacancy.reference,
                "title": row.vacancy.title,
                "employer": row.vacancy.employer.name,
                "saved_at": _when(row.saved_at),
            }
            for row in saved
        ],
        "job_alerts": [
            {
                "search": alert.query,
                "description": describe_search(alert.query),
                "frequency": alert.frequency,
                "created_at": _when(alert.created_at),
                "confirmed_at": _when(alert.confirmed_at),
                "paused": alert.paused,
                "unsubscribed_at": _when(alert.unsubscribed_at),
                "last_sent_at": _when(alert.last_sent_at),
            }
            for alert in JobAlert.objects.filter(email=user.email).order_by("created_at", "id")
        ],
        "sign_in_codes": [
            {"created_at": _when(c.created_at), "used_at": _when(c.used_at)}
            for c in SignInCode.objects.filter(email=user.email).order_by("created_at")
        ],
        "job_reports": [
            {
                "vacancy": r.vacancy.reference,
                "reason": r.reason,
                "details": r.details,
                "created_at": _when(r.created_at),
                "outcome": r.outcome,
            }
            for r in VacancyReport.objects.filter(email=user.email).select_related("vacancy")
        ],
    }
