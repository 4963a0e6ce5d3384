"""A service's refusal shown on the form that asked for the change."""

from __future__ import annotations

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from common.forms import add_service_errors


class ClosingForm(forms.Form):
    service_error_fields = {"closes_at": "closes_on"}

    title = forms.CharField()
    closes_on = forms.DateField()


def bound(form_class=ClosingForm) -> forms.Form:
    form = form_class({"title": "Nurse", "closes_on": "2030-01-01"})
    assert form.is_valid()
    return form


def test_field_errors_go_to_their_fields_renamed_where_the_form_says():
    form = bound()
    add_service_errors(
        form,
        ValidationError({"title": ["Too short.", "Too plain."], "closes_at": ["Too late."]}),
    )
    assert form.errors["title"] == ["Too short.", "Too plain."]
    assert form.errors["closes_on"] == ["Too late."]


def test_errors_about_fields_the_form_lacks_go_to_the_top():
    form = bound()
    add_service_errors(
        form, ValidationError({"salary_max": ["Below the minimum."], NON_FIELD_ERRORS: ["No."]})
    )
    assert form.non_field_errors() == ["Below the minimum.", "No."]


def test_without_a_renaming_a_differently_named_field_goes_to_the_top():
    class PlainForm(forms.Form):
        closes_on = forms.DateField()

    form = PlainForm({"closes_on": "2030-01-01"})
    assert form.is_valid()
    add_service_errors(form, ValidationError({"closes_at": ["Too late."]}))
    assert form.non_field_errors() == ["Too late."]


def test_a_plain_message_goes_to_the_top():
    form = bound()
    add_service_errors(form, ValidationError(["Renew it first.", "Then publish."]))
    assert form.non_field_errors() == ["Renew it first.", "Then publish."]
