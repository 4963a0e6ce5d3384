"""Where a seeker means: a postcode, a town, or an area, resolved the same way everywhere.

``resolve_where(text)`` turns what was typed (or a slug from a link) into a ``Where``:

- a point (``Origin``) for a full postcode (any case, with or without the space), a postcode
  sector (``LS6 3``) or district (``LS6``), or a gazetteer town: radius and distance measure
  from it;
- an ``Area`` for a local authority (``Camden``), county (``West Yorkshire``), region
  (``Yorkshire and the Humber``) or nation (``Wales``): vacancies whose places lie inside;
- with ``alternatives`` when the name is shared ("Did you mean Newport, Isle of Wight?"):
  the most likely is searched (a nation, region or county first, then by size: the
  postcodes within 2 km of a town), never a silent guess.

The tables are the committed ones ``build_place_data`` derives from the ONS Postcode
Directory (``listings/data/``), read once per process; full postcodes come from the postcode
package (``listings.search.postcodes``).
"""

from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.db.models import Q
from django.utils.text import slugify

from listings.gazetteer import read_rows, with_unique_slugs
from listings.models import Place
from listings.search.postcodes import Directory, expand, package_dir

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
MAX_CANDIDATES = 50
_FULL = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})$")
_SECTOR = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ([0-9])$")
_DISTRICT = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)$")
_BRACKETED = re.compile(r"^(?P<name>[^()]+)\((?P<qualifier>[^()]+)\)$")
# How an area's kind is written after its name when a town shares it: "Leeds (council area)".
KIND_WORDS = {
    "nation": "nation",
    "region": "region",
    "county": "county",
    "authority": "council area",
}
TIERS = {"nation": 4, "region": 3, "county": 2, "authority": 1}
# Names people use for an area that the statistics call something else: the first area is
# searched, the others are offered ("Did you mean West Yorkshire? ..."), most likely first.
AREA_ALIASES = {
    "yorkshire": (
        "Yorkshire and the Humber",
        "North Yorkshire",
        "West Yorkshire",
        "South Yorkshire",
        "East Riding of Yorkshire",
    ),
    "east yorkshire": ("East Riding of Yorkshire",),
}


@dataclass(frozen=True)
class Origin:
    """A point a search measures from: a town or a postcode. Duck-types ``Place`` for the
    geometry (``lat``, ``lng``), the words (``name``, ``label``) and the link (``slug``)."""

    lat: float
    lng: float
    name: str
    label: str
    slug: str  # the value the URL keeps
    kind: str  # "place", "postcode", "sector" or "district"
    place: Place | None = None  # the gazetteer place, when it is one

    @property
    def is_postcode(self) -> bool:
        return self.kind != "place"


@dataclass(frozen=True)
class Area:
    """A local authority, county, region or nation: the authorities (codes) inside it."""

    kind: str
    name: str
    slug: str
    codes: frozenset[str]
    parent: str  # the county, region or nation it lies in ("" for a nation)
    size: int  # postcodes inside: the larger of two areas of one name comes first

    @property
    def label(self) -> str:
        return self.name

    @property
    def long_slug(self) -> str:
        """A slug no town can take: ``leeds-council-area``."""
        return slugify(f"{self.name} {KIND_WORDS[self.kind]}")

    def place_slugs(self) -> list[str]:
        """The gazetteer places that lie inside (by their nearest postcode's authority)."""
        lads = tables().place_lad
        return [slug for slug, (lad, _size) in lads.items() if lad in self.codes]

    def place_ids(self) -> list[int]:
        return list(
            Place.objects.filter(slug__in=self.place_slugs())
            .order_by()
            .values_list("pk", flat=True)
        )


@dataclass
class Where:
    """What a location text resolved to, and the other things it might have meant."""

    origin: Origin | None = None
    area: Area | None = None
    alternatives: list[tuple[str, str]] = field(default_factory=list)  # (label, value)
    notice: str = ""

    @property
    def found(self) -> bool:
        return self.origin is not None or self.area is not None

    @property
    def value(self) -> str:
        return self.origin.slug if self.origin else self.area.slug if self.area else ""

    @property
    def label(self) -> str:
        return self.origin.label if self.origin else self.area.label if self.area else ""


# --- the tables, once per process -----------------------------------------------------------
@dataclass
class Tables:
    authorities: dict[str, dict]
    districts: dict[str, dict]
    sectors: dict[str, tuple[float, float]]
    place_lad: dict[str, tuple[str, int]]
    place_names: Counter
    areas_by_key: dict[str, list[Area]]
    areas_by_slug: dict[str, Area]
    area_names: list[tuple[str, Area]]  # (lower-case name, area), for prefix suggestions
    directory: Directory


def _read(name: str) -> list[dict]:
    with (DATA_DIR / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _key(text: str) -> str:
    return " ".join(text.lower().replace("&", "and").split())


@cache
def tables() -> Tables:
    """Read the committed tables (about 1 MB of CSV) once per process."""
    authorities = {row["code"]: row for row in _read("local_authorities.csv")}
    districts = {}
    for row in _read("postcode_districts.csv"):
        districts[row["district"]] = {
            "lat": float(row["lat"]),
            "lng": float(row["lng"]),
            "lad": row["lad"],
            "e0": float(row["e0"]),
            "n0": float(row["n0"]),
            "lat_cf": tuple(float(row[f"lat{i}"]) for i in range(6)),
            "lng_cf": tuple(float(row[f"lng{i}"]) for i in range(6)),
        }
    sectors = {
        r["sector"]: (float(r["lat"]), float(r["lng"])) for r in _read("postcode_sectors.csv")
    }
    place_lad = {r["slug"]: (r["lad"], int(r["size"])) for r in _read("place_areas.csv")}
    gazetteer = with_unique_slugs(read_rows())
    place_names = Counter(_key(row.name) for row in gazetteer)
    place_slugs = {row.slug for row in gazetteer}

    grouped: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for row in authorities.values():
        grouped[("authority", row["name"])].append(row)
        if row["county"]:
            grouped[("county", row["county"])].append(row)
        if row["region"]:
            grouped[("region", row["region"])].append(row)
        grouped[("nation", row["nation"])].append(row)
    areas = []
    for (kind, name), rows in grouped.items():
        parent = {
            "authority": rows[0]["county"] or rows[0]["region"] or rows[0]["nation"],
            "county": rows[0]["region"],
            "region": rows[0]["nation"],
            "nation": "",
        }[kind]
        areas.append(
            Area(
                kind=kind,
                name=name,
                slug="",
                codes=frozenset(r["code"] for r in rows),
                parent=parent,
                size=sum(int(r["postcodes"]) for r in rows),
            )
        )
    areas.sort(key=lambda a: (-TIERS[a.kind], -a.size, a.name))
    by_slug: dict[str, Area] = {}
    by_key: dict[str, list[Area]] = defaultdict(list)
    named = []
    for area in areas:
        slug = slugify(area.name)
        # "West Midlands" the county, after the region; "Leeds" the council area, after the
        # town (a nation, region or county keeps its plain name: "wales" is the nation).
        if slug in by_slug or (area.kind == "authority" and slug in place_slugs):
            slug = slugify(f"{area.name} {KIND_WORDS[area.kind]}")
        area = Area(area.kind, area.name, slug, area.codes, area.parent, area.size)
        by_slug[slug] = area
        by_slug.setdefault(area.long_slug, area)
        by_key[_key(area.name)].append(area)
        named.append((_key(area.name), area))
    for alias, names in AREA_ALIASES.items():
        if alias not in by_key:
            by_key[alias] = [area for name in names for area in by_key.get(_key(name), ())]
    return Tables(
        authorities=authorities,
        districts=districts,
        sectors=sectors,
        place_lad=place_lad,
        place_names=place_names,
        areas_by_key=dict(by_key),
        areas_by_slug=by_slug,
        area_names=sorted(named, key=lambda pair: pair[0]),
        directory=Directory(package_dir()),
    )


# --- words -------------------------------------------------------------------------------
def authority_of(place: Place) -> dict | None:
    lad, _size = tables().place_lad.get(place.slug, ("", 0))
    return tables().authorities.get(lad)


def address_region(place: Place) -> str:
    """The region of a postal address for a town: its county, else its region, else its nation.

    "West Yorkshire" for Leeds, "Greater London" for Camden Town, "Wales" for Cardiff; never
    GeoNames' administrative name ("City and Borough of Leeds").
    """
    authority = authority_of(place)
    if authority is None:
        return place.nation
    return authority["county"] or authority["region"] or authority["nation"] or place.nation


def place_size(place: Place) -> int:
    return tables().place_lad.get(place.slug, ("", 0))[1]


def place_label(place: Place) -> str:
    """A town as people say it: "Leeds", "Headingley", "London", "Newport, Wales".

    The one label of a gazetteer place, on every page and in the API: its name, qualified
    only where another town or area shares it (by its council area, or its county or nation
    when that is the council's own name). The gazetteer's county is GeoNames' administrative
    name ("City and Borough of Leeds"), which nobody says; it qualifies only a shared name
    that no authority is known for.
    """
    authority = authority_of(place)
    t = tables()
    if authority is None:
        repeated = t.place_names[_key(place.name)] > 1 and place.county
        return f"{place.name}, {place.county}" if repeated else place.name
    lad, _size = t.place_lad[place.slug]
    key = _key(place.name)
    areas = t.areas_by_key.get(key, ())
    # An area of the town's own name that it lies in is no other meaning: London, London.
    shared = t.place_names[key] > 1 or any(
        (area.kind != "authority" or area.name != authority["name"]) and lad not in area.codes
        for area in areas
    )
    if shared:
        if _key(authority["name"]) != key:
            return f"{place.name}, {authority['name']}"
        return f"{place.name}, {authority['county'] or authority['nation']}"
    return place.name


def area_choice_label(area: Area) -> str:
    """An area's label where a town or another area shares its name: "Leeds (council area)"."""
    t = tables()
    shared = t.place_names[_key(area.name)] > 0 or len(t.areas_by_key[_key(area.name)]) > 1
    return f"{area.name} ({KIND_WORDS[area.kind]})" if shared else area.name


def _place_origin(place: Place) -> Origin:
    return Origin(
        lat=place.lat,
        lng=place.lng,
        name=place.name,
        label=place_label(place),
        slug=place.slug,
        kind="place",
        place=place,
    )


def where_place(place: Place) -> Where:
    """A gazetteer place already in hand as a search's location (no lookup by its name)."""
    return Where(origin=_place_origin(place))


# --- postcodes ------------------------------------------------------------------------------
def postcode_origin(text: str) -> Where | None:
    """A postcode, sector or district as a point; None when ``text`` is not shaped like one."""
    compact = " ".join(text.upper().split())
    t = tables()
    full = _FULL.match(compact)
    if full:
        outward, inward = full.groups()
        code = f"{outward} {inward}"
        district = t.districts.get(outward)
        grid = t.directory.grid_reference(code) if district else None
        if grid is not None:
            lat, lng = _grid_to_lat_lng(district, *grid)
            return Where(origin=Origin(lat, lng, code, code, code, "postcode"))
        sector = t.sectors.get(f"{outward} {inward[0]}")
        if sector is not None:
            name = f"{outward} {inward[0]}"
            return Where(
                origin=Origin(*sector, name, name, name, "sector"),
                notice=f"We could not find the postcode {code}, so we searched around {name}.",
            )
        return Where(notice=f"We could not find the postcode {code}.")
    sector = _SECTOR.match(compact)
    if sector and compact in t.sectors:
        return Where(origin=Origin(*t.sectors[compact], compact, compact, compact, "sector"))
    district = _DISTRICT.match(compact)
    if district and compact in t.districts:
        row = t.districts[compact]
        return Where(origin=Origin(row["lat"], row["lng"], compact, compact, compact, "district"))
    if sector or (district and any(c.isdigit() for c in compact)):
        return Where(notice=f"We could not find the postcode area {compact}.")
    return None


def _grid_to_lat_lng(district: dict, east: int, north: int) -> tuple[float, float]:
    x, y = east - district["e0"], north - district["n0"]
    return expand(district["lat_cf"], x, y), expand(district["lng_cf"], x, y)


def nearest_place(origin: Origin, *, miles: float = 30) -> Place | None:
    """The gazetteer town nearest a point (a postcode's), within ``miles``: one query."""
    if origin.place is not None:
        return origin.place
    from listings.search.geo import places_by_distance

    return places_by_distance(origin, miles).first()


# --- names ----------------------------------------------------------------------------------
def _split(text: str) -> tuple[str, str]:
    bracketed = _BRACKETED.match(text)
    if bracketed:
        return bracketed["name"].strip(), bracketed["qualifier"].strip()
    name, _, qualifier = (part.strip() for part in text.partition(","))
    return name, qualifier


def _place_qualifiers(place: Place) -> set[str]:
    authority = authority_of(place) or {}
    words = {
        place.county,
        place.nation,
        *(authority.get(k, "") for k in ("name", "county", "region", "nation")),
    }
    return {_key(w) for w in words if w}


def _area_qualifiers(area: Area) -> set[str]:
    return {_key(area.parent), KIND_WORDS[area.kind], area.kind} - {""}


def candidates(text: str) -> list[Place | Area]:
    """Every place and area ``text`` may mean, most likely first (one query for places)."""
    text = " ".join(text.split())
    if not text:
        return []
    t = tables()
    slug = slugify(text)
    name, qualifier = _split(text)
    places = list(Place.objects.filter(Q(slug=slug) | Q(name__iexact=name))[:MAX_CANDIDATES])
    by_slug_place = [p for p in places if p.slug == slug]
    by_slug_area = t.areas_by_slug.get(slug)
    named_places = [p for p in places if _key(p.name) == _key(name)]
    named_areas = list(t.areas_by_key.get(_key(name), ()))
    if qualifier:
        q = _key(qualifier)
        narrowed_places = [p for p in named_places if q in _place_qualifiers(p)]
        narrowed_areas = [a for a in named_areas if q in _area_qualifiers(a)]
        if narrowed_places or narrowed_areas:
            named_places, named_areas = narrowed_places, narrowed_areas
    if by_slug_area is not None and slug == by_slug_area.long_slug:
        return [by_slug_area]
    found: list[Place | Area] = []
    for item in (
        *by_slug_place,
        *([by_slug_area] if by_slug_area else []),
        *named_places,
        *named_areas,
    ):
        if item not in found:
            found.append(item)
    return sorted(found, key=_rank)


def _rank(item: Place | Area) -> tuple:
    if isinstance(item, Area):
        if item.kind == "authority":
            # An authority named after a town inside it ("Leeds") follows that town.
            return (1, -item.size, item.name)
        return (-TIERS[item.kind] * 10, -item.size, item.name)
    return (0, -place_size(item), item.slug)


def _as_where_part(item: Place | Area) -> tuple[Origin | None, Area | None]:
    return (None, item) if isinstance(item, Area) else (_place_origin(item), None)


def _choice(item: Place | Area) -> tuple[str, str]:
    """How an alternative is shown and what its link carries (a value that picks it)."""
    if isinstance(item, Area):
        # Its plain slug is its own: a town of that name never outranks a nation, region or
        # county, and an authority takes its long slug when a town has the plain one.
        return area_choice_label(item), item.slug
    label = place_label(item)
    area = tables().areas_by_slug.get(item.slug)
    value = item.slug if area is None or area.slug != item.slug else label
    return label, value


def resolve_where(text: str) -> Where:
    """What ``text`` means: a point or an area, with the alternatives when it is shared."""
    text = " ".join(text.split())
    if not text:
        return Where()
    postcode = postcode_origin(text)
    if postcode is not None:
        return postcode
    found = candidates(text)
    if not found:
        return Where()
    origin, area = _as_where_part(found[0])
    label, value = _choice(found[0])
    if origin is not None:
        origin = Origin(
            origin.lat, origin.lng, origin.name, origin.label, value, "place", origin.place
        )
    elif area is not None and value != area.slug:
        area = Area(area.kind, area.name, value, area.codes, area.parent, area.size)
    # The authority named after the town chosen ("Leeds" the council area, around Leeds the
    # city) is the same name, not another place: offered by the autocomplete, not as a doubt.
    others = [item for item in found[1:] if not _namesake(found[0], item)]
    return Where(origin=origin, area=area, alternatives=[_choice(item) for item in others])


def _namesake(chosen: Place | Area, other: Place | Area) -> bool:
    if isinstance(chosen, Area) or not isinstance(other, Area) or other.kind != "authority":
        return False
    authority = authority_of(chosen)
    return authority is not None and authority["code"] in other.codes


# --- suggestions ----------------------------------------------------------------------------
@dataclass(frozen=True)
class PlaceSuggestion:
    """One line of the location autocomplete."""

    label: str
    value: str
    kind: str  # "postcode", "place" or an area's kind
    name: str = ""
    county: str = ""
    nation: str = ""
    lat: float | None = None
    lng: float | None = None

    @property
    def slug(self) -> str:
        return self.value


def suggestions(prefix: str, *, limit: int = 10) -> list[PlaceSuggestion]:
    """Postcodes, towns and areas starting with ``prefix`` (one query for the towns)."""
    prefix = " ".join(prefix.split())[:60]
    if len(prefix) < 2:
        return []
    t = tables()
    upper = prefix.upper()
    found: list[PlaceSuggestion] = []
    if upper[0].isalpha() and any(c.isdigit() for c in upper):
        where = postcode_origin(upper)
        if where is not None and where.origin is not None:
            o = where.origin
            found.append(PlaceSuggestion(o.label, o.slug, o.kind, o.name, lat=o.lat, lng=o.lng))
        outward = upper.split(" ")[0]
        for district in sorted(d for d in t.districts if d.startswith(outward))[:limit]:
            if found and found[0].value == district:
                continue
            row = t.districts[district]
            found.append(
                PlaceSuggestion(
                    district, district, "district", district, lat=row["lat"], lng=row["lng"]
                )
            )
        return found[:limit]
    key = _key(prefix)
    areas = [area for name, area in t.area_names if name.startswith(key)][: limit // 2]
    places = Place.objects.matching_prefix(prefix)[: limit * 3]
    ranked = sorted(places, key=lambda p: (_key(p.name) != key, -place_size(p), p.name))
    # A nation, region or county first, then towns (biggest first), then council areas.
    for area in [a for a in areas if a.kind != "authority"]:
        label, value = _choice(area)
        nation = area.name if area.kind == "nation" else ""
        found.append(PlaceSuggestion(label, value, area.kind, area.name, nation=nation))
    authorities = [a for a in areas if a.kind == "authority"]
    for place in ranked[: max(0, limit - len(found) - len(authorities))]:
        label, value = _choice(place)
        found.append(
            PlaceSuggestion(
                label, value, "place", place.name, place.county, place.nation, place.lat, place.lng
            )
        )
    for area in authorities:
        label, value = _choice(area)
        found.append(PlaceSuggestion(label, value, area.kind, area.name))
    return found[:limit]
