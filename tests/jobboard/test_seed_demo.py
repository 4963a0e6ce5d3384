"""Demo data: realistic, deterministic, and a one-time load for `make run`."""

from datetime import UTC, datetime

import pytest
from django.core.management import call_command

from employers.models import Employer, Membership
from jobboard.demo import DEMO_OWNER_EMAIL, seed_demo
from listings.models import Vacancy

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def _snapshot():
    return [
        (v.reference, v.title, v.employer.name, v.status, str(v.salary_max), v.published_at,
         tuple(p.slug for p in v.places.all()))
        for v in Vacancy.objects.select_related("employer").prefetch_related("places").order_by("reference")
    ]  # fmt: skip


def test_counts_and_mix():
    result = seed_demo(employers=12, vacancies=400, now=NOW, batch_size=150)
    assert (result.employers, result.vacancies) == (12, 400)
    assert Employer.objects.count() == 12
    assert Vacancy.objects.count() == 400
    statuses = set(Vacancy.objects.values_list("status", flat=True))
    assert statuses == set(Vacancy.Status.values)
    assert result.live == Vacancy.objects.filter(status="live").count()
    assert 60 <= result.live <= 140  # about a quarter
    assert Vacancy.objects.live(now=NOW).count() == result.live
    assert Vacancy.objects.filter(places__isnull=True).count() == 0
    assert Membership.objects.filter(user__email=DEMO_OWNER_EMAIL, role="owner").exists()
    sectors = set(Employer.objects.values_list("sector", flat=True))
    assert {"nhs", "local_authority", "independent", "charity"} <= sectors


def test_every_row_satisfies_the_model_rules():
    seed_demo(employers=5, vacancies=120, now=NOW)
    for vacancy in Vacancy.objects.all():
        vacancy.full_clean()


def test_same_seed_same_data():
    seed_demo(employers=6, vacancies=80, now=NOW, seed=7, with_people=False)
    first = _snapshot()
    Vacancy.objects.all().delete()
    Employer.objects.all().delete()
    seed_demo(employers=6, vacancies=80, now=NOW, seed=7, with_people=False)
    assert _snapshot() == first
    Vacancy.objects.all().delete()
    Employer.objects.all().delete()
    seed_demo(employers=6, vacancies=80, now=NOW, seed=8, with_people=False)
    assert _snapshot() != first


def test_command_loads_once_with_if_empty(capsys):
    call_command("seed_demo", employers=3, vacancies=30, if_empty=True, no_progress=True)
    assert "Seeded 3 employers and 30 vacancies" in capsys.readouterr().out
    call_command("seed_demo", employers=3, vacancies=30, if_empty=True, no_progress=True)
    assert "already present" in capsys.readouterr().out
    assert Vacancy.objects.count() == 30


def test_command_refuses_nonsense_counts():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("seed_demo", employers=0, vacancies=10, no_progress=True)
    assert Employer.objects.count() == 0
