"""Forms with bad input: every problem named, nothing half-saved."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from employers.forms import (
    EmployerProfileForm,
    PlacesField,
    RenewForm,
    SignUpForm,
    VacancyForm,
    resolve_place,
)
from listings.models import Vacancy
from tests import factories
from tests.employers.test_views import vacancy_data

pytestmark = pytest.mark.django_db


class TestPlaces:
    def test_names_slugs_and_counties(self):
        field = PlacesField()
        places = field.clean("Leeds; bradford ,  Newport (Pembrokeshire), newport-newport")
        assert [p.slug for p in places] == [
            "leeds",
            "bradford",
            "newport-pembrokeshire",
            "newport-newport",
        ]

    def test_duplicates_are_dropped(self):
        assert len(PlacesField().clean("Leeds, leeds, LEEDS")) == 1

    def test_ambiguous_name_lists_the_choices(self):
        with pytest.raises(Exception) as exc:
            resolve_place("Newport")
        assert "Newport (Pembrokeshire)" in str(exc.value)

    def test_unknown_place_suggests(self):
        with pytest.raises(Exception) as exc:
            resolve_place("Leedz")
        assert "Did you mean" in str(exc.value)

    def test_too_many_places(self):
        names = ", ".join(["Leeds", "York", "Bradford", "Sheffield", "Manchester"] * 3)
        with pytest.raises(Exception, match="at most"):
            PlacesField(max_places=4).clean(names)

    def test_written_back_with_county_only_when_needed(self):
        form = VacancyForm(instance=factories.VacancyFactory(places=[factories.place("leeds")]))
        assert form["places"].value() == "Leeds"
        vacancy = factories.VacancyFactory(places=[factories.place("newport-pembrokeshire")])
        assert VacancyForm(instance=vacancy)["places"].value() == "Newport (Pembrokeshire)"


BAD_VACANCY_INPUT = [
    ({"salary_min": "50000", "salary_max": "20000"}, "salary_max"),
    ({"salary_min": "-5"}, "salary_min"),
    ({"salary_min": "lots"}, "salary_min"),
    ({"salary_max": "1" * 30}, "salary_max"),
    ({"closes_on": (timezone.localdate() - timedelta(days=1)).isoformat()}, "closes_on"),
    ({"closes_on": (timezone.localdate() + timedelta(days=500)).isoformat()}, "closes_on"),
    ({"closes_on": "31/02/2026"}, "closes_on"),
    ({"closes_on": ""}, "closes_on"),
    ({"apply_url": "", "apply_email": ""}, "apply_url"),
    ({"apply_url": "javascript:alert(1)"}, "apply_url"),
    ({"apply_email": "nobody"}, "apply_email"),
    ({"places": ""}, "places"),
    ({"places": "Atlantis"}, "places"),
    ({"title": ""}, "title"),
    ({"title": "x" * 500}, "title"),
    ({"profession": "999999"}, "profession"),
    ({"contract_type": "slavery"}, "contract_type"),
    ({"hours_per_week": "200"}, "hours_per_week"),
    ({"description": ""}, "description"),
    ({"description": "x" * 20_001}, "description"),
    # The care-sector facts.
    ({"pay_scale": "afc", "pay_band": "band-8"}, "pay_band"),
    ({"pay_scale": "njc", "pay_band": "band-5"}, "pay_band"),
    ({"pay_scale": "afc", "pay_band": "band-5", "pay_grade": "Grade 7"}, "pay_grade"),
    ({"pay_scale": "civil-service"}, "pay_scale"),
    ({"shifts": ["nights", "graveyard"]}, "shifts"),
    ({"visa_sponsorship": "maybe"}, "visa_sponsorship"),
    ({"dbs_check": "extreme"}, "dbs_check"),
    ({"dbs_check": "", "dbs_update_service": "true"}, "dbs_update_service"),
    ({"dbs_check": "none", "dbs_paid_by": "employer"}, "dbs_paid_by"),
    ({"driving": "bike"}, "driving"),
    ({"driving": "not-needed", "mileage_paid": "true"}, "mileage_paid"),
    ({"registration": "bma"}, "registration"),
    ({"welsh": "not-needed", "welsh_level": "advanced"}, "welsh_level"),
    ({"welsh": "essential", "welsh_level": "fluent"}, "welsh_level"),
    ({"interview_date": "31/02/2026"}, "interview_date"),
    ({"interview_date": (timezone.localdate() - timedelta(days=1)).isoformat()}, "interview_date"),
]


@pytest.mark.parametrize(("change", "field"), BAD_VACANCY_INPUT)
def test_vacancy_form_names_the_problem(change, field):
    form = VacancyForm(data=vacancy_data(**change))
    assert not form.is_valid()
    assert field in form.errors, form.errors


# What a draft may leave out: only publishing needs them.
NOT_NEEDED_IN_A_DRAFT = {"closes_on", "apply_url", "places", "description"}


@pytest.mark.parametrize(("change", "field"), BAD_VACANCY_INPUT)
def test_bad_vacancy_post_creates_nothing(owner_client, change, field):
    data = vacancy_data(**change)
    if not any(change.values()) and field in NOT_NEEDED_IN_A_DRAFT:
        data["next"] = "preview"  # "Save and preview": checked as if to publish
    response = owner_client.post(reverse("employers:vacancy_create"), data)
    assert response.status_code == 400
    assert not Vacancy.objects.exists()
    assert "There is a problem" in response.content.decode()


def test_a_draft_needs_only_a_title(owner_client, employer):
    response = owner_client.post(
        reverse("employers:vacancy_create"), {"title": "Night carer", "next": "edit"}
    )
    assert response.status_code == 302
    vacancy = Vacancy.objects.get(employer=employer)
    assert (vacancy.title, vacancy.status, vacancy.profession, vacancy.closes_at) == (
        "Night carer",
        Vacancy.Status.DRAFT,
        None,
        None,
    )
    assert vacancy.workplace == "on_site"  # the model's defaults for what was not said
    preview = owner_client.get(reverse("employers:vacancy_preview", args=[vacancy.reference]))
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "Choose a profession." in page and "Set a closing date." in page
    none = owner_client.post(reverse("employers:vacancy_create"), {"title": "", "next": "edit"})
    assert none.status_code == 400


@pytest.mark.parametrize(("change", "field"), BAD_VACANCY_INPUT[:6])
def test_bad_edit_changes_nothing(owner_client, draft_vacancy, change, field):
    before = Vacancy.objects.filter(pk=draft_vacancy.pk).values().get()
    places_before = list(draft_vacancy.places.values_list("slug", flat=True))
    response = owner_client.post(
        reverse("employers:vacancy_edit", args=[draft_vacancy.reference]),
        vacancy_data(title="Changed", places="York", version=draft_vacancy.version, **change),
    )
    assert response.status_code == 400
    assert Vacancy.objects.filter(pk=draft_vacancy.pk).values().get() == before
    assert list(draft_vacancy.places.values_list("slug", flat=True)) == places_before


def test_tampered_version_is_explained(owner_client, draft_vacancy):
    response = owner_client.post(
        reverse("employers:vacancy_edit", args=[draft_vacancy.reference]),
        vacancy_data(version="abc"),
    )
    assert response.status_code == 400
    assert "The page was out of date" in response.content.decode()


def test_hours_rule_from_the_model_reaches_the_form(owner_client, draft_vacancy):
    response = owner_client.post(
        reverse("employers:vacancy_edit", args=[draft_vacancy.reference]),
        vacancy_data(hours_per_week="0", version=draft_vacancy.version),
    )
    assert response.status_code == 400
    assert "Hours per week" in response.content.decode()


def test_email_only_application_is_fine():
    form = VacancyForm(data=vacancy_data(apply_url="", apply_email="jobs@example.org"))
    assert form.is_valid(), form.errors


def test_web_address_without_scheme_becomes_https():
    form = VacancyForm(data=vacancy_data(apply_url="example.org/jobs"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["apply_url"] == "https://example.org/jobs"


def test_last_allowed_day_is_accepted(settings):
    now = timezone.now()
    last = timezone.localtime(now + timedelta(days=settings.VACANCY_MAX_OPEN_DAYS)).date()
    form = VacancyForm(data=vacancy_data(closes_on=last.isoformat()), now=now)
    assert form.is_valid(), form.errors
    late = VacancyForm(data=vacancy_data(closes_on=(last + timedelta(days=1)).isoformat()), now=now)
    assert "closes_on" in late.errors


def test_renew_form_checks_the_date():
    assert not RenewForm(data={"closes_on": "yesterday"}).is_valid()
    assert RenewForm(
        data={"closes_on": (timezone.localdate() + timedelta(days=3)).isoformat()}
    ).is_valid()


def test_signup_form_checks_everything():
    form = SignUpForm(
        data={"email": "x", "password": "password", "sector": "nope", "region": "", "town": "Q"}
    )
    assert not form.is_valid()
    assert {
        "first_name",
        "last_name",
        "email",
        "password",
        "employer_name",
        "sector",
        "region",
        "town",
    } <= set(form.errors)


def test_profile_form_rejects_bad_website(employer):
    form = EmployerProfileForm(
        data={"name": "X", "sector": "nhs", "region": "london", "website": "ftp://x"},
        instance=employer,
    )
    assert not form.is_valid()
    assert "website" in form.errors


CARE_FACTS = {
    "pay_scale": "afc",
    "pay_band": "band-3",
    "shifts": ["nights", "weekends"],
    "overtime_offered": "true",
    "visa_sponsorship": "no",
    "dbs_check": "enhanced-barred",
    "dbs_update_service": "true",
    "dbs_paid_by": "employer",
    "driving": "car",
    "mileage_paid": "true",
    "registration": "none",
    "welsh": "desirable",
    "welsh_level": "entry",
    "may_close_early": "on",
}


def test_care_facts_are_saved_and_shown_again_for_editing(owner_client, employer):
    interview = (timezone.localdate() + timedelta(days=20)).isoformat()
    response = owner_client.post(
        reverse("employers:vacancy_create"),
        vacancy_data(**CARE_FACTS, interview_date=interview),
    )
    assert response.status_code == 302
    vacancy = Vacancy.objects.get(employer=employer)
    assert vacancy.shift_patterns == ["nights", "weekends"]
    assert (vacancy.pay_band, vacancy.dbs_check, vacancy.driving) == (
        "band-3",
        "enhanced-barred",
        "car",
    )
    assert vacancy.overtime_offered is True and vacancy.mileage_paid is True
    assert vacancy.may_close_early and vacancy.interview_date.isoformat() == interview
    form = VacancyForm(instance=vacancy)
    page = str(form["shifts"])
    assert 'value="nights" id="id_shifts_1" checked' in page
    assert 'value="days"' in page and 'value="days" id="id_shifts_0" checked' not in page
    edit = owner_client.get(reverse("employers:vacancy_edit", args=[vacancy.reference]))
    assert "Skilled Worker visa sponsorship" in edit.content.decode()


def test_facts_left_alone_are_not_stated():
    form = VacancyForm(data=vacancy_data())
    assert form.is_valid(), form.errors
    data = form.service_fields()
    assert data["shifts"] == 0 and data["visa_sponsorship"] == "" and data["pay_band"] == ""
    assert data["overtime_offered"] is None and data["dbs_update_service"] is None
    assert dict(form.fields["visa_sponsorship"].choices)[""] == "Not stated"


def test_sponsorship_help_is_a_flag_the_employer_sets_not_a_promise():
    text = str(VacancyForm().fields["visa_sponsorship"].help_text)
    assert "sponsor licence" in text and "Certificate of Sponsorship" in text
    assert "22 July 2025" in text and "does not check" in text
