"""Interview slots for the tests: a vacancy's times and a candidate invited to pick one."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from applications.models import Application, InterviewSlot
from seekers.models import Seeker
from tests import factories
from tests.applications.factories import ApplicationFactory


def slot(vacancy, starts_at: datetime, *, minutes: int = 30, where: str = "Hollybank House, Leeds"):
    return InterviewSlot.objects.create(
        vacancy=vacancy, starts_at=starts_at, minutes=minutes, where=where
    )


def invited(vacancy, *, email: str | None = None, **fields) -> Application:
    """A candidate with an account, invited to interview at a time they pick."""
    user = factories.UserFactory(**({"email": email} if email else {}))
    seeker = Seeker.objects.create(user=user)
    fields.setdefault("status", Application.Status.INTERVIEW)
    fields.setdefault("slot_invited_at", timezone.now())
    return ApplicationFactory(vacancy=vacancy, seeker=seeker, email=user.email, **fields)


def tomorrow_at(hour: int, minute: int = 0, *, days: int = 1) -> datetime:
    """A local time ``days`` from now (the board's time zone), aware."""
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, minute))
