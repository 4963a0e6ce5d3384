"""The search's URL parameters, declared once: the public contract as data.

Every face of the search reads this registry: the FilterSet's filters, the input cleaning,
the API's parameter fields and their help, the facets, the chips and descriptions, the
normalised query string an alert stores, and the alert matcher's independent parts. Adding a
filter is one ``Param`` here, its filter method on ``VacancyFilterSet`` (and, for a new kind
of input, its cleaner in ``cleaning.py``), and a test. See docs/architecture.md.
"""

from __future__ import annotations

from dataclasses import dataclass

from employers.models import Sector
from listings.models import (
    ContractType,
    DbsLevel,
    Driving,
    PayBand,
    Registration,
    ShiftPattern,
    Sponsorship,
    WelshRequirement,
    WorkingPattern,
    Workplace,
)

DEFAULT_RADIUS = 10
MAX_RADIUS = 200
RADIUS_CHOICES = (1, 3, 5, 10, 15, 20, 30, 50, 100)
MAX_SALARY = 1_000_000
SALARY_CHOICES = (20_000, 25_000, 30_000, 35_000, 40_000, 45_000, 50_000, 60_000, 80_000)
MAX_POSTED_DAYS = 365
POSTED_CHOICES = ((1, "Last 24 hours"), (3, "Last 3 days"), (7, "Last 7 days"), (14, "Last 14 days"), (30, "Last 30 days"))  # fmt: skip
MAX_QUERY_LENGTH = 200


def with_asked(choices: tuple[int, ...], asked: int | None) -> tuple[int, ...]:
    """A menu of amounts with the asked one in its place, so a form shows what a link asked.

    An article may link ``radius=25`` or ``salary_min=27000``: the form offers that amount
    (selected) rather than falling back to its first option and dropping the filter.
    """
    if asked is None or asked in choices:
        return choices
    return tuple(sorted((*choices, asked)))


MAX_LOCATION_LENGTH = 100
MAX_VALUES_PER_FILTER = 20
MAX_EMPLOYER_SLUG = 220


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


@dataclass(frozen=True)
class Param:
    """One URL parameter of the search.

    ``kind`` says how it is read and cleaned (``cleaning.CLEANERS``) and which API field it
    is (``listings.api``): ``keywords``, ``place``, ``radius`` (whole miles), ``choices``
    (repeatable values from ``choices``, or the professions for ``profession``),
    ``employer`` (a slug), ``money`` (whole pounds), ``days`` (a whole number of days) or
    ``sort``. A new filter of an existing kind needs no new cleaner.
    ``column`` is the vacancy column a ``choices`` parameter filters and its facet groups by.
    ``part`` names the alert-matching part it belongs to (``location`` and ``radius`` share
    one: a radius means nothing without its place); ``None`` for parameters that only order.
    ``in_cube`` says whether the facet cube groups by ``column``: the cube has one row per
    combination of the values of its columns, so each column it gains multiplies its size.
    The care-sector facts are counted apart from it instead (``facets.py``: a cube of
    their own by profession, or one more query). ``bitmask``: ``column`` holds the chosen values as bits (``SHIFT_BITS``), and a
    vacancy matches when it has any of them.
    """

    name: str
    kind: str
    noun: str
    legend: str = ""
    help: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    column: str | None = None
    minimum: int | None = None
    maximum: int | None = None
    max_length: int | None = None
    part: str | None = None
    in_cube: bool = True
    bitmask: bool = False

    @property
    def multi(self) -> bool:
        return self.kind == "choices"

    @property
    def facet(self) -> bool:
        return self.column is not None

    @property
    def cube_facet(self) -> bool:
        return self.facet and self.in_cube


PARAMS: tuple[Param, ...] = (
    Param(
        "q",
        "keywords",
        "keywords",
        legend="Keywords",
        max_length=MAX_QUERY_LENGTH,
        part="q",
        help="Keywords (web-search syntax on PostgreSQL: quotes, `or`, `-word`).",
    ),
    Param(
        "location",
        "place",
        "place",
        legend="Location",
        max_length=MAX_LOCATION_LENGTH,
        part="location",
        help="A UK place: its slug (`leeds`), name (`Leeds`) or `Name, County`.",
    ),
    Param(
        "radius",
        "radius",
        "distance",
        legend="Distance (miles)",
        minimum=1,
        maximum=MAX_RADIUS,
        part="location",
        help=f"Miles around `location` (default {DEFAULT_RADIUS}). Needs `location`.",
    ),
    Param(
        "profession",
        "choices",
        "profession",
        legend="Profession",
        column="profession_id",
        part="profession",
        help="Profession slug (see /api/v1/professions/). Repeat for several.",
    ),
    Param(
        "contract",
        "choices",
        "contract type",
        legend="Contract",
        choices=tuple(ContractType.choices),
        column="contract_type",
        part="contract",
        help="Contract type.",
    ),
    Param(
        "pattern",
        "choices",
        "working pattern",
        legend="Working pattern",
        choices=tuple(WorkingPattern.choices),
        column="working_pattern",
        part="pattern",
        help="Working pattern.",
    ),
    Param(
        "workplace",
        "choices",
        "workplace",
        legend="Workplace",
        choices=tuple(Workplace.choices),
        column="workplace",
        part="workplace",
        help="Workplace.",
    ),
    Param(
        "sector",
        "choices",
        "sector",
        legend="Employer type",
        choices=tuple(Sector.choices),
        column="employer__sector",
        part="sector",
        help="Employer sector.",
    ),
    Param(
        "employer",
        "employer",
        "employer",
        legend="Employer",
        max_length=MAX_EMPLOYER_SLUG,
        part="employer",
        help="Employer slug (see /api/v1/employers/).",
    ),
    Param(
        "salary_min",
        "money",
        "salary",
        legend="Minimum salary",
        minimum=1,
        maximum=MAX_SALARY,
        part="salary_min",
        help="Annual pounds; matches when the top of a vacancy's range reaches it.",
    ),
    Param(
        "posted",
        "days",
        "number of days",
        legend="Posted within (days)",
        minimum=1,
        maximum=MAX_POSTED_DAYS,
        part="posted",
        help="Published within this many days.",
    ),
    # The care-sector facts (issue 17): facets counted apart from the cube.
    Param(
        "band",
        "choices",
        "pay band",
        legend="Pay band (Agenda for Change)",
        choices=tuple(PayBand.choices),
        column="pay_band",
        part="band",
        in_cube=False,
        help="NHS Agenda for Change pay band (`band-5`, `band-8a`). Repeat for several.",
    ),
    Param(
        "shift",
        "choices",
        "shift pattern",
        legend="Shifts",
        choices=tuple(ShiftPattern.choices),
        column="shifts",
        part="shift",
        in_cube=False,
        bitmask=True,
        help="Shift pattern; a vacancy working any of those given matches. Repeat for several.",
    ),
    Param(
        "sponsorship",
        "choices",
        "visa sponsorship option",
        legend="Visa sponsorship",
        choices=tuple(Sponsorship.choices),
        column="visa_sponsorship",
        part="sponsorship",
        in_cube=False,
        help="`yes`: the employer says it can sponsor a Skilled Worker visa for this job; "
        "`no`: it says it cannot. Vacancies that do not say match neither.",
    ),
    Param(
        "dbs",
        "choices",
        "DBS check level",
        legend="DBS check",
        choices=tuple(DbsLevel.choices),
        column="dbs_check",
        part="dbs",
        in_cube=False,
        help="The DBS check level the employer asks for. Repeat for several.",
    ),
    Param(
        "driving",
        "choices",
        "driving requirement",
        legend="Driving",
        choices=tuple(Driving.choices),
        column="driving",
        part="driving",
        in_cube=False,
        help="`not-needed`, `licence` (a driving licence), `car` (a licence and own vehicle).",
    ),
    Param(
        "registration",
        "choices",
        "professional registration",
        legend="Professional registration",
        choices=tuple(Registration.choices),
        column="registration",
        part="registration",
        in_cube=False,
        help="The professional register required (`nmc`, `hcpc`, `swe`, ...; `none`).",
    ),
    Param(
        "welsh",
        "choices",
        "Welsh language requirement",
        legend="Welsh language",
        choices=tuple(WelshRequirement.choices),
        column="welsh",
        part="welsh",
        in_cube=False,
        help="Whether Welsh is `essential`, `desirable` or `not-needed`.",
    ),
    Param(
        "sort",
        "sort",
        "sort",
        legend="Sort by",
        choices=Sort.CHOICES,
        help="`relevance` (the default with `q`), `newest` (the default otherwise), "
        "`closing`, `salary`, `distance` (needs `location`).",
    ),
)

BY_NAME: dict[str, Param] = {param.name: param for param in PARAMS}
# The URL contract's parameters, in the order a normalised query string lists them.
NAMES: tuple[str, ...] = tuple(BY_NAME)
MULTI_VALUE: tuple[str, ...] = tuple(p.name for p in PARAMS if p.multi)
# Facets in the cube: a multi-value filter and the column the cube and its counts group by.
FACET_FIELDS: dict[str, str] = {p.name: p.column for p in PARAMS if p.cube_facet}
# Facets counted apart from the cube (the care-sector facts), by name.
APART_FACETS: dict[str, Param] = {p.name: p for p in PARAMS if p.facet and not p.in_cube}
# Every facet, in the order the search form shows them.
FACET_NAMES: tuple[str, ...] = tuple(p.name for p in PARAMS if p.facet)


def match_parts() -> tuple[tuple[str, ...], ...]:
    """The groups of parameters that decide independently which vacancies match, in order."""
    groups: dict[str, list[str]] = {}
    for param in PARAMS:
        if param.part is not None:
            groups.setdefault(param.part, []).append(param.name)
    return tuple(tuple(names) for names in groups.values())


MATCH_PARTS = match_parts()
