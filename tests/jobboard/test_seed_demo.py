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


def test_care_facts_are_realistic():
    from jobboard.demo import AFC_BAND_STARTS
    from listings.models import SHIFT_BITS, Registration

    seed_demo(employers=20, vacancies=600, now=NOW, with_people=False)
    vacancies = list(Vacancy.objects.select_related("employer", "profession"))
    starts = {band: start for start, band in AFC_BAND_STARTS}
    banded = [v for v in vacancies if v.pay_band]
    assert banded and all(v.employer.sector == "nhs" and v.pay_scale == "afc" for v in banded)
    for v in banded:  # the band is the one the yearly pay starts in
        yearly = float(v.salary_annual_min)
        above = [s for s in starts.values() if s > starts[v.pay_band]]
        assert yearly >= starts[v.pay_band] or v.pay_band == "band-2", (v.pay_band, yearly)
        assert not above or yearly < min(above), (v.pay_band, yearly)
    nurses = [v for v in vacancies if v.profession.slug == "registered-nurse"]
    assert nurses and all(v.registration == Registration.NMC for v in nurses)
    assert any(v.shifts & SHIFT_BITS["nights"] for v in nurses)
    social_workers = [v for v in vacancies if v.profession.slug == "social-worker"]
    assert social_workers and all(v.registration and v.driving == "car" for v in social_workers)
    home_care = [v for v in vacancies if "home care" in v.title.lower() or "domiciliary" in v.title.lower()]  # fmt: skip
    assert home_care and all(v.driving == "car" for v in home_care)
    assert {v.outcome for v in vacancies if v.status == "expired"} == {"expired"}
    assert all(v.outcome for v in vacancies if v.status == "closed")
    assert not any(v.outcome for v in vacancies if v.status in ("live", "draft"))
    care_workers = [v for v in vacancies if v.profession.slug == "care-worker"]
    assert not any(v.visa_sponsorship == "yes" for v in care_workers)


def test_descriptions_read_right_and_say_each_sentence_once():
    import re

    from jobboard.demo import with_article

    assert with_article("Approved Mental Health Professional") == (
        "an Approved Mental Health Professional"
    )
    assert with_article("Occupational Therapist") == "an Occupational Therapist"
    assert with_article("Senior Social Worker") == "a Senior Social Worker"
    assert with_article("Universal Credit Adviser") == "a Universal Credit Adviser"
    assert with_article("Hourly Paid Carer") == "an Hourly Paid Carer"

    seed_demo(employers=6, vacancies=300, now=NOW, batch_size=150)
    descriptions = list(Vacancy.objects.values_list("description", flat=True))
    for text in descriptions:
        assert not re.search(r"\ba [aeiouAEIOU]", text), text[:120]
        assert not re.search(r"\ban [^aeiouAEIOUh]", text), text[:120]
        sentences = [
            s.strip()
            for s in re.split(r"(?<=[.!?])\s+|\n+", text)
            if s.strip() and not s.startswith("#")
        ]
        assert len(sentences) == len(set(sentences)), text


def test_demo_web_addresses_are_valid_host_names():
    """A long name cut at 40 characters must not leave a label ending in a hyphen, which
    the apply link's validation refuses when the vacancy is next edited."""
    from django.core.validators import URLValidator

    from jobboard.demo import _host_label

    label = _host_label("huish-teaching-hospitals-nhs-foundation-trust-leeds")
    assert label == "huish-teaching-hospitals-nhs-foundation"
    URLValidator(schemes=["https"])(f"https://{label}.example.org/careers/apply")
