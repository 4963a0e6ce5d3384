"""Retention: applications, their CVs and equality answers go a set time after the vacancy
closes, by an idempotent task; time is passed in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.utils import timezone

from applications import candidate_services as services
from applications import tasks
from applications.models import Application, EqualityMonitoring
from applications.storage import private_storage
from seekers.models import Seeker
from tests import factories
from tests.applications import documents

pytestmark = pytest.mark.django_db

NOW = datetime(2027, 6, 15, 3, 35, tzinfo=UTC)


def _vacancy_closed(at: datetime):
    return factories.ClosedVacancyFactory(
        apply_method="board", closes_at=at, closed_at=at, published_at=at - timedelta(days=30)
    )


def _application(vacancy, email: str):
    seeker = Seeker.objects.create(user=factories.UserFactory(email=email))
    application = Application.objects.create(
        vacancy=vacancy,
        seeker=seeker,
        email=email,
        status="new",
        created_at=NOW - timedelta(days=400),
        updated_at=NOW - timedelta(days=400),
    )
    application.cv.name = private_storage().save("cvs/t/cv.pdf", ContentFile(documents.PDF))
    application.save()
    EqualityMonitoring.objects.create(vacancy=vacancy, age_band="25-34", given_on=NOW.date())
    return application


@pytest.mark.parametrize(
    ("moment", "months", "expected"),
    [
        (datetime(2027, 6, 15, tzinfo=UTC), 12, datetime(2026, 6, 15)),
        (datetime(2027, 3, 31, tzinfo=UTC), 1, datetime(2027, 2, 28)),
        (datetime(2028, 3, 31, tzinfo=UTC), 1, datetime(2028, 2, 29)),
        (datetime(2027, 1, 10, tzinfo=UTC), 13, datetime(2025, 12, 10)),
    ],
)
def test_months_before_counts_calendar_months(moment, months, expected):
    assert services.months_before(moment, months) == expected.replace(tzinfo=UTC)


def test_the_default_retention_is_twelve_months():
    assert django_settings.APPLICATION_RETENTION_MONTHS == 12


def test_the_purge_deletes_exactly_what_is_due_and_is_idempotent(
    settings, django_capture_on_commit_callbacks
):
    settings.APPLICATION_RETENTION_MONTHS = 12
    cutoff = datetime(2026, 6, 15, 3, 35, tzinfo=UTC)
    due = _application(_vacancy_closed(cutoff - timedelta(seconds=1)), "due@example.org")
    kept_edge = _application(_vacancy_closed(cutoff), "edge@example.org")
    kept_recent = _application(_vacancy_closed(NOW - timedelta(days=30)), "recent@example.org")
    live = factories.LiveVacancyFactory(apply_method="board")
    kept_live = _application(live, "live@example.org")
    storage = private_storage()
    due_file = due.cv.name
    assert storage.exists(due_file)

    with django_capture_on_commit_callbacks(execute=True):
        counts = services.applications_purge(now=NOW)
    assert counts == {"applications": 1, "files": 1, "equality": 1}
    assert not Application.objects.filter(pk=due.pk).exists()
    assert not storage.exists(due_file)
    assert set(Application.objects.values_list("pk", flat=True)) == {
        kept_edge.pk,
        kept_recent.pk,
        kept_live.pk,
    }
    assert all(storage.exists(a.cv.name) for a in (kept_edge, kept_recent, kept_live))
    assert EqualityMonitoring.objects.count() == 3
    assert not EqualityMonitoring.objects.filter(vacancy=due.vacancy).exists()

    with django_capture_on_commit_callbacks(execute=True):
        assert services.applications_purge(now=NOW) == {
            "applications": 0,
            "files": 0,
            "equality": 0,
        }


def test_a_shorter_retention_setting_takes_more(settings, django_capture_on_commit_callbacks):
    settings.APPLICATION_RETENTION_MONTHS = 1
    _application(_vacancy_closed(NOW - timedelta(days=40)), "a@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        assert services.applications_purge(now=NOW)["applications"] == 1


def test_a_rolled_back_purge_keeps_the_files(settings):
    """Files go only once the deletion commits: a rollback leaves row and file together."""
    settings.APPLICATION_RETENTION_MONTHS = 12
    due = _application(_vacancy_closed(NOW - timedelta(days=500)), "due@example.org")
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        services.applications_purge(now=NOW)
        raise RuntimeError
    assert Application.objects.filter(pk=due.pk).exists()
    assert private_storage().exists(due.cv.name)


def test_the_task_is_scheduled_daily_and_purges(settings, django_capture_on_commit_callbacks):
    entry = settings.CELERY_BEAT_SCHEDULE["purge-applications"]
    assert entry["task"] == "applications.tasks.purge_applications"
    _application(_vacancy_closed(timezone.now() - timedelta(days=800)), "old@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.purge_applications.delay().get()["applications"] == 1
        assert tasks.purge_applications.delay().get()["applications"] == 0


def test_the_command_has_a_dry_run_that_deletes_nothing(django_capture_on_commit_callbacks):
    from io import StringIO

    from django.core.management import call_command

    due = _application(_vacancy_closed(timezone.now() - timedelta(days=800)), "old@example.org")
    out = StringIO()
    call_command("purge_applications", "--dry-run", stdout=out)
    assert "would delete 1 application(s), 1 file(s) and 1 equality" in out.getvalue()
    assert Application.objects.filter(pk=due.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("purge_applications", stdout=out)
    assert not Application.objects.filter(pk=due.pk).exists()
    assert not private_storage().exists(due.cv.name)


def test_a_row_deleted_any_other_way_takes_its_cv(django_capture_on_commit_callbacks):
    """The admin or a cascade (a user deleted outright) leaves no CV behind."""
    application = _application(factories.LiveVacancyFactory(), "gone@example.org")
    name = application.cv.name
    with django_capture_on_commit_callbacks(execute=True):
        application.seeker.user.delete()
    assert not Application.objects.exists()
    assert not private_storage().exists(name)
