"""How pay, dates and distances read on the page."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template

from listings.templatetags.jobs import (
    closing_phrase,
    distance_phrase,
    hours,
    json_ld,
    posted_phrase,
)
from listings.wording import format_salary, money

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 3, 10, 9, 30, tzinfo=LONDON)


@pytest.mark.parametrize(
    ("low", "high", "period", "expected"),
    [
        ("35000", "42000", "year", "£35,000 – £42,000 a year"),
        ("12.60", "12.60", "hour", "£12.60 an hour"),
        ("12.6", "14", "hour", "£12.60 – £14 an hour"),
        ("180", "220", "day", "£180 – £220 a day"),
        ("30000", None, "year", "From £30,000 a year"),
        (None, "30000", "year", "Up to £30,000 a year"),
        (None, None, "year", "Salary not given"),
        ("1250000.50", "1250000.50", "year", "£1,250,000.50 a year"),
    ],
)
def test_format_salary(low, high, period, expected):
    to_decimal = lambda v: Decimal(v) if v is not None else None  # noqa: E731
    assert format_salary(to_decimal(low), to_decimal(high), period) == expected


def test_money():
    assert money(Decimal("35000.00")) == "£35,000"
    assert money(12.6) == "£12.60"


@pytest.mark.parametrize(
    ("closes", "expected"),
    [
        (NOW + timedelta(hours=5), "closes today"),
        (datetime(2026, 3, 11, 0, 5, tzinfo=LONDON), "closes tomorrow"),
        (NOW + timedelta(days=3), "closes in 3 days"),
        (NOW + timedelta(days=40), "closes in 40 days"),
        (NOW - timedelta(days=1), "closed on 9 March 2026"),
        (None, ""),
    ],
)
def test_closing_phrase(closes, expected):
    assert closing_phrase(closes, NOW) == expected


def test_closing_phrase_counts_calendar_days_in_the_uk():
    late_evening = datetime(2026, 3, 10, 23, 30, tzinfo=LONDON)
    assert closing_phrase(datetime(2026, 3, 11, 0, 30, tzinfo=LONDON), late_evening) == (
        "closes tomorrow"
    )


@pytest.mark.parametrize(
    ("published", "expected"),
    [
        (NOW - timedelta(hours=2), "posted today"),
        (NOW - timedelta(days=1), "posted yesterday"),
        (NOW - timedelta(days=6), "posted 6 days ago"),
        (None, ""),
    ],
)
def test_posted_phrase(published, expected):
    assert posted_phrase(published, NOW) == expected


@pytest.mark.parametrize(
    ("miles", "expected"),
    [
        (0.2, "less than 1 mile"),
        (1.02, "1 mile"),
        (2.44, "2.4 miles"),
        (12.6, "13 miles"),
        (None, ""),
    ],
)
def test_distance_phrase(miles, expected):
    assert distance_phrase(miles) == expected


def test_hours():
    assert hours(Decimal("37.5")) == "37.5 hours a week"
    assert hours(Decimal("16.0")) == "16 hours a week"
    assert hours(None) == ""


def test_json_ld_cannot_break_out_of_its_script():
    html = str(json_ld({"title": "</script><script>alert(1)</script>", "and": "a & b"}))
    assert html.startswith('<script type="application/ld+json">')
    assert html.count("</script>") == 1
    payload = html.removeprefix('<script type="application/ld+json">').removesuffix("</script>")
    assert json.loads(payload)["title"] == "</script><script>alert(1)</script>"


def test_filters_in_a_template():
    class V:
        salary_min, salary_max, salary_period = Decimal("12.60"), Decimal("12.60"), "hour"
        closes_at = NOW + timedelta(days=3)

    out = Template("{% load jobs %}{{ v|salary }} · {{ v.closes_at|closes:now }}").render(
        Context({"v": V(), "now": NOW})
    )
    assert out == "£12.60 an hour · closes in 3 days"
