"""Places and distance: which place a seeker meant, which places lie near it, how far.

Distances are great-circle (haversine) miles, computed in SQL from Django's portable math
functions so PostgreSQL and SQLite agree, after an indexed latitude/longitude box has cut the
gazetteer down to the places that can be inside the radius.
"""

from __future__ import annotations

import math
import re

from django.db.models import Exists, F, FloatField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import ASin, Cos, Least, Power, Radians, Sin, Sqrt
from django.utils.text import slugify

from listings.models import Place, Vacancy

EARTH_RADIUS_MILES = 3958.8
MILES_PER_DEGREE_LAT = 69.05
MAX_CANDIDATES = 50
_BRACKETED = re.compile(r"^(?P<name>[^()]+)\((?P<county>[^()]+)\)$")


# --- which place ----------------------------------------------------------------------------
def place_matches(text: str) -> list[Place]:
    """The gazetteer places ``text`` may mean, best first: the one lookup of a typed place.

    ``text`` is a slug (``newport-wales``), a name (``Newport``), or a name with its county
    (``Newport, Wales`` or ``Newport (Wales)``). A slug names one place; otherwise every place
    of that name, narrowed to the county when one is given and matches. One query.
    """
    text = " ".join(text.split())
    if not text:
        return []
    bracketed = _BRACKETED.match(text)
    if bracketed:
        name, county = bracketed["name"].strip(), bracketed["county"].strip()
    else:
        name, _, county = (part.strip() for part in text.partition(","))
    slug = slugify(text)
    candidates = list(
        Place.objects.towns().filter(Q(slug=slug) | Q(name__iexact=name))[:MAX_CANDIDATES]
    )
    by_slug = [place for place in candidates if place.slug == slug]
    if by_slug:
        return by_slug
    named = [place for place in candidates if place.name.lower() == name.lower()]
    if county:
        in_county = [place for place in named if place.county.lower() == county.lower()]
        if in_county:
            return in_county
    return named


def resolve_place(text: str) -> Place | None:
    """The place a search means by ``text``: the best of ``place_matches``, or None."""
    matches = place_matches(text)
    return matches[0] if matches else None


def place_suggestions(prefix: str, *, limit: int = 10):
    """Postcodes, towns and areas starting with ``prefix``, for the location autocomplete
    (``listings.search.where.suggestions``)."""
    from listings.search.where import suggestions

    return suggestions(prefix, limit=limit)


# --- distance -------------------------------------------------------------------------------
def distance_expression(lat_field: str, lng_field: str, *, lat: float, lng: float):
    """SQL for the haversine distance in miles from a point to a row's lat/lng.

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
    """A latitude/longitude box that contains every point within ``miles`` of (lat, lng)."""
    dlat = miles / MILES_PER_DEGREE_LAT
    dlng = miles / (MILES_PER_DEGREE_LAT * max(math.cos(math.radians(lat)), 0.01))
    return {"south": lat - dlat, "north": lat + dlat, "west": lng - dlng, "east": lng + dlng}


def places_by_distance(place: Place, miles: float) -> QuerySet:
    """Places within ``miles`` of ``place``, nearest first, annotated ``miles``: towns and
    the postcodes vacancies were placed at, each measured from its own point."""
    return (
        Place.objects.in_box(**bounding_box(place.lat, place.lng, miles))
        .annotate(miles=distance_expression("lat", "lng", lat=place.lat, lng=place.lng))
        .filter(miles__lte=miles)
        .order_by("miles", "pk")
    )


def places_within(place: Place, miles: float) -> QuerySet:
    """Ids of gazetteer places within ``miles`` of ``place`` (box prefilter, then exact)."""
    return places_by_distance(place, miles).values("pk")


def at_any_of(place_ids: list[int]) -> Exists:
    """The vacancy has at least one of these places."""
    through = Vacancy.places.through
    return Exists(through.objects.filter(vacancy_id=OuterRef("pk"), place_id__in=place_ids))


def distance_subquery(origin: Place, place_ids: list[int]) -> Subquery:
    """The distance in miles from ``origin`` to the nearest of a vacancy's places among
    ``place_ids`` (only places inside the radius can be the nearest)."""
    through = Vacancy.places.through
    return Subquery(
        through.objects.filter(vacancy_id=OuterRef("pk"), place_id__in=place_ids)
        .annotate(
            miles=distance_expression("place__lat", "place__lng", lat=origin.lat, lng=origin.lng)
        )
        .order_by("miles")
        .values("miles")[:1],
        output_field=FloatField(),
    )


def add_distances(vacancies, origin: Place) -> None:
    """Give each vacancy ``place_distances`` (nearest first) and ``distance`` in miles.

    Uses the prefetched places, so it costs no query.
    """
    for vacancy in vacancies:
        pairs = sorted(
            (
                (p, haversine_miles(origin.lat, origin.lng, p.lat, p.lng))
                for p in vacancy.places.all()
            ),
            key=lambda pair: pair[1],
        )
        vacancy.place_distances = pairs
        vacancy.distance = pairs[0][1] if pairs else None
