"""The emails the board sends the candidate itself (the team's messages are ``emails``): the
application received, and the confirmation of an interview time they chose, with a calendar
file (iCalendar, RFC 5545, written with the standard library)."""

from __future__ import annotations

from datetime import UTC, datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils import timezone

from applications.kept_emails import kept_message_email, render_message
from applications.models import Application, ApplicationEvent, InterviewSlot
from common.emails import build_email
from common.links import absolute_url, on_site


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


# --- An interview time chosen ---------------------------------------------------------------


def compose_slot_confirmation(
    application: Application, slot: InterviewSlot, *, changed: bool
) -> tuple[str, str]:
    """The subject and plain text confirming ``slot`` to the candidate (kept on the history)."""
    vacancy = application.vacancy
    starts = timezone.localtime(slot.starts_at)
    context = {
        "name": application.full_name or "candidate",
        "vacancy": vacancy,
        "employer": vacancy.employer,
        "slot": slot,
        "when": slot.when_text(),
        "when_short": f"{starts:%a %-d %b} at {starts:%H:%M}",
        "changed": changed,
        "pick_url": absolute_url("candidates:interview", application.pk),
    }
    return render_message("slot_chosen", context)


def _ics_text(value: str) -> str:
    """A TEXT value escaped as RFC 5545 says (backslash, semicolon, comma, new line)."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "")


def _ics_fold(line: str) -> str:
    """Lines longer than 75 octets folded with CRLF and a space, never inside a character."""
    out, current = [], b""
    for char in line:
        encoded = char.encode()
        if len(current) + len(encoded) > (75 if not out else 74):
            out.append(current.decode())
            current = b""
        current += encoded
    out.append(current.decode())
    return "\r\n ".join(out)


def _ics_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def interview_ics(event: ApplicationEvent, slot: InterviewSlot, *, sequence: int) -> str:
    """A one-event calendar for the interview. The UID is the application's, so a changed
    time (a higher ``sequence``) updates the entry a calendar already has."""
    application = event.application
    vacancy = application.vacancy
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0] or "localhost"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:-//{_ics_text(settings.SITE_NAME)}//Interviews//EN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:interview-{application.pk}@{host}",
        f"SEQUENCE:{sequence}",
        f"DTSTAMP:{_ics_time(event.created_at)}",
        f"DTSTART:{_ics_time(slot.starts_at)}",
        f"DTEND:{_ics_time(slot.ends_at)}",
        f"SUMMARY:{_ics_text(f'Interview: {vacancy.title} at {vacancy.employer.name}')}",
        f"LOCATION:{_ics_text(slot.where)}",
        f"DESCRIPTION:{_ics_text(event.body)}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(_ics_fold(line) for line in lines) + "\r\n"


def slot_confirmation_email(event: ApplicationEvent, *, sequence: int) -> EmailMultiAlternatives:
    """The kept confirmation as sent, with the calendar file of the slot it names."""
    message = kept_message_email(event)
    slot = event.slot
    if slot is not None:  # gone only if the team removed it once it was free again
        message.attach(
            "interview.ics",
            interview_ics(event, slot, sequence=sequence),
            "text/calendar; charset=utf-8; method=PUBLISH",
        )
    return message
