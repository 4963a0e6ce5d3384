"""The dashboard's rows worked out in Python: the same links and figures the template's
``{% url %}``, ``intcomma`` and ``pluralize`` gave."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

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


NOW = datetime(2027, 7, 6, 23, 30, tzinfo=UTC)  # 00:30 on 7 July in London (summer time)


@pytest.mark.parametrize(
    ("make", "status", "outcome", "closes"),
    [
        (
            lambda e: factories.LiveVacancyFactory(employer=e, closes_at=NOW + timedelta(days=1)),
            "Live",
            "",
            "Closes 8 Jul 2027",
        ),
        (
            lambda e: factories.LiveVacancyFactory(employer=e, closes_at=NOW),
            "Expired",
            "",
            "Closed 7 Jul 2027",  # the day in London, not UTC's 6 July
        ),
        (
            lambda e: factories.ClosedVacancyFactory(
                employer=e, outcome="filled-here", closes_at=NOW - timedelta(days=3)
            ),
            "Closed",
            " (filled through this board)",
            "Closed 4 Jul 2027",
        ),
        (
            lambda e: factories.ExpiredVacancyFactory(
                employer=e, outcome="expired", closes_at=NOW - timedelta(days=1)
            ),
            "Expired",
            "",
            "Closed 6 Jul 2027",
        ),
        (lambda e: factories.VacancyFactory(employer=e, closes_at=None), "Draft", "", ""),
    ],
)
def test_the_status_line_reads_as_the_tabs_group_it(employer, make, status, outcome, closes):
    (row,) = selectors.dashboard_rows([make(employer)], now=NOW)
    assert (row.meta.status, row.meta.outcome, row.meta.closes) == (status, outcome, closes)
