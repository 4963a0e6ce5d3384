"""Fixtures for the seeker tests: a seeker, a signed-in client, and sign-in by the real email."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from seekers.models import Seeker
from tests import factories


@pytest.fixture
def seeker(db):
    return Seeker.objects.create(user=factories.UserFactory(email="sam@example.net"))


@pytest.fixture
def seeker_client(client, seeker):
    client.force_login(seeker.user)
    return client


def code_from_last_email(to: str) -> str:
    """The six-digit code in the newest email sent to ``to``."""
    sent = [m for m in mail.outbox if to in m.to]
    assert sent, f"no email to {to}"
    match = re.search(r"\b(\d{6})\b", sent[-1].body)
    assert match, sent[-1].body
    return match.group(1)


def link_from_last_email(to: str) -> str:
    sent = [m for m in mail.outbox if to in m.to]
    match = re.search(r"https?://\S*/me/sign-in/link/\S+", sent[-1].body)
    assert match, sent[-1].body
    return "/" + match.group(0).split("://", 1)[1].split("/", 1)[1]


@pytest.fixture
def ask_code(django_capture_on_commit_callbacks):
    """Ask for a code as the service does, running what it queues after commit (the email)."""
    from seekers import services

    def ask(email: str, client_ip: str = "203.0.113.9", **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return services.sign_in_code_request(email=email, client_ip=client_ip, **kwargs)

    return ask


@pytest.fixture
def committing(django_capture_on_commit_callbacks):
    """``with committing(): client.post(...)``: what the request queued after commit runs."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
