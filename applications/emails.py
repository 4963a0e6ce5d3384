"""The messages the employer's team sends candidates: composed once, kept, sent as kept;
and what the board tells the team about its candidates (an interview time chosen). A
cancelled interview time is a kept message too (``compose_slot_cancelled``).

A message is composed when the team sends it (subject and plain text from
``templates/applications/messages/<kind>``), stored on the application's history exactly as
composed, and the worker sends that stored text; so the history shows what the candidate got.
An invitation either gives a fixed time or links the candidate to the page where they pick one
of the vacancy's interview slots.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from django.conf import settings
from django.core.mail import EmailMultiAlternatives

from applications.kept_emails import kept_message_email, render_message
from applications.models import Application, ApplicationEvent, InterviewSlot
from common.emails import build_email
from common.links import absolute_url


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
    """What the team fills in: an interview's day, time and place or video link (or ``pick``:
    the candidate picks one of the vacancy's free interview slots); a note."""

    note: str = ""
    interview_on: date | None = None
    interview_at: time | None = None
    place: str = ""
    video_link: str = ""
    pick: bool = False


def pick_url(application: Application) -> str:
    """Where the candidate picks (or changes) their interview time."""
    return absolute_url("candidates:interview", application.pk)


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
        "pick_url": pick_url(application) if details.pick else "",
        "SITE_NAME": settings.SITE_NAME,
    }
    return render_message(kind, context)


def compose_slot_cancelled(
    application: Application, slot: InterviewSlot, *, note: str, can_pick: bool, other_times: bool
) -> tuple[str, str]:
    """The subject and plain text telling the candidate the team cancelled their interview
    time; with the link to choose again when ``can_pick`` (``other_times``: whether free
    times remain)."""
    vacancy = application.vacancy
    context = {
        "name": application.full_name or "candidate",
        "vacancy": vacancy,
        "employer": vacancy.employer,
        "when": slot.when_text(),
        "note": note.strip(),
        "can_pick": can_pick,
        "other_times": other_times,
        "pick_url": pick_url(application),
    }
    return render_message("slot_cancelled", context)


def message_email(event: ApplicationEvent) -> EmailMultiAlternatives:
    """The email of a kept message, exactly as it is on the history."""
    return kept_message_email(event)


def slot_chosen_team_email(event: ApplicationEvent, *, changed: bool, recipients: list[str]):
    """Tell the vacancy's team which interview time a candidate chose (``changed``: moved to)."""
    application = event.application
    vacancy = application.vacancy
    return build_email(
        template="interview_slot_chosen",
        context={
            "name": application.full_name or application.email,
            "vacancy": vacancy,
            "slot": event.slot,
            "changed": changed,
            "application_url": absolute_url(
                "applications:detail", vacancy.reference, application.pk
            ),
            "slots_url": absolute_url("applications:slots", vacancy.reference),
        },
        to=recipients,
        headers={"X-Care-Jobs-Application": str(application.pk)},
    )
