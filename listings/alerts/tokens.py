"""Signed tokens for the links in alert emails: one per purpose, bound to the address."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.core import signing

from listings.models import JobAlert


class InvalidToken(Exception):
    """A link's token is malformed, forged, for another purpose, or too old."""


def _salt(purpose: str) -> str:
    # The module's old name: links already sent out keep working.
    return f"listings.alerts.{purpose}"


def make_token(alert: JobAlert, purpose: str) -> str:
    """A signed token naming ``alert`` for one purpose (confirm, manage or unsubscribe).

    It is bound to the alert's address, so it stops working if the row is ever reused.
    """
    payload = {"a": alert.pk, "e": _address_tag(alert.email)}
    return signing.dumps(payload, salt=_salt(purpose), compress=True)


def read_token(token: str, purpose: str, *, max_age: timedelta | None = None) -> JobAlert | None:
    """Return the alert a token names, ``None`` if it no longer exists; raise ``InvalidToken``."""
    try:
        payload = signing.loads(token, salt=_salt(purpose), max_age=max_age)
    except signing.SignatureExpired as exc:
        raise InvalidToken("This link has expired.") from exc
    except signing.BadSignature as exc:
        raise InvalidToken("This link is not valid.") from exc
    if not isinstance(payload, dict) or not isinstance(payload.get("a"), int):
        raise InvalidToken("This link is not valid.")
    alert = JobAlert.objects.filter(pk=payload["a"]).first()
    if alert is not None and _address_tag(alert.email) != payload.get("e"):
        return None
    return alert


def _address_tag(email: str) -> str:
    return hashlib.sha256(email.lower().encode()).hexdigest()[:10]
