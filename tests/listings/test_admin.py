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
