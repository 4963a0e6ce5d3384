"""A vacancy's facts in plain words: only what the employer stated, sponsorship as theirs."""

from __future__ import annotations

from datetime import date

from listings.facts import facts
from listings.models import Vacancy
from listings.wording import pay_band_text


def vacancy(**fields) -> Vacancy:
    return Vacancy(**fields)


def words(v: Vacancy) -> dict[str, str]:
    return {fact.label: fact.text for fact in facts(v)}


def test_an_old_vacancy_states_nothing():
    assert facts(vacancy()) == []
    assert pay_band_text(vacancy()) == ""


def test_band_and_grade_beside_the_salary():
    assert pay_band_text(vacancy(pay_scale="afc", pay_band="band-8a")) == "Band 8a"
    assert pay_band_text(vacancy(pay_scale="njc", pay_grade="Grade 7")) == "NJC Grade 7"
    assert pay_band_text(vacancy(pay_scale="other", pay_grade="Level 3")) == "Level 3"
    assert words(vacancy(pay_scale="afc", pay_band="band-5"))["Pay scale"] == (
        "NHS Agenda for Change, Band 5"
    )


def test_each_fact_in_words():
    v = vacancy(
        shift_patterns=["sleep-ins", "weekends", "days"],
        overtime_offered=True,
        visa_sponsorship="no",
        dbs_check="standard",
        dbs_paid_by="candidate",
        driving="licence",
        mileage_paid=False,
        registration="scw",
        welsh="desirable",
        welsh_level="entry",
        interview_date=date(2027, 1, 12),
    )
    assert words(v) == {
        "Shifts": "Days, weekends and sleep-ins; overtime or extra bank shifts offered",
        "Professional registration": "Registration with Social Care Wales",
        "DBS check": "Standard DBS check, paid for by the candidate",
        "Driving": "Driving licence needed; mileage not paid",
        "Welsh language": "Welsh desirable (entry level)",
        "Visa sponsorship": "The employer says it cannot sponsor a visa for this job.",
        "Interviews": "Interviews expected on 12 January 2027",
    }


def test_sponsorship_is_the_employers_statement():
    text = words(vacancy(visa_sponsorship="yes"))["Visa sponsorship"]
    assert text.startswith("The employer says") and "Home Office" in text
