"""Forms of the job alert pages: sign-up and the manage page's frequency choice."""

from __future__ import annotations

from django import forms

from common.forms import email_field
from listings.models import JobAlert


class AlertSignupForm(forms.Form):
    """ "Email me jobs like these": an address, how often, and the search as a query string."""

    email = email_field()
    frequency = forms.ChoiceField(
        label="How often",
        choices=JobAlert.Frequency.choices,
        initial=JobAlert.Frequency.DAILY,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how often to get emails."},
    )
    query = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)


class AlertFrequencyForm(forms.Form):
    frequency = forms.ChoiceField(
        label="How often",
        choices=JobAlert.Frequency.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how often to get emails."},
    )
