"""Schema.org ``JobPosting`` for a live vacancy, so search engines can list it as a job.

Only live vacancies get it: a closed page must carry none (search engines drop the job).
"""

from __future__ import annotations

from django.conf import settings

from common.links import on_site
from common.markdown import render_markdown
from listings import facts
from listings.models import (
    ApplyMethod,
    ContractType,
    DbsLevel,
    DbsPaidBy,
    Driving,
    Registration,
    SalaryPeriod,
    Vacancy,
    WelshRequirement,
    WorkingPattern,
    Workplace,
)
from listings.search import address_region

PATTERN_TYPES = {WorkingPattern.FULL_TIME: "FULL_TIME", WorkingPattern.PART_TIME: "PART_TIME"}
CONTRACT_TYPES = {
    ContractType.FIXED_TERM: "TEMPORARY",
    ContractType.TEMPORARY: "TEMPORARY",
    ContractType.LOCUM: "CONTRACTOR",
    ContractType.BANK: "PER_DIEM",
}
UNIT_TEXT = {SalaryPeriod.HOUR: "HOUR", SalaryPeriod.DAY: "DAY", SalaryPeriod.YEAR: "YEAR"}


def employment_types(vacancy: Vacancy) -> list[str]:
    """Google's employment types: the working pattern, then what the contract implies."""
    types = [PATTERN_TYPES.get(vacancy.working_pattern), CONTRACT_TYPES.get(vacancy.contract_type)]
    return list(dict.fromkeys(t for t in types if t)) or ["OTHER"]


def job_posting(vacancy: Vacancy) -> dict:
    """The JobPosting for ``vacancy`` (its employer, profession and places preloaded)."""
    employer = vacancy.employer
    organisation = {"@type": "Organization", "name": employer.name}
    if employer.website:
        organisation["sameAs"] = employer.website
    if employer.logo:
        organisation["logo"] = on_site(employer.logo.url)
    data = {
        "@context": "https://schema.org/",
        "@type": "JobPosting",
        "title": vacancy.title,
        "description": str(render_markdown(vacancy.description)),
        "identifier": {
            "@type": "PropertyValue",
            "name": settings.SITE_NAME,
            "value": vacancy.reference,
        },
        "datePosted": vacancy.published_at.isoformat(),
        "validThrough": vacancy.closes_at.isoformat(),
        "employmentType": employment_types(vacancy),
        "hiringOrganization": organisation,
        "occupationalCategory": vacancy.profession.name,
        "url": on_site(vacancy.get_absolute_url()),
        # True when candidates apply on this board's own form rather than elsewhere.
        "directApply": vacancy.apply_method == ApplyMethod.BOARD,
    }
    if vacancy.workplace == Workplace.REMOTE:
        data["jobLocationType"] = "TELECOMMUTE"
        data["applicantLocationRequirements"] = {"@type": "Country", "name": "United Kingdom"}
    else:
        data["jobLocation"] = [
            {
                "@type": "Place",
                "address": {
                    "@type": "PostalAddress",
                    "addressLocality": place.name,
                    "addressRegion": address_region(place),
                    "addressCountry": "GB",
                },
                "geo": {"@type": "GeoCoordinates", "latitude": place.lat, "longitude": place.lng},
            }
            for place in vacancy.places.all()
        ]
    if vacancy.salary_min is not None or vacancy.salary_max is not None:
        value = {"@type": "QuantitativeValue", "unitText": UNIT_TEXT[vacancy.salary_period]}
        low, high = vacancy.salary_min, vacancy.salary_max
        if low is not None and high is not None and low != high:
            value["minValue"], value["maxValue"] = float(low), float(high)
        else:
            value["value"] = float(low if low is not None else high)
        data["baseSalary"] = {"@type": "MonetaryAmount", "currency": "GBP", "value": value}
    hours = []
    if vacancy.hours_per_week:
        hours.append(f"{vacancy.hours_per_week.normalize():f} hours a week")
    if vacancy.shifts:
        hours.append(facts.shifts_text(vacancy))
    if hours:
        data["workHours"] = "; ".join(hours)
    data.update(_care_requirements(vacancy))
    return data


def _care_requirements(vacancy: Vacancy) -> dict:
    """The care-sector facts in the JobPosting properties schema.org has for them.

    Registration and driving are ``qualifications``; the DBS check is the job's
    ``securityClearanceRequirement``; sponsorship its ``eligibilityToWorkRequirement`` (in
    the employer's words, never the board's promise); Welsh a ``skills`` entry; paid
    overtime, mileage and DBS costs are ``jobBenefits``. Facts not stated are left out.
    """
    data: dict = {}
    qualifications = [
        text for text in (facts.registration_text(vacancy), _driving_need(vacancy)) if text
    ]
    if qualifications:
        data["qualifications"] = "; ".join(qualifications)
    if vacancy.registration and vacancy.registration != Registration.NONE:
        data["educationRequirements"] = {
            "@type": "EducationalOccupationalCredential",
            "credentialCategory": "professional registration",
            "recognizedBy": {"@type": "Organization", "name": vacancy.get_registration_display()},
        }
    dbs = facts.dbs_text(vacancy)
    if dbs:
        data["securityClearanceRequirement"] = dbs
    sponsorship = facts.sponsorship_text(vacancy)
    if sponsorship:
        data["eligibilityToWorkRequirement"] = sponsorship
    welsh = facts.welsh_text(vacancy)
    if welsh and vacancy.welsh != WelshRequirement.NOT_NEEDED:
        data["skills"] = welsh
    benefits = []
    if vacancy.overtime_offered:
        benefits.append("Overtime or extra bank shifts offered")
    if vacancy.mileage_paid:
        benefits.append("Mileage paid")
    if vacancy.dbs_paid_by == DbsPaidBy.EMPLOYER and vacancy.dbs_check not in ("", DbsLevel.NONE):
        benefits.append("DBS check paid for by the employer")
    if benefits:
        data["jobBenefits"] = "; ".join(benefits)
    return data


def _driving_need(vacancy: Vacancy) -> str:
    if vacancy.driving in (Driving.LICENCE, Driving.CAR):
        return vacancy.get_driving_display()
    return ""
