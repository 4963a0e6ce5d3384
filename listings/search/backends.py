"""The search's database backends: everything that differs between PostgreSQL and SQLite.

``backend()`` chooses one for the default database, once; callers never branch on the
database vendor. PostgreSQL is what production runs: full text over the trigger-maintained
``search_vector`` (``websearch_to_tsquery('english', q)``, ranked with ``ts_rank``), one
``GROUPING SETS`` query for facet counts, and room in memory to hash large groupings. The
portable backend (SQLite: local work and CI's first pass) finds the same groups of words
(``keywords.parse_keywords``: the vocabulary's expansions, whole-word abbreviations, a partial
last word) with regular expressions over the title, profession, employer name and
description, and counts facets by grouping in Python.

Both rank alike (``relevance``): a vacancy of a profession the keywords name first, then one
whose title holds what was typed ("Staff Nurse" for ``nurse``, not "Nursing Associate"; a
synonym in the title counts half),
then the body's match (``ts_rank`` in tenths on PostgreSQL; where the words were found on
SQLite); featured vacancies get no lift, and ties go to the newest. A job reference
(``EPWHPMZ4``) as the whole query finds that vacancy, first.
"""

from __future__ import annotations

import difflib
import functools
import operator
from collections import Counter
from collections.abc import Mapping
from datetime import UTC, timedelta

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection, connections, router, transaction
from django.db.models import (
    Case,
    Count,
    DateField,
    F,
    FloatField,
    Func,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Round
from django.utils import timezone

from listings.models import SearchWord, Vacancy
from listings.search.geo import at_any_of
from listings.search.keywords import (
    KeywordQuery,
    Term,
    match_pattern,
    parse_keywords,
    title_pattern,
    tsquery_text,
)
from listings.search.phrases import phrase_tokens
from listings.search.vocabulary import words_of

# How many of the newest keyword matches a relevance sort ranks: at least every result that
# pagination can reach (50 pages of 20 on the page, 50 of 50 in the API; a test checks).
RELEVANCE_WINDOW = 2500
# The spans back from now in which a relevance window is looked for first (``window_since``).
WINDOW_SPANS_DAYS = (1, 2, 4, 8, 16)
MAX_RELATED_PORTABLE_TERMS = 8
# The parts of relevance (see the module's docstring); a reference match outranks them all.
PROFESSION_SCORE = 4.0
TITLE_SCORE = 2.0
REFERENCE_SCORE = 100.0
# Where the portable backend found a group's words, standing in for ``ts_rank``'s weights.
PORTABLE_BODY_SCORES = (("title", 0.6), ("profession__name", 0.4), ("employer__name", 0.2))
PORTABLE_DESCRIPTION_SCORE = 0.1
SEARCHED_FIELDS = ("title", "profession__name", "employer__name", "description")
# How alike a dictionary word must be to be suggested: difflib's ratio, pg_trgm's similarity.
SIMILAR_CUTOFF = 0.7
TRIGRAM_THRESHOLD = 0.2


class PublishedDay(Func):
    """A vacancy's day of publication in UTC, exactly as the live vacancies' full-text index
    holds it beside the words (migration 0023): a day, not a time, so that the index holds
    a few dozen keys and the search's own ``published_at <= now`` is not read from it."""

    template = "((%(expressions)s AT TIME ZONE 'UTC')::date)"
    output_field = DateField()

    def __init__(self):
        super().__init__(F("published_at"))


class PortableBackend:
    """Keyword search and counting with nothing but portable SQL (SQLite)."""

    # A word boundary in the database's regular expressions.
    boundary = r"\b"

    def _found(self, term: Term, fields=SEARCHED_FIELDS) -> Q:
        pattern = match_pattern(term, boundary=self.boundary)
        return functools.reduce(operator.or_, (Q(**{f"{f}__iregex": pattern}) for f in fields))

    def _text_match(self, query: KeywordQuery) -> Q:
        text = Q()
        for group in query.groups:
            any_term = functools.reduce(operator.or_, (self._found(t) for t in group.terms))
            text &= ~any_term if group.negated else any_term
        return text

    def matching(self, queryset: QuerySet, q: str) -> QuerySet:
        """Vacancies holding every group of ``q`` somewhere a seeker would look, none of its
        negated ones; or the vacancy ``q`` is the reference of. Keywords without a word to
        look for ("jobs", "!!!") narrow nothing."""
        query = parse_keywords(q)
        if not query.groups:
            return queryset.filter(reference=query.reference) if query.reference else queryset
        found = self._text_match(query)
        if query.reference:
            found |= Q(reference=query.reference)
        return queryset.filter(found)

    def relevance(self, query: KeywordQuery):
        """The part of relevance both databases share: the profession the keywords name,
        the title holding what was typed, and the reference."""
        score = Value(0.0, output_field=FloatField())
        if query.professions:
            score = score + Case(
                When(profession__slug__in=sorted(query.professions), then=Value(PROFESSION_SCORE)),
                default=Value(0.0),
                output_field=FloatField(),
            )
        positive = query.positive
        for group in positive:
            whens = []
            for synonym, share in ((False, 1.0), (True, 0.5)):
                patterns = [
                    title_pattern(t, boundary=self.boundary)
                    for t in group.terms
                    if t.synonym is synonym
                ]
                if patterns:
                    in_title = functools.reduce(
                        operator.or_, (Q(title__iregex=p) for p in patterns)
                    )
                    whens.append(When(in_title, then=Value(share * TITLE_SCORE / len(positive))))
            score = score + Case(*whens, default=Value(0.0), output_field=FloatField())
        if query.reference:
            score = score + Case(
                When(reference=query.reference, then=Value(REFERENCE_SCORE)),
                default=Value(0.0),
                output_field=FloatField(),
            )
        return score

    def body_score(self, query: KeywordQuery):
        """Per group, where its words were found (title above profession above employer
        above description), averaged: a stand-in for ``ts_rank`` with its weights."""
        score = Value(0.0, output_field=FloatField())
        positive = query.positive
        for group in positive:
            whens = [
                When(
                    functools.reduce(
                        operator.or_, (self._found(t, fields=(field,)) for t in group.terms)
                    ),
                    then=Value(weight / len(positive)),
                )
                for field, weight in PORTABLE_BODY_SCORES
            ]
            score = score + Case(
                *whens,
                default=Value(PORTABLE_DESCRIPTION_SCORE / len(positive)),
                output_field=FloatField(),
            )
        return Round(score * 10) / 10

    def ranked(self, queryset: QuerySet, q: str, *, now=None) -> QuerySet:
        """``queryset`` annotated with ``rank`` (see the module's docstring)."""
        query = parse_keywords(q)
        return queryset.annotate(rank=self.relevance(query) + self.body_score(query))

    # --- the words behind "Did you mean …?" ------------------------------------------------
    def word_counts(self, queryset: QuerySet) -> Counter:
        """How many of ``queryset``'s vacancies use each word (title, profession, description)."""
        counts: Counter = Counter()
        rows = queryset.values_list("title", "profession__name", "description")
        for row in rows.iterator(chunk_size=2000):
            counts.update(set(words_of(" ".join(text or "" for text in row))))
        return counts

    def similar_words(self, word: str, *, limit: int) -> list[tuple[str, int]]:
        """Dictionary words that look like ``word`` (with their vacancy counts), the closest
        first: compared in Python (``difflib``) over the whole dictionary."""
        words = dict(SearchWord.objects.values_list("word", "vacancies"))
        close = difflib.get_close_matches(word, words, n=limit, cutoff=SIMILAR_CUTOFF)
        return [(w, words[w]) for w in close]

    def related(self, queryset: QuerySet, terms: list[tuple[str, int]]) -> QuerySet:
        """Vacancies matching any weighted term, annotated ``related_score`` (title 3, profession
        2, description 1, times the term's weight)."""
        score = Value(0.0, output_field=FloatField())
        for term, weight in terms[:MAX_RELATED_PORTABLE_TERMS]:
            w = float(weight)
            score = (
                score
                + Case(When(title__icontains=term, then=Value(3 * w)), default=Value(0.0))
                + Case(
                    When(profession__name__icontains=term, then=Value(2 * w)), default=Value(0.0)
                )
                + Case(When(description__icontains=term, then=Value(w)), default=Value(0.0))
            )
        return queryset.annotate(related_score=score).filter(related_score__gt=0)

    def grouped_counts(self, queryset: QuerySet, columns: list[str]) -> tuple[int, list[Counter]]:
        """The row count of ``queryset`` and its count per value of each column.

        The rows are grouped by all the columns at once (a few thousand groups at most) and
        summed here.
        """
        counts = [Counter() for _ in columns]
        total = 0
        inner = queryset.order_by().values(*columns)
        for *values, n in inner.annotate(n=Count("pk")).values_list(*columns, "n"):
            total += n
            for counter, value in zip(counts, values, strict=True):
                counter[value] += n
        return total, counts

    def rows_with_room_to_group(self, queryset: QuerySet) -> list:
        """The rows of a large grouped query."""
        return list(queryset)

    def at_any_of(self, place_ids: list[int]):
        """The condition "the vacancy has at least one of these places": the vacancy-places
        table, tested for each row."""
        return at_any_of(place_ids)


class PostgresBackend(PortableBackend):
    """Full text, ``GROUPING SETS`` and memory for large groupings (PostgreSQL)."""

    boundary = r"\y"

    def at_any_of(self, place_ids: list[int]):
        """The place ids the triggers keep on the row (migration 0025), which the live
        vacancies' full-text index holds beside the words: with keywords, the index alone
        finds the rows that match both."""
        return Q(place_ids__overlaps=place_ids)

    @staticmethod
    def query(query: KeywordQuery, *, tokens: Mapping[str, str] | None = None) -> SearchQuery:
        """``to_tsquery('english', ...)`` of the parsed groups (built from letters and
        digits only, so any input is a valid query); with ``tokens``, each phrase of the
        vocabulary as the one lexeme the trigger writes for it (``phrases``)."""
        text = tsquery_text(query, tokens=tokens)
        return SearchQuery(text, search_type="raw", config="english")

    def matching(self, queryset: QuerySet, q: str) -> QuerySet:
        """As the portable backend's, asked of the GIN index: a phrase of the vocabulary as
        its token, exact in the index (``healthcare assistant`` was ``'healthcar' <->
        'assist'``, which made PostgreSQL read every live row holding both words to check
        their order). Only the tokens of the phrase table's active rows are used, and a
        row's vacancies hold its token before it is active (``phrases``)."""
        query = parse_keywords(q)
        if not query.groups:
            return queryset.filter(reference=query.reference) if query.reference else queryset
        found = Q(search_vector=self.query(query, tokens=phrase_tokens(queryset.db)))
        if query.reference:
            found |= Q(reference=query.reference)
        return queryset.filter(found)

    def body_score(self, query: KeywordQuery):
        """``ts_rank`` in tenths, so that vacancies as relevant as each other go newest first.
        Of the phrase queries, not the tokens: a token has no position or weight."""
        if not query.groups:
            return Value(0.0, output_field=FloatField())
        return Round(SearchRank(F("search_vector"), self.query(query)) * 10) / 10

    def ranked(self, queryset: QuerySet, q: str, *, now=None) -> QuerySet:
        """The newest ``RELEVANCE_WINDOW`` matches, annotated with ``rank``.

        A common word ("nurse") matches a fifth of the live vacancies; computing ``ts_rank``
        for all of them took 400 ms at a million vacancies, while no one can page past the
        first ``RELEVANCE_WINDOW`` results (HTML and API pagination are both capped below
        it). Only the window is ranked; the total still counts every match.

        Finding the newest matches means reading every match's row to learn its date unless
        they are looked for among the newest vacancies first (``window_since``).
        """
        query = parse_keywords(q)
        newest = queryset.order_by("-published_at", "-id").values("pk")
        since = self.window_since(queryset, now=now)
        if since is not None:
            newest = newest.alias(day=PublishedDay()).filter(day__gte=since)
        window = Vacancy.objects.filter(pk__in=newest[:RELEVANCE_WINDOW])
        return window.annotate(rank=self.relevance(query) + self.body_score(query))

    @staticmethod
    def window_since(queryset: QuerySet, *, now=None):
        """The first day (UTC) of the shortest span back from ``now`` (1, 2, 4, 8 or 16 days
        before today) holding at least ``RELEVANCE_WINDOW`` of ``queryset``'s matches, or
        None (the window needs them all).

        The newest ``RELEVANCE_WINDOW`` matches are then all inside the span, so the window
        is the same as without it; but the database reads only the span's matches (the
        full-text index holds the day of publication too: migration 0023). Measured at a
        million vacancies: ``q=nurse`` matches 53,000 live vacancies, and the window over
        them all read a table page for each; its newest 2,500 lie in the last two days
        (docs/benchmarks.md). Each try is a count stopped at ``RELEVANCE_WINDOW``. The first
        day's matches tell how far back the window can reach at that rate, so a span that
        could not hold it is not tried, and a search with few matches costs one try.
        """
        now = now or timezone.now()

        today = now.astimezone(UTC).date()

        def found_within(days: int) -> tuple:
            since = today - timedelta(days=days)
            within = queryset.alias(day=PublishedDay()).filter(day__gte=since)
            return since, within.order_by().values("pk")[:RELEVANCE_WINDOW].count()

        if not WINDOW_SPANS_DAYS:
            return None
        first_days, *longer = WINDOW_SPANS_DAYS
        since, first = found_within(first_days)
        if first >= RELEVANCE_WINDOW:
            return since
        for days in longer:
            if first * days / first_days < RELEVANCE_WINDOW:
                continue  # too few at the first day's rate
            since, found = found_within(days)
            if found >= RELEVANCE_WINDOW:
                return since
        return None

    def word_counts(self, queryset: QuerySet) -> Counter:
        """Counted by the database: each vacancy's distinct words, split with a regular
        expression over title, profession and description (seconds at a million vacancies,
        where Python would read every description)."""
        sql, params = (
            queryset.order_by()
            .annotate(profession_name=F("profession__name"))
            .values("id", "title", "profession_name", "description")
            .query.sql_with_params()
        )
        with connections[queryset.db].cursor() as cursor:
            cursor.execute(
                "SELECT word, COUNT(DISTINCT id) FROM ("  # noqa: S608 - the inner query is ours
                "SELECT id, regexp_split_to_table(lower(concat_ws(' ', title, profession_name, "
                f"description)), '[^[:alnum:]]+') AS word FROM ({sql}) AS live) AS words "
                "WHERE word <> '' GROUP BY word",
                params,
            )
            return Counter(dict(cursor.fetchall()))

    def similar_words(self, word: str, *, limit: int) -> list[tuple[str, int]]:
        """Dictionary words sharing enough trigrams with ``word`` (``pg_trgm``'s ``%``
        through the trigram index, at a lower threshold than its default 0.3: "socail" and
        "social" share 0.27), the most similar first."""
        alias = router.db_for_read(SearchWord)
        with (
            transaction.atomic(using=alias, savepoint=False),
            connections[alias].cursor() as cursor,
        ):
            cursor.execute(f"SET LOCAL pg_trgm.similarity_threshold = {TRIGRAM_THRESHOLD}")
            cursor.execute(
                "SELECT word, vacancies FROM listings_searchword WHERE word %% %s "
                "ORDER BY similarity(word, %s) DESC, vacancies DESC, word LIMIT %s",
                [word, word, limit],
            )
            return cursor.fetchall()

    def related(self, queryset: QuerySet, terms: list[tuple[str, int]]) -> QuerySet:
        """Each term is ``plainto_tsquery('english', term)``; a vacancy matches any of them
        (served by the GIN index) and scores the sum of ``ts_rank`` per term times its weight."""
        queries = [SearchQuery(term, search_type="plain", config="english") for term, _ in terms]
        any_term = functools.reduce(operator.or_, queries)
        score = functools.reduce(
            operator.add,
            (
                SearchRank(F("search_vector"), query) * Value(float(weight))
                for query, (_term, weight) in zip(queries, terms, strict=True)
            ),
        )
        return queryset.filter(search_vector=any_term).annotate(related_score=score)

    def grouped_counts(self, queryset: QuerySet, columns: list[str]) -> tuple[int, list[Counter]]:
        """One ``GROUPING SETS`` query returns just the per-column totals (about thirty rows)."""
        counts = [Counter() for _ in columns]
        sql, params = queryset.order_by().values(*columns).query.sql_with_params()
        quoted = [connection.ops.quote_name(column) for column in columns]
        sets = ", ".join(f"({column})" for column in quoted)
        flags = ", ".join(f"GROUPING({column})" for column in quoted)
        with connections[queryset.db].cursor() as cursor:
            cursor.execute(
                f"SELECT {', '.join(quoted)}, {flags}, COUNT(*) FROM ({sql}) AS matching "  # noqa: S608 - columns are ours
                f"GROUP BY GROUPING SETS ({sets}, ())",
                params,
            )
            rows = cursor.fetchall()
        total = 0
        width = len(columns)
        for row in rows:
            values, grouped_out, n = row[:width], row[width : 2 * width], row[-1]
            if all(grouped_out):
                total = n
                continue
            index = grouped_out.index(0)
            counts[index][values[index]] += n
        return total, counts

    def rows_with_room_to_group(self, queryset: QuerySet) -> list:
        """Run a grouped query with room to hash its groups in memory.

        The planner guesses far fewer live rows than there are (it multiplies the selectivity
        of the live and date conditions) and, with the default 4 MB of ``work_mem``, sorts the
        250,000 rows of a million-vacancy board on disk to group them: 1.3 s for a cube with a
        salary level; hashing them takes a fraction of that (docs/benchmarks.md).
        """
        # No savepoint: inside a caller's transaction the setting lasts until that one ends.
        alias = queryset.db  # a replica for an anonymous search (common.replicas)
        with (
            transaction.atomic(using=alias, savepoint=False),
            connections[alias].cursor() as cursor,
        ):
            cursor.execute("SET LOCAL work_mem = '64MB'")
            return list(queryset)


@functools.cache
def _backend_for(vendor: str) -> PortableBackend:
    return PostgresBackend() if vendor == "postgresql" else PortableBackend()


def backend() -> PortableBackend:
    """The backend of the default database."""
    return _backend_for(connection.vendor)
