"""Loading the offline UK gazetteer (GeoNames, CC BY 4.0) into ``Place``."""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.utils.text import slugify

GAZETTEER_CSV = Path(__file__).resolve().parent / "data" / "gb_places.csv"


@dataclass(frozen=True)
class PlaceRow:
    name: str
    slug: str
    county: str
    nation: str
    lat: float
    lng: float


def read_rows(path: Path = GAZETTEER_CSV) -> Iterator[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        yield from csv.DictReader(handle)


def with_unique_slugs(rows: Iterable[dict[str, str]]) -> list[PlaceRow]:
    """Give every place a stable, unique slug.

    A name that occurs once keeps its plain slug (``leeds``). A name shared by several places
    takes its county (``newport-newport``, ``newport-isle-of-wight``), and a numeric suffix
    only if name and county still clash, so links stay readable and never collide.
    """
    rows = list(rows)
    name_counts = Counter(slugify(r["name"]) for r in rows)
    taken: set[str] = set()
    result: list[PlaceRow] = []
    for r in rows:
        base = slugify(r["name"]) or "place"
        slug = base if name_counts[base] == 1 else slugify(f"{r['name']} {r['county']}") or base
        candidate, n = slug, 2
        while candidate in taken:
            candidate, n = f"{slug}-{n}", n + 1
        taken.add(candidate)
        result.append(
            PlaceRow(
                name=r["name"],
                slug=candidate,
                county=r["county"],
                nation=r["nation"],
                lat=float(r["lat"]),
                lng=float(r["lng"]),
            )
        )
    return result


def load_places(place_model, *, path: Path = GAZETTEER_CSV) -> tuple[int, int]:
    """Insert missing places and refresh existing ones by slug; return (created, updated)."""
    rows = with_unique_slugs(read_rows(path))
    existing = {p.slug: p for p in place_model.objects.all()}
    to_create, to_update = [], []
    for row in rows:
        place = existing.get(row.slug)
        fields = {
            "name": row.name,
            "county": row.county,
            "nation": row.nation,
            "lat": row.lat,
            "lng": row.lng,
        }
        if place is None:
            to_create.append(place_model(slug=row.slug, **fields))
        elif any(getattr(place, k) != v for k, v in fields.items()):
            for k, v in fields.items():
                setattr(place, k, v)
            to_update.append(place)
    place_model.objects.bulk_create(to_create, batch_size=500)
    place_model.objects.bulk_update(
        to_update, ["name", "county", "nation", "lat", "lng"], batch_size=500
    )
    return len(to_create), len(to_update)
