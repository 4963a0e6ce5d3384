"""The vocabulary's phrases as lexemes of the search vector (``listings.search.phrases``,
migration 0026): the trigger writes a phrase's token, the keyword filter asks for it."""

from __future__ import annotations

import importlib
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from listings.models import SearchPhrase, Vacancy
from listings.search import parse_search, search_matches, search_vacancies
from listings.search import phrases as phrases_module
from listings.search.backends import backend
from listings.search.keywords import parse_keywords, tsquery_text
from listings.search.phrases import (
    forget_phrase_tokens,
    phrase_tokens,
    phrases_for,
    spellings,
    sync_search_phrases,
    vocabulary_phrases,
)
from listings.search.vocabulary import VOCABULARY_FILE, parse_vocabulary, vocabulary
from tests import factories

pytestmark = pytest.mark.django_db

# Words the vocabulary does not know, to give the fixtures a profession and employer of
# their own (their names are in the vector too).
NEUTRAL = {"title": "Gardener", "description": "Grounds and borders."}


@pytest.fixture(autouse=True)
def _phrase_tokens_read_afresh():
    """A test that changes the table rolls it back: no later test may use its tokens."""
    forget_phrase_tokens()
    yield
    forget_phrase_tokens()


def _vacancy(title: str, description: str = "Days.") -> Vacancy:
    return factories.LiveVacancyFactory(
        title=title, description=description, profession=factories.profession("paramedic")
    )


def _lexemes(vacancy: Vacancy) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT unnest(tsvector_to_array(search_vector)) FROM listings_vacancy WHERE id = %s",
            [vacancy.pk],
        )
        return {row[0] for row in cursor.fetchall()}


def _token(words: str) -> str:
    return phrase_tokens()[words]


def _where_sql(q: str) -> str:
    matching = backend().matching(Vacancy.objects.live(), q)
    sql = str(matching.query)
    return sql[sql.index(" WHERE ") :]


# --- the vocabulary and the table (both databases) --------------------------------------------
def test_the_migration_froze_the_vocabularys_phrases():
    """A change of ``vocabulary.toml``'s phrases needs a migration that syncs the table
    (``manage.py sync_search_phrases --migration`` prints the list): fresh databases,
    this one included, are made by the migrations."""
    latest = sorted(
        name
        for name in _listings_migrations()
        if hasattr(importlib.import_module(f"listings.migrations.{name}"), "PHRASES")
    )[-1]
    frozen = importlib.import_module(f"listings.migrations.{latest}").PHRASES
    assert frozen == vocabulary_phrases()


def _listings_migrations() -> list[str]:
    folder = VOCABULARY_FILE.parents[1] / "migrations"
    return [path.stem for path in folder.glob("0*.py")]


def test_every_multi_word_phrase_of_the_vocabulary_is_listed():
    phrases = vocabulary_phrases()
    for phrase in ("healthcare assistant", "health care assistant", "domiciliary care"):
        assert phrase in phrases  # an expansion, a synonym, a synonym group's word
    assert "care home manager" in phrases  # a profession's words
    assert "hca" not in phrases and "nurse" not in phrases  # one word: the index is exact


def test_a_phrase_is_spelt_with_and_without_its_plurals():
    assert spellings("healthcare assistant") == [
        "healthcare assistant",
        "healthcare assistants",
        "healthcares assistant",
        "healthcares assistants",
    ]
    assert "learning disability" in spellings("learning disabilities")


def test_the_keyword_text_asks_for_a_token_only_for_a_whole_phrase():
    tokens = {"healthcare assistant": "phr0aaaaaaaaaaaa"}
    assert tsquery_text(parse_keywords("hca"), tokens=tokens) == (
        "(('hca') | ('phr0aaaaaaaaaaaa') | ('health' <-> 'care' <-> 'assistant')"
        " | ('nursing' <-> 'assistant'))"
    )
    assert tsquery_text(parse_keywords('-"healthcare assistant"'), tokens=tokens) == (
        "!(('phr0aaaaaaaaaaaa'))"
    )
    # Without tokens (the ranking, and the portable backend's tests) nothing changes.
    assert "phr0" not in tsquery_text(parse_keywords("hca"))


@pytest.mark.postgres
def test_the_table_after_migrations_equals_the_vocabulary():
    """Fails when ``vocabulary.toml`` changed without a migration that syncs the table."""
    wanted = phrases_for(vocabulary_phrases())
    rows = {
        row.token: (row.query, tuple(row.forms.splitlines()))
        for row in SearchPhrase.objects.filter(retired_at__isnull=True)
    }
    assert rows == {token: (p.query, p.forms) for token, p in wanted.items()}
    assert not SearchPhrase.objects.filter(retired_at__isnull=False).exists()


@pytest.mark.postgres
def test_a_token_passes_through_the_english_configuration_unchanged():
    token = _token("healthcare assistant")
    assert token.startswith("phr0") and len(token) == 16
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT to_tsquery('english', %s)::text, to_tsvector('english', %s)::text",
            [token, token],
        )
        assert cursor.fetchone() == (f"'{token}'", f"'{token}':1")


@pytest.mark.postgres
def test_a_spelling_stands_for_a_phrase_only_when_postgresql_reads_it_the_same():
    tokens = phrase_tokens()
    assert tokens["healthcare assistants"] == tokens["healthcare assistant"]
    assert tokens["learning disabilities"] == tokens["learning disability"]
    assert "speech and language therapist" in tokens
    assert "speech ands language therapist" not in tokens  # "ands" is no stop word


# --- the trigger ------------------------------------------------------------------------------
@pytest.mark.postgres
def test_the_trigger_writes_a_phrases_token_when_its_words_are_adjacent_only():
    adjacent = _vacancy("Healthcare Assistant")
    apart = _vacancy(
        "Healthcare Cleaner", "Our healthcare team is kind. Ask our office assistant about it."
    )
    token = _token("healthcare assistant")
    assert token in _lexemes(adjacent)
    assert token not in _lexemes(apart)
    assert {"healthcar", "assist"} <= _lexemes(apart)


@pytest.mark.postgres
def test_the_trigger_still_fires_only_for_live_rows():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_triggerdef(oid) FROM pg_trigger "
            "WHERE tgname = 'listings_vacancy_search_vector_trg'"
        )
        definition = cursor.fetchone()[0]
    assert "WHEN (((new.status)::text = 'live'::text))" in definition
    draft = factories.VacancyFactory(title="Healthcare Assistant")
    assert Vacancy.objects.values_list("search_vector", flat=True).get(pk=draft.pk) is None


@pytest.mark.postgres
def test_an_edit_of_a_live_vacancys_title_recomputes_its_tokens():
    vacancy = _vacancy("Healthcare Assistant")
    vacancy.title = "Support Worker"
    vacancy.save()
    lexemes = _lexemes(vacancy)
    assert _token("healthcare assistant") not in lexemes
    assert _token("support worker") in lexemes


# --- the query side ---------------------------------------------------------------------------
@pytest.mark.postgres
def test_a_search_for_a_phrase_finds_the_adjacent_words_only():
    adjacent = _vacancy("Healthcare Assistant")
    plural = _vacancy("Healthcare Assistants - Nights")
    _vacancy("Healthcare Cleaner", "Our healthcare team is kind. Ask our office assistant.")
    _vacancy(**NEUTRAL)
    for q in ("healthcare assistant", "hca", '"healthcare assistants"'):
        found = set(search_matches(parse_search({"q": q})))
        assert found == {adjacent, plural}, q


@pytest.mark.postgres
def test_the_filter_asks_for_a_known_phrases_token_not_its_words_in_order():
    where = _where_sql("healthcare assistant")
    assert _token("healthcare assistant") in where
    assert _token("health care assistant") in where
    assert "<->" not in where


@pytest.mark.postgres
def test_a_quoted_phrase_the_vocabulary_does_not_know_keeps_its_words_in_order():
    where = _where_sql('"night shift"')
    assert "'night' <-> 'shift'" in where
    assert "phr0" not in where


@pytest.mark.postgres
def test_a_negated_phrase_is_asked_for_as_its_token():
    kept = _vacancy("Staff Nurse")
    _vacancy("Staff Nurse", "Healthcare assistants welcome too.")
    q = 'nurse -"healthcare assistant"'
    assert f"!(('{_token('healthcare assistant')}'))" in _where_sql(q)
    assert list(search_matches(parse_search({"q": q}))) == [kept]


@pytest.mark.postgres
def test_ranking_a_known_phrase_is_as_it_was_with_the_words_in_order(monkeypatch, frozen_clock):
    _vacancy("Healthcare Assistant", "Days.")
    _vacancy("Care Worker", "Healthcare assistant experience welcome.")
    _vacancy("Cleaner", "Healthcare assistant, health care assistant or nursing assistant.")
    _vacancy("Nursing Assistant", "Wards.")
    _vacancy("Senior Healthcare Assistant", "Healthcare assistant team lead.")
    _vacancy(**NEUTRAL)

    def ranked(q: str) -> list[tuple[int, float]]:
        search = parse_search({"q": q, "sort": "relevance"}, now=frozen_clock.now)
        rows = search_vacancies(search)
        assert "phr0" not in str(rows.query).split(" WHERE ")[0]  # ranked by the words
        return [(v.pk, round(v.rank, 3)) for v in rows]

    with_tokens = {q: ranked(q) for q in ("healthcare assistant", "hca")}
    # Before: no token in any vector, and the filter asks for the words in order.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE listings_vacancy SET search_vector = ts_delete(search_vector, "
            "ARRAY(SELECT token FROM listings_searchphrase))"
        )
    monkeypatch.setattr(phrases_module, "_kept", {"default": (float("inf"), {})})
    assert "phr0" not in _where_sql("hca")
    assert {q: ranked(q) for q in with_tokens} == with_tokens
    assert len(with_tokens["hca"]) == 5
    assert len({rank for _pk, rank in with_tokens["hca"]}) >= 3  # an order worth keeping


# --- keeping the table equal to the vocabulary ------------------------------------------------
@pytest.mark.postgres
def test_the_sync_changes_nothing_when_the_table_matches_the_vocabulary():
    _vacancy("Healthcare Assistant")
    before = list(SearchPhrase.objects.order_by("token").values_list())
    assert not sync_search_phrases()
    assert not sync_search_phrases()
    assert list(SearchPhrase.objects.order_by("token").values_list()) == before
    out = StringIO()
    call_command("sync_search_phrases", stdout=out)
    assert "already matches" in out.getvalue()


@pytest.mark.postgres
def test_a_phrase_the_vocabulary_gains_is_written_into_the_live_vacancies(
    monkeypatch, frozen_clock
):
    nights = _vacancy("Night Shift Carer")
    apart = _vacancy("Carer", "Night work; one shift a week.")
    draft = factories.VacancyFactory(title="Night Shift Carer")
    assert list(search_matches(parse_search({"q": '"night shift"'}))) == [nights]
    text = VOCABULARY_FILE.read_text(encoding="utf-8")
    gained = parse_vocabulary(text + '\n[[synonyms]]\nwords = ["night shift", "nights"]\n')
    monkeypatch.setattr(phrases_module, "vocabulary", lambda: gained)

    out = StringIO()
    call_command("sync_search_phrases", stdout=out)
    token = _token("night shift")
    assert "added: 1" in out.getvalue() and "1 live vacancies" in out.getvalue()
    assert token in _lexemes(nights)
    assert token not in _lexemes(apart)
    assert Vacancy.objects.values_list("search_vector", flat=True).get(pk=draft.pk) is None
    assert token in _where_sql('"night shift"')
    assert list(search_matches(parse_search({"q": '"night shift"'}))) == [nights]
    assert not sync_search_phrases()  # a second run changes nothing
    later = _vacancy("Night Shifts Coordinator")
    assert token in _lexemes(later)  # the trigger writes it from now on

    # The vocabulary drops it again: retired (no longer asked for, still written), then gone.
    monkeypatch.setattr(phrases_module, "vocabulary", vocabulary)
    retired = sync_search_phrases(now=frozen_clock.now)
    assert retired.retired == (token,)
    assert "night shift" not in phrase_tokens()
    assert token in _lexemes(_vacancy("Night Shift Lead"))
    assert not sync_search_phrases(now=frozen_clock.advance(hours=23))
    assert sync_search_phrases(now=frozen_clock.advance(hours=2)).deleted == (token,)
    assert not SearchPhrase.objects.filter(token=token).exists()
    assert set(search_matches(parse_search({"q": '"night shift"'}))) >= {nights, later}
