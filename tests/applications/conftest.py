"""Signed-in clients of the vacancy's employer (CVs go to the temporary folder of tests/settings.py)."""

from __future__ import annotations

import pytest


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


@pytest.fixture
def recruiter_client(client, recruiter):
    client.force_login(recruiter)
    return client
