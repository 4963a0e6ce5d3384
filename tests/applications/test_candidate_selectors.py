"""Reads: the equality report in aggregate with small numbers suppressed."""

from __future__ import annotations

import pytest
from django.utils import timezone

from applications.candidate_selectors import equality_report
from applications.models import EqualityMonitoring
from listings.models import Vacancy
from tests import factories

pytestmark = pytest.mark.django_db


def _answers(vacancy, n: int, **values):
    for _ in range(n):
        EqualityMonitoring.objects.create(vacancy=vacancy, given_on=timezone.localdate(), **values)


def _rows(report, name):
    return dict(next(q for q in report["questions"] if q["name"] == name)["rows"])


def test_fewer_than_five_answers_show_nothing():
    vacancy = factories.LiveVacancyFactory()
    _answers(vacancy, 4, age_band="25-34")
    report = equality_report(vacancies=Vacancy.objects.filter(pk=vacancy.pk))
    assert report["total"] is None and report["questions"] == []


def test_small_counts_are_suppressed_and_cannot_be_worked_out():
    vacancy = factories.LiveVacancyFactory()
    _answers(vacancy, 12, age_band="25-34", sex="female")
    _answers(vacancy, 6, age_band="35-44", sex="male")
    _answers(vacancy, 2, age_band="65+", sex="")  # "prefer not to say" for sex
    report = equality_report(vacancies=Vacancy.objects.filter(pk=vacancy.pk))
    assert report["total"] == 20
    ages = _rows(report, "age_band")
    # 2 is suppressed; so is the next smallest, or 20 - 12 - 6 would give it away.
    assert ages["65 or over"] is None and ages["35 to 44"] is None
    assert ages["25 to 34"] == 12 and ages["16 to 24"] == 0
    sexes = _rows(report, "sex")
    assert sexes["Prefer not to say"] is None and sexes["Male"] is None
    assert sexes["Female"] == 12


def test_the_report_covers_the_vacancies_given():
    one, two = factories.LiveVacancyFactory(), factories.LiveVacancyFactory()
    _answers(one, 5, disability="no")
    _answers(two, 5, disability="yes")
    report = equality_report(vacancies=Vacancy.objects.filter(pk__in=[one.pk, two.pk]))
    assert _rows(report, "disability") == {"Yes": 5, "No": 5, "Prefer not to say": 0}
