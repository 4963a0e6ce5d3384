"""``VacancyFilterSet``: the search's filters, built from the parameter registry.

Only ``listings.search`` constructs it (``parse_search``); the rest of the code reads a
search through the package's interface. OR within a multi-value filter, AND across filters.
"""

from __future__ import annotations

from datetime import timedelta
from functools import cached_property

import django_filters
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django_filters.filterset import FilterSetMetaclass

from employers.models import Employer
from listings.models import Profession, Vacancy, shifts_to_mask
from listings.search import describe, ordering
from listings.search.backends import backend
from listings.search.cleaning import clean_params
from listings.search.geo import places_by_distance
from listings.search.params import DEFAULT_RADIUS, PARAMS, Param
from listings.search.where import Area, Origin, resolve_where


def _declared_filter(param: Param) -> django_filters.Filter:
    """The django-filter field of one registry entry; its rows come from ``filter_<name>``."""
    method = f"filter_{param.name}"
    if param.kind == "choices":
        return django_filters.MultipleChoiceFilter(
            field_name=param.column, method=method, label=param.legend, choices=param.choices
        )
    if param.kind in ("radius", "money", "days"):
        return django_filters.NumberFilter(method=method, label=param.legend)
    if param.kind == "sort":
        return django_filters.ChoiceFilter(choices=param.choices, method=method, label=param.legend)
    return django_filters.CharFilter(method=method, label=param.legend)


class BaseVacancyFilterSet(django_filters.FilterSet):
    """The filter methods; the filters themselves are declared from ``PARAMS`` below.

    ``VacancyFilterSet(data, queryset=None, *, now=None, ...)``: ``queryset`` defaults to the
    vacancies live at ``now``; pass another (for example "published since the last alert") to
    search within it. ``professions`` (by slug) and ``place_resolver`` let a caller that
    builds thousands of searches, such as the alert matcher, read reference data once.
    """

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
        self.now = now or timezone.now()
        if queryset is None:
            queryset = Vacancy.objects.live(now=self.now)
        if professions is None:
            professions = {p.slug: p for p in Profession.objects.all()}
        self.professions = professions
        cleaned = clean_params(
            data, professions=professions, resolve_place=place_resolver or resolve_where
        )
        self.notices: list[str] = cleaned.notices
        # The point radius and distance measure from (a town or a postcode), or the area.
        self.place: Origin | None = cleaned.place
        self.area: Area | None = cleaned.area
        self.place_alternatives: list[tuple[str, str]] = cleaned.alternatives
        self.employer_obj: Employer | None = cleaned.employer
        self.sort_choice: str = cleaned.sort
        # Every match's id, once a capped count has found that there are few
        # (``facets.capped_total``): what reads the matches again reads these rows.
        self.known_matches: tuple[int, ...] | None = None
        super().__init__(cleaned.out, queryset, request=request, prefix=prefix)
        self.filters["profession"].extra["choices"] = [
            (slug, p.name) for slug, p in self.professions.items()
        ]

    @property
    def radius_miles(self) -> int | None:
        """The radius in miles when a place is given (the default if none was asked for)."""
        if self.place is None:
            return None
        return int(self.data.get("radius") or DEFAULT_RADIUS)

    # --- the rows ----------------------------------------------------------------------------
    def filtered(self, queryset=None, *, exclude=()) -> QuerySet:
        """The rows matching every active filter except those named in ``exclude``, unsorted.

        Facets use it to count the options of one filter under all the others. Once every
        match is known by id (``known_matches``), the matches are those rows: at a million
        vacancies a keyword search with a place reads a table page per keyword match to test
        the place, 0.5 s each time, and its page reads its matches three times (the capped
        count, the relevance window, the facets); by id, once.
        """
        if queryset is None and not exclude and self.known_matches is not None:
            return self.queryset.filter(pk__in=self.known_matches)
        queryset = self.queryset.all() if queryset is None else queryset
        self.errors  # noqa: B018 - validates the form, filling cleaned_data
        for name, value in self.form.cleaned_data.items():
            if name in exclude:
                continue
            queryset = self.filters[name].filter(queryset, value)
        return queryset

    def filter_queryset(self, queryset):
        """``.qs``: every match, sorted (a caller that reads only the top passes a depth to
        ``ordering.ordered`` through ``listings.search.search_vacancies`` instead)."""
        return ordering.ordered(self, self.filtered(queryset), depth=None)

    # --- in words (``describe``) ------------------------------------------------------------
    def active(self) -> dict[str, list[str]]:
        return describe.active(self)

    def query_string(self, *, without=None, **extra) -> str:
        return describe.query_string(self, without=without, **extra)

    def chips(self) -> list[describe.Chip]:
        return describe.chips(self)

    def describe(self) -> str:
        return describe.describe(self)

    def describe_in_full(self) -> str:
        return describe.describe_in_full(self)

    def label_for(self, name: str, value: str) -> str:
        return describe.label_for(self, name, value)

    # --- one method per parameter ------------------------------------------------------------
    def filter_q(self, queryset, name, value):
        return backend().matching(queryset, value)

    def filter_location(self, queryset, name, value):
        """Vacancies with ANY place within the radius (or inside the area)."""
        if self.place is None and self.area is None:
            return queryset
        return queryset.filter(backend().at_any_of(self.near_place_ids))

    def filter_radius(self, queryset, name, value):
        """The radius shapes the location filter, not the rows by itself."""
        return queryset

    def _filter_in(self, queryset, name, value):
        return queryset.filter(**{f"{name}__in": list(value)})

    def filter_profession(self, queryset, name, value):
        ids = [self.professions[slug].pk for slug in value if slug in self.professions]
        return queryset.filter(profession_id__in=ids)

    filter_contract = filter_pattern = filter_workplace = filter_sector = _filter_in
    filter_band = filter_sponsorship = filter_dbs = filter_driving = _filter_in
    filter_registration = filter_welsh = _filter_in

    def filter_shift(self, queryset, name, value):
        """Vacancies working ANY of the chosen shift patterns (bits of ``Vacancy.shifts``)."""
        mask = shifts_to_mask(value)
        return queryset.alias(shift_match=F(name).bitand(mask)).filter(shift_match__gt=0)

    def filter_employer(self, queryset, name, value):
        if self.employer_obj is not None:
            return queryset.filter(employer_id=self.employer_obj.pk)
        return queryset.filter(employer__slug=value)

    def filter_salary_min(self, queryset, name, value):
        """The top of the range (annual equivalent) reaches the amount; a single figure counts."""
        return queryset.filter(
            Q(salary_annual_max__gte=value)
            | Q(salary_annual_max__isnull=True, salary_annual_min__gte=value)
        )

    def filter_posted(self, queryset, name, value):
        return queryset.filter(published_at__gte=self.now - timedelta(days=int(value)))

    def filter_sort(self, queryset, name, value):
        """The sort orders the rows (``ordering``), it does not filter them."""
        return queryset

    # --- geometry of this search -------------------------------------------------------------
    @cached_property
    def near_places(self) -> list[tuple[int, float]]:
        """``(place id, miles)`` of the gazetteer places within the radius, nearest first.

        Found once per search (one small query). Handing the planner a list of ids, rather
        than the distance subquery itself, lets it use the vacancy-places index instead of
        re-running the haversine for every vacancy.
        """
        if self.area is not None:
            return [(pk, 0.0) for pk in self.area.place_ids()]
        if self.place is None:
            return []
        return list(places_by_distance(self.place, self.radius_miles).values_list("pk", "miles"))

    @property
    def near_place_ids(self) -> list[int]:
        return [pk for pk, _miles in self.near_places]


VacancyFilterSet = FilterSetMetaclass(
    "VacancyFilterSet",
    (BaseVacancyFilterSet,),
    {
        "__module__": __name__,
        "__doc__": BaseVacancyFilterSet.__doc__,
        **{param.name: _declared_filter(param) for param in PARAMS},
    },
)
