"""The dashboard's rows worked out in Python: the same links and figures the template's
``{% url %}``, ``intcomma`` and ``pluralize`` gave."""

from __future__ import annotations

import pytest
from django.urls import reverse

from employers import selectors
from listings.models import TrafficSource, VacancyTraffic
from tests import factories

pytestmark = pytest.mark.django_db


def test_each_link_is_what_reverse_gives(employer):
    vacancy = factories.LiveVacancyFactory(employer=employer)
    (row,) = selectors.dashboard_rows([vacancy])
    assert row.links.public == vacancy.get_absolute_url()
    for key, name in selectors.DASHBOARD_ROW_LINKS.items():
        assert getattr(row.links, key) == reverse(name, args=[vacancy.reference]), key


@pytest.mark.parametrize(
    ("views", "shown"), [(0, "0 views"), (1, "1 view"), (1234567, "1,234,567 views")]
)
def test_figures_are_grouped_and_plural_as_in_english(employer, views, shown):
    vacancy = factories.LiveVacancyFactory(employer=employer, view_count=views, apply_click_count=1)
    (row,) = selectors.dashboard_rows([vacancy])
    assert row.figures.views == shown
    assert row.figures.clicks == "1 apply click"
    assert row.figures.applications == "0 applications"


def test_sources_carry_their_figures_shown_and_the_applications(employer):
    vacancy = factories.LiveVacancyFactory(employer=employer)
    VacancyTraffic.objects.create(
        vacancy=vacancy,
        day=vacancy.published_at.date(),
        source=TrafficSource.DIRECT,
        views=12345,
        apply_clicks=1000,
        applications=2,
    )
    (row,) = selectors.dashboard_rows([vacancy])
    (source,) = row.sources
    assert (source["views_shown"], source["clicks_shown"]) == ("12,345", "1,000")
    assert row.applications_received == 2
    assert row.figures.applications == "2 applications"
