"""The database backends and the words of a search."""

from __future__ import annotations

import pytest
from django.db import connection

from listings.search import parse_search, search_vacancies, stem
from listings.search.backends import PortableBackend, PostgresBackend, backend
from listings.search.keywords import keyword_terms
from tests import factories

pytestmark = pytest.mark.django_db


def test_one_backend_is_chosen_for_the_database_and_kept():
    chosen = backend()
    assert chosen is backend()
    expected = PostgresBackend if connection.vendor == "postgresql" else PortableBackend
    assert type(chosen) is expected


@pytest.mark.parametrize(
    ("word", "stemmed"),
    [
        ("nurses", "nurse"),
        ("therapies", "therapy"),
        ("carers", "carer"),
        ("address", "address"),
        ("campus", "campus"),
        ("analysis", "analysis"),
        ("ots", "ots"),
    ],
)
def test_one_stemmer_drops_plural_endings_only(word, stemmed):
    assert stem(word) == stemmed


def test_keyword_terms_drop_operators_and_repeats():
    assert keyword_terms("Nurses OR nurse and NOT carers") == ["nurse", "carer"]
    assert len(keyword_terms(" ".join(f"w{i}" for i in range(20)))) == 8


def test_the_keyword_backend_finds_plurals_and_ranks_the_title_first():
    factories.LiveVacancyFactory(title="Support Worker", description="Works with nurses.")
    factories.LiveVacancyFactory(title="Staff Nurse", description="A ward.")
    factories.LiveVacancyFactory(title="Gardener", description="Grounds.")
    titles = [v.title for v in search_vacancies(parse_search("q=nurses"))]
    assert titles == ["Staff Nurse", "Support Worker"]


# --- the care sector's words (both databases) -------------------------------------------------
def _titles(q: str, **kwargs) -> list[str]:
    return [v.title for v in search_vacancies(parse_search({"q": q}, **kwargs))]


def _profession(slug):
    return factories.profession(slug)


def test_an_abbreviation_finds_its_expansion_never_an_unrelated_word():
    factories.LiveVacancyFactory(
        title="Community Occupational Therapist", profession=_profession("occupational-therapist")
    )
    factories.LiveVacancyFactory(
        title="Physiotherapist", profession=_profession("physiotherapist"), description="Wards."
    )
    factories.LiveVacancyFactory(title="Rehab Assistant", description="Supporting our OT team.")
    assert _titles("OT") == ["Community Occupational Therapist", "Rehab Assistant"]
    assert _titles("physio") == ["Physiotherapist"]


def test_synonyms_and_partial_words_match():
    factories.LiveVacancyFactory(title="Care Assistant - Days", description="Days.")
    factories.LiveVacancyFactory(title="Domiciliary Carer", description="Home visits.")
    factories.LiveVacancyFactory(title="Occupational Therapist", description="Wards.")
    assert sorted(_titles("care worker")) == ["Care Assistant - Days", "Domiciliary Carer"]
    assert sorted(_titles("carer")) == ["Care Assistant - Days", "Domiciliary Carer"]
    assert _titles("occupational ther") == ["Occupational Therapist"]


def test_the_profession_and_the_title_as_typed_rank_first_then_the_newest():
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    factories.LiveVacancyFactory(
        title="Nursing Associate",
        profession=_profession("nursing-associate"),
        published_at=now - timedelta(hours=1),
        featured=True,
    )
    factories.LiveVacancyFactory(
        title="Staff Nurse",
        profession=_profession("registered-nurse"),
        published_at=now - timedelta(days=3),
    )
    factories.LiveVacancyFactory(
        title="Registered Nurse",
        profession=_profession("registered-nurse"),
        published_at=now - timedelta(days=2),
    )
    assert _titles("nurse", now=now) == ["Registered Nurse", "Staff Nurse", "Nursing Associate"]


def test_a_reference_as_the_keywords_finds_that_vacancy():
    vacancy = factories.LiveVacancyFactory(title="Support Worker")
    factories.LiveVacancyFactory(title="Care Worker")
    assert _titles(vacancy.reference.lower()) == ["Support Worker"]


def test_both_backends_build_the_same_parse_for_every_query():
    # The portable backend renders the same groups PostgreSQL does (keywords.parse_keywords).
    factories.LiveVacancyFactory(title="Healthcare Assistant", description="Wards.")
    factories.LiveVacancyFactory(title="Health Care Assistant", description="Nights.")
    assert sorted(_titles("HCA")) == ["Health Care Assistant", "Healthcare Assistant"]
    assert _titles("HCA -nights") == ["Healthcare Assistant"]


@pytest.mark.postgres
def test_postgres_asks_to_tsquery_with_the_expanded_groups():
    from django.db import connection as conn
    from django.test.utils import CaptureQueriesContext

    factories.LiveVacancyFactory(title="Approved Mental Health Professional")
    with CaptureQueriesContext(conn) as captured:
        assert _titles("AMHP") == ["Approved Mental Health Professional"]
    assert any("to_tsquery" in q["sql"] and "approv" in q["sql"] for q in captured)
