"""Schema.org ``JobPosting`` for a live vacancy, so search engines can list it as a job.

Only live vacancies get it: a closed page must carry none (search engines drop the job).
"""

from __future__ import annotations

from django.conf import settings

from common.markdown import render_markdown
from listings.models import ContractType, SalaryPeriod, Vacancy, WorkingPattern, Workplace

PATTERN_TYPES = {WorkingPattern.FULL_TIME: "FULL_TIME", WorkingPattern.PART_TIME: "PART_TIME"}
CONTRACT_TYPES = {
    ContractType.FIXED_TERM: "TEMPORARY",
    ContractType.TEMPORARY: "TEMPORARY",
    ContractType.LOCUM: "CONTRACTOR",
    ContractType.BANK: "PER_DIEM",
}
UNIT_TEXT = {SalaryPeriod.HOUR: "HOUR", SalaryPeriod.DAY: "DAY", SalaryPeriod.YEAR: "YEAR"}


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


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
        organisation["logo"] = _absolute(employer.logo.url)
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
        "url": _absolute(vacancy.get_absolute_url()),
        "directApply": False,
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
                    "addressRegion": place.county or place.nation,
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
    if vacancy.hours_per_week:
        data["workHours"] = f"{vacancy.hours_per_week.normalize():f} hours a week"
    return data
