"""The vacancy search: the one interface the rest of the board uses.

Every face of the board (the HTML search and landing pages, the API, feeds, the widget,
related jobs, employer pages and the alert matcher) searches through these functions, so a
search means the same everywhere and an alert sends exactly what the same search URL shows::

    search = parse_search(request.GET, now=now)     # cleaned input, notices, place, sort
    results = search_page(search, number=2, with_facets=True)   # a page, total, facets
    search_vacancies(search, depth=20)              # sorted rows with result-card data
    search_matches(search)                          # the matching rows, unsorted
    search_total(search), facet_counts(search)      # from the kept counts
    search_changed()                                # a wide change (employers, staff edits)
    vacancies_removed(ids)                          # a bulk update ended these vacancies
    results.suggestion                              # "Did you mean …?" for a misspelt search
    reference_in(q)                                 # a job reference typed as the keywords
    refresh_search_words()                          # the beat: the words behind suggestions
    sync_search_phrases()                           # deploy: the vocabulary's phrase tokens

Inside: ``params`` (the registry of URL parameters), ``cleaning``, ``filterset``,
``backends`` (one per database), ``keywords`` and ``vocabulary`` (the care sector's words,
``vocabulary.toml``), ``phrases`` (its phrases as lexemes of the search vector), ``suggest``, ``geo``, ``ordering``, ``facets``, ``results``,
``describe`` and ``cache``. See docs/architecture.md.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone

from listings.models import Profession, Vacancy
from listings.search import ordering
from listings.search.backends import backend
from listings.search.cache import (
    PageEntry,
    cache_anonymous_page,
    cached_data,
    cached_render,
    first_closing,
    keep_data,
    keep_page,
    page_entry,
    search_changed,
    vacancies_removed,
)
from listings.search.cleaning import parse_whole_number
from listings.search.describe import Chip, miles_text, posted_label
from listings.search.facets import Facet, FacetOption, facet_counts, search_counts, search_total
from listings.search.facets import warm_cubes as _warm_cubes
from listings.search.filterset import BaseVacancyFilterSet as Search
from listings.search.filterset import VacancyFilterSet
from listings.search.geo import (
    add_distances,
    haversine_miles,
    place_matches,
    place_suggestions,
    places_within,
    resolve_place,
)
from listings.search.keywords import reference_in, stem
from listings.search.params import (
    BY_NAME,
    DEFAULT_RADIUS,
    MATCH_PARTS,
    MAX_RADIUS,
    NAMES,
    PARAMS,
    POSTED_CHOICES,
    RADIUS_CHOICES,
    SALARY_CHOICES,
    Param,
    Sort,
    with_asked,
)
from listings.search.phrases import sync_search_phrases, vocabulary_phrases
from listings.search.results import (
    MAX_PAGES,
    PAGE_SIZE,
    SearchResults,
    read_page_number,
    results_page,
)
from listings.search.suggest import Suggestion, did_you_mean, refresh_search_words
from listings.search.where import (
    Area,
    Origin,
    PlaceSuggestion,
    Where,
    address_region,
    authority_of,
    nearest_place,
    place_label,
    postcode_authority,
    postcode_origin,
    resolve_where,
    where_place,
)
from listings.search.where import suggestions as location_suggestions

__all__ = [
    "BY_NAME",
    "DEFAULT_RADIUS",
    "MATCH_PARTS",
    "MAX_PAGES",
    "MAX_RADIUS",
    "NAMES",
    "PAGE_SIZE",
    "PARAMS",
    "POSTED_CHOICES",
    "RADIUS_CHOICES",
    "SALARY_CHOICES",
    "Chip",
    "Facet",
    "FacetOption",
    "Param",
    "Search",
    "SearchResults",
    "Sort",
    "Suggestion",
    "add_distances",
    "cache_anonymous_page",
    "cached_data",
    "cached_render",
    "did_you_mean",
    "facet_counts",
    "first_closing",
    "haversine_miles",
    "keep_data",
    "keep_page",
    "live_vacancies",
    "miles_text",
    "parse_search",
    "posted_label",
    "parse_whole_number",
    "place_matches",
    "place_suggestions",
    "places_within",
    "resolve_where",
    "nearest_place",
    "postcode_authority",
    "postcode_origin",
    "location_suggestions",
    "place_label",
    "address_region",
    "authority_of",
    "Area",
    "Origin",
    "Where",
    "PlaceSuggestion",
    "professions_with_live_counts",
    "rank_related",
    "read_page_number",
    "reference_in",
    "refresh_search_words",
    "resolve_place",
    "search_changed",
    "vacancies_removed",
    "page_entry",
    "PageEntry",
    "search_matches",
    "search_page",
    "search_total",
    "search_vacancies",
    "stem",
    "sync_search_phrases",
    "vocabulary_phrases",
    "warm_cubes",
    "where_place",
    "with_asked",
]


def parse_search(
    params=None,
    *,
    now=None,
    within: QuerySet | None = None,
    professions: dict[str, Profession] | None = None,
    place_resolver=None,
) -> Search:
    """A search from URL parameters (a QueryDict, a dict, or a query string).

    Input is cleaned, never refused: what could not be used is dropped with a notice
    (``search.notices``). ``within`` narrows the vacancies searched (default: live at
    ``now``); ``professions`` and ``place_resolver`` let a caller that parses thousands of
    searches read that reference data once.
    """
    if isinstance(params, str):
        params = QueryDict(params.lstrip("?"))
    return VacancyFilterSet(
        data=params if params is not None else QueryDict(),
        queryset=within,
        now=now or timezone.now(),
        professions=professions,
        place_resolver=place_resolver,
    )


def _as_search(search_or_params, now=None) -> Search:
    if isinstance(search_or_params, Search):
        return search_or_params
    return parse_search(search_or_params, now=now)


def search_page(
    search_or_params,
    *,
    now=None,
    number: int | None = None,
    size: int = PAGE_SIZE,
    max_pages: int = MAX_PAGES,
    with_facets: bool = False,
    past_the_end: str = "last",
) -> SearchResults:
    """One page of a search with its total (and facets). ``number`` defaults to the
    ``page`` parameter, read forgivingly (a notice for one that is not a number)."""
    search = _as_search(search_or_params, now)
    notices: list[str] = []
    if number is None:
        raw = search_or_params.get("page") if not isinstance(search_or_params, Search) else None
        number = read_page_number(raw, notices)
    return results_page(
        search,
        number=number,
        size=size,
        max_pages=max_pages,
        with_facets=with_facets,
        past_the_end=past_the_end,
        notices=notices,
    )


def search_matches(search_or_params, *, now=None, exclude=()) -> QuerySet:
    """The vacancies matching every filter of the search (but those in ``exclude``),
    unsorted: for callers that narrow, count or rank them further."""
    return _as_search(search_or_params, now).filtered(exclude=exclude)


def search_vacancies(search_or_params, *, now=None, depth: int | None = None) -> QuerySet:
    """The search's vacancies, sorted, with result-card data loaded once.

    ``depth`` is how many results from the top the caller will read, when it knows: a
    nearest-first sort then looks only as far as that.
    """
    search = _as_search(search_or_params, now)
    rows = ordering.ordered(search, search.filtered(), depth=depth)
    return rows.select_related("employer", "profession").prefetch_related("places")


def rank_related(queryset: QuerySet, terms: list[tuple[str, int]]) -> QuerySet:
    """``queryset`` narrowed to vacancies matching any weighted term, annotated
    ``related_score`` by the database's keyword backend."""
    return backend().related(queryset, terms)


def professions_with_live_counts(*, now=None) -> list[Profession]:
    """Every profession with ``live_vacancy_count`` set, in display order.

    The counts are the profession facet of the unfiltered search, so they come from the same
    kept counts as ``/jobs/`` (one query for the professions when the cache is warm).
    """
    search = parse_search(now=now)
    counts = search_counts(search)[1]["profession"]
    professions = list(search.professions.values())
    for profession in professions:
        profession.live_vacancy_count = counts[profession.pk]
    return professions


def warm_cubes(*, now=None) -> dict[str, int]:
    """Count every facet cube afresh and keep it (the beat's ``warm-search-cubes``)."""
    return _warm_cubes(parse_search(now=now))


def live_vacancies(*, now=None) -> QuerySet:
    """Live vacancies with everything a result card shows loaded in a fixed number of queries."""
    return (
        Vacancy.objects.live(now=now)
        .select_related("employer", "profession")
        .prefetch_related("places")
    )
