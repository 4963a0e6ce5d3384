"""The vocabulary's phrases as lexemes of their own in ``search_vector`` (PostgreSQL).

A phrase query (``'healthcare' <-> 'assistant'``) cannot be answered by the GIN index alone:
the index knows which rows hold both words, not where, so PostgreSQL reads every such row to
check the order, and "care" is in nearly every row. For each multi-word phrase of
``vocabulary.toml`` the search-vector trigger (migration 0026) therefore also writes a token
into the vector of every live vacancy the phrase's query matches, and the keyword filter asks
for the token instead: one exact index lookup. Ranking keeps the phrase query.

``SearchPhrase`` (one row per token) holds what the trigger and the query side share:

* ``query``: PostgreSQL's own reading of the phrase's query (``to_tsquery('english',
  "'healthcare' <-> 'assistant'")``: ``'healthcar' <-> 'assist'``), which the trigger tests;
* ``token``: ``phr0`` and 12 hex digits of the md5 of that text. Letters and digits make a
  PostgreSQL "numword", which the english configuration passes through unstemmed, in a
  vector and in a query alike. Since the token names the query itself, a row that holds it
  is right for as long as its text is unchanged, whatever the vocabulary does next;
* ``forms``: the spellings of words a seeker's query may arrive as (the vocabulary's, and
  each word with or without a plural ending) whose query PostgreSQL reads the same way, one
  per line. ``healthcare assistants`` gets the token; ``speech ands language therapist``
  (not the same query: "ands" is not a stop word) keeps its phrase query.

Why the query side cannot ask for a token no row holds: it uses only the tokens of the
table's active rows (``phrase_tokens``, read once per process and kept for
``PHRASE_TOKENS_SECONDS``), and a row of the table is written in the same transaction as the
vacancies that hold its token (``listings.services.search_phrases_sync``). A phrase that
leaves the vocabulary is first *retired*: the query side stops using it, the trigger goes on
writing its token for a day (``RETIRED_PHRASE_DAYS``, far longer than any process keeps its
copy of the table) and only then is the row deleted. Vacancies keep the token they had (it
is still true of them); nobody asks for it any more.

The table follows ``vocabulary.toml`` through ``manage.py sync_search_phrases`` (run at each
deploy, idempotent) and the migration that fills it; a test fails when the table a fresh
database migrates to differs from the vocabulary. The portable backend (SQLite) never reads
the table.
"""

from __future__ import annotations

import hashlib
import itertools
import threading
import time
from dataclasses import dataclass
from datetime import timedelta

from django.db import connections, transaction
from django.utils import timezone

from listings.models import SearchPhrase
from listings.search.vocabulary import Vocabulary, stem, vocabulary

TOKEN_PREFIX = "phr0"
# A process reads the table again after this long (a new phrase is used within a minute).
PHRASE_TOKENS_SECONDS = 60
# A retired phrase's token is still written by the trigger for this long before its row goes.
RETIRED_PHRASE_DAYS = 1
# At most this many spellings of one phrase are tried (2-4 words make 4-81).
MAX_FORMS = 256


def vocabulary_phrases(vocab: Vocabulary | None = None) -> list[str]:
    """Every multi-word phrase of ``vocab`` (the repository's by default: expansions,
    synonyms, profession words), each as its space-joined words, sorted."""
    vocab = vocab or vocabulary()
    phrases = set(vocab.synonyms) | set(vocab.professions)
    phrases |= {p for expansions in vocab.abbreviations.values() for p in expansions}
    phrases |= {p for group in vocab.synonyms.values() for p in group}
    return sorted(" ".join(p) for p in phrases if len(p) > 1)


def _word_forms(word: str) -> list[str]:
    """``word`` and the words ``stem`` reads as the same one: with and without a plural."""
    root = stem(word)
    forms = [word, root, root + "s"]
    if root.endswith("y"):
        forms.append(root[:-1] + "ies")
    return [form for form in dict.fromkeys(forms) if stem(form) == root]


def spellings(phrase: str) -> list[str]:
    """The spellings of ``phrase`` a seeker's query may arrive as (the parser looks phrases
    up with plurals dropped), ``phrase`` first."""
    forms = itertools.product(*(_word_forms(word) for word in phrase.split()))
    found = dict.fromkeys([phrase, *(" ".join(f) for f in itertools.islice(forms, MAX_FORMS))])
    return list(found)


def phrase_query(words: str) -> str:
    """The ``to_tsquery`` text the keyword parser builds for these words (``_ts_term``)."""
    return " <-> ".join(f"'{word}'" for word in words.split())


def token_for(normalized_query: str) -> str:
    """The token naming PostgreSQL's reading of a phrase query."""
    return TOKEN_PREFIX + hashlib.md5(normalized_query.encode()).hexdigest()[:12]  # noqa: S324 - a name, not a secret


@dataclass(frozen=True)
class Phrase:
    token: str
    query: str
    forms: tuple[str, ...]


def phrases_for(phrases: list[str], *, using: str = "default") -> dict[str, Phrase]:
    """The table's rows for ``phrases`` (space-joined words), by token: PostgreSQL reads every
    spelling's query once, in one statement. A spelling joins a phrase's row only when it
    reads exactly as a phrase of the list does; a list phrase PostgreSQL reads as one word or
    none (nothing to check the order of) gets no row."""
    texts = {form: phrase_query(form) for phrase in phrases for form in spellings(phrase)}
    if not texts:
        return {}
    forms = list(texts)
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT form, to_tsquery('english', text)::text "
            "FROM unnest(%s::text[], %s::text[]) AS f(form, text)",
            [forms, [texts[form] for form in forms]],
        )
        normalized = dict(cursor.fetchall())
    wanted = {normalized[p] for p in phrases if "<" in normalized[p]}
    rows: dict[str, list[str]] = {}
    for form in forms:
        if normalized[form] in wanted:
            rows.setdefault(normalized[form], []).append(form)
    return {
        token_for(query): Phrase(token_for(query), query, tuple(sorted(found)))
        for query, found in rows.items()
    }


# --- keeping the table and the vectors equal to the vocabulary ---------------------------------
# The vacancies a new phrase's query matches get its token, in one pass over the live rows the
# GIN index names for any of the new queries (the trigger is not fired: it fires on the text
# columns, and the rest of the vector is unchanged).
TAG_LIVE_ROWS = """
UPDATE listings_vacancy AS v
   SET search_vector = v.search_vector || array_to_tsvector(ARRAY(
       SELECT p.token FROM listings_searchphrase AS p
        WHERE p.token = ANY(%s) AND v.search_vector @@ p.query::tsquery ORDER BY p.token))
 WHERE v.status = 'live' AND v.search_vector @@ %s::tsquery
"""


@dataclass(frozen=True)
class PhraseSync:
    """What a sync changed: tokens added, revived, retired and deleted, spellings updated,
    and how many live vacancies were given a new token."""

    added: tuple[str, ...] = ()
    revived: tuple[str, ...] = ()
    retired: tuple[str, ...] = ()
    deleted: tuple[str, ...] = ()
    respelled: tuple[str, ...] = ()
    tagged: int = 0

    def __bool__(self) -> bool:
        return bool(self.added or self.revived or self.retired or self.deleted or self.respelled)


def sync_search_phrases(
    phrases: list[str] | None = None, *, now=None, using: str = "default", model=SearchPhrase
) -> PhraseSync:
    """Make the phrase table equal to ``phrases`` (the vocabulary's, by default) and give the
    live vacancies the tokens of the phrases it gained; running it again changes nothing.

    In one transaction, holding off other writers of vacancies while it tags them (a writer
    that ran the trigger with the old table would miss a new token): the table's new rows and
    the vacancies holding their tokens appear together. A phrase gone from ``phrases`` is
    retired, then deleted by a sync ``RETIRED_PHRASE_DAYS`` later (see the module's
    docstring). ``model``: the migration passes its historical one. PostgreSQL only (the
    portable backend never reads the table): elsewhere it does nothing.
    """
    connection = connections[using]
    if connection.vendor != "postgresql":
        return PhraseSync()
    now = now or timezone.now()
    if phrases is None:
        phrases = vocabulary_phrases()
    wanted = phrases_for(phrases, using=using)
    table = model.objects.using(using)
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute("LOCK TABLE listings_searchphrase IN SHARE ROW EXCLUSIVE MODE")
        existing = {row.token: row for row in table.all()}
        added = sorted(set(wanted) - set(existing))
        revived = sorted(t for t in wanted if t in existing and existing[t].retired_at)
        respelled = sorted(
            t for t in wanted if t in existing and existing[t].forms != "\n".join(wanted[t].forms)
        )
        gone = [t for t in existing if t not in wanted]
        retired = sorted(t for t in gone if existing[t].retired_at is None)
        deleted = sorted(
            t
            for t in gone
            if existing[t].retired_at is not None
            and existing[t].retired_at <= now - timedelta(days=RETIRED_PHRASE_DAYS)
        )
        tagged = 0
        if added:
            cursor.execute("LOCK TABLE listings_vacancy IN SHARE ROW EXCLUSIVE MODE")
            table.bulk_create(
                model(token=t, query=wanted[t].query, forms="\n".join(wanted[t].forms))
                for t in added
            )
            any_added = " | ".join(f"({wanted[t].query})" for t in added)
            cursor.execute(TAG_LIVE_ROWS, [added, any_added])
            tagged = cursor.rowcount
        for token in sorted(set(revived) | set(respelled)):
            table.filter(token=token).update(forms="\n".join(wanted[token].forms), retired_at=None)
        if retired:
            table.filter(token__in=retired).update(retired_at=now)
        if deleted:
            table.filter(token__in=deleted).delete()
    forget_phrase_tokens()
    return PhraseSync(
        added=tuple(added),
        revived=tuple(revived),
        retired=tuple(retired),
        deleted=tuple(deleted),
        respelled=tuple(respelled),
        tagged=tagged,
    )


# --- the query side ---------------------------------------------------------------------------
_lock = threading.Lock()
_kept: dict[str, tuple[float, dict[str, str]]] = {}


def phrase_tokens(using: str = "default") -> dict[str, str]:
    """Each spelling (space-joined words) of an active phrase → its token, read from the table
    at most once per ``PHRASE_TOKENS_SECONDS`` in each process."""
    now = time.monotonic()
    kept = _kept.get(using)
    if kept is not None and now - kept[0] < PHRASE_TOKENS_SECONDS:
        return kept[1]
    rows = SearchPhrase.objects.using(using).filter(retired_at__isnull=True)
    tokens = {
        form: token
        for token, forms in rows.values_list("token", "forms")
        for form in forms.splitlines()
    }
    with _lock:
        _kept[using] = (now, tokens)
    return tokens


def forget_phrase_tokens() -> None:
    """Read the table again at the next search (after a sync, and between tests)."""
    with _lock:
        _kept.clear()
