"""Keyword text into groups of terms, and what each backend is asked."""

from __future__ import annotations

import re

import pytest

from listings.search.keywords import (
    Term,
    match_pattern,
    parse_keywords,
    reference_in,
    title_pattern,
    tsquery_text,
)


def phrases(q: str) -> list[list[str]]:
    return [[" ".join(t.words) for t in g.terms] for g in parse_keywords(q).groups]


def test_an_abbreviation_expands_and_keeps_itself_whole():
    (group,) = parse_keywords("OT").groups
    assert [" ".join(t.words) for t in group.terms] == [
        "ot",
        "occupational therapist",
        "occupational therapy",
    ]
    assert group.terms[0].whole and not group.terms[1].whole
    assert group.professions == {"occupational-therapist"}


def test_known_phrases_are_taken_whole_longest_first():
    assert phrases("mental health support worker nights") == [
        ["mental health"],
        ["support worker", "care support worker"],
        ["nights"],
    ]
    assert phrases("social worker") == [["social worker"]]


def test_only_an_unknown_last_word_is_partial():
    last = parse_keywords("occupational ther").groups[-1].terms[0]
    assert last.prefix
    assert not parse_keywords("nurse").groups[0].terms[0].prefix  # "nursery" stays out
    assert not parse_keywords("ot").groups[0].terms[0].prefix
    assert not parse_keywords("ph").groups[0].terms[0].prefix  # too short to be useful


def test_web_search_syntax_is_kept():
    query = parse_keywords('"home care" -nights carer or nurse')
    assert [g.negated for g in query.groups] == [False, False, True]
    assert query.groups[0].terms == (Term(("home", "care")),)
    assert {" ".join(t.words) for t in query.groups[1].terms} >= {"carer", "nurse"}


def test_filler_words_and_lone_letters_are_dropped():
    assert phrases("nurse jobs in the") == [["nurse"]]
    assert phrases("children's") == [["children"]]
    assert parse_keywords("!!! ...").groups == ()


@pytest.mark.parametrize(
    "q",
    ["it's", "a:b & c | !d", "'); drop table x; --", "<->", "nurse:*", "\\", "ümlaut ü"],
)
def test_the_tsquery_text_holds_only_quoted_words_and_operators(q):
    text = tsquery_text(parse_keywords(q))
    assert re.fullmatch(r"[\w' |&!()<>:*-]*", text)
    for lexeme in re.findall(r"'([^']*)'", text):
        assert re.fullmatch(r"[^\W_]+", lexeme)


def test_tsquery_text_of_a_query():
    assert tsquery_text(parse_keywords("-senior occupational ther")) == (
        "(('occupational')) & (('ther':*)) & !(('senior'))"
    )


def test_patterns_find_words_as_the_stemmer_would():
    nurse = re.compile(match_pattern(Term(("nurse",))), re.IGNORECASE)
    assert nurse.search("Nursing home") and nurse.search("Staff Nurses")
    assert not nurse.search("Nursery")
    ot = re.compile(match_pattern(Term(("ot",), whole=True)), re.IGNORECASE)
    assert ot.search("Community OT") and not ot.search("Physiotherapist")
    physio = re.compile(match_pattern(Term(("physio",), prefix=True)), re.IGNORECASE)
    assert physio.search("Physiotherapist")


def test_title_pattern_wants_the_word_as_typed():
    nurse = re.compile(title_pattern(Term(("nurse",))), re.IGNORECASE)
    assert nurse.search("Staff Nurse (Band 5)")
    assert not nurse.search("Nursing Associate")


def test_a_reference_is_recognised_in_any_case():
    assert reference_in(" epwhpmz4 ") == "EPWHPMZ4"
    assert reference_in("EPWHPMZ") is None
    assert reference_in("NURSE123") is None  # U is not in the alphabet
