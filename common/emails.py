"""Composing and sending the board's emails: plain text and HTML parts from templates."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def build_email(
    *,
    template: str,
    context: dict,
    to: Iterable[str],
    headers: dict[str, str] | None = None,
) -> EmailMultiAlternatives:
    """Build a message from ``emails/<template>_subject.txt``, ``.txt`` and ``.html``.

    The subject and the plain-text part render without HTML escaping (the ``text`` template
    engine): user text such as "A&E Nurse" must not arrive as "A&amp;E Nurse".
    """
    context = {"SITE_NAME": settings.SITE_NAME, "SITE_URL": settings.SITE_URL, **context}
    subject = " ".join(
        render_to_string(f"emails/{template}_subject.txt", context, using="text").split()
    )
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"emails/{template}.txt", context, using="text"),
        to=list(to),
        headers=headers or {},
    )
    message.attach_alternative(render_to_string(f"emails/{template}.html", context), "text/html")
    return message
