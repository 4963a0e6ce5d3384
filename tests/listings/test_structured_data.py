"""JobPosting markup: the care-sector facts in the properties schema.org has for them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from listings.models import Place
from listings.structured_data import job_posting
from tests import factories

pytestmark = pytest.mark.django_db


def posting(**facts) -> dict:
    return job_posting(factories.LiveVacancyFactory(**facts))


def test_stated_facts_are_carried():
    data = posting(
        hours_per_week=Decimal("37.5"),
        shift_patterns=["nights", "long-days"],
        overtime_offered=True,
        registration="nmc",
        driving="car",
        mileage_paid=True,
        dbs_check="enhanced-barred",
        dbs_paid_by="employer",
        dbs_update_service=True,
        visa_sponsorship="yes",
        welsh="essential",
        welsh_level="advanced",
    )
    assert data["workHours"] == "37.5 hours a week; Nights and long days"
    assert data["qualifications"] == (
        "Registration with the Nursing and Midwifery Council (NMC); "
        "Driving licence and own vehicle needed"
    )
    assert data["educationRequirements"]["recognizedBy"]["name"].startswith("Nursing and")
    assert data["securityClearanceRequirement"] == (
        "Enhanced DBS check with barred lists, paid for by the employer; "
        "the DBS Update Service is accepted"
    )
    assert data["eligibilityToWorkRequirement"].startswith("The employer says it can sponsor")
    assert data["skills"] == "Welsh essential (advanced level)"
    assert data["jobBenefits"] == (
        "Overtime or extra bank shifts offered; Mileage paid; DBS check paid for by the employer"
    )


def test_facts_not_stated_add_nothing():
    data = posting(hours_per_week=None)
    for name in (
        "workHours",
        "qualifications",
        "educationRequirements",
        "securityClearanceRequirement",
        "eligibilityToWorkRequirement",
        "skills",
        "jobBenefits",
    ):
        assert name not in data, name


def test_no_registration_and_no_driving_are_not_qualifications():
    data = posting(registration="none", driving="not-needed", welsh="not-needed")
    assert data["qualifications"] == "No professional registration needed"
    assert "educationRequirements" not in data and "skills" not in data


@pytest.mark.parametrize(
    ("name", "county", "region"),
    [
        ("Leeds", "City and Borough of Leeds", "West Yorkshire"),
        ("Maidstone", "Kent", "Kent"),
        ("Cardiff", "Cardiff", "Wales"),
        ("York", "City of York", "Yorkshire and the Humber"),
    ],
)
def test_address_region_is_the_county_people_say_not_the_gazetteer_name(name, county, region):
    place = Place.objects.get(name=name, county=county)
    vacancy = factories.LiveVacancyFactory(places=[place])
    (location,) = job_posting(vacancy)["jobLocation"]
    assert location["address"]["addressLocality"] == name
    assert location["address"]["addressRegion"] == region
