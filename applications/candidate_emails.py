"""The emails the board sends the candidate itself (the team's messages are ``emails``)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from applications.models import Application
from common.emails import build_email
from common.links import on_site


def application_received_message(application: Application):
    vacancy = application.vacancy
    return build_email(
        template="application_received",
        context={
            "application": application,
            "vacancy": vacancy,
            "employer": vacancy.employer,
            "applications_link": on_site(reverse("candidates:mine")),
            "vacancy_link": on_site(vacancy.get_absolute_url()),
            "retention_months": settings.APPLICATION_RETENTION_MONTHS,
        },
        to=[application.email],
    )
