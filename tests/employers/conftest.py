"""Fixtures for the employer tests: signed-in clients for each role, and a clean cache."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from tests import factories


@pytest.fixture(autouse=True)
def _clear_cache():
    """Throttle counters live in the cache; each test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


@pytest.fixture
def recruiter_client(client, recruiter):
    client.force_login(recruiter)
    return client


@pytest.fixture
def outsider(db):
    """A member of a different employer."""
    return factories.MembershipFactory(role="owner").user


@pytest.fixture
def outsider_client(client, outsider):
    client.force_login(outsider)
    return client
