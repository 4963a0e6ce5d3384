"""The search's database backends: everything that differs between PostgreSQL and SQLite.

``backend()`` chooses one for the default database, once; callers never branch on the
database vendor. PostgreSQL is what production runs: full text over the trigger-maintained
``search_vector`` (``websearch_to_tsquery('english', q)``, ranked with ``ts_rank``), one
``GROUPING SETS`` query for facet counts, and room in memory to hash large groupings. The
portable backend (SQLite: local work and CI's first pass) needs every word of the keywords
(case-insensitively, plural dropped) in the title, profession, employer name or description,
ranks by how many words the title holds, and counts facets by grouping in Python.
"""

from __future__ import annotations

import functools
import operator
from collections import Counter

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection, transaction
from django.db.models import Case, Count, F, FloatField, IntegerField, Q, QuerySet, Value, When

from listings.models import Vacancy
from listings.search.keywords import keyword_terms

# How many of the newest keyword matches a relevance sort ranks: at least every result that
# pagination can reach (50 pages of 20 on the page, 50 of 50 in the API; a test checks).
RELEVANCE_WINDOW = 2500
MAX_RELATED_PORTABLE_TERMS = 8


class PortableBackend:
    """Keyword search and counting with nothing but portable SQL (SQLite)."""

    def matching(self, queryset: QuerySet, q: str) -> QuerySet:
        """Vacancies holding every word of ``q`` somewhere a seeker would look."""
        for term in keyword_terms(q):
            queryset = queryset.filter(
                Q(title__icontains=term)
                | Q(profession__name__icontains=term)
                | Q(employer__name__icontains=term)
                | Q(description__icontains=term)
            )
        return queryset

    def ranked(self, queryset: QuerySet, q: str) -> QuerySet:
        """``queryset`` annotated with ``rank``: how many words of ``q`` the title holds."""
        score = Value(0, output_field=IntegerField())
        for term in keyword_terms(q):
            score = score + Case(
                When(title__icontains=term, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        return queryset.annotate(rank=score)

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


class PostgresBackend(PortableBackend):
    """Full text, ``GROUPING SETS`` and memory for large groupings (PostgreSQL)."""

    @staticmethod
    def query(q: str) -> SearchQuery:
        return SearchQuery(q, search_type="websearch", config="english")

    def matching(self, queryset: QuerySet, q: str) -> QuerySet:
        return queryset.filter(search_vector=self.query(q))

    def ranked(self, queryset: QuerySet, q: str) -> QuerySet:
        """The newest ``RELEVANCE_WINDOW`` matches, annotated with ``ts_rank``.

        A common word ("nurse") matches a fifth of the live vacancies; computing ``ts_rank``
        for all of them took 400 ms at a million vacancies, while no one can page past the
        first ``RELEVANCE_WINDOW`` results (HTML and API pagination are both capped below
        it). Only the window is ranked; the total still counts every match.
        """
        newest = queryset.order_by("-published_at", "-id").values("pk")[:RELEVANCE_WINDOW]
        window = Vacancy.objects.filter(pk__in=newest)
        return window.annotate(rank=SearchRank(F("search_vector"), self.query(q)))

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
        with connection.cursor() as cursor:
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
        with transaction.atomic(savepoint=False), connection.cursor() as cursor:
            cursor.execute("SET LOCAL work_mem = '64MB'")
            return list(queryset)


@functools.cache
def _backend_for(vendor: str) -> PortableBackend:
    return PostgresBackend() if vendor == "postgresql" else PortableBackend()


def backend() -> PortableBackend:
    """The backend of the default database."""
    return _backend_for(connection.vendor)
