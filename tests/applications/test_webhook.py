"""The new-application webhook: set by an owner, signed, sent by the worker until delivered."""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest
from django.urls import reverse

from applications import services, webhooks
from applications.models import ApplicationWebhook, WebhookDelivery
from applications.tasks import deliver_webhook
from tests.applications.factories import ApplicationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def posted(monkeypatch):
    """Replace the network: record each POST and answer with the next status given."""
    calls = []
    answers = []

    def post(url, body, *, signature):
        calls.append({"url": url, "body": body, "signature": signature})
        answer = answers.pop(0) if answers else 200
        if isinstance(answer, Exception):
            raise answer
        return answer

    monkeypatch.setattr(webhooks, "post", post)
    return calls, answers


def test_the_owner_sets_the_webhook_and_sees_a_secret(owner_client, employer):
    url = reverse("applications:webhook")
    response = owner_client.post(url, {"url": "https://ats.example.org/hook", "is_active": "on"})
    assert response.status_code == 302
    hook = ApplicationWebhook.objects.get(employer=employer)
    assert hook.url == "https://ats.example.org/hook" and len(hook.secret) == 64
    assert hook.secret in owner_client.get(url).content.decode()


@pytest.mark.parametrize("address", ["http://ats.example.org/hook", "javascript:alert(1)", ""])
def test_the_webhook_must_be_https(owner_client, employer, address):
    response = owner_client.post(reverse("applications:webhook"), {"url": address})
    assert response.status_code == 400
    assert not ApplicationWebhook.objects.exists()


def test_a_new_application_is_posted_signed(employer, posted):
    calls, _ = posted
    hook = services.webhook_set(employer=employer, url="https://ats.example.org/hook")
    application = ApplicationFactory(vacancy__employer=employer)
    assert deliver_webhook(application.pk) == 1
    (call,) = calls
    body = json.loads(call["body"])
    assert body["event"] == "application.submitted"
    assert body["application"]["id"] == application.pk
    assert body["application"]["vacancy"] == application.vacancy.reference
    stamp, digest = (part.split("=", 1)[1] for part in call["signature"].split(","))
    expected = hmac.new(
        hook.secret.encode(), f"{stamp}.".encode() + call["body"], hashlib.sha256
    ).hexdigest()
    assert hmac.compare_digest(digest, expected)
    # Delivered: a second run (a retry, a relay sent twice) posts nothing.
    assert deliver_webhook(application.pk) == 0
    assert len(calls) == 1


def test_a_refusal_is_retried_until_delivered(employer, posted):
    calls, answers = posted
    services.webhook_set(employer=employer, url="https://ats.example.org/hook")
    application = ApplicationFactory(vacancy__employer=employer)
    answers.extend([500, OSError("connection refused")])
    for _ in range(2):
        with pytest.raises(OSError):
            deliver_webhook.run(application.pk)
    delivery = WebhookDelivery.objects.get(application=application)
    assert delivery.attempts == 2 and delivery.delivered_at is None
    assert "connection refused" in delivery.last_error
    assert deliver_webhook.run(application.pk) == 1
    delivery.refresh_from_db()
    assert delivery.attempts == 3 and delivery.delivered_at is not None and len(calls) == 3


def test_no_webhook_no_call(employer, posted):
    calls, _ = posted
    application = ApplicationFactory(vacancy__employer=employer)
    assert deliver_webhook(application.pk) == 0
    services.webhook_set(employer=employer, url="https://ats.example.org/hook", is_active=False)
    assert deliver_webhook(application.pk) == 0
    assert not calls and not WebhookDelivery.objects.exists()
