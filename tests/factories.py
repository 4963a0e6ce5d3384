"""factory_boy factories: one per model, and one per vacancy status."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from employers.models import Employer, Membership, Region, Sector, User
from listings.models import JobAlert, Place, Profession, Vacancy
from listings.services import employers_live_counts_refresh


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["email"]

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = "Alex"
    last_name = "Morgan"
    password = factory.django.Password("correct horse battery staple")
    email_verified_at = factory.LazyFunction(timezone.now)


class EmployerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employer

    name = factory.Sequence(lambda n: f"Riverside Care {n}")
    slug = factory.Sequence(lambda n: f"riverside-care-{n}")
    sector = Sector.INDEPENDENT
    region = Region.YORKSHIRE
    about = "We support older people to live well at home."
    verified = True
    town = factory.LazyFunction(lambda: place("leeds"))


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    employer = factory.SubFactory(EmployerFactory)
    role = Membership.Role.OWNER


def ensure_reference_data() -> None:
    """Reload the gazetteer and professions if a transactional test flushed them.

    Migrations load both into a new test database, but the flush after a transactional test
    empties every table, and a reused database (``--reuse-db``) is not re-serialised.
    """
    if not Profession.objects.exists() or not Place.objects.exists():
        from listings.gazetteer import load_places
        from listings.professions import load_professions

        load_places(Place)
        load_professions(Profession)


def place(slug: str) -> Place:
    """A gazetteer place by slug."""
    ensure_reference_data()
    return Place.objects.get(slug=slug)


def profession(slug: str = "social-worker") -> Profession:
    """A profession by slug."""
    ensure_reference_data()
    return Profession.objects.get(slug=slug)


class VacancyFactory(factory.django.DjangoModelFactory):
    """A draft vacancy; the status factories below set the dates each status implies."""

    class Meta:
        model = Vacancy
        skip_postgeneration_save = True

    employer = factory.SubFactory(EmployerFactory)
    title = "Social Worker - Adults' Services"
    profession = factory.LazyFunction(profession)
    description = "Join our friendly adults' team.\n\n## What we offer\n\n- Flexible hours"
    salary_min = Decimal("34000")
    salary_max = Decimal("42000")
    salary_period = "year"
    apply_url = "https://example.org/apply"
    status = Vacancy.Status.DRAFT
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))

    @factory.post_generation
    def places(self, create, extracted, **kwargs):
        if not create:
            return
        self.places.set(extracted if extracted is not None else [place("leeds")])

    @factory.post_generation
    def live_count(self, create, extracted, **kwargs):
        """Keep the employer's live count as the services would."""
        if create:
            employers_live_counts_refresh(employer_ids=[self.employer_id])


class LiveVacancyFactory(VacancyFactory):
    status = Vacancy.Status.LIVE
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=2))


class PendingVacancyFactory(VacancyFactory):
    status = Vacancy.Status.PENDING_REVIEW


class ExpiredVacancyFactory(VacancyFactory):
    status = Vacancy.Status.EXPIRED
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=40))
    closes_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=10))
    expired_at = factory.LazyAttribute(lambda o: o.closes_at)


class ClosedVacancyFactory(VacancyFactory):
    status = Vacancy.Status.CLOSED
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=20))
    closes_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    closed_at = factory.LazyAttribute(lambda o: o.closes_at)


class JobAlertFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JobAlert

    email = factory.Sequence(lambda n: f"seeker{n}@example.net")
    query = "profession=social-worker"
    frequency = JobAlert.Frequency.DAILY
    confirmed_at = factory.LazyFunction(timezone.now)
