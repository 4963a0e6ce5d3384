"""One closing-date rule: the services and the employer's forms allow the same days."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from employers.forms import RenewForm, closing_moment
from listings import services
from listings.models import Vacancy
from tests import factories

LONDON = ZoneInfo("Europe/London")
# Late in the evening, UK time: the hour when "a day" most easily means two different dates.
NOW = datetime(2026, 3, 10, 23, 30, tzinfo=LONDON)


def form_problem(day) -> str | None:
    form = RenewForm(data={"closes_on": day.isoformat()}, now=NOW)
    return None if form.is_valid() else form.errors["closes_on"][0]


def test_the_latest_day_is_max_open_days_on_in_uk_time(settings):
    settings.VACANCY_MAX_OPEN_DAYS = 90
    assert services.latest_closing_day(NOW) == (NOW + timedelta(days=90)).date()


@pytest.mark.parametrize("offset", [-1, 0, 1, 2, 89, 90, 91, 120])
def test_form_and_service_allow_and_refuse_the_same_days_in_the_same_words(offset, settings):
    settings.VACANCY_MAX_OPEN_DAYS = 90
    day = NOW.date() + timedelta(days=offset)
    service = services.closing_date_problem(closing_moment(day), now=NOW)
    assert form_problem(day) == service
    assert (service is None) == (0 <= offset <= 90)


def test_the_refusal_names_the_last_day(settings):
    settings.VACANCY_MAX_OPEN_DAYS = 90
    problem = services.closing_date_problem(
        closing_moment(NOW.date() + timedelta(days=91)), now=NOW
    )
    assert problem == (
        "A vacancy can stay open for at most 90 days: choose 8 June 2026 or earlier."
    )


@pytest.mark.django_db
def test_renewing_asks_the_same_rule(settings):
    settings.VACANCY_MAX_OPEN_DAYS = 90
    vacancy = factories.ExpiredVacancyFactory(
        published_at=NOW - timedelta(days=40),
        closes_at=NOW - timedelta(days=2),
        expired_at=NOW - timedelta(days=2),
    )
    too_late = closing_moment(services.latest_closing_day(NOW) + timedelta(days=1))
    with pytest.raises(ValidationError) as refused:
        services.vacancy_renew(vacancy=vacancy, closes_at=too_late, now=NOW)
    assert refused.value.message_dict["closes_at"] == [
        services.closing_date_problem(too_late, now=NOW)
    ]
    last = closing_moment(services.latest_closing_day(NOW))
    renewed = services.vacancy_renew(vacancy=vacancy, closes_at=last, now=NOW)
    assert renewed.closes_at == last and renewed.status in {
        Vacancy.Status.LIVE,
        Vacancy.Status.PENDING_REVIEW,
    }
