"""A page of results: the one way every face of the search reads its rows.

The HTML search, the API, the widget and the feeds all take a page here: the sorted search
yields only ids (narrow rows, often straight from the covering index), then the page's rows
are read by primary key with what a result card shows (late materialisation), and given
their distances when the search has a place. The total comes from the kept counts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from django.core.paginator import Page

from common.pagination import CountedPaginator
from listings.models import Place, Vacancy
from listings.search import ordering
from listings.search.describe import Chip
from listings.search.facets import AtLeast, Facet, facet_counts, search_total
from listings.search.geo import add_distances
from listings.search.params import FACET_FIELDS
from listings.search.suggest import Suggestion, did_you_mean

if TYPE_CHECKING:
    from listings.search.filterset import BaseVacancyFilterSet

PAGE_SIZE = 20
# Nobody reads past page 50; a bounded OFFSET keeps deep pages cheap and crawlers finite.
MAX_PAGES = 50


class BoundedPaginator(CountedPaginator):
    """A paginator told its count (from an unsorted COUNT) and capped at ``max_pages``."""

    def __init__(self, object_list, per_page, *, count: int, max_pages: int = MAX_PAGES):
        super().__init__(object_list, per_page, count=count)
        self.max_pages = max_pages

    @cached_property
    def all_pages(self) -> int:
        """Pages the whole result would need, without the cap."""
        return max(1, math.ceil(self.count / self.per_page))

    @cached_property
    def num_pages(self) -> int:
        return min(self.all_pages, self.max_pages)

    @property
    def is_capped(self) -> bool:
        return self.all_pages > self.max_pages


@dataclass
class SearchResults:
    """One page of a search: its rows (``page.object_list``), the total, facets, notices."""

    filterset: BaseVacancyFilterSet
    page: Page
    paginator: BoundedPaginator
    facets: list[Facet] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.paginator.count

    @property
    def total_is_capped(self) -> bool:
        """Whether the total was counted only as far as ``COUNT_CAP`` ("More than 1,000")."""
        return isinstance(self.paginator.count, AtLeast)

    @property
    def is_partial(self) -> bool:
        """Whether the total and the facets are still to come (a first search of its kind
        whose rows are counted after the response, ``facets.page_counts``): a page showing
        them is not kept, so the next visitor has the counts made meanwhile. (The facts'
        counts alone may come later on a kept page, as ``facets.fact_counts`` says.)"""
        return self.total_is_capped or any(
            option.count is None
            for facet in self.facets
            if facet.name in FACET_FIELDS
            for option in facet.options
        )

    @property
    def rows(self) -> list[Vacancy]:
        return self.page.object_list

    @property
    def chips(self) -> list[Chip]:
        return self.filterset.chips()

    @property
    def place(self) -> Place | None:
        return self.filterset.place

    @cached_property
    def suggestion(self) -> Suggestion | None:
        """The "Did you mean …?" for keywords that found little (read only by the faces that
        show it: a few queries, and only then)."""
        return did_you_mean(self.filterset, total=self.total)


def read_page_number(raw: str | None, notices: list[str]) -> int:
    """A page number from the URL; anything unusable means page 1, said plainly."""
    if raw in (None, ""):
        return 1
    text = str(raw).strip()
    if not text.isascii() or not text.isdigit() or len(text) > 9 or int(text) < 1:
        notices.append(f"“{text[:20]}” is not a page number, so here is the first page.")
        return 1
    return int(text)


def results_page(
    search: BaseVacancyFilterSet,
    *,
    number: int = 1,
    size: int = PAGE_SIZE,
    max_pages: int = MAX_PAGES,
    with_facets: bool = False,
    past_the_end: str = "last",
    notices: list[str] | tuple[str, ...] = (),
) -> SearchResults:
    """Page ``number`` of ``size`` results of ``search``, with the total (and facets).

    A page past the end is the last page, said in a notice (``past_the_end="last"``, the
    HTML search), or empty (``"empty"``, the API). The number of queries is bounded
    (the page's ids, its rows and their places, and the counts when not kept). ``notices``
    about the request itself (an unusable page number) follow the search's own.
    """
    notices = [*search.notices, *notices]
    if with_facets:
        total, facets = facet_counts(search)
    else:
        total, facets = search_total(search), []
    paginator = BoundedPaginator([], size, count=total, max_pages=max_pages)
    if number > paginator.num_pages and past_the_end == "last":
        if paginator.is_capped:
            notices.append(
                f"We show the first {paginator.num_pages} pages of results. Narrow your search "
                "with the filters to see the rest."
            )
        else:
            notices.append(
                f"There are only {paginator.num_pages} "
                f"page{'s' if paginator.num_pages != 1 else ''} of results, "
                "so here is the last one."
            )
        number = paginator.num_pages
    if number <= paginator.num_pages:
        # The sort is built once the page is known: a nearest-first sort looks only as far.
        ids = ordering.ordered(search, search.filtered(), depth=number * size)
        paginator.object_list = ids.values_list("pk", flat=True)
        page = paginator.page(number)
        page.object_list = materialise(list(page.object_list))
    else:
        page = Page([], number, paginator)
    if search.place is not None:
        add_distances(page.object_list, search.place)
    return SearchResults(
        filterset=search, page=page, paginator=paginator, facets=facets, notices=notices
    )


def materialise(ids: list[int]) -> list[Vacancy]:
    """Full result rows for ``ids``, in that order, with what a result card shows."""
    if not ids:
        return []
    rows = (
        Vacancy.objects.filter(pk__in=ids)
        .select_related("employer", "profession")
        .prefetch_related("places")
        .order_by()
    )
    by_id = {vacancy.pk: vacancy for vacancy in rows}
    return [by_id[pk] for pk in ids if pk in by_id]
