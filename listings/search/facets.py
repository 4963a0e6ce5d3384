"""The total and the counts beside each filter option, bounded in cost.

Counting a quarter of a million live rows per request is what makes a search slow at scale,
so counts are kept (``cache.counts``) and, where a search filters by nothing but facets (or
by one of the form's salary or "posted within" options as well), summed from a *facet cube*:
the live vacancies counted once per combination of facet values, a few thousand rows.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from django.db.models import Case, Count, IntegerField, Value, When
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThanOrEqual

from listings.models import SHIFT_BITS
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
    return kept_counts.get_or_compute(
        search.query_string(without=("page", None), sort=""), lambda: _all_counts(search)
    )


def search_total(search: BaseVacancyFilterSet) -> int:
    """How many vacancies match, from the same kept counts as the search page's facets."""
    return search_counts(search)[0]


def facet_counts(search: BaseVacancyFilterSet) -> tuple[int, list[Facet]]:
    """The result count and the counts beside each filter option, under the *other* filters.

    One query counts the matching rows per value of all five facet columns, giving the total
    and every facet whose filter is not in use; each facet whose filter *is* in use needs one
    more grouped query without that filter. So a search costs one to six queries here,
    whatever the number of options or rows (none when a cube or the kept counts answer).
    The care-sector facts are counted apart from the cube (``fact_counts``): from what is
    kept, else after the response, their options shown without a number meanwhile.
    """
    total, counts = search_counts(search)
    facts = fact_counts(search)
    counts = {**counts, **{name: facts.get(name) for name in APART_FACETS}}
    facets = []
    for name in FACET_NAMES:
        selected = set(search.data.getlist(name))
        counted = counts[name]
        if name == "profession":
            choices = [(slug, p.name, counted[p.pk]) for slug, p in search.professions.items()]
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
        cube = kept_counts.kept(_cube_key(dimension))
        if cube is not None:
            return _counts_from_cube(search, dimension, cube)
    return _counts_from_rows(search)


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
    counts: dict[str, Counter] = {}
    for name, counter in zip(names, per_column, strict=True):
        found: Counter = Counter()
        if APART_FACETS[name].bitmask:
            for mask, n in counter.items():
                for value, bit in SHIFT_BITS.items():
                    if (mask or 0) & bit:
                        found[value] += n
        else:
            found.update({value: n for value, n in counter.items() if value})
        counts[name] = found
    return counts


def _facts_identity(search: BaseVacancyFilterSet, *, without: str | None = None) -> str:
    """The kept facts' name of ``search`` (less the fact ``without``): the unfiltered
    search's is the one the beat keeps."""
    active = search.active().keys() - {"sort", "page"} - {without}
    if not active:
        return APART_KEY
    drop = (without, None) if without else ("page", None)
    return f"{APART_KEY}:{search.query_string(without=drop, page='', sort='')}"


def fact_counts(search: BaseVacancyFilterSet) -> dict[str, Counter]:
    """The care-sector facts' counts that are kept for this search, each under the other
    filters; a fact not counted yet is missing.

    Nothing here makes a request wait. A fact not in use is counted over the search's
    matches; a fact in use is counted over the search without it, which is shared by every
    search that differs only in that fact (``/jobs/?band=band-5`` takes the bands' counts of
    ``/jobs/``, which the beat keeps). What is not kept is counted once, by one request,
    after its response (``kept_or_later``): at a million vacancies a pass over the matches
    costs 150-500 ms (docs/benchmarks.md), which no first visitor should wait for.
    """
    in_use = [name for name in APART_FACETS if search.data.getlist(name)]
    rest = [name for name in APART_FACETS if name not in in_use]
    counts: dict[str, Counter] = {}
    if rest:
        kept = kept_counts.kept_or_later(
            _facts_identity(search), lambda: _option_counts(search.filtered(), rest)
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


def _apart_counts(search: BaseVacancyFilterSet) -> dict[str, Counter]:
    """Every fact's counts, each under the other filters only (the beat's, for ``/jobs/``).

    The cube does not group by the facts: each would multiply its cells by its number of
    options (and the shift patterns, any combination of thirteen, by far more). Instead one
    query counts every fact not in use over the search's matches, and each fact in use takes
    one more query without its own filter: 1 + (facts in use) queries, each one pass.
    """
    in_use = [name for name in APART_FACETS if search.data.getlist(name)]
    counts = _option_counts(search.filtered(), [n for n in APART_FACETS if n not in in_use])
    for name in in_use:
        counts.update(_option_counts(search.filtered(exclude={name}), [name]))
    return counts


def _counts_from_rows(search: BaseVacancyFilterSet) -> Counts:
    """``_all_counts`` by aggregating the matching rows (one to six grouped queries)."""
    total, counts = _grouped_counts(search.filtered())
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
        sizes[dimension or "facets"] = len(cube)
    facts = kept_counts.recompute(APART_KEY, lambda: _apart_counts(search))
    sizes["facts"] = sum(len(options) for options in facts.values())
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
    for row in cube:
        values, n = row[:width], row[-1]
        if dimension and not in_search(row[width]):
            continue
        misses = [
            i for i, wanted in enumerate(chosen) if wanted is not None and values[i] not in wanted
        ]
        if not misses:
            total += n
            for name, value in zip(names, values, strict=True):
                counts[name][value] += n
        elif len(misses) == 1:
            counts[names[misses[0]]][values[misses[0]]] += n
    return total, counts
