"""A search in words and links: its normalised query string, chips, title and labels.

Pages, feeds, the widget, alerts and their emails all describe a search through these, so
"Social Worker jobs within 10 miles of Leeds" reads the same everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from listings.search.params import BY_NAME, MULTI_VALUE, NAMES, Sort

if TYPE_CHECKING:
    from listings.search.filterset import BaseVacancyFilterSet


@dataclass(frozen=True)
class Chip:
    """One active filter as the page shows it, with the query string that removes it."""

    param: str
    value: str | None
    label: str
    remove_query: str


def active(search: BaseVacancyFilterSet) -> dict[str, list[str]]:
    """The cleaned parameters, in the URL contract's order, without defaults."""
    data = search.data
    return {name: data.getlist(name) for name in NAMES if data.getlist(name)}


def query_string(
    search: BaseVacancyFilterSet, *, without: tuple[str, str | None] | None = None, **extra
) -> str:
    """The search as a normalised query string: contract order, values sorted, no empties.

    ``without=("contract", "bank")`` drops one value (or a whole parameter with ``None``);
    keyword arguments add or replace parameters (``page=2``).
    """
    params = active(search)
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


def label_for(search: BaseVacancyFilterSet, name: str, value: str) -> str:
    """The words for one value of a choice parameter ("bank" → "Bank")."""
    if name == "profession":
        profession = search.professions.get(value)
        return profession.name if profession else value
    return dict(BY_NAME[name].choices).get(value, value)


def chips(search: BaseVacancyFilterSet) -> list[Chip]:
    """The active filters as removable chips, in the URL contract's order."""
    found: list[Chip] = []
    data = search.data

    def add(param, value, label):
        found.append(Chip(param, value, label, query_string(search, without=(param, value))))

    if data.get("q"):
        add("q", None, f"Keywords: {data['q']}")
    if search.place is not None:
        add("location", None, f"Within {search.radius_miles} miles of {search.place.label}")
    elif search.area is not None:
        add("location", None, f"In {search.area.name}")
    for name in MULTI_VALUE:
        for value in data.getlist(name):
            label = label_for(search, name, value)
            add(name, value, f"Sector: {label}" if name == "sector" else label)
    if search.employer_obj is not None:
        add("employer", None, f"Employer: {search.employer_obj.name}")
    if data.get("salary_min"):
        add("salary_min", None, f"Salary £{int(data['salary_min']):,} or more")
    if data.get("posted"):
        days = int(data["posted"])
        add("posted", None, "Posted today" if days == 1 else f"Posted in the last {days} days")
    return found


def describe(search: BaseVacancyFilterSet) -> str:
    """A short human title for the search ("Social Worker jobs in Leeds")."""
    professions = [label_for(search, "profession", v) for v in search.data.getlist("profession")]
    what = " or ".join(professions) if professions else ""
    if search.data.get("q") and not what:
        what = f"“{search.data['q']}”"
    text = f"{what} jobs" if what else "Jobs"
    if search.place is not None:
        text += f" within {search.radius_miles} miles of {search.place.label}"
    elif search.area is not None:
        text += f" in {search.area.name}"
    if search.employer_obj is not None:
        text += f" at {search.employer_obj.name}"
    return text
