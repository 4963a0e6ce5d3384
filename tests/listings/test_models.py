"""Model invariants and one test per queryset method."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from listings.models import JobAlert, Place, Vacancy
from tests import factories

pytestmark = pytest.mark.django_db


class TestVacancyClean:
    def test_salary_min_above_max_is_refused(self):
        vacancy = factories.VacancyFactory.build(salary_min=50_000, salary_max=40_000)
        with pytest.raises(ValidationError) as exc:
            vacancy.clean()
        assert "salary_max" in exc.value.message_dict

    def test_negative_pay_is_refused(self):
        vacancy = factories.VacancyFactory.build(salary_min=-1, salary_max=10)
        with pytest.raises(ValidationError) as exc:
            vacancy.clean()
        assert "salary_min" in exc.value.message_dict

    def test_closing_must_follow_publishing(self):
        now = timezone.now()
        vacancy = factories.VacancyFactory.build(published_at=now, closes_at=now)
        with pytest.raises(ValidationError) as exc:
            vacancy.clean()
        assert "closes_at" in exc.value.message_dict

    def test_hours_per_week_bounds(self):
        vacancy = factories.VacancyFactory.build(hours_per_week=Decimal("90"))
        with pytest.raises(ValidationError) as exc:
            vacancy.clean()
        assert "hours_per_week" in exc.value.message_dict

    def test_valid_vacancy_passes(self):
        factories.VacancyFactory.build().clean()


class TestVacancyConstraints:
    def test_database_refuses_inverted_salary(self, employer):
        with pytest.raises(IntegrityError), transaction.atomic():
            factories.VacancyFactory(employer=employer, salary_min=10, salary_max=5)

    def test_database_refuses_closing_before_publishing(self, employer):
        now = timezone.now()
        with pytest.raises(IntegrityError), transaction.atomic():
            factories.VacancyFactory(
                employer=employer, published_at=now, closes_at=now - timedelta(hours=1)
            )


class TestDerivedFields:
    @pytest.mark.parametrize(
        ("period", "low", "high", "annual_low", "annual_high"),
        [
            ("year", "30000", "35000", "30000", "35000"),
            ("hour", "12.60", "14.00", "24570", "27300"),  # × 1950 hours
            ("day", "200", "250", "52000", "65000"),  # × 260 days
        ],
    )
    def test_annual_equivalent(self, employer, period, low, high, annual_low, annual_high):
        vacancy = factories.VacancyFactory(
            employer=employer, salary_period=period, salary_min=low, salary_max=high
        )
        vacancy.refresh_from_db()
        assert vacancy.salary_annual_min == Decimal(annual_low)
        assert vacancy.salary_annual_max == Decimal(annual_high)

    def test_annual_equivalent_follows_bulk_update(self, employer):
        vacancy = factories.VacancyFactory(employer=employer, salary_period="year")
        Vacancy.objects.filter(pk=vacancy.pk).update(
            salary_period="hour", salary_min=13, salary_max=15
        )
        vacancy.refresh_from_db()
        assert vacancy.salary_annual_max == Decimal("29250")

    def test_slug_and_reference_are_derived(self, employer):
        vacancy = factories.VacancyFactory(employer=employer, title="Night Care Assistant")
        assert vacancy.slug == "night-care-assistant"
        assert len(vacancy.reference) == 8
        assert vacancy.get_absolute_url() == f"/vacancies/{vacancy.reference}/night-care-assistant/"


class TestVacancyQuerySet:
    def test_live_hides_a_vacancy_at_its_closing_instant(self, employer):
        closes = timezone.now() + timedelta(days=1)
        vacancy = factories.LiveVacancyFactory(employer=employer, closes_at=closes)
        just_before = closes - timedelta(microseconds=1)
        assert list(Vacancy.objects.live(now=just_before)) == [vacancy]
        assert list(Vacancy.objects.live(now=closes)) == []

    def test_live_ignores_other_statuses_and_future_publication(self, employer):
        factories.VacancyFactory(employer=employer)
        factories.PendingVacancyFactory(employer=employer)
        factories.ExpiredVacancyFactory(employer=employer)
        factories.ClosedVacancyFactory(employer=employer)
        factories.LiveVacancyFactory(
            employer=employer, published_at=timezone.now() + timedelta(hours=1)
        )
        assert Vacancy.objects.live().count() == 0

    def test_due_to_expire(self, employer):
        now = timezone.now()
        due = factories.LiveVacancyFactory(employer=employer, closes_at=now)
        factories.LiveVacancyFactory(employer=employer, closes_at=now + timedelta(seconds=1))
        factories.ExpiredVacancyFactory(employer=employer)
        assert list(Vacancy.objects.due_to_expire(now=now)) == [due]

    def test_for_employer(self, employer):
        mine = factories.VacancyFactory(employer=employer)
        factories.VacancyFactory()
        assert list(Vacancy.objects.for_employer(employer)) == [mine]

    def test_closing_before(self, employer):
        now = timezone.now()
        soon = factories.LiveVacancyFactory(employer=employer, closes_at=now + timedelta(days=1))
        factories.LiveVacancyFactory(employer=employer, closes_at=now + timedelta(days=5))
        assert list(Vacancy.objects.closing_before(now + timedelta(days=2))) == [soon]

    def test_public_is_live_closed_or_expired(self, employer):
        live = factories.LiveVacancyFactory(employer=employer)
        closed = factories.ClosedVacancyFactory(employer=employer)
        expired = factories.ExpiredVacancyFactory(employer=employer)
        factories.VacancyFactory(employer=employer)
        factories.PendingVacancyFactory(employer=employer)
        assert set(Vacancy.objects.public()) == {live, closed, expired}


class TestPlaceQuerySet:
    def test_in_box(self):
        names = set(
            Place.objects.in_box(south=53.7, north=53.9, west=-1.7, east=-1.4).values_list(
                "name", flat=True
            )
        )
        assert "Leeds" in names
        assert "London" not in names

    def test_matching_prefix(self):
        names = list(Place.objects.matching_prefix("manch").values_list("name", flat=True))
        assert names[0] == "Manchester"


class TestJobAlertQuerySet:
    def test_active(self):
        active = factories.JobAlertFactory()
        factories.JobAlertFactory(confirmed_at=None)
        factories.JobAlertFactory(paused=True)
        factories.JobAlertFactory(unsubscribed_at=timezone.now())
        assert list(JobAlert.objects.active()) == [active]

    def test_unconfirmed_before(self):
        old = factories.JobAlertFactory(confirmed_at=None)
        JobAlert.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=9))
        factories.JobAlertFactory(confirmed_at=None)
        factories.JobAlertFactory()
        cutoff = timezone.now() - timedelta(days=7)
        assert list(JobAlert.objects.unconfirmed_before(cutoff)) == [old]
