"""The one place lookup: slugs, names, "Name, County" and "Name (County)"."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from employers.forms import resolve_place as resolve_for_employer
from listings.search import place_matches, resolve_place

pytestmark = pytest.mark.django_db


def test_a_slug_names_one_place():
    assert [p.slug for p in place_matches("leeds")] == ["leeds"]
    assert [p.county for p in place_matches("newport-isle-of-wight")] == ["Isle of Wight"]


@pytest.mark.parametrize("text", ["Newport, Isle of Wight", "Newport (Isle of Wight)"])
def test_a_county_narrows_a_shared_name(text):
    assert [p.county for p in place_matches(text)] == ["Isle of Wight"]


def test_a_shared_name_gives_every_place_of_that_name():
    matches = place_matches("Newport")
    assert len(matches) > 1 and {p.name for p in matches} == {"Newport"}
    assert resolve_place("Newport") == matches[0]


def test_the_search_and_the_employer_editor_read_places_alike():
    assert resolve_for_employer("Newport (Isle of Wight)") == resolve_place(
        "Newport (Isle of Wight)"
    )
    assert resolve_for_employer("LEEDS") == resolve_place("LEEDS")
    with pytest.raises(ValidationError, match="more than one Newport"):
        resolve_for_employer("Newport")
    with pytest.raises(ValidationError, match="could not find"):
        resolve_for_employer("Atlantis")
    assert place_matches("Atlantis") == [] and place_matches("  ") == []
