"""An employer's member closes their own account: the organisation and its vacancies stay."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse

from employers import services
from employers.models import Employer, Membership
from listings.models import JobAlert, Vacancy
from seekers.models import Seeker
from tests import factories

pytestmark = pytest.mark.django_db
User = get_user_model()


def test_with_another_owner_the_account_goes_and_the_organisation_stays(client, employer, owner):
    other_owner = factories.MembershipFactory(employer=employer, role="owner").user
    vacancy = factories.LiveVacancyFactory(employer=employer, created_by=owner)
    factories.JobAlertFactory(email=owner.email)
    client.force_login(owner)
    assert client.get(reverse("employers:account_close")).status_code == 200
    refused = client.post(reverse("employers:account_close"), {})
    assert refused.status_code == 400 and User.objects.filter(pk=owner.pk).exists()
    done = client.post(reverse("employers:account_close"), {"confirm": "yes"})
    assert done.status_code == 302
    assert not User.objects.filter(pk=owner.pk).exists()
    assert not JobAlert.objects.filter(email=owner.email).exists()
    vacancy.refresh_from_db()
    assert vacancy.status == Vacancy.Status.LIVE and vacancy.employer == employer
    assert vacancy.created_by is None
    assert Membership.objects.filter(user=other_owner, employer=employer).exists()


def test_the_only_owner_with_colleagues_must_hand_over_first(employer, owner, recruiter):
    assert services.account_close_problems(user=owner)
    with pytest.raises(ValidationError, match="only owner"):
        services.account_close(user=owner)
    assert User.objects.filter(pk=owner.pk).exists()
    services.account_close(user=recruiter)  # a recruiter may always go
    assert not User.objects.filter(pk=recruiter.pk).exists()


def test_the_only_member_may_go_and_the_organisation_stays(employer, owner):
    factories.LiveVacancyFactory(employer=employer)
    services.account_close(user=owner)
    assert Employer.objects.filter(pk=employer.pk).exists()
    assert Vacancy.objects.filter(employer=employer).count() == 1


def test_a_seeker_too_deletes_the_job_seeking_first(employer, owner):
    Seeker.objects.create(user=owner)
    factories.MembershipFactory(employer=employer, role="owner")
    with pytest.raises(ValidationError, match="look for jobs"):
        services.account_close(user=owner)
