"""Signed links for email verification and team invitations.

Both are Django ``signing`` payloads (HMAC with ``SECRET_KEY`` and a per-purpose salt), so
they cannot be forged or reused for the other purpose. The time they were issued is inside
the payload and checked against ``now``, which tests pass in. Single use comes from the
database: a verification token names the address it verifies and stops working once that
address is verified; an invitation stops working once accepted or revoked.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.utils import timezone

VERIFY_SALT = "employers.verify-email"
INVITE_SALT = "employers.invitation"


class TokenError(Exception):
    """The link is malformed, tampered with, expired or already used; ``str()`` says which."""


def verification_max_age() -> timedelta:
    return timedelta(days=settings.EMAIL_VERIFICATION_DAYS)


def invitation_max_age() -> timedelta:
    return timedelta(days=settings.INVITATION_DAYS)


def make_verification_token(user, *, now: datetime | None = None) -> str:
    now = now or timezone.now()
    return signing.dumps(
        {"u": user.pk, "e": user.email, "t": int(now.timestamp())}, salt=VERIFY_SALT
    )


def read_verification_token(token: str, *, now: datetime | None = None) -> tuple[int, str]:
    """Return ``(user_id, email)`` from a valid, unexpired token."""
    now = now or timezone.now()
    try:
        data = signing.loads(token, salt=VERIFY_SALT)
        user_id, email, issued = int(data["u"]), str(data["e"]), int(data["t"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise TokenError("This link is not valid. Check you copied all of it.") from exc
    if now.timestamp() - issued > verification_max_age().total_seconds():
        raise TokenError("This link has expired. Sign in to send a new one.")
    return user_id, email


def make_invitation_token(invitation) -> str:
    return signing.dumps({"i": invitation.pk, "e": invitation.email}, salt=INVITE_SALT)


def read_invitation_token(token: str) -> tuple[int, str]:
    """Return ``(invitation_id, email)``; expiry and use are checked against the invitation."""
    try:
        data = signing.loads(token, salt=INVITE_SALT)
        return int(data["i"]), str(data["e"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise TokenError("This invitation link is not valid. Check you copied all of it.") from exc
