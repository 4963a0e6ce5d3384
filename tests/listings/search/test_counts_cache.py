"""Cached search counts: shared between requests, dropped the moment the live set changes."""

from datetime import timedelta

import pytest
from django.http import QueryDict
from django.utils import timezone

from listings import services
from listings.search import search_page
from tests import factories

pytestmark = pytest.mark.django_db


def _total(query: str = "profession=social-worker") -> int:
    return search_page(QueryDict(query)).paginator.count


def test_counts_are_reused_until_a_vacancy_goes_live(employer, django_capture_on_commit_callbacks):
    factories.LiveVacancyFactory(employer=employer)
    assert _total() == 1
    factories.LiveVacancyFactory(employer=employer)  # written behind the services' back
    assert _total() == 1  # served from the cache
    draft = factories.VacancyFactory(employer=employer)
    with django_capture_on_commit_callbacks(execute=True):
        services.vacancy_publish(vacancy=draft)  # a real change through the services
    assert _total() == 3


def test_closing_renewing_and_editing_invalidate(employer, django_capture_on_commit_callbacks):
    vacancy = factories.LiveVacancyFactory(employer=employer)
    assert _total() == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.vacancy_close(vacancy=vacancy)
    assert _total() == 0
    with django_capture_on_commit_callbacks(execute=True):
        renewed = services.vacancy_renew(
            vacancy=vacancy, closes_at=timezone.now() + timedelta(days=10)
        )
    assert _total() == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.vacancy_update(vacancy=renewed, profession=factories.profession("care-worker"))
    assert _total() == 0
    assert _total("profession=care-worker") == 1


def test_the_page_of_results_always_honours_the_clock(employer):
    closes = timezone.now() + timedelta(seconds=30)
    vacancy = factories.LiveVacancyFactory(employer=employer, closes_at=closes)
    assert [v.pk for v in search_page(QueryDict("")).page.object_list] == [vacancy.pk]
    later = search_page(QueryDict(""), now=closes + timedelta(seconds=1))
    assert list(later.page.object_list) == []
