"""The email of a message kept on an application's history, built one way for both sides: the
team's messages (``emails``) and the board's confirmations to the candidate
(``candidate_emails``) send exactly the subject and text kept, with the link to the
candidate's applications, and the same in HTML."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from applications.models import ApplicationEvent
from common.links import on_site


def render_message(kind: str, context: dict) -> tuple[str, str]:
    """The subject (one line, at most 200 characters) and text of a message to keep, from
    ``applications/messages/<kind>_subject.txt`` and ``<kind>.txt``."""
    subject = " ".join(
        render_to_string(f"applications/messages/{kind}_subject.txt", context, using="text").split()
    )[:200]
    body = render_to_string(f"applications/messages/{kind}.txt", context, using="text")
    return subject, body.strip() + "\n"


def kept_message_email(event: ApplicationEvent) -> EmailMultiAlternatives:
    """The email of a kept message, exactly as it is on the history."""
    application = event.application
    applications_url = on_site(reverse("candidates:mine"))
    message = EmailMultiAlternatives(
        subject=event.subject,
        body=f"{event.body}\n--\nSee your applications: {applications_url}\n",
        to=[application.email],
        headers={"X-Care-Jobs-Application": str(application.pk)},
    )
    html = render_to_string(
        "emails/application_message.html",
        {
            "body": event.body,
            "employer": application.vacancy.employer,
            "applications_url": applications_url,
            "SITE_NAME": settings.SITE_NAME,
        },
    )
    message.attach_alternative(html, "text/html")
    return message
