"""A search in words: one label per filter for the chips and the full description an alert
uses, with plurals said right."""

from __future__ import annotations

import pytest
from django.http import QueryDict

from listings.search import miles_text, parse_search, posted_label

pytestmark = pytest.mark.django_db


def search(query: str):
    return parse_search(QueryDict(query))


def test_one_mile_is_singular_everywhere():
    one = search("location=leeds&radius=1")
    assert one.describe() == "Jobs within 1 mile of Leeds"
    assert [chip.label for chip in one.chips()] == ["Within 1 mile of Leeds"]
    assert miles_text(1) == "1 mile" and miles_text(25) == "25 miles"
    assert search("location=leeds&radius=25").describe() == "Jobs within 25 miles of Leeds"


def test_posted_days_are_said_with_the_right_plural():
    assert posted_label(1) == "Posted today"
    assert posted_label(3) == "Posted in the last 3 days"
    assert [chip.label for chip in search("posted=10").chips()] == ["Posted in the last 10 days"]


def test_the_full_description_names_every_filter_with_the_chips_words():
    full = search(
        "profession=social-worker&location=leeds&radius=20&contract=bank&pattern=part_time"
        "&salary_min=30000&posted=7"
    )
    description = full.describe_in_full()
    assert description.startswith("Social Worker jobs within 20 miles of Leeds (")
    chips = [chip.label for chip in full.chips()]
    for label in chips[1:]:  # the place chip is the title's own words
        assert label in description
    assert "Salary £30,000 or more" in description


def test_the_full_description_of_a_plain_search_is_its_title():
    assert search("profession=social-worker").describe_in_full() == "Social Worker jobs"
    assert search("salary_min=25000").describe_in_full() == "Jobs (Salary £25,000 or more)"
    # Keywords are in the title unless a profession is: then they are listed.
    assert search("q=nights").describe_in_full() == "“nights” jobs"
    both = search("q=nights&profession=registered-nurse").describe_in_full()
    assert both == "Registered Nurse jobs (Keywords: nights)"
