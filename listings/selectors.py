"""Reads of vacancies that need more than one queryset word."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils import timezone

from listings.models import Profession, Vacancy


def live_vacancies(*, now=None):
    """Live vacancies with everything a result row shows loaded in a fixed number of queries."""
    return (
        Vacancy.objects.live(now=now)
        .select_related("employer", "profession")
        .prefetch_related("places")
    )


def home_page_data(*, now=None) -> dict:
    """Professions with their live counts and the newest live vacancies, for the home page."""
    now = now or timezone.now()
    live = Q(
        vacancies__status=Vacancy.Status.LIVE,
        vacancies__published_at__lte=now,
        vacancies__closes_at__gt=now,
    )
    professions = Profession.objects.annotate(live_count=Count("vacancies", filter=live))
    newest = live_vacancies(now=now).order_by("-published_at", "-id")[:8]
    return {"professions": list(professions), "newest": list(newest)}
