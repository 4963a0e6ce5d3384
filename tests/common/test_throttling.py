"""Throttles counted in the shared cache, and who a client is behind trusted proxies."""

from __future__ import annotations

import os

import pytest
from django.core.cache.backends.locmem import LocMemCache

from common.throttling import Throttle, client_ip


def test_window_is_counted_and_reset():
    throttle = Throttle("t", limit=2, window=60)
    cache = LocMemCache("throttle-test", {})
    assert throttle.hit("A@Example.org", cache=cache) == 1
    assert not throttle.is_blocked("a@example.org", cache=cache)
    assert throttle.hit("a@example.org ", cache=cache) == 2
    assert throttle.is_blocked("a@example.org", cache=cache)
    throttle.reset("a@example.org", cache=cache)
    assert not throttle.is_blocked("a@example.org", cache=cache)


REDIS_URL = os.environ.get("REDIS_URL") or os.environ.get("THROTTLE_TEST_REDIS_URL")


@pytest.mark.skipif(not REDIS_URL, reason="set REDIS_URL to test the shared Redis counter")
def test_counts_are_shared_between_processes_through_redis():
    """Two cache clients stand for two web processes: they see one count."""
    from django.core.cache.backends.redis import RedisCache

    first = RedisCache(REDIS_URL, {})
    second = RedisCache(REDIS_URL, {})
    throttle = Throttle(f"shared-{os.getpid()}", limit=3, window=30)
    throttle.reset("ip", cache=first)
    throttle.hit("ip", cache=first)
    throttle.hit("ip", cache=second)
    throttle.hit("ip", cache=first)
    assert throttle.is_blocked("ip", cache=second)
    throttle.reset("ip", cache=second)


class TestClientAddress:
    """Who a client is, for every limit: the address the outermost trusted proxy saw."""

    @pytest.fixture
    def request_from(self, rf):
        def build(remote="10.0.0.2", forwarded=None):
            extra = {"REMOTE_ADDR": remote}
            if forwarded is not None:
                extra["HTTP_X_FORWARDED_FOR"] = forwarded
            return rf.get("/", **extra)

        return build

    def test_without_proxies_a_forwarded_header_is_ignored(self, request_from, settings):
        settings.TRUSTED_PROXY_COUNT = 0
        assert client_ip(request_from(forwarded="198.51.100.7")) == "10.0.0.2"

    @pytest.mark.parametrize(
        ("proxies", "forwarded", "expected"),
        [
            (1, "198.51.100.7", "198.51.100.7"),
            # A client that writes its own header cannot choose the address counted.
            (1, "6.6.6.6, 198.51.100.7", "198.51.100.7"),
            (2, "6.6.6.6, 198.51.100.7, 10.0.0.9", "198.51.100.7"),
            (3, "198.51.100.7, 10.0.0.9", "198.51.100.7"),
            (1, " , ", "10.0.0.2"),
            (1, None, "10.0.0.2"),
        ],
    )
    def test_behind_proxies_the_entry_they_appended(
        self, request_from, settings, proxies, forwarded, expected
    ):
        settings.TRUSTED_PROXY_COUNT = proxies
        assert client_ip(request_from(forwarded=forwarded)) == expected

    def test_the_api_throttle_agrees(self, request_from, settings):
        from rest_framework.throttling import AnonRateThrottle

        settings.TRUSTED_PROXY_COUNT = 1
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
        request = request_from(forwarded="6.6.6.6, 198.51.100.7")
        assert AnonRateThrottle().get_ident(request) == client_ip(request)
