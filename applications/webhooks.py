"""The new-application webhook: what is sent, and how it is signed.

The body is JSON; the header ``X-Care-Jobs-Signature: t=<unix time>,v1=<hex>`` carries an
HMAC-SHA256 of ``"<t>.<body>"`` under the employer's secret, so the receiver can check the
sender and refuse replays (compare ``t`` with its clock). See docs/api.md.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import urllib.request
from datetime import datetime

from django.urls import reverse

from applications.models import Application
from common.links import on_site

SIGNATURE_HEADER = "X-Care-Jobs-Signature"
TIMEOUT_SECONDS = 10


def payload(application: Application) -> dict:
    vacancy = application.vacancy
    return {
        "event": "application.submitted",
        "application": {
            "id": application.pk,
            "vacancy": vacancy.reference,
            "status": application.status,
            "submitted_at": application.submitted_at.isoformat()
            if application.submitted_at
            else None,
            "url": on_site(
                reverse(
                    "applications:detail",
                    kwargs={"reference": vacancy.reference, "application_id": application.pk},
                )
            ),
            "api_url": on_site(
                reverse("api:employer-application-detail", kwargs={"pk": application.pk})
            ),
        },
    }


def sign(body: bytes, *, secret: str, now: datetime) -> str:
    stamp = int(now.timestamp())
    digest = hmac.new(secret.encode(), f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={stamp},v1={digest}"


def post(url: str, body: bytes, *, signature: str) -> int:
    """POST the body; the status code (an ``OSError`` on a network failure)."""
    request = urllib.request.Request(  # noqa: S310 - the URL was checked to be https
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "CareJobsBoard-Webhook/1",
            SIGNATURE_HEADER: signature,
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def encode(data: dict) -> bytes:
    return json.dumps(data, separators=(",", ":"), sort_keys=True).encode()
