"""The vacancy admin: the care-sector facts as staff edit them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from listings.admin import VacancyAdminForm
from tests import factories

pytestmark = pytest.mark.django_db


def test_change_page_shows_shift_patterns_as_tick_boxes(client, admin_user):
    client.force_login(admin_user)
    vacancy = factories.LiveVacancyFactory(shift_patterns=["nights"], visa_sponsorship="yes")
    response = client.get(reverse("admin:listings_vacancy_change", args=[vacancy.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'type="checkbox" name="shifts" value="nights"' in body
    assert "Not stated" in body


def test_admin_form_refuses_a_band_without_agenda_for_change():
    vacancy = factories.LiveVacancyFactory()
    form = VacancyAdminForm(instance=vacancy)
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    data.update(pay_scale="njc", pay_band="band-5", shifts=["days", "weekends"])
    data["places"] = [p.pk for p in vacancy.places.all()]
    bound = VacancyAdminForm(data=data, instance=vacancy)
    assert not bound.is_valid()
    assert "pay_band" in bound.errors
    data.update(pay_scale="afc")
    good = VacancyAdminForm(data=data, instance=vacancy)
    assert good.is_valid(), good.errors
    assert good.cleaned_data["shifts"] == 1 | 16


class TestReviewQueue:
    URL = "/admin/listings/vacancyforreview/"

    def rows(self, response):
        return [row.reference for row in response.context["cl"].result_list]

    def test_newest_first_with_filters_counts_and_a_reference_search(self, client, admin_user):
        from datetime import timedelta

        from django.utils import timezone

        from listings.models import Vacancy

        client.force_login(admin_user)
        old_hand = factories.EmployerFactory(verified=True)
        factories.LiveVacancyFactory(employer=old_hand)
        newcomer = factories.EmployerFactory(verified=False)
        older = factories.PendingVacancyFactory(employer=old_hand)
        for _ in range(3):  # more waiting work
            factories.PendingVacancyFactory(employer=old_hand)
        newest = factories.PendingVacancyFactory(employer=newcomer)
        Vacancy.objects.filter(pk=older.pk).update(updated_at=timezone.now() - timedelta(days=3))
        response = client.get(self.URL)
        assert response.status_code == 200
        rows = self.rows(response)
        assert rows[0] == newest.reference and rows[-1] == older.reference
        body = response.content.decode()
        assert "Not verified yet (1)" in body  # counts beside the filters
        first = client.get(self.URL, {"first": "yes"})
        assert self.rows(first) == [newest.reference]
        unverified = client.get(self.URL, {"verified": "no"})
        assert self.rows(unverified) == [newest.reference]
        found = client.get(self.URL, {"q": newest.reference.lower()})
        assert self.rows(found) == [newest.reference]

    def test_new_wording_is_listed_with_a_diff_and_approved_from_the_review_page(
        self, client, admin_user
    ):
        from listings import services
        from listings.models import Vacancy, VacancyRevision

        client.force_login(admin_user)
        vacancy = factories.LiveVacancyFactory(employer=factories.EmployerFactory(verified=False))
        services.vacancy_update(
            vacancy=vacancy, description="Join our friendly adults' team.\n\nNew line here"
        )
        response = client.get(self.URL, {"kind": "change"})
        assert self.rows(response) == [vacancy.reference]
        assert "New wording (the approved version is live)" in response.content.decode()
        review = client.get(f"{self.URL}{vacancy.pk}/review/")
        page = review.content.decode()
        assert review.status_code == 200
        assert '<ins class="diff-ins">New line here</ins>' in page
        assert '<del class="diff-del">' in page
        approved = client.post(
            self.URL, {"action": "approve_selected", "_selected_action": [vacancy.pk], "index": 0}
        )
        assert approved.status_code == 302
        assert not VacancyRevision.objects.exists()
        assert Vacancy.objects.get(pk=vacancy.pk).description.endswith("New line here")
        assert client.get(f"{self.URL}{vacancy.pk}/review/").status_code == 404
