"""A search in words and links: its normalised query string, chips, title and labels.

Pages, feeds, the widget, alerts and their emails all describe a search through these, so
"Social Worker jobs within 10 miles of Leeds" reads the same everywhere. Each active filter
has one label (``filter_labels``): the page shows them as chips, and an alert's description
(``describe_in_full``) is the title followed by the labels the title does not already say.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.utils.translation import ngettext

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


def miles_text(miles: int) -> str:
    """ "1 mile", "25 miles"."""
    return ngettext("%(n)s mile", "%(n)s miles", miles) % {"n": f"{miles:,}"}


def posted_label(days: int) -> str:
    """The words for ``posted=days``: "Posted today", "Posted in the last 3 days"."""
    if days == 1:
        return "Posted today"
    return ngettext("Posted in the last %(n)s day", "Posted in the last %(n)s days", days) % {
        "n": days
    }


def filter_labels(search: BaseVacancyFilterSet) -> list[tuple[str, str | None, str]]:
    """Every active filter as ``(parameter, value, label)``, in the URL contract's order.

    The one wording of each filter: chips, alert descriptions, their emails and subjects.
    """
    found: list[tuple[str, str | None, str]] = []
    data = search.data
    if data.get("q"):
        found.append(("q", None, f"Keywords: {data['q']}"))
    if search.place is not None:
        found.append(
            ("location", None, f"Within {miles_text(search.radius_miles)} of {search.place.label}")
        )
    elif search.area is not None:
        found.append(("location", None, f"In {search.area.name}"))
    for name in MULTI_VALUE:
        for value in data.getlist(name):
            label = label_for(search, name, value)
            found.append((name, value, f"Sector: {label}" if name == "sector" else label))
    if search.employer_obj is not None:
        found.append(("employer", None, f"Employer: {search.employer_obj.name}"))
    if data.get("salary_min"):
        found.append(("salary_min", None, f"Salary £{int(data['salary_min']):,} or more"))
    if data.get("posted"):
        found.append(("posted", None, posted_label(int(data["posted"]))))
    return found


def chips(search: BaseVacancyFilterSet) -> list[Chip]:
    """The active filters as removable chips, in the URL contract's order."""
    return [
        Chip(param, value, label, query_string(search, without=(param, value)))
        for param, value, label in filter_labels(search)
    ]


def _title_says(search: BaseVacancyFilterSet) -> set[str]:
    """The parameters ``describe`` puts in the title."""
    said = {"profession", "location", "employer"}
    if not search.data.getlist("profession"):
        said.add("q")
    return said


def describe(search: BaseVacancyFilterSet) -> str:
    """A short human title for the search ("Social Worker jobs in Leeds")."""
    professions = [label_for(search, "profession", v) for v in search.data.getlist("profession")]
    what = " or ".join(professions) if professions else ""
    if search.data.get("q") and not what:
        what = f"“{search.data['q']}”"
    text = f"{what} jobs" if what else "Jobs"
    if search.place is not None:
        text += f" within {miles_text(search.radius_miles)} of {search.place.label}"
    elif search.area is not None:
        text += f" in {search.area.name}"
    if search.employer_obj is not None:
        text += f" at {search.employer_obj.name}"
    return text


def describe_in_full(search: BaseVacancyFilterSet) -> str:
    """The title and every other filter the search applies, as an alert keeps it.

    "Social Worker jobs within 10 miles of Leeds (Bank, Salary £30,000 or more)".
    """
    said = _title_says(search)
    rest = [label for param, _, label in filter_labels(search) if param not in said]
    title = describe(search)
    return f"{title} ({', '.join(rest)})" if rest else title
