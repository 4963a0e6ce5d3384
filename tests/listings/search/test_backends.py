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
