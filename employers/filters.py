"""The employer directory's filters, shared by the HTML directory and any other list of employers."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q

from employers.models import REGION_NATION, Employer, Region, Sector

NATION_CHOICES = [
    ("England", "England"),
    ("Scotland", "Scotland"),
    ("Wales", "Wales"),
    ("Northern Ireland", "Northern Ireland"),
]


def regions_of_nation(nation: str) -> list[str]:
    """The regions that make up ``nation`` (England is every region not listed elsewhere)."""
    if nation == "England":
        return [r for r in Region.values if r not in REGION_NATION]
    return [r for r, n in REGION_NATION.items() if n == nation]


SORT_CHOICES = [("name", "Name (A to Z)"), ("vacancies", "Most live vacancies")]
SORT_ORDER = {
    "name": ("name", "id"),
    "vacancies": ("-live_vacancy_count", "name", "id"),
}


class EmployerFilterSet(django_filters.FilterSet):
    """Search the directory by name; filter by sector, region, nation and live vacancies."""

    q = django_filters.CharFilter(method="filter_q", label="Name")
    sector = django_filters.MultipleChoiceFilter(
        choices=Sector.choices, label="Sector", widget=forms.CheckboxSelectMultiple
    )
    region = django_filters.MultipleChoiceFilter(choices=Region.choices, label="Region")
    nation = django_filters.ChoiceFilter(
        choices=NATION_CHOICES, method="filter_nation", label="Nation", empty_label="Any nation"
    )
    has_live = django_filters.BooleanFilter(
        method="filter_has_live",
        label="Only employers with live vacancies",
        widget=forms.CheckboxInput,
    )
    sort = django_filters.ChoiceFilter(
        choices=SORT_CHOICES, method="filter_sort", label="Sort by", empty_label=None
    )

    class Meta:
        model = Employer
        fields: list[str] = []

    def __init__(self, data=None, queryset=None, **kwargs):
        if queryset is None:
            queryset = Employer.objects.listed()
        super().__init__(data, queryset, **kwargs)

    def filter_q(self, queryset, name, value):
        value = " ".join(value.split())[:100]
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(slug__icontains=value))

    def filter_nation(self, queryset, name, value):
        return queryset.filter(region__in=regions_of_nation(value)) if value else queryset

    def filter_has_live(self, queryset, name, value):
        return queryset.filter(live_vacancy_count__gt=0) if value else queryset

    def filter_sort(self, queryset, name, value):
        return queryset.order_by(*SORT_ORDER.get(value, SORT_ORDER["name"]))

    @property
    def qs(self):
        queryset = super().qs
        if not queryset.query.order_by:
            queryset = queryset.order_by(*SORT_ORDER["name"])
        return queryset
