"""The messages the employer's team sends candidates: composed once, kept, sent as kept.

A message is composed when the team sends it (subject and plain text from
``templates/applications/messages/<kind>``), stored on the application's history exactly as
composed, and the worker sends that stored text; so the history shows what the candidate got.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from applications.models import Application, ApplicationEvent
from common.links import on_site


class MessageKind:
    INVITE = "invite"
    REJECT = "reject"
    OFFER = "offer"


MESSAGE_KINDS = {
    MessageKind.INVITE: "Invitation to interview",
    MessageKind.REJECT: "Unsuccessful",
    MessageKind.OFFER: "Job offer",
}
# The status an application moves to when the message is sent.
STATUS_AFTER = {
    MessageKind.INVITE: Application.Status.INTERVIEW,
    MessageKind.REJECT: Application.Status.REJECTED,
    MessageKind.OFFER: Application.Status.OFFERED,
}


@dataclass(frozen=True)
class MessageDetails:
    """What the team fills in: an interview's day, time and place or video link; a note."""

    note: str = ""
    interview_on: date | None = None
    interview_at: time | None = None
    place: str = ""
    video_link: str = ""


def _when(details: MessageDetails) -> str:
    if details.interview_on is None:
        return ""
    day = f"{details.interview_on:%A %-d %B %Y}"
    if details.interview_at is None:
        return day
    return f"{day} at {details.interview_at:%H:%M}"


def compose(kind: str, application: Application, details: MessageDetails) -> tuple[str, str]:
    """The subject and plain-text body of a ``kind`` message to ``application``'s candidate."""
    vacancy = application.vacancy
    context = {
        "name": application.full_name or "candidate",
        "vacancy": vacancy,
        "employer": vacancy.employer,
        "note": details.note.strip(),
        "when": _when(details),
        "place": details.place.strip(),
        "video_link": details.video_link.strip(),
        "SITE_NAME": settings.SITE_NAME,
    }
    subject = " ".join(
        render_to_string(f"applications/messages/{kind}_subject.txt", context, using="text").split()
    )[:200]
    body = render_to_string(f"applications/messages/{kind}.txt", context, using="text")
    return subject, body.strip() + "\n"


def message_email(event: ApplicationEvent) -> EmailMultiAlternatives:
    """The email of a kept message, exactly as it is on the history."""
    application = event.application
    employer = application.vacancy.employer
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
            "employer": employer,
            "applications_url": applications_url,
            "SITE_NAME": settings.SITE_NAME,
        },
    )
    message.attach_alternative(html, "text/html")
    return message
