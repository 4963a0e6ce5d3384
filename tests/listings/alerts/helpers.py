"""Vacancies and alerts placed in time around one fixed ``NOW``."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from listings.models import JobAlert, Vacancy
from tests import factories

NOW = timezone.now().replace(microsecond=0)


def live(*, published: timedelta, profession: str = "social-worker", **kwargs) -> Vacancy:
    """A live vacancy published ``published`` before NOW, closing well after it."""
    return factories.LiveVacancyFactory(
        profession=factories.profession(profession),
        published_at=NOW - published,
        closes_at=NOW + timedelta(days=20),
        **kwargs,
    )


def confirmed_alert(*, mark: timedelta = timedelta(days=1), **kwargs) -> JobAlert:
    return factories.JobAlertFactory(
        confirmed_at=NOW - timedelta(days=10), last_sent_at=NOW - mark, **kwargs
    )
