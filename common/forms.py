"""Form helpers every app shares: a service's refusal shown on the form, the email field,
web addresses taken as https."""

from __future__ import annotations

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models


def add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's ``ValidationError`` on the form, field by field where possible.

    A message about a field the form does not have goes to the top of the form. A form whose
    fields are named differently from the model's declares ``service_error_fields`` (model
    field name to form field name), such as a closing time typed as a day.
    """
    renamed = getattr(form, "service_error_fields", {})
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            name = None if field == NON_FIELD_ERRORS else renamed.get(field, field)
            if name is not None and name not in form.fields:
                name = None
            for message in errors:
                form.add_error(name, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def email_field(**kwargs) -> forms.EmailField:
    """The email address field every sign-up and sign-in form asks with, worded once."""
    return forms.EmailField(
        label=kwargs.pop("label", "Email address"),
        max_length=254,
        error_messages={
            "required": "Enter your email address.",
            "invalid": "Enter an email address like name@example.com.",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        **kwargs,
    )


def https_urls(db_field, **kwargs):
    """A model form's ``formfield_callback``: web addresses typed without a scheme are https://.

    (Django 6 makes https the default; until then every model form says so itself.)
    """
    if isinstance(db_field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return db_field.formfield(**kwargs)
