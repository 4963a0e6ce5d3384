"""How a vacancy's pay reads, in one place: pages, feeds, the widget and emails all say it so.

``salary_text(vacancy)`` gives "£35,000 – £42,000 a year", "From £25,000 a year", "Up to
£30,000 a year", "£12.60 an hour" or "Salary not given"; ``pay_band_text(vacancy)`` the band
or grade shown beside it ("Band 5", "NJC Grade 7").
"""

from __future__ import annotations

from decimal import Decimal

from listings.models import PayScale, SalaryPeriod

# The model's own labels ("an hour", "a day", "a year"), so a new period needs one entry.
PERIOD_WORDS = {period.value: period.label for period in SalaryPeriod}
NO_SALARY = "Salary not given"


def money(amount: Decimal | float | int) -> str:
    """£35,000 or £12.60: pence only when there are some."""
    amount = Decimal(str(amount))
    if amount == amount.to_integral_value():
        return f"£{int(amount):,}"
    return f"£{amount:,.2f}"


def format_salary(salary_min, salary_max, period: str) -> str:
    """Pay as people read it: a range, a single figure, "from"/"up to", or not given."""
    words = PERIOD_WORDS.get(period, SalaryPeriod.YEAR.label)
    if salary_min is not None and salary_max is not None:
        if salary_min == salary_max:
            return f"{money(salary_min)} {words}"
        return f"{money(salary_min)} – {money(salary_max)} {words}"
    if salary_min is not None:
        return f"From {money(salary_min)} {words}"
    if salary_max is not None:
        return f"Up to {money(salary_max)} {words}"
    return NO_SALARY


def has_salary(vacancy) -> bool:
    """Whether ``vacancy`` gives any pay figure at all."""
    return vacancy.salary_min is not None or vacancy.salary_max is not None


def salary_text(vacancy) -> str:
    """``vacancy``'s pay in the site's one wording (see ``format_salary``)."""
    return format_salary(vacancy.salary_min, vacancy.salary_max, vacancy.salary_period)


def pay_band_text(vacancy) -> str:
    """The pay band or grade beside the salary: "Band 5", "NJC Grade 7", or "" if not given."""
    if vacancy.pay_scale == PayScale.AFC and vacancy.pay_band:
        return vacancy.get_pay_band_display()
    if vacancy.pay_grade:
        prefix = "NJC " if vacancy.pay_scale == PayScale.NJC else ""
        return f"{prefix}{vacancy.pay_grade}"
    return ""
