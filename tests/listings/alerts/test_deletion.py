"""Deleting alerts for real: "Delete this alert", and the purge of stopped alerts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from listings import tasks
from listings.alerts import services
from listings.models import JobAlert
from tests import factories

pytestmark = pytest.mark.django_db
NOW = timezone.now()


def test_delete_removes_the_row_and_is_idempotent():
    alert = factories.JobAlertFactory()
    assert services.alert_delete(alert_id=alert.pk) is True
    assert services.alert_delete(alert_id=alert.pk) is False
    assert not JobAlert.objects.filter(pk=alert.pk).exists()


def test_unsubscribed_alerts_are_purged_after_the_stated_period(settings):
    settings.ALERT_PURGE_DAYS = 30
    old = factories.JobAlertFactory(unsubscribed_at=NOW - timedelta(days=31))
    recent = factories.JobAlertFactory(unsubscribed_at=NOW - timedelta(days=29))
    active = factories.JobAlertFactory()
    assert services.alerts_purge_unsubscribed(now=NOW, dry_run=True) == 1
    assert JobAlert.objects.filter(pk=old.pk).exists()
    assert services.alerts_purge_unsubscribed(now=NOW) == 1
    assert services.alerts_purge_unsubscribed(now=NOW) == 0
    assert set(JobAlert.objects.values_list("pk", flat=True)) == {recent.pk, active.pk}


def test_the_beat_task_purges(settings):
    settings.ALERT_PURGE_DAYS = 0
    factories.JobAlertFactory(unsubscribed_at=timezone.now() - timedelta(seconds=1))
    assert tasks.purge_unsubscribed_alerts() == 1
    assert "purge-unsubscribed-alerts" in settings.CELERY_BEAT_SCHEDULE


def test_a_changed_search_is_normalised():
    alert = factories.JobAlertFactory(query="profession=social-worker")
    services.alert_update(alert=alert, query="q=nurse&page=3")
    alert.refresh_from_db()
    assert "q=nurse" in alert.query and "page" not in alert.query
