"""The dictionary of live words and "Did you mean …?" (both databases)."""

from __future__ import annotations

import pytest

from listings.models import SearchWord
from listings.search import parse_search, refresh_search_words, search_page
from listings.search.suggest import closest_word
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def board():
    factories.LiveVacancyFactory(title="Social Worker - Adults' Services")
    factories.LiveVacancyFactory(title="Paramedic", description="Ambulance service.")
    refresh_search_words()


def test_the_dictionary_holds_live_words_and_the_vocabulary_and_refreshes_idempotently(board):
    words = dict(SearchWord.objects.values_list("word", "vacancies"))
    assert words["ambulance"] == 1 and words["social"] == 2  # (both are social-worker jobs)
    assert "physiotherapist" in words  # from the vocabulary, no vacancy uses it
    size = refresh_search_words()
    assert SearchWord.objects.count() == size == len(words)


def test_closed_vacancies_words_leave_the_dictionary(board):
    factories.VacancyFactory(title="Gardener")  # a draft: not live
    refresh_search_words()
    assert not SearchWord.objects.filter(word="gardener").exists()


@pytest.mark.parametrize(
    ("typed", "offered"), [("paramedik", "paramedic"), ("socail worker", "social worker")]
)
def test_a_misspelt_search_that_finds_nothing_is_offered_a_correction(board, typed, offered):
    results = search_page(parse_search({"q": typed}))
    assert results.total == 0
    assert results.suggestion.q == offered
    assert f"q={offered.replace(' ', '+')}" in results.suggestion.query_string


def test_no_correction_for_a_search_that_finds_enough_or_is_not_misspelt(board):
    assert search_page(parse_search({"q": "paramedic"})).suggestion is None
    assert search_page(parse_search({"q": "gardener"})).suggestion is None  # nothing close


def test_closest_word_prefers_the_likest_then_the_commonest():
    assert closest_word("nurce", [("nurses", 5), ("nurse", 3), ("nursery", 9)]) == "nurse"
    assert closest_word("xyz", [("nurse", 3)]) is None
