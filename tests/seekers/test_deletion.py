"""Deleting a seeker's account leaves no row anywhere with their email address.

The test goes over every model installed (so a model added later is covered too), looks in
every text field of every row for the address, and checks no row still points at the account.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from employers.models import Invitation
from seekers import services
from seekers.models import SavedJob, Seeker, VacancyReport
from tests import factories
from tests.seekers.conftest import code_from_last_email

pytestmark = pytest.mark.django_db

EMAIL = "sam.jones@example.net"
TEXT_FIELDS = (models.CharField, models.TextField, models.EmailField, models.JSONField)


def rows_mentioning(email: str, user_id: int) -> list[str]:
    found = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, TEXT_FIELDS) and not isinstance(field, models.JSONField):
                lookup = {f"{field.name}__icontains": email}
            elif (
                isinstance(field, models.ForeignKey)
                and field.related_model._meta.label == settings.AUTH_USER_MODEL
            ):
                lookup = {field.attname: user_id}
            else:
                continue
            if model._default_manager.filter(**lookup).exists():
                found.append(f"{model._meta.label}.{field.name}")
    return found


@pytest.fixture
def everything(client, ask_code):
    """A seeker with a row of every kind we keep: the account made the real way."""
    ask_code(EMAIL)
    user = services.sign_in_with_code(
        email=EMAIL, code=code_from_last_email(EMAIL), client_ip="203.0.113.9"
    )
    ask_code(EMAIL)  # an unused code too
    seeker = Seeker.objects.get(user=user)
    vacancy = factories.LiveVacancyFactory()
    services.saved_job_add(seeker=seeker, reference=vacancy.reference)
    now = timezone.now()
    factories.JobAlertFactory(email=EMAIL)
    factories.JobAlertFactory(email=EMAIL, confirmed_at=None)
    factories.JobAlertFactory(email=EMAIL, unsubscribed_at=now - timedelta(days=1))
    factories.JobAlertFactory(email=EMAIL.upper().lower(), paused=True)
    VacancyReport.objects.create(vacancy=vacancy, reason="scam", email=EMAIL, created_at=now)
    Invitation.objects.create(employer=factories.EmployerFactory(), email=EMAIL)
    # Someone else's data, which must stay.
    factories.JobAlertFactory(email="other@example.net")
    return user


def test_the_address_is_everywhere_before(everything):
    found = rows_mentioning(EMAIL, everything.pk)
    assert {"employers.User.email", "listings.JobAlert.email", "seekers.SignInCode.email"} <= set(
        found
    )
    assert "seekers.SavedJob.seeker" not in found  # points at the seeker, checked below


def test_deleting_the_account_leaves_no_row_with_the_address(client, everything):
    client.force_login(everything)
    response = client.post(reverse("seekers:privacy_delete"), {"confirm": "on"})
    assert response.status_code == 200
    assert rows_mentioning(EMAIL, everything.pk) == []
    assert not SavedJob.objects.exists() and not Seeker.objects.exists()
    # Reports stay for staff, without the address; other people's alerts stay.
    assert VacancyReport.objects.get().email == ""
    assert apps.get_model("listings", "JobAlert").objects.filter(email="other@example.net").exists()


def test_a_member_keeps_the_account_but_loses_the_seeker_data(client, everything):
    factories.MembershipFactory(user=everything, role="owner")
    counts = services.seeker_delete(user=everything)
    assert counts["account"] == 0
    found = set(rows_mentioning(EMAIL, everything.pk))
    assert found <= {
        "employers.User.email",
        "employers.Membership.user",
        "employers.Invitation.email",
    }
    assert not Seeker.objects.exists() and not SavedJob.objects.exists()
