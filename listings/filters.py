"""The one vacancy search: every face of the board (HTML, landing pages, API, feeds, widget,
alert matcher) filters with ``VacancyFilterSet`` so a search means the same everywhere.

Usage::

    filterset = VacancyFilterSet(data=request.GET, now=now)
    filterset.qs                  # live vacancies, filtered and sorted
    filterset.notices             # plain sentences about input that was ignored
    filterset.chips()             # active filters, each with the query string that removes it
    filterset.query_string()      # the search as a normalised query string (alerts store this)
    filterset.describe()          # "Social Worker jobs within 10 miles of Leeds"

Input is never trusted: unknown choices, letters in numbers, values out of range and odd
characters are dropped *before* the form sees them, each with a notice, so a hostile URL
still gives a page (never an error) and the rest of the search still applies.

Keyword search uses PostgreSQL full text (``websearch_to_tsquery('english', q)`` against the
trigger-maintained ``search_vector``, ranked with ``ts_rank``). SQLite, used for local work
and the first CI pass, has no such thing: there every word must appear (case-insensitively)
in the title, profession, employer name or description, after dropping a plural "s"/"ies",
and relevance counts how many words the title contains.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import timedelta
from functools import cached_property
from urllib.parse import urlencode

import django_filters
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import (
    Case,
    Exists,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import ASin, Cos, Least, Power, Radians, Sin, Sqrt
from django.http import QueryDict
from django.utils import timezone
from django.utils.text import slugify

from employers.models import Employer, Sector
from listings.models import (
    ContractType,
    Place,
    Profession,
    Vacancy,
    WorkingPattern,
    Workplace,
)

EARTH_RADIUS_MILES = 3958.8
MILES_PER_DEGREE_LAT = 69.05

DEFAULT_RADIUS = 10
MAX_RADIUS = 200
RADIUS_CHOICES = (1, 3, 5, 10, 15, 20, 30, 50, 100)
MAX_SALARY = 1_000_000
SALARY_CHOICES = (20_000, 25_000, 30_000, 35_000, 40_000, 45_000, 50_000, 60_000, 80_000)
MAX_POSTED_DAYS = 365
POSTED_CHOICES = ((1, "Last 24 hours"), (3, "Last 3 days"), (7, "Last 7 days"), (14, "Last 14 days"), (30, "Last 30 days"))  # fmt: skip
MAX_QUERY_LENGTH = 200
MAX_LOCATION_LENGTH = 100
MAX_VALUES_PER_FILTER = 20
MAX_SQLITE_TERMS = 8


# How many of the newest keyword matches a relevance sort ranks: at least every result that
# pagination can reach (50 pages of 20 on the page, 50 of 50 in the API; a test checks).
RELEVANCE_WINDOW = 2500


# Each ring of places a nearest-first sort tries is this many times the last (see
# ``VacancyFilterSet.nearest_ring``).
NEAREST_RING_GROWTH = 4


class Sort:
    RELEVANCE = "relevance"
    NEWEST = "newest"
    CLOSING = "closing"
    SALARY = "salary"
    DISTANCE = "distance"

    CHOICES = (
        (RELEVANCE, "Relevance"),
        (NEWEST, "Newest"),
        (CLOSING, "Closing soonest"),
        (SALARY, "Highest salary"),
        (DISTANCE, "Nearest"),
    )
    LABELS = dict(CHOICES)


# The URL contract's parameters, in the order a normalised query string lists them.
PARAMS = (
    "q",
    "location",
    "radius",
    "profession",
    "contract",
    "pattern",
    "workplace",
    "sector",
    "employer",
    "salary_min",
    "posted",
    "sort",
)
MULTI_VALUE = ("profession", "contract", "pattern", "workplace", "sector")
# Facets: a multi-value filter and the column its counts group by.
FACET_FIELDS = {
    "profession": "profession_id",
    "contract": "contract_type",
    "pattern": "working_pattern",
    "workplace": "workplace",
    "sector": "employer__sector",
}
FILTER_LABELS = {
    "profession": "profession",
    "contract": "contract type",
    "pattern": "working pattern",
    "workplace": "workplace",
    "sector": "sector",
}

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]")
_NUMBER = re.compile(r"^£?\s*([0-9][0-9,]*)(\.[0-9]+)?\s*(k)?$", re.IGNORECASE)


@dataclass(frozen=True)
class Chip:
    """One active filter as the page shows it, with the query string that removes it."""

    param: str
    value: str
    label: str
    remove_query: str


def clean_text(value: str, *, limit: int) -> tuple[str, bool]:
    """Normalise user text (NFC, no control or invisible characters, single spaces).

    Returns the text and whether anything had to be cut or removed.
    """
    normalised = unicodedata.normalize("NFKC", value)
    stripped = _CONTROL.sub(" ", normalised)
    text = " ".join(stripped.split())
    changed = stripped != normalised
    if len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
        changed = True
    return text, changed


def parse_whole_number(value: str) -> int | None:
    """Read "35000", "35,000", "£35,000" or "35k" as a whole number; anything else is None."""
    match = _NUMBER.match(value.strip())
    if not match:
        return None
    number = float(match.group(1).replace(",", "") + (match.group(2) or ""))
    if match.group(3):
        number *= 1000
    if not math.isfinite(number) or number > 10**12:
        return None
    return int(number)


def distance_expression(lat_field: str, lng_field: str, *, lat: float, lng: float):
    """SQL for the great-circle (haversine) distance in miles from a point to a row's lat/lng.

    Built from Django's portable math functions, so it runs on PostgreSQL and SQLite alike.
    ``Least(..., 1)`` guards ASIN against rounding just above 1 for antipodal points.
    """
    half_dlat = Radians(F(lat_field) - Value(lat)) / Value(2.0)
    half_dlng = Radians(F(lng_field) - Value(lng)) / Value(2.0)
    a = Power(Sin(half_dlat), 2) + Value(math.cos(math.radians(lat))) * Cos(
        Radians(F(lat_field))
    ) * Power(Sin(half_dlng), 2)
    return Value(2.0 * EARTH_RADIUS_MILES) * ASin(
        Least(Sqrt(a), Value(1.0), output_field=FloatField()), output_field=FloatField()
    )


def haversine_miles(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """The same distance as ``distance_expression``, in Python, for labels on result cards."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat: float, lng: float, miles: float) -> dict[str, float]:
    """A latitude/longitude box that contains every point within ``miles`` of (lat, lng).

    The indexed prefilter: the exact haversine then runs only on places inside it.
    """
    dlat = miles / MILES_PER_DEGREE_LAT
    dlng = miles / (MILES_PER_DEGREE_LAT * max(math.cos(math.radians(lat)), 0.01))
    return {"south": lat - dlat, "north": lat + dlat, "west": lng - dlng, "east": lng + dlng}


def places_within(place: Place, miles: float) -> QuerySet:
    """Ids of gazetteer places within ``miles`` of ``place`` (box prefilter, then exact)."""
    return places_by_distance(place, miles).values("pk")


def places_by_distance(place: Place, miles: float) -> QuerySet:
    """Gazetteer places within ``miles`` of ``place``, nearest first, annotated ``miles``."""
    return (
        Place.objects.in_box(**bounding_box(place.lat, place.lng, miles))
        .annotate(miles=distance_expression("lat", "lng", lat=place.lat, lng=place.lng))
        .filter(miles__lte=miles)
        .order_by("miles", "pk")
    )


def resolve_place(text: str) -> Place | None:
    """Find the gazetteer place a seeker meant: a slug, a name, or "Name, County".

    One query; where a name is shared ("Newport") the county, if given, decides, otherwise
    the first in the gazetteer's order.
    """
    text = text.strip()
    if not text:
        return None
    name, _, county = (part.strip() for part in text.partition(","))
    slug = slugify(text)
    candidates = list(Place.objects.filter(Q(slug=slug) | Q(name__iexact=name))[:50])
    for place in candidates:
        if place.slug == slug:
            return place
    if county:
        for place in candidates:
            if place.county.lower() == county.lower():
                return place
    return candidates[0] if candidates else None


def _simple_stem(term: str) -> str:
    """Drop a plural ending so "nurses" finds "Nurse" without PostgreSQL's stemmer."""
    if len(term) > 4 and term.endswith("ies"):
        return term[:-3] + "y"
    if len(term) > 3 and term.endswith("s") and not term.endswith("ss"):
        return term[:-1]
    return term


def _sqlite_terms(q: str) -> list[str]:
    words = re.findall(r"\w+", q.lower())
    terms = [_simple_stem(w) for w in words if w not in {"or", "and", "not"}]
    return list(dict.fromkeys(terms))[:MAX_SQLITE_TERMS]


class VacancyFilterSet(django_filters.FilterSet):
    """The vacancy search of the public URL contract (see docs/linking.md).

    ``VacancyFilterSet(data=querydict, queryset=None, request=None, now=None)``: ``queryset``
    defaults to the vacancies live at ``now``; pass another (for example "published since
    the last alert") to search within it. OR within a multi-value filter, AND across filters.
    """

    q = django_filters.CharFilter(method="filter_keywords", label="Keywords")
    location = django_filters.CharFilter(method="filter_location", label="Location")
    radius = django_filters.NumberFilter(method="filter_nothing", label="Distance (miles)")
    profession = django_filters.MultipleChoiceFilter(
        field_name="profession_id", method="filter_in", label="Profession", choices=()
    )
    contract = django_filters.MultipleChoiceFilter(
        field_name="contract_type", method="filter_in", choices=ContractType.choices
    )
    pattern = django_filters.MultipleChoiceFilter(
        field_name="working_pattern", method="filter_in", choices=WorkingPattern.choices
    )
    workplace = django_filters.MultipleChoiceFilter(
        field_name="workplace", method="filter_in", choices=Workplace.choices
    )
    sector = django_filters.MultipleChoiceFilter(
        field_name="employer__sector", method="filter_in", choices=Sector.choices
    )
    employer = django_filters.CharFilter(field_name="employer__slug", method="filter_employer")
    salary_min = django_filters.NumberFilter(method="filter_salary", label="Minimum salary")
    posted = django_filters.NumberFilter(method="filter_posted", label="Posted within (days)")
    sort = django_filters.ChoiceFilter(
        choices=Sort.CHOICES, method="filter_nothing", label="Sort by"
    )

    class Meta:
        model = Vacancy
        fields: list[str] = []

    def __init__(
        self,
        data=None,
        queryset=None,
        *,
        request=None,
        prefix=None,
        now=None,
        professions: dict[str, Profession] | None = None,
        place_resolver=None,
    ):
        """``professions`` (by slug) and ``place_resolver`` (``resolve_place`` or a memo of
        it) let a caller that builds thousands of filter sets, such as the alert matcher,
        look the reference data up once; the search page leaves them out."""
        self.now = now or timezone.now()
        if queryset is None:
            queryset = Vacancy.objects.live(now=self.now)
        self.notices: list[str] = []
        if professions is None:
            professions = {p.slug: p for p in Profession.objects.all()}
        self.professions = professions
        self._resolve_place = place_resolver or resolve_place
        self.place: Place | None = None
        self.employer_obj: Employer | None = None
        self.sort_choice = Sort.NEWEST
        # How many results the caller will read from the top of ``qs`` (the end of the page
        # it shows), when it knows: it lets a nearest-first sort look only as far as needed.
        self.depth: int | None = None
        clean = self._sanitise(data if data is not None else QueryDict())
        super().__init__(clean, queryset, request=request, prefix=prefix)
        self.filters["profession"].extra["choices"] = [
            (slug, p.name) for slug, p in self.professions.items()
        ]

    # --- input -----------------------------------------------------------------------------
    def _sanitise(self, data) -> QueryDict:
        """Keep only values that make sense; say in plain words what was dropped."""
        getlist = data.getlist if hasattr(data, "getlist") else lambda k: _as_list(data.get(k))
        out = QueryDict(mutable=True)
        notices = self.notices

        raw_q = _last(getlist("q"))
        if raw_q:
            q, changed = clean_text(raw_q, limit=MAX_QUERY_LENGTH)
            if changed:
                notices.append(
                    f"Your keywords were shortened to {MAX_QUERY_LENGTH} characters "
                    "or had hidden characters removed."
                    if len(raw_q) > MAX_QUERY_LENGTH
                    else "Hidden or control characters were removed from your keywords."
                )
            if q:
                out["q"] = q

        raw_location = _last(getlist("location"))
        if raw_location:
            text, _ = clean_text(raw_location, limit=MAX_LOCATION_LENGTH)
            place = self._resolve_place(text) if text else None
            if place is None:
                notices.append(
                    f"We could not find a UK place called “{text or raw_location[:40]}”, "
                    "so we are showing jobs everywhere."
                )
            else:
                self.place = place
                out["location"] = place.slug

        raw_radius = _last(getlist("radius"))
        if raw_radius:
            radius = parse_whole_number(raw_radius)
            if radius is None or radius < 1:
                notices.append(
                    f"“{raw_radius[:20]}” is not a distance we can use: distances are whole "
                    f"miles from 1 to {MAX_RADIUS}."
                )
            elif radius > MAX_RADIUS:
                notices.append(f"The largest distance is {MAX_RADIUS} miles, so we used that.")
                radius = MAX_RADIUS
            if radius is not None and radius >= 1:
                if self.place is None and "location" not in data:
                    # An empty location box (the form always sends one) is not worth a word.
                    notices.append("A distance needs a place, so it was ignored.")
                elif self.place is not None:
                    out["radius"] = str(min(radius, MAX_RADIUS))

        for name in MULTI_VALUE:
            values = [v.strip() for v in getlist(name) if v and v.strip()]
            known = self._choices_for(name)
            kept, unknown = [], []
            for value in dict.fromkeys(values):
                (kept if value in known else unknown).append(value)
            if unknown:
                shown = ", ".join(f"“{v[:40]}”" for v in unknown[:3])
                notices.append(f"We ignored an unknown {FILTER_LABELS[name]}: {shown}.")
            if len(kept) > MAX_VALUES_PER_FILTER:
                kept = kept[:MAX_VALUES_PER_FILTER]
            if kept:
                out.setlist(name, kept)

        raw_employer = _last(getlist("employer"))
        if raw_employer:
            slug = slugify(raw_employer)[:220]
            employer = Employer.objects.filter(slug=slug).first() if slug else None
            if employer is None:
                notices.append(f"We could not find the employer “{raw_employer[:60]}”.")
            else:
                self.employer_obj = employer
                out["employer"] = employer.slug

        raw_salary = _last(getlist("salary_min"))
        if raw_salary:
            salary = parse_whole_number(raw_salary)
            if salary is None or not 0 < salary <= MAX_SALARY:
                notices.append(
                    f"“{raw_salary[:20]}” is not a salary we can use: give a yearly amount "
                    f"in pounds up to £{MAX_SALARY:,}."
                )
            else:
                out["salary_min"] = str(salary)

        raw_posted = _last(getlist("posted"))
        if raw_posted:
            days = parse_whole_number(raw_posted)
            if days is None or not 1 <= days <= MAX_POSTED_DAYS:
                notices.append(
                    f"“{raw_posted[:20]}” is not a number of days we can use "
                    f"(1 to {MAX_POSTED_DAYS})."
                )
            else:
                out["posted"] = str(days)

        raw_sort = _last(getlist("sort"))
        if raw_sort and raw_sort not in Sort.LABELS:
            notices.append(f"We do not know how to sort by “{raw_sort[:20]}”.")
        elif raw_sort == Sort.DISTANCE and self.place is None:
            notices.append("Sorting by distance needs a place, so the newest jobs come first.")
        elif raw_sort == Sort.RELEVANCE and "q" not in out:
            pass  # relevance without keywords is simply the default order
        elif raw_sort:
            out["sort"] = raw_sort
        default_sort = Sort.RELEVANCE if "q" in out else Sort.NEWEST
        if out.get("sort") == default_sort:
            del out["sort"]
        if out.get("radius") == str(DEFAULT_RADIUS):
            del out["radius"]
        self.sort_choice = out.get("sort") or default_sort
        out._mutable = False
        return out

    def _choices_for(self, name: str) -> set[str]:
        if name == "profession":
            return set(self.professions)
        return {value for value, _label in self.base_filters[name].extra["choices"]}

    @property
    def radius_miles(self) -> int | None:
        """The radius in miles when a place is given (the default if none was asked for)."""
        if self.place is None:
            return None
        return int(self.data.get("radius") or DEFAULT_RADIUS)

    # --- filters ---------------------------------------------------------------------------
    def filter_nothing(self, queryset, name, value):
        """Parameters that shape other filters (radius) or the order (sort), not the rows."""
        return queryset

    def filter_in(self, queryset, name, value):
        if name == "profession_id":
            value = [self.professions[slug].pk for slug in value if slug in self.professions]
        return queryset.filter(**{f"{name}__in": list(value)})

    def filter_employer(self, queryset, name, value):
        if self.employer_obj is not None:
            return queryset.filter(employer_id=self.employer_obj.pk)
        return queryset.filter(employer__slug=value)

    def filter_salary(self, queryset, name, value):
        """The top of the range (annual equivalent) reaches the amount; a single figure counts."""
        return queryset.filter(
            Q(salary_annual_max__gte=value)
            | Q(salary_annual_max__isnull=True, salary_annual_min__gte=value)
        )

    def filter_posted(self, queryset, name, value):
        return queryset.filter(published_at__gte=self.now - timedelta(days=int(value)))

    def filter_location(self, queryset, name, value):
        """Vacancies with ANY place within the radius."""
        if self.place is None:
            return queryset
        return queryset.filter(self.at_any_of(self.near_place_ids))

    @cached_property
    def near_places(self) -> list[tuple[int, float]]:
        """``(place id, miles)`` of the gazetteer places within the radius, nearest first.

        Found once per search (one small query). Handing the planner a list of ids, rather
        than the distance subquery itself, lets it use the vacancy-places index instead of
        re-running the haversine for every vacancy.
        """
        if self.place is None:
            return []
        return list(places_by_distance(self.place, self.radius_miles).values_list("pk", "miles"))

    @property
    def near_place_ids(self) -> list[int]:
        return [pk for pk, _miles in self.near_places]

    def filter_keywords(self, queryset, name, value):
        if connection.vendor == "postgresql":
            return queryset.filter(search_vector=self.search_query)
        for term in _sqlite_terms(value):
            queryset = queryset.filter(
                Q(title__icontains=term)
                | Q(profession__name__icontains=term)
                | Q(employer__name__icontains=term)
                | Q(description__icontains=term)
            )
        return queryset

    @property
    def search_query(self) -> SearchQuery:
        return SearchQuery(self.data.get("q", ""), search_type="websearch", config="english")

    # --- results ---------------------------------------------------------------------------
    def filter_queryset(self, queryset):
        return self.order(self.filtered(queryset))

    def filtered(self, queryset=None, *, exclude=()) -> QuerySet:
        """The rows matching every active filter except those named in ``exclude``, unsorted.

        Facets use it to count the options of one filter under all the others.
        """
        queryset = self.queryset.all() if queryset is None else queryset
        self.errors  # noqa: B018 - validates the form, filling cleaned_data
        for name, value in self.form.cleaned_data.items():
            if name in exclude or name == "sort":
                continue
            queryset = self.filters[name].filter(queryset, value)
        return queryset

    def order(self, queryset) -> QuerySet:
        """Apply the chosen sort, with a stable tie-break so pages never overlap."""
        sort = self.sort_choice
        if sort == Sort.RELEVANCE:
            if connection.vendor == "postgresql":
                queryset = self.relevance_window(queryset)
            return queryset.annotate(rank=self.rank_expression()).order_by(
                "-rank", "-published_at", "-id"
            )
        if sort == Sort.CLOSING:
            return queryset.order_by("closes_at", "id")
        if sort == Sort.SALARY:
            return queryset.order_by(
                F("salary_annual_max").desc(nulls_last=True), "-published_at", "-id"
            )
        if sort == Sort.DISTANCE and self.place is not None:
            ring = self.nearest_ring(queryset)
            if len(ring) < len(self.near_places):
                queryset = queryset.filter(self.at_any_of(ring))
            return queryset.annotate(distance=self.distance_subquery(ring)).order_by(
                "distance", "-published_at", "-id"
            )
        return queryset.order_by("-published_at", "-id")

    def relevance_window(self, queryset) -> QuerySet:
        """The newest ``RELEVANCE_WINDOW`` matches, which relevance then orders.

        A common word ("nurse") matches a fifth of the live vacancies; computing ``ts_rank``
        for all of them took 400 ms at a million vacancies, while no one can page past the
        first ``RELEVANCE_WINDOW`` results (HTML and API pagination are both capped below
        it). Only the window is ranked; the total still counts every match.
        """
        newest = queryset.order_by("-published_at", "-id").values("pk")[:RELEVANCE_WINDOW]
        return Vacancy.objects.filter(pk__in=newest)

    def rank_expression(self):
        if connection.vendor == "postgresql":
            return SearchRank(F("search_vector"), self.search_query)
        terms = _sqlite_terms(self.data.get("q", ""))
        score = Value(0, output_field=IntegerField())
        for term in terms:
            score = score + Case(
                When(title__icontains=term, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        return score

    def nearest_ring(self, queryset) -> list[int]:
        """The nearest places that hold the first ``depth`` results of a nearest-first sort.

        Sorting every vacancy within 50 miles of London by distance means computing the
        distance of 48,000 vacancies to show twenty. But the places are known nearest first,
        and a vacancy's distance is that of its nearest place, so the vacancies at the ``k``
        nearest places come, in order, before all the others: if there are at least
        ``depth`` of them, the first ``depth`` results are theirs. The ring starts with the
        nearest place and grows fourfold (1, 4, 16, … places; a ring never splits places at
        the same distance) until it holds ``depth`` matching vacancies, each test a count
        capped at ``depth``. Without a ``depth`` (a caller that reads everything), or once
        the ring is the whole radius, it is every place within it.
        """
        places = self.near_places
        if self.depth is None:
            return [pk for pk, _miles in places]
        size = 1
        while size < len(places):
            while size < len(places) and places[size][1] == places[size - 1][1]:
                size += 1  # the same distance as the ring's farthest place: keep together
            ring = [pk for pk, _miles in places[:size]]
            within = queryset.filter(self.at_any_of(ring)).order_by().values("pk")
            if within[: self.depth].count() >= self.depth:
                return ring
            size *= NEAREST_RING_GROWTH
        return [pk for pk, _miles in places]

    @staticmethod
    def at_any_of(place_ids: list[int]) -> Exists:
        """The vacancy has at least one of these places."""
        through = Vacancy.places.through
        return Exists(through.objects.filter(vacancy_id=OuterRef("pk"), place_id__in=place_ids))

    def distance_subquery(self, place_ids: list[int] | None = None):
        """The distance in miles from the search place to the nearest of a vacancy's places.

        Only places inside the radius (or the ring of ``nearest_ring``) can be the nearest.
        """
        through = Vacancy.places.through
        place = self.place
        place_ids = self.near_place_ids if place_ids is None else place_ids
        return Subquery(
            through.objects.filter(vacancy_id=OuterRef("pk"), place_id__in=place_ids)
            .annotate(
                miles=distance_expression("place__lat", "place__lng", lat=place.lat, lng=place.lng)
            )
            .order_by("miles")
            .values("miles")[:1],
            output_field=FloatField(),
        )

    # --- describing the search -------------------------------------------------------------
    def active(self) -> dict[str, list[str]]:
        """The cleaned parameters, in the URL contract's order, without defaults."""
        return {name: self.data.getlist(name) for name in PARAMS if self.data.getlist(name)}

    def query_string(self, *, without: tuple[str, str | None] | None = None, **extra) -> str:
        """The search as a normalised query string: contract order, values sorted, no empties.

        ``without=("contract", "bank")`` drops one value (or a whole parameter with ``None``);
        keyword arguments add or replace parameters (``page=2``).
        """
        params = self.active()
        if without:
            name, value = without
            if value is None:
                params.pop(name, None)
                if name == "location":
                    params.pop("radius", None)
                    if params.get("sort") == [Sort.DISTANCE]:
                        params.pop("sort")
                if name == "q" and params.get("sort") == [Sort.RELEVANCE]:
                    params.pop("sort")
            else:
                params[name] = [v for v in params.get(name, []) if v != value]
        for name, value in extra.items():
            params[name] = [str(value)]
        pairs = []
        for name, values in params.items():
            values = sorted(values) if name in MULTI_VALUE else values
            pairs.extend((name, v) for v in values if v != "")
        return urlencode(pairs)

    def label_for(self, name: str, value: str) -> str:
        if name == "profession":
            profession = self.professions.get(value)
            return profession.name if profession else value
        return dict(self.base_filters[name].extra["choices"]).get(value, value)

    def chips(self) -> list[Chip]:
        """The active filters as removable chips, in the URL contract's order."""
        chips: list[Chip] = []
        data = self.data

        def add(param, value, label):
            chips.append(Chip(param, value, label, self.query_string(without=(param, value))))

        if data.get("q"):
            add("q", None, f"Keywords: {data['q']}")
        if self.place is not None:
            add("location", None, f"Within {self.radius_miles} miles of {self.place.name}")
        for name in MULTI_VALUE:
            for value in data.getlist(name):
                label = self.label_for(name, value)
                add(name, value, f"Sector: {label}" if name == "sector" else label)
        if self.employer_obj is not None:
            add("employer", None, f"Employer: {self.employer_obj.name}")
        if data.get("salary_min"):
            add("salary_min", None, f"Salary £{int(data['salary_min']):,} or more")
        if data.get("posted"):
            days = int(data["posted"])
            add("posted", None, "Posted today" if days == 1 else f"Posted in the last {days} days")
        return chips

    def describe(self) -> str:
        """A short human title for the search ("Social Worker jobs in Leeds")."""
        professions = [self.label_for("profession", v) for v in self.data.getlist("profession")]
        what = " or ".join(professions) if professions else ""
        if self.data.get("q") and not what:
            what = f"“{self.data['q']}”"
        text = f"{what} jobs" if what else "Jobs"
        if self.place is not None:
            text += f" within {self.radius_miles} miles of {self.place.name}"
        if self.employer_obj is not None:
            text += f" at {self.employer_obj.name}"
        return text


def _as_list(value) -> list[str]:
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)]


def _last(values: list[str]) -> str:
    return values[-1] if values else ""
