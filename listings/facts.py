"""A vacancy's care-sector facts in plain words, written once for its page and its JobPosting.

Each function gives "" (or nothing) for a fact the employer did not state, so a page never
claims what an advert does not say. Sponsorship is always the employer's statement.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.formats import date_format

from listings.models import (
    DbsLevel,
    DbsPaidBy,
    Driving,
    PayScale,
    Registration,
    ShiftPattern,
    WelshRequirement,
)
from listings.wording import pay_band_text


@dataclass(frozen=True)
class Fact:
    label: str
    text: str


def _join(words: list[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


def pay_scale_text(vacancy) -> str:
    if vacancy.pay_scale == PayScale.AFC:
        band = pay_band_text(vacancy)
        return f"NHS Agenda for Change{', ' + band if band else ''}"
    if vacancy.pay_scale == PayScale.NJC:
        grade = f", {vacancy.pay_grade}" if vacancy.pay_grade else ""
        return f"NJC / local government pay{grade}"
    if vacancy.pay_grade:
        return vacancy.pay_grade
    return ""


def shifts_text(vacancy) -> str:
    """ "Nights, long days and weekends" (the first in capitals), or ""."""
    labels = [label.lower() for value, label in _shift_labels(vacancy)]
    text = _join(labels)
    return text[:1].upper() + text[1:]


def _shift_labels(vacancy) -> list[tuple[str, str]]:
    return [(value, ShiftPattern(value).label) for value in vacancy.shift_patterns]


def hours_and_shifts_text(vacancy) -> str:
    parts = [shifts_text(vacancy)]
    if vacancy.overtime_offered:
        parts.append("overtime or extra bank shifts offered")
    text = "; ".join(p for p in parts if p)
    return text[:1].upper() + text[1:]


def sponsorship_text(vacancy) -> str:
    if vacancy.visa_sponsorship == "yes":
        return (
            "The employer says it can sponsor a Skilled Worker visa for this job. Whether you "
            "qualify depends on the Home Office's rules."
        )
    if vacancy.visa_sponsorship == "no":
        return "The employer says it cannot sponsor a visa for this job."
    return ""


def dbs_text(vacancy) -> str:
    if not vacancy.dbs_check:
        return ""
    if vacancy.dbs_check == DbsLevel.NONE:
        return "No DBS check needed"
    parts = [vacancy.get_dbs_check_display()]
    if vacancy.dbs_paid_by == DbsPaidBy.EMPLOYER:
        parts.append("paid for by the employer")
    elif vacancy.dbs_paid_by == DbsPaidBy.CANDIDATE:
        parts.append("paid for by the candidate")
    text = ", ".join(parts)
    if vacancy.dbs_update_service is True:
        text += "; the DBS Update Service is accepted"
    elif vacancy.dbs_update_service is False:
        text += "; the DBS Update Service is not accepted"
    return text


def driving_text(vacancy) -> str:
    if not vacancy.driving:
        return ""
    text = vacancy.get_driving_display()
    if vacancy.driving != Driving.NOT_NEEDED and vacancy.mileage_paid is not None:
        text += "; mileage paid" if vacancy.mileage_paid else "; mileage not paid"
    return text


def registration_text(vacancy) -> str:
    if not vacancy.registration:
        return ""
    if vacancy.registration == Registration.NONE:
        return "No professional registration needed"
    # "the Nursing and Midwifery Council", but "Social Work England".
    article = "" if vacancy.registration in (Registration.SWE, Registration.SCW) else "the "
    return f"Registration with {article}{vacancy.get_registration_display()}"


def welsh_text(vacancy) -> str:
    if not vacancy.welsh:
        return ""
    text = vacancy.get_welsh_display()
    if vacancy.welsh_level and vacancy.welsh != WelshRequirement.NOT_NEEDED:
        text += f" ({vacancy.get_welsh_level_display().lower()} level)"
    return text


def interview_text(vacancy) -> str:
    if not vacancy.interview_date:
        return ""
    return f"Interviews expected on {date_format(vacancy.interview_date, 'j F Y')}"


def facts(vacancy) -> list[Fact]:
    """The stated facts, labelled, in the order the vacancy page lists them."""
    found = [
        Fact("Pay scale", pay_scale_text(vacancy)),
        Fact("Shifts", hours_and_shifts_text(vacancy)),
        Fact("Professional registration", registration_text(vacancy)),
        Fact("DBS check", dbs_text(vacancy)),
        Fact("Driving", driving_text(vacancy)),
        Fact("Welsh language", welsh_text(vacancy)),
        Fact("Visa sponsorship", sponsorship_text(vacancy)),
        Fact("Interviews", interview_text(vacancy)),
    ]
    return [fact for fact in found if fact.text]
