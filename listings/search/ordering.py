"""The sorts of the search, each with a stable tie-break so pages never overlap.

``depth`` (how many results from the top the caller will read) is an argument, never state
on the search: it lets a nearest-first sort look only as far as the page it shows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import F, QuerySet

from listings.search.backends import backend
from listings.search.geo import distance_subquery
from listings.search.params import Sort

if TYPE_CHECKING:
    from listings.search.filterset import BaseVacancyFilterSet

# Each ring of places a nearest-first sort tries is this many times the last.
NEAREST_RING_GROWTH = 4


def ordered(search: BaseVacancyFilterSet, queryset: QuerySet, *, depth: int | None) -> QuerySet:
    """``queryset`` (the search's matches) in the order the search asks for."""
    sort = search.sort_choice
    if sort == Sort.RELEVANCE:
        return (
            backend()
            .ranked(queryset, search.data.get("q", ""), now=search.now)
            .order_by("-rank", "-published_at", "-id")
        )
    if sort == Sort.CLOSING:
        return queryset.order_by("closes_at", "id")
    if sort == Sort.SALARY:
        return queryset.order_by(
            F("salary_annual_max").desc(nulls_last=True), "-published_at", "-id"
        )
    if sort == Sort.DISTANCE and search.place is not None:
        ring = nearest_ring(search, queryset, depth=depth)
        if len(ring) < len(search.near_places):
            queryset = queryset.filter(backend().at_any_of(ring))
        return queryset.annotate(distance=distance_subquery(search.place, ring)).order_by(
            "distance", "-published_at", "-id"
        )
    return queryset.order_by("-published_at", "-id")


def nearest_ring(search: BaseVacancyFilterSet, queryset: QuerySet, *, depth: int | None) -> list:
    """The nearest places that hold the first ``depth`` results of a nearest-first sort.

    Sorting every vacancy within 50 miles of London by distance means computing the distance
    of 48,000 vacancies to show twenty. But the places are known nearest first, and a
    vacancy's distance is that of its nearest place, so the vacancies at the ``k`` nearest
    places come, in order, before all the others: if there are at least ``depth`` of them,
    the first ``depth`` results are theirs. The ring starts with the nearest place and grows
    fourfold (1, 4, 16, … places; a ring never splits places at the same distance) until it
    holds ``depth`` matching vacancies, each test a count capped at ``depth``. Without a
    ``depth`` (a caller that reads everything), or once the ring is the whole radius, it is
    every place within it.
    """
    places = search.near_places
    if depth is None:
        return [pk for pk, _miles in places]
    size = 1
    while size < len(places):
        while size < len(places) and places[size][1] == places[size - 1][1]:
            size += 1  # the same distance as the ring's farthest place: keep together
        ring = [pk for pk, _miles in places[:size]]
        within = queryset.filter(backend().at_any_of(ring)).order_by().values("pk")
        if within[:depth].count() >= depth:
            return ring
        size *= NEAREST_RING_GROWTH
    return [pk for pk, _miles in places]
