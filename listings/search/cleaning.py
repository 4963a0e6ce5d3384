"""Input cleaning: a hostile or clumsy URL still gives a page, never an error.

Unknown choices, letters in numbers, values out of range and odd characters are dropped
*before* the FilterSet's form sees them, each with a notice in plain words, and the rest of
the search still applies. ``clean_params`` runs one small cleaner per parameter of the
registry, in the contract's order (a radius needs the place cleaned before it).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from django.http import QueryDict
from django.utils.text import slugify

from employers.models import Employer
from listings.models import Profession
from listings.search.params import (
    BY_NAME,
    DEFAULT_RADIUS,
    MAX_VALUES_PER_FILTER,
    PARAMS,
    Sort,
)
from listings.search.where import Area, Origin, Where

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]")
_NUMBER = re.compile(r"^£?\s*([0-9][0-9,]*)(\.[0-9]+)?\s*(k)?$", re.IGNORECASE)


def clean_text(value: str, *, limit: int) -> tuple[str, bool]:
    """Normalise user text (NFKC, no control or invisible characters, single spaces).

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


@dataclass
class Cleaned:
    """What cleaning found: the kept parameters, notices, and the objects they named."""

    raw: object
    professions: dict[str, Profession]
    resolve_place: Callable[[str], Where]
    out: QueryDict = field(default_factory=lambda: QueryDict(mutable=True))
    notices: list[str] = field(default_factory=list)
    place: Origin | None = None  # a point: a town or a postcode
    area: Area | None = None
    alternatives: list[tuple[str, str]] = field(default_factory=list)
    employer: Employer | None = None
    sort: str = Sort.NEWEST

    def values(self, name: str) -> list[str]:
        data = self.raw
        if hasattr(data, "getlist"):
            return data.getlist(name)
        value = data.get(name)
        if value is None:
            return []
        return [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)]

    def last(self, name: str) -> str:
        values = self.values(name)
        return values[-1] if values else ""

    def choices_for(self, name: str) -> set[str]:
        if name == "profession":
            return set(self.professions)
        return {value for value, _label in BY_NAME[name].choices}


# --- one cleaner per kind of parameter ------------------------------------------------------
def clean_keywords(c: Cleaned, name: str) -> None:
    raw = c.last(name)
    if not raw:
        return
    limit = BY_NAME[name].max_length
    q, changed = clean_text(raw, limit=limit)
    if changed:
        c.notices.append(
            f"Your keywords were shortened to {limit} characters or had hidden characters removed."
            if len(raw) > limit
            else "Hidden or control characters were removed from your keywords."
        )
    if q:
        c.out[name] = q


def clean_location(c: Cleaned, name: str) -> None:
    raw = c.last(name)
    if not raw:
        return
    text, _ = clean_text(raw, limit=BY_NAME[name].max_length)
    where = c.resolve_place(text) if text else Where()
    if where.notice:
        c.notices.append(where.notice)
    if not where.found:
        if not where.notice:
            c.notices.append(
                f"We could not find a UK place or postcode called “{text or raw[:40]}”, "
                "so we are showing jobs everywhere."
            )
        return
    c.place, c.area, c.alternatives = where.origin, where.area, where.alternatives
    c.out[name] = where.value


def clean_radius(c: Cleaned, name: str) -> None:
    raw = c.last(name)
    if not raw:
        return
    maximum = BY_NAME[name].maximum
    radius = parse_whole_number(raw)
    if radius is None or radius < 1:
        c.notices.append(
            f"“{raw[:20]}” is not a distance we can use: distances are whole "
            f"miles from 1 to {maximum}."
        )
        return
    if radius > maximum:
        c.notices.append(f"The largest distance is {maximum} miles, so we used that.")
        radius = maximum
    if c.area is not None:
        if radius != DEFAULT_RADIUS:
            c.notices.append(
                f"{c.area.name} is an area, so we show every job inside it: a distance "
                "does not apply."
            )
        return
    if c.place is None:
        if "location" not in c.raw:
            # An empty location box (the form always sends one) is not worth a word.
            c.notices.append("A distance needs a place, so it was ignored.")
        return
    if radius != DEFAULT_RADIUS:
        c.out[name] = str(radius)


def clean_choices(c: Cleaned, name: str) -> None:
    values = [v.strip() for v in c.values(name) if v and v.strip()]
    known = c.choices_for(name)
    kept, unknown = [], []
    for value in dict.fromkeys(values):
        (kept if value in known else unknown).append(value)
    if unknown:
        shown = ", ".join(f"“{v[:40]}”" for v in unknown[:3])
        c.notices.append(f"We ignored an unknown {BY_NAME[name].noun}: {shown}.")
    if kept:
        c.out.setlist(name, kept[:MAX_VALUES_PER_FILTER])


def clean_employer(c: Cleaned, name: str) -> None:
    raw = c.last(name)
    if not raw:
        return
    slug = slugify(raw)[: BY_NAME[name].max_length]
    employer = Employer.objects.filter(slug=slug).first() if slug else None
    if employer is None:
        c.notices.append(f"We could not find the employer “{raw[:60]}”.")
        return
    c.employer = employer
    c.out[name] = employer.slug


def clean_salary(c: Cleaned, name: str) -> None:
    raw = c.last(name)
    if not raw:
        return
    maximum = BY_NAME[name].maximum
    salary = parse_whole_number(raw)
    if salary is None or not 0 < salary <= maximum:
        c.notices.append(
            f"“{raw[:20]}” is not a salary we can use: give a yearly amount "
            f"in pounds up to £{maximum:,}."
        )
        return
    c.out[name] = str(salary)


def clean_days(c: Cleaned, name: str) -> None:
    raw = c.last(name)
    if not raw:
        return
    param = BY_NAME[name]
    days = parse_whole_number(raw)
    if days is None or not param.minimum <= days <= param.maximum:
        c.notices.append(
            f"“{raw[:20]}” is not a number of days we can use ({param.minimum} to {param.maximum})."
        )
        return
    c.out[name] = str(days)


def clean_sort(c: Cleaned, name: str) -> None:
    """Keep a sort that makes sense for this search; the default sort is left implicit."""
    raw = c.last(name)
    has_keywords = "q" in c.out
    if raw and raw not in Sort.LABELS:
        c.notices.append(f"We do not know how to sort by “{raw[:20]}”.")
    elif raw == Sort.DISTANCE and c.place is None:
        c.notices.append(
            "Sorting by distance needs a town or postcode, so the newest jobs come first."
            if c.area is not None
            else "Sorting by distance needs a place, so the newest jobs come first."
        )
    elif raw and not (raw == Sort.RELEVANCE and not has_keywords):
        # (relevance without keywords is simply the default order)
        c.out[name] = raw
    default = Sort.RELEVANCE if has_keywords else Sort.NEWEST
    if c.out.get(name) == default:
        del c.out[name]
    c.sort = c.out.get(name) or default


# By ``Param.kind``.
CLEANERS: dict[str, Callable[[Cleaned, str], None]] = {
    "keywords": clean_keywords,
    "place": clean_location,
    "radius": clean_radius,
    "choices": clean_choices,
    "employer": clean_employer,
    "money": clean_salary,
    "days": clean_days,
    "sort": clean_sort,
}


def clean_params(
    data,
    *,
    professions: dict[str, Profession],
    resolve_place: Callable[[str], Where],
) -> Cleaned:
    """Clean every parameter of the registry from ``data`` (a QueryDict or a dict)."""
    cleaned = Cleaned(
        raw=data if data is not None else QueryDict(),
        professions=professions,
        resolve_place=resolve_place,
    )
    for param in PARAMS:
        CLEANERS[param.kind](cleaned, param.name)
    cleaned.out._mutable = False
    return cleaned
