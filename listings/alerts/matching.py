"""Which vacancies an alert gets: the search page's own search over what seekers can see.

An alert sends exactly what the same search URL shows, limited to vacancies published after
its high-water mark. A digest run matches many alerts at once with one ``Matcher``.
"""

from __future__ import annotations

import functools
from bisect import bisect_left
from collections import OrderedDict, defaultdict
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone

from listings.models import JobAlert, Profession, Vacancy
from listings.search import MATCH_PARTS, Search, parse_search, resolve_where


def search_filterset(query: str, *, now: datetime | None = None) -> Search:
    """The search page's own search for ``query`` over what seekers can see at ``now``.

    The one place alerts meet the search: whatever the page shows for a query string, an
    alert with that query string matches.
    """
    now = now or timezone.now()
    return parse_search(query, now=now, within=Vacancy.objects.live(now=now))


def normalise_query(query: str) -> str:
    """The search as the search page normalises it: known filters only, no paging or empties.

    Parts the page would ignore (an unknown place, letters in a salary) are dropped, so the
    alert stores exactly the search the seeker was shown.
    """
    return search_filterset(query).query_string()


def _filtered(filterset: Search, *, since: datetime | None) -> QuerySet[Vacancy]:
    if not filterset.is_valid():
        return Vacancy.objects.none()
    vacancies = filterset.filtered()
    if since is not None:
        vacancies = vacancies.filter(published_at__gt=since)
    return vacancies.order_by("-published_at", "-id")


def matching_vacancies(
    query: str, *, now: datetime, since: datetime | None = None
) -> QuerySet[Vacancy]:
    """Vacancies the search page shows for ``query`` at ``now``, published after ``since``.

    Newest first. A search the FilterSet rejects matches nothing rather than everything.
    """
    return _filtered(search_filterset(query, now=now), since=since)


def alert_new_vacancies(alert: JobAlert, *, now: datetime) -> QuerySet[Vacancy]:
    """What ``alert`` has not sent yet: live matches published after its high-water mark."""
    return matching_vacancies(alert.query, now=now, since=high_water_mark(alert, now=now))


def high_water_mark(alert: JobAlert, *, now: datetime) -> datetime:
    """The time up to which ``alert`` has been sent everything (its confirmation at first)."""
    return alert.last_sent_at or alert.confirmed_at or now


def describe_search(query: str) -> str:
    """A saved search in words: the search page's title and every other filter it applies.

    "Social Worker jobs within 10 miles of Leeds (Salary £30,000 or more)": the same labels
    as the search page's chips, so an alert never keeps a filter it does not mention.
    """
    return search_filterset(query).describe_in_full()


def query_parts(query: str) -> list[str]:
    """Split a search into its independent parts, each a query string of its own.

    The search ANDs its filters, so a search matches exactly the vacancies every one of its
    parts matches (the parts are the registry's, ``listings.search.MATCH_PARTS``: ``sort``
    only orders, and ``location`` goes with its ``radius``). Parameters the search does not
    know are left out, as it leaves them.
    """
    data = QueryDict(query)
    parts = []
    for keys in MATCH_PARTS:
        pairs = [(key, value) for key in keys for value in data.getlist(key)]
        if pairs:
            parts.append(urlencode(pairs))
    return parts


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _micros(moment: datetime) -> int:
    """A time as whole microseconds since the epoch: exact, for ordering and bisection."""
    return (moment - EPOCH) // timedelta(microseconds=1)


# How many search parts and whole searches a digest run keeps answered. Parts recur across
# searches (a profession, a town); 5,000 holds every part of the benchmark's 100,000 alerts,
# and bounds memory when a run meets more (docs/benchmarks.md). Whole searches do not recur:
# alerts arrive grouped by search.
PARTS_KEPT = 5000
NEWEST_KEPT = 64


class Matcher:
    """Matches many saved searches against the vacancies new since ``since``, at ``now``.

    Each distinct search part ("profession=social-worker", "location=leeds&radius=20") is
    run once through the search page's own FilterSet, over the live vacancies published since
    ``since``; a search's matches are the intersection of its parts' matches. A run over a
    hundred thousand alerts therefore runs the FilterSet a few thousand times, not once per
    alert, and holds only the new vacancies' ids in memory.
    """

    def __init__(self, *, now: datetime, since: datetime):
        self.now = now
        self.since = since
        self.base = Vacancy.objects.live(now=now).filter(published_at__gt=since)
        rows = self.base.values_list("id", "published_at")
        self.published: dict[int, datetime] = dict(rows.iterator(chunk_size=5000))
        # The most recently used parts only: a run's vocabulary of places, employers and
        # keywords is open-ended, and memory must not grow with it.
        self.parts: OrderedDict[str, frozenset[int]] = OrderedDict()
        self.newest: dict[str, list[int]] = {}
        self.newest_keys: dict[str, list[int]] = {}
        self.places_index: dict[int, list[int]] | None = None
        # Reference data every part's FilterSet needs, read once per run: the professions
        # and each place name's resolution (a few hundred names serve thousands of parts).
        self.professions = {p.slug: p for p in Profession.objects.all()}
        self.place_resolver = functools.lru_cache(maxsize=None)(resolve_where)

    def _by_place(self) -> dict[int, list[int]]:
        """The new vacancies of each place, read once: location parts look places up here."""
        if self.places_index is None:
            self.places_index = defaultdict(list)
            rows = Vacancy.places.through.objects.filter(
                vacancy_id__in=self.base.values("id")
            ).values_list("place_id", "vacancy_id")
            for place_id, vacancy_id in rows.iterator(chunk_size=5000):
                self.places_index[place_id].append(vacancy_id)
        return self.places_index

    def part(self, part: str) -> frozenset[int]:
        if part in self.parts:
            self.parts.move_to_end(part)
        else:
            while len(self.parts) >= PARTS_KEPT:
                self.parts.popitem(last=False)
            filterset = parse_search(
                part,
                within=self.base,
                now=self.now,
                professions=self.professions,
                place_resolver=self.place_resolver,
            )
            if part.startswith("location=") and filterset.is_valid():
                # The FilterSet's location filter (any of a vacancy's places within the
                # radius of the place it resolved), answered from the places read once
                # instead of one EXISTS query over every new vacancy per town.
                # (A postcode measures from its own point; an area takes the places inside.)
                if filterset.place is None and filterset.area is None:
                    self.parts[part] = frozenset(self.published)
                else:
                    by_place = self._by_place()
                    self.parts[part] = frozenset(
                        vacancy_id
                        for place_id in filterset.near_place_ids
                        for vacancy_id in by_place.get(place_id, ())
                    )
            elif filterset.is_valid():
                # Bounded by the new vacancies: one plain query, no server-side cursor.
                self.parts[part] = frozenset(filterset.filtered().values_list("id", flat=True))
            else:
                self.parts[part] = frozenset()
        return self.parts[part]

    def matches(self, query: str) -> list[int]:
        """Ids matching ``query`` among the new vacancies, newest first."""
        if query not in self.newest:
            if len(self.newest) >= NEWEST_KEPT:  # alerts come grouped by search: keep it small
                self.newest.clear()
                self.newest_keys.clear()
            ids: set[int] | frozenset[int] = self.published.keys()
            for part in sorted(query_parts(query), key=lambda p: len(self.part(p))):
                ids = self.part(part) & ids
                if not ids:
                    break
            published = self.published
            newest = sorted(ids, key=lambda i: (published[i], i), reverse=True)
            self.newest[query] = newest
            self.newest_keys[query] = [-_micros(published[i]) for i in newest]
        return self.newest[query]

    def since_mark(self, query: str, mark: datetime) -> list[int]:
        """Ids matching ``query`` published after ``mark``, newest first."""
        if mark < self.since:
            raise ValueError("This matcher does not reach back that far.")
        newest = self.matches(query)
        # Newest first, so the ones after the mark are a prefix: find its end by bisection.
        return newest[: bisect_left(self.newest_keys[query], -_micros(mark))]
