"""The total and the counts beside each filter option, bounded in cost.

Counting a quarter of a million live rows per request is what makes a search slow at scale,
so counts are kept (``cache.counts``) and, where a search filters by nothing but facets (or
by one of the form's salary or "posted within" options as well), summed from a *facet cube*:
the live vacancies counted once per combination of facet values, a few thousand rows.

The care-sector facts are not in that cube (each would multiply its cells). They have a cube
of their own, by profession only (``FACT_CUBE``: profession × the seven facts, about 18,000
cells at a million vacancies), which answers the total, the professions and every fact of a
search filtered by nothing but a profession and facts; the other four facets of such a search
are counted from its rows after the response. Any other search with a fact counts its rows.
"""

from __future__ import annotations

import secrets
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from django.db.models import Case, Count, IntegerField, Value, When
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThanOrEqual

from listings.models import SHIFT_BITS, shifts_to_mask
from listings.search.backends import backend
from listings.search.cache import counts as kept_counts
from listings.search.params import (
    APART_FACETS,
    BY_NAME,
    FACET_FIELDS,
    FACET_NAMES,
    POSTED_CHOICES,
    SALARY_CHOICES,
)

if TYPE_CHECKING:
    from listings.search.filterset import BaseVacancyFilterSet

Counts = tuple[int, dict[str, Counter]]


@dataclass(frozen=True)
class FacetOption:
    value: str
    label: str
    count: int | None  # None: not counted yet (a care-sector fact of a new search)
    selected: bool


@dataclass(frozen=True)
class Facet:
    name: str
    legend: str
    options: list[FacetOption]

    @property
    def selected_count(self) -> int:
        return sum(1 for option in self.options if option.selected)


def search_counts(search: BaseVacancyFilterSet) -> Counts:
    """The total and every facet's counts, kept per normalised search for a minute."""
    return kept_counts.get_or_compute(_counts_identity(search), lambda: _all_counts(search))


def search_total(search: BaseVacancyFilterSet) -> int:
    """How many vacancies match, from the same kept counts as the search page's facets."""
    return search_counts(search)[0]


# --- the first visit of a search its rows must count ---------------------------------------
# How far a search page counts the rows of a search nothing keeps and no cube answers before
# it is shown: as far as its pages reach (50 pages of 20), so the pager is right either way.
COUNT_CAP = 1000


class AtLeast(int):
    """A total counted only as far as ``COUNT_CAP``: more than ``floor`` vacancies match
    ("More than 1,000 jobs"), the exact figure to follow once it is counted."""

    @property
    def floor(self) -> int:
        return int(self) - 1


def capped_total(search: BaseVacancyFilterSet) -> int:
    """The search's total, counted no further than ``COUNT_CAP`` + 1 rows: exact when at
    most ``COUNT_CAP`` match, else ``AtLeast(COUNT_CAP + 1)``.

    The database stops at the first ``COUNT_CAP`` + 1 matches it finds, so a common search
    ("social worker": 53,000 matches at a million vacancies) reads a thousand rows, not all.
    It reads their ids, which cost no more than counting them: when there are at most
    ``COUNT_CAP``, they are every match, and the search reads them by id from then on
    (``known_matches``) instead of finding them again.
    """
    found = tuple(search.filtered().order_by().values_list("pk", flat=True)[: COUNT_CAP + 1])
    if len(found) > COUNT_CAP:
        return AtLeast(len(found))
    if found:  # none: nothing is read again, and SQL has no empty list of ids
        search.known_matches = found
    return len(found)


def counted_by_rows(search: BaseVacancyFilterSet) -> bool:
    """Whether this search's counts come from its rows (``_counts_from_rows``) rather than a
    cube: one with keywords, a place, an employer, a salary or date off the form's levels,
    two such filters, or a fact beside a filter the facts' cube lacks."""
    return cube_dimension(search) is False and not in_fact_cube(search)


def page_counts(search: BaseVacancyFilterSet) -> tuple[int, dict[str, Counter | None]]:
    """The counts a search page shows, which its visitor waits for.

    As ``search_counts``, except for a search whose rows must be counted and whose counts
    are not kept: then the total is counted only as far as ``COUNT_CAP`` (``capped_total``).
    When more match, or a facet's filter is in use (its options are counted over the search
    without it, which may be most of the board), every facet is missing (its options shown
    without a number) while one request counts them all exactly, after its response
    (``kept_or_later``): at a million vacancies that costs 0.3-3 s for a first search of its
    kind (docs/benchmarks.md), the capped total a few milliseconds. Otherwise the few matches
    are counted at once. The next visitor of the search has the exact counts.
    """
    if not counted_by_rows(search) or not kept_counts.version.current():
        return search_counts(search)
    identity = _counts_identity(search)
    if kept_counts.kept(identity) is None:
        total = capped_total(search)
        if isinstance(total, AtLeast) or any(search.data.getlist(name) for name in FACET_FIELDS):
            counted = kept_counts.kept_or_later(identity, lambda: _all_counts(search))
            # Counted at once outside a request (a task, a command): nobody waits there.
            return counted if counted is not None else (total, dict.fromkeys(FACET_FIELDS))
        # A few matches and no facet in use: one grouped pass over them counts it all now.
    return search_counts(search)


def _counts_identity(search: BaseVacancyFilterSet) -> str:
    """The kept counts' name of a search (its page and sort left out: they count alike)."""
    return search.query_string(without=("page", None), sort="")


def facet_counts(search: BaseVacancyFilterSet) -> tuple[int, list[Facet]]:
    """The result count and the counts beside each filter option, under the *other* filters.

    One query counts the matching rows per value of all five facet columns, giving the total
    and every facet whose filter is not in use; each facet whose filter *is* in use needs one
    more grouped query without that filter. So a search costs one to six queries here,
    whatever the number of options or rows (none when a cube or the kept counts answer).
    A page does not wait for them the first time: ``page_counts`` shows a capped total and
    counts them after the response.
    The care-sector facts are counted apart from the cube (``fact_counts``): from the facts'
    cube, from what is kept, else after the response, their options shown without a number
    meanwhile; so are the other four facets of a search the facts' cube answers.
    """
    total, counts = page_counts(search)
    if in_fact_cube(search):
        counts = {**counts, **_later_facet_counts(search, counts)}
    facts = fact_counts(search)
    counts = {**counts, **{name: facts.get(name) for name in APART_FACETS}}
    facets = []
    for name in FACET_NAMES:
        selected = set(search.data.getlist(name))
        counted = counts.get(name)
        if name == "profession":
            choices = [
                (slug, p.name, None if counted is None else counted[p.pk])
                for slug, p in search.professions.items()
            ]
        else:
            choices = [
                (value, label, None if counted is None else counted[value])
                for value, label in BY_NAME[name].choices
            ]
        options = [
            FacetOption(value=value, label=label, count=count, selected=value in selected)
            for value, label, count in choices
        ]
        facets.append(Facet(name=name, legend=BY_NAME[name].legend, options=options))
    return total, facets


def _grouped_counts(queryset) -> Counts:
    total, per_column = backend().grouped_counts(queryset, list(FACET_FIELDS.values()))
    return total, dict(zip(FACET_FIELDS, per_column, strict=True))


def _all_counts(search: BaseVacancyFilterSet) -> Counts:
    """The total and the counts of the facets the cube groups by, each under the others only.

    The care-sector facts are not here: a caller that wants only the total (the widget, an
    API page) should not pay for them. ``facet_counts`` adds them (``fact_counts``).
    """
    dimension = cube_dimension(search)
    if dimension is None:
        return _counts_from_cube(search, None, _live_cube(search))
    if dimension:
        # Building a cube with a salary or date level costs about twice counting one search's
        # rows, so requests only use one the background task keeps (``warm_cubes``).
        cube = _kept_level_cube(dimension)
        if cube is not None:
            return _counts_from_cube(search, dimension, cube)
    if in_fact_cube(search):
        # A profession and facts only: the facts' cube has the total, the professions and
        # the facts; the other four facets are counted after the response (``facet_counts``).
        found = _fact_cube_counts(search)
        if found is not None:
            total, counts = found
            later = dict.fromkeys(set(FACET_FIELDS) - counts.keys())
            return total, {**counts, **later}
    return _counts_from_rows(search)


LATER_KEY = "facet-later"


def _later_facet_counts(search: BaseVacancyFilterSet, counts: dict) -> dict[str, Counter | None]:
    """The cube facets ``_all_counts`` left out (a search the facts' cube answers): kept, or
    counted from the search's rows once, after a response, and missing (None) until then.

    None of them is in use in such a search, so one grouped pass over its matches counts
    them all, each under the other filters.
    """
    missing = [name for name in FACET_FIELDS if counts.get(name, 0) is None]
    if not missing:
        return {}
    kept = kept_counts.kept_or_later(
        f"{LATER_KEY}:{search.query_string(without=('page', None), sort='')}",
        lambda: _grouped_counts(search.filtered())[1],
    )
    return {name: None if kept is None else kept[name] for name in missing}


# --- the facts counted apart from the cube --------------------------------------------------
APART_KEY = "facet-apart"


def _option_counts(queryset, names: list[str]) -> dict[str, Counter]:
    """Every option of the facts ``names`` counted in ONE pass over ``queryset``.

    The backend's per-column grouping (``GROUPING SETS`` on PostgreSQL: one hash table per
    fact, a few dozen rows back); a shift mask's count is then added to each pattern it
    holds, and "not stated" (blank, null, no shifts) is left out.
    """
    if not names:
        return {}
    columns = [APART_FACETS[name].column for name in names]
    _total, per_column = backend().grouped_counts(queryset, columns)
    return {name: _spread(name, counter) for name, counter in zip(names, per_column, strict=True)}


def _facts_identity(search: BaseVacancyFilterSet, *, without: str | None = None) -> str:
    """The kept facts' name of ``search`` (less the fact ``without``)."""
    active = search.active().keys() - {"sort", "page"} - {without}
    if not active:
        return APART_KEY
    drop = (without, None) if without else ("page", None)
    return f"{APART_KEY}:{search.query_string(without=drop, page='', sort='')}"


def fact_counts(search: BaseVacancyFilterSet) -> dict[str, Counter]:
    """The care-sector facts' counts that are kept for this search, each under the other
    filters; a fact not counted yet is missing.

    Nothing here makes a request wait. A search of professions and facts only (``/jobs/``,
    ``/jobs/?band=band-5``, a profession's landing page with facts) is summed from the facts'
    cube (``in_fact_cube``). Any other: a fact not in use is counted over the search's
    matches; a fact in use is counted over the search without it, which is shared by every
    search that differs only in that fact. What is not kept is counted once, by one request,
    after its response (``kept_or_later``): at a million vacancies a pass over the matches
    costs 150-500 ms (docs/benchmarks.md), which no first visitor should wait for.
    """
    if in_fact_cube(search):
        # The facts' cube answers a search of a profession and facts (or of neither).
        found = _fact_cube_counts(search)
        if found is not None:
            return {name: found[1][name] for name in APART_FACETS}
    in_use = [name for name in APART_FACETS if search.data.getlist(name)]
    rest = [name for name in APART_FACETS if name not in in_use]
    counts: dict[str, Counter] = {}
    if rest:
        identity = _facts_identity(search)
        kept = kept_counts.kept_or_later(
            # The search's own counts, if counted from its rows first, have counted these.
            identity,
            lambda: kept_counts.fresh(identity) or _option_counts(search.filtered(), rest),
        )
        counts.update(kept or {})
    for name in in_use:
        # What the search without this fact keeps: its own facts not in use, this one too.
        names = [*rest, name]
        kept = kept_counts.kept_or_later(
            _facts_identity(search, without=name),
            lambda name=name, names=names: _option_counts(search.filtered(exclude={name}), names),
        )
        if kept and name in kept:
            counts[name] = kept[name]
    return counts


def _counts_from_rows(search: BaseVacancyFilterSet) -> Counts:
    """``_all_counts`` by aggregating the matching rows (one to six grouped queries).

    The pass over the matches also counts the care-sector facts not in use, and keeps them
    as ``fact_counts`` would: at a million vacancies each pass over a keyword search's
    matches reads a table page per match, so one pass serves both.
    """
    rest = [name for name in APART_FACETS if not search.data.getlist(name)]
    columns = [*FACET_FIELDS.values(), *(APART_FACETS[name].column for name in rest)]
    total, per_column = backend().grouped_counts(search.filtered(), columns)
    width = len(FACET_FIELDS)
    counts = dict(zip(FACET_FIELDS, per_column[:width], strict=True))
    if rest:
        facts = {
            name: _spread(name, counter)
            for name, counter in zip(rest, per_column[width:], strict=True)
        }
        kept_counts.recompute(_facts_identity(search), lambda: facts)
    for name, column in FACET_FIELDS.items():
        if search.data.getlist(name):
            counts[name] = Counter(
                dict(
                    search.filtered(exclude={name})
                    .order_by()
                    .values_list(column)
                    .annotate(n=Count("pk"))
                )
            )
    return total, counts


# --- the facet cubes ------------------------------------------------------------------------
CUBE_PARAMS = {*FACET_FIELDS, "sort", "page"}
CUBE_KEY = "facet-cube"


def _salary_level(_now=None):
    """The highest salary option a vacancy reaches (0: none), as ``filter_salary_min`` reads
    it."""
    reaches = Coalesce("salary_annual_max", "salary_annual_min")
    whens = [
        When(GreaterThanOrEqual(reaches, amount), then=Value(amount))
        for amount in sorted(SALARY_CHOICES, reverse=True)
    ]
    return Case(*whens, default=Value(0), output_field=IntegerField())


def _posted_level(now):
    """The shortest "posted within" option a vacancy is in (0: older than them all)."""
    days = sorted(d for d, _label in POSTED_CHOICES)
    whens = [When(published_at__gte=now - timedelta(days=d), then=Value(d)) for d in days]
    return Case(*whens, default=Value(0), output_field=IntegerField())


CUBE_DIMENSIONS = {"salary_min": _salary_level, "posted": _posted_level}
# The values of each dimension's parameter that fall exactly on a level: the form's options.
CUBE_LEVELS = {
    "salary_min": {str(amount) for amount in SALARY_CHOICES},
    "posted": {str(days) for days, _label in POSTED_CHOICES},
}


def cube_dimension(search: BaseVacancyFilterSet) -> str | None | bool:
    """Which cube answers this search: None (facets only), a parameter name, or False.

    A salary or "posted within" value the form does not offer (``salary_min=33333``) falls
    between the cube's levels, so that search counts its rows instead, as does one with both.
    """
    extra = set(search.active()) - CUBE_PARAMS
    if not extra:
        return None
    if len(extra) > 1:
        return False
    (name,) = extra
    return name if search.data.get(name) in CUBE_LEVELS.get(name, ()) else False


def _cube_key(dimension: str | None) -> str:
    return f"{CUBE_KEY}:{dimension}" if dimension else CUBE_KEY


def _cube_query(search: BaseVacancyFilterSet, dimension: str | None):
    """Live vacancies counted per combination of the five facet values (and a level).

    A few thousand rows (professions × contracts × patterns × workplaces × sectors that
    occur), from one grouped query over every live vacancy: the same work as counting the
    unfiltered search, done once a minute (or after a change) instead of once per new
    combination of facets, which at a million vacancies cost 200-700 ms each. With a
    ``dimension`` each row also carries the vacancy's salary or "posted within" level, so a
    cell is in a search when its level reaches the option chosen. The "posted" levels are
    those of the moment the cube was counted: like all kept counts, up to a minute old.
    """
    # Only cube parameters are active here, so leaving them out is the unfiltered search.
    base = search.filtered(exclude={*FACET_FIELDS, *CUBE_DIMENSIONS}).order_by()
    columns = list(FACET_FIELDS.values())
    if dimension:
        base = base.annotate(level=CUBE_DIMENSIONS[dimension](search.now))
        columns.append("level")
    return base.values_list(*columns).annotate(n=Count("pk"))


def _made_key(dimension: str) -> str:
    return f"{_cube_key(dimension)}:made"


# This process's copy of each cube it last read, by key: (the token it was read under, it).
_read_copies: dict[str, tuple[str, object]] = {}


def _process_copy(key: str, token: str):
    """The kept value of ``key``, read from the cache only when ``token`` differs from the
    one this process's copy was read under.

    A cube of thousands of cells costs milliseconds to unpickle on every search that uses
    it; the token, written beside it and after it, is one small read. Both are kept under
    the counts' version, so a write that moves it leaves the token missing (the caller then
    has no cube) before any copy could be used.
    """
    copy = _read_copies.get(key)
    if copy is not None and copy[0] == token:
        return copy[1]
    value = kept_counts.kept(key)
    if value is not None:
        _read_copies[key] = (token, value)
    return value


def _kept_level_cube(dimension: str) -> list[tuple] | None:
    """The kept salary or "posted within" cube (``warm_cubes``), or None."""
    token = kept_counts.kept(_made_key(dimension))
    return None if token is None else _process_copy(_cube_key(dimension), token)


def _live_cube(search: BaseVacancyFilterSet) -> list[tuple]:
    """The facet cube, counted on demand: it costs what counting the unfiltered search does."""
    return kept_counts.get_or_compute(CUBE_KEY, lambda: _count_cube(search, None))


def _count_cube(search: BaseVacancyFilterSet, dimension: str | None) -> list[tuple]:
    query = _cube_query(search, dimension)
    # The facet cube's few thousand groups hash within the default memory; with a level
    # there are four times as many.
    return backend().rows_with_room_to_group(query) if dimension else list(query)


def warm_cubes(search: BaseVacancyFilterSet) -> dict[str, int]:
    """Count every cube afresh and keep it for the next minute; return each one's cells.

    Run by the beat every 50 s (``warm-search-cubes``) with the unfiltered search, so
    searches with a salary or date option find their cube kept without any request paying
    the 0.6-0.7 s of building it.
    """
    sizes = {}
    for dimension in [None, *CUBE_DIMENSIONS]:
        cube = kept_counts.recompute(
            _cube_key(dimension), lambda dimension=dimension: _count_cube(search, dimension)
        )
        if dimension:
            # Its token after it: a reader that sees the new token finds the new cube.
            token = secrets.token_hex(8)
            kept_counts.recompute(_made_key(dimension), lambda token=token: token)
        sizes[dimension or "facets"] = len(cube)
    sizes[FACT_CUBE] = len(_recount_fact_cube(search).rows)
    return sizes


def _counts_from_cube(
    search: BaseVacancyFilterSet, dimension: str | None, cube: list[tuple]
) -> Counts:
    """``_all_counts`` for a search a cube answers, summed from the cube in Python.

    A cell matching every chosen value counts towards the total and every facet; a cell that
    misses exactly one facet's choice still counts towards that facet's options, which are
    shown under the *other* filters only. A cell below the chosen salary or "posted within"
    level counts nowhere: that filter is one of the "others" of every facet.
    """
    names = list(FACET_FIELDS)
    chosen: list[set | None] = []
    for name in names:
        values = search.data.getlist(name)
        if name == "profession":
            values = [search.professions[slug].pk for slug in values]
        chosen.append(set(values) if values else None)
    if dimension == "salary_min":
        wanted_level = int(search.data["salary_min"])

        def in_search(level):
            return level >= wanted_level
    elif dimension == "posted":
        wanted_level = int(search.data["posted"])

        def in_search(level):
            return 0 < level <= wanted_level

    total = 0
    counts: dict[str, Counter] = {name: Counter() for name in names}
    width = len(names)
    # Only the facets in use can miss (usually one or two of five): test just those. A cube
    # has thousands of cells, and this loop is most of a first search's own Python.
    in_use = [(i, wanted) for i, wanted in enumerate(chosen) if wanted is not None]
    cells = (row for row in cube if in_search(row[width])) if dimension else cube
    for row in cells:
        missed = -1
        for i, wanted in in_use:
            if row[i] not in wanted:
                if missed >= 0:
                    break  # misses two: counts nowhere
                missed = i
        else:
            n = row[-1]
            if missed < 0:
                total += n
                for name, value in zip(names, row[:width], strict=True):
                    counts[name][value] += n
            else:
                counts[names[missed]][row[missed]] += n
    return total, counts


# --- the facts' cube, by profession ---------------------------------------------------------
FACT_CUBE = "facts"
FACT_CUBE_KEY = f"{CUBE_KEY}:{FACT_CUBE}"
# What the facts' cube groups by: the profession facet and every fact.
FACT_CUBE_NAMES = ("profession", *APART_FACETS)
FACT_CUBE_PARAMS = {*FACT_CUBE_NAMES, "sort", "page"}


def in_fact_cube(search: BaseVacancyFilterSet) -> bool:
    """Whether the facts' cube answers this search: it filters by nothing but professions and
    facts (or nothing at all)."""
    return set(search.active()) <= FACT_CUBE_PARAMS


def _fact_cube_query(search: BaseVacancyFilterSet):
    """Live vacancies counted per profession and combination of the seven facts.

    The facts are correlated with the profession (a registered nurse's register is the NMC,
    their band follows their pay), so the combinations that occur are few: about 18,000 at a
    million vacancies (250,000 live), where the five facets with the seven facts would be
    several hundred thousand. One grouped pass over every live vacancy, as the facet cube.
    """
    base = search.filtered(exclude=set(FACT_CUBE_NAMES)).order_by()
    columns = [FACET_FIELDS["profession"], *(param.column for param in APART_FACETS.values())]
    # COUNT(*), not COUNT(id): the covering index of the live facts (migration 0017) has
    # every column but the id, so PostgreSQL reads it alone (an index-only scan).
    return base.values_list(*columns).annotate(n=Count("*"))


def _count_fact_cube(search: BaseVacancyFilterSet) -> tuple[tuple, ...]:
    """The facts' cube's rows: (profession id, the seven facts' stored values, count)."""
    return tuple(backend().rows_with_room_to_group(_fact_cube_query(search)))


@dataclass(frozen=True)
class FactCube:
    """The facts' cube, ready to sum: its rows, and for each column the rows holding each
    value as a bit set (a Python int: bit i is row i), so a search's matching rows are found
    by a few ANDs and ORs in C rather than by testing 18,000 rows in Python."""

    made: str  # a token of this count, unique to it
    rows: tuple[tuple, ...]
    bits: tuple[dict, ...]  # per column of FACT_CUBE_NAMES: stored value -> rows' bits
    marginals: tuple[Counter, ...]  # per column: the counts over every row (no filter)
    total: int

    @classmethod
    def of(cls, rows: tuple[tuple, ...], *, made: str) -> FactCube:
        width = len(FACT_CUBE_NAMES)
        size = (len(rows) + 7) // 8
        where: list[dict] = [{} for _ in range(width)]
        marginals = [Counter() for _ in range(width)]
        for i, row in enumerate(rows):
            n = row[width]
            for column in range(width):
                value = row[column]
                found = where[column].get(value)
                if found is None:
                    found = where[column][value] = bytearray(size)
                found[i >> 3] |= 1 << (i & 7)
                marginals[column][value] += n
        bits = tuple(
            {value: int.from_bytes(found, "little") for value, found in column.items()}
            for column in where
        )
        total = sum(row[width] for row in rows)
        return cls(made=made, rows=rows, bits=bits, marginals=tuple(marginals), total=total)

    def rows_of(self, bits: int) -> list[tuple]:
        """The rows whose bits are set."""
        reversed_bits = bin(bits)[:1:-1]  # bit 0 first, without the "0b"
        found = []
        i = reversed_bits.find("1")
        while i >= 0:  # the scan is in C: a sparse set costs its rows, not the cube's
            found.append(self.rows[i])
            i = reversed_bits.find("1", i + 1)
        return found


FACT_CUBE_MADE_KEY = f"{FACT_CUBE_KEY}:made"


def _recount_fact_cube(search: BaseVacancyFilterSet) -> FactCube:
    """Count the facts' cube afresh and keep it, and its token apart (so a request reads one
    small value to know whether its own copy is still the kept one)."""
    cube = FactCube.of(_count_fact_cube(search), made=secrets.token_hex(8))
    kept_counts.recompute(FACT_CUBE_KEY, lambda: cube)
    kept_counts.recompute(FACT_CUBE_MADE_KEY, lambda: cube.made)
    return cube


def _fact_cube(search: BaseVacancyFilterSet) -> FactCube | None:
    """The kept facts' cube; None while none is (one request then counts it after its
    response). Once it is older than a minute one request counts it again after its
    response while the others use it (``kept_or_later``), as with every kept count."""
    made = kept_counts.kept_or_later(FACT_CUBE_MADE_KEY, lambda: _recount_fact_cube(search).made)
    if made is None:
        return None
    return _process_copy(FACT_CUBE_KEY, made)


class _NoFactCube(Exception):
    """No facts' cube is kept yet: the search counts its rows instead."""


def _fact_cube_counts(search: BaseVacancyFilterSet) -> Counts | None:
    """The total and the counts of the professions and the facts of a search the facts' cube
    answers, each under the other filters; None while no cube is kept.

    The cube is never counted in a request: the beat keeps it (``warm_cubes``); see
    ``_fact_cube``. Each search's sum is kept like its other counts.
    """

    def summed() -> Counts:
        cube = _fact_cube(search)
        if cube is None:
            raise _NoFactCube
        return _counts_from_fact_cube(search, cube)

    identity = f"{FACT_CUBE_KEY}:{search.query_string(without=('page', None), sort='')}"
    try:
        return kept_counts.get_or_compute(identity, summed)
    except _NoFactCube:
        return None


def _fact_bits(search: BaseVacancyFilterSet, cube: FactCube) -> dict[int, int]:
    """{column of the facts' cube: the bits of its rows matching the filter} for each of the
    cube's filters in use."""
    found = {}
    for column, name in enumerate(FACT_CUBE_NAMES):
        values = search.data.getlist(name)
        if not values:
            continue
        stored = cube.bits[column]
        if name == "profession":
            wanted = {search.professions[s].pk for s in values if s in search.professions}
            keys = [value for value in stored if value in wanted]
        elif APART_FACETS[name].bitmask:
            mask = shifts_to_mask(values)
            keys = [value for value in stored if (value or 0) & mask]
        else:
            keys = [value for value in stored if value in set(values)]
        bits = 0
        for key in keys:
            bits |= stored[key]
        found[column] = bits
    return found


def _counts_from_fact_cube(search: BaseVacancyFilterSet, cube: FactCube) -> Counts:
    """The total and every count of the profession and the facts, summed from the cube.

    As ``_counts_from_cube``, each filter's options are counted under the *other* filters:
    over the rows matching every filter but that one (with no other filter, that is the
    column's counts over the whole cube, kept with it). The total and the options of the
    filters not in use are counted over the rows matching every filter. A shift mask's count
    is then added to each pattern it holds, and "not stated" is left out, as when the rows
    are counted (``_option_counts``).
    """
    width = len(FACT_CUBE_NAMES)
    in_use = _fact_bits(search, cube)
    everything = (1 << len(cube.rows)) - 1
    raw: list[Counter] = [Counter() for _ in range(width)]
    for column in in_use:
        others = everything
        for other, bits in in_use.items():
            if other != column:
                others &= bits
        if others == everything:
            raw[column] = cube.marginals[column]
            continue
        counter = raw[column]
        for row in cube.rows_of(others):
            counter[row[column]] += row[width]
    if not in_use:
        total = cube.total
        for column in range(width):
            raw[column] = cube.marginals[column]
    else:
        matching = everything
        for bits in in_use.values():
            matching &= bits
        rest = [column for column in range(width) if column not in in_use]
        total = 0
        for row in cube.rows_of(matching):
            n = row[width]
            total += n
            for column in rest:
                raw[column][row[column]] += n
    counts: dict[str, Counter] = {"profession": +raw[0]}
    for name, counter in zip(APART_FACETS, raw[1:], strict=True):
        counts[name] = _spread(name, counter)
    return total, counts


def _spread(name: str, counter: Counter) -> Counter:
    """One fact's counts by option from its counts by stored value: a shift mask's count goes
    to each pattern it holds; blank, null and no shifts ("not stated") are left out."""
    found: Counter = Counter()
    if APART_FACETS[name].bitmask:
        for mask, n in counter.items():
            for value, bit in SHIFT_BITS.items():
                if (mask or 0) & bit:
                    found[value] += n
    else:
        found.update({value: n for value, n in counter.items() if value})
    return found
