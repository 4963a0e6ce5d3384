"""Forms of the seekers' pages: the email and code of signing in, alert edits, reports."""

from __future__ import annotations

from django import forms

from common.forms import email_field
from seekers.models import VacancyReport


class EmailForm(forms.Form):
    email = email_field()


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code from the email",
        max_length=12,
        error_messages={"required": "Enter the 6-digit code from the email."},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9 ]*",
                "spellcheck": "false",
            }
        ),
    )

    def clean_code(self) -> str:
        code = "".join(ch for ch in self.cleaned_data["code"] if ch.isdigit())
        if len(code) != 6:
            raise forms.ValidationError("The code is 6 digits, like 123456.")
        return code


class AlertSearchForm(forms.Form):
    """The words and place of an alert's search; its other filters are kept as they are."""

    q = forms.CharField(label="Keywords", required=False, max_length=200)
    location = forms.CharField(label="Place", required=False, max_length=100)


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label="What is wrong with this job?",
        choices=VacancyReport.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what is wrong with this job."},
    )
    details = forms.CharField(
        label="Tell us more (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    email = forms.EmailField(
        label="Your email address (optional, if you would like a reply)",
        required=False,
        max_length=254,
        error_messages={"invalid": "Enter an email address like name@example.com."},
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )


class DeleteAccountForm(forms.Form):
    confirm = forms.BooleanField(
        label="I understand that my saved jobs, job alerts, applications and account will be deleted",
        error_messages={"required": "Tick the box to confirm you want to delete everything."},
    )
