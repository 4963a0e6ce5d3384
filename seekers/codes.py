"""The one-time sign-in code of a ``SignInCode`` row and the signed link that carries it.

A code is six digits derived from the row's random nonce with an HMAC under ``SECRET_KEY``;
the link is a Django ``signing`` payload naming the row and its code, so following it is the
same check as typing the code.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings
from django.core import signing

LINK_SALT = "seekers.sign-in-link"


def new_nonce() -> str:
    return secrets.token_hex(16)


def code_for(nonce: str) -> str:
    """The six-digit code a nonce stands for."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"seekers.code:{nonce}".encode(), hashlib.sha256
    ).digest()
    return f"{int.from_bytes(digest[:8], 'big') % 1_000_000:06d}"


def codes_match(nonce: str, code: str) -> bool:
    return hmac.compare_digest(code_for(nonce), "".join(ch for ch in code if ch.isdigit()))


def make_link_token(*, code_id: int, nonce: str) -> str:
    return signing.dumps({"c": code_id, "k": code_for(nonce)}, salt=LINK_SALT)


def read_link_token(token: str) -> tuple[int, str] | None:
    """``(code_id, code)`` from a link, or ``None`` when it is malformed or forged."""
    try:
        data = signing.loads(token, salt=LINK_SALT)
        return int(data["c"]), str(data["k"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
