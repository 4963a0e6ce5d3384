"""Log-in and sign-up throttling: counted in the shared cache, per account and per address."""

from __future__ import annotations

import os

import pytest
from django.core.cache.backends.locmem import LocMemCache
from django.urls import reverse

from employers import throttling
from employers.throttling import Throttle
from tests import factories

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def login(client, email, password, ip="203.0.113.5"):
    return client.post(reverse("login"), {"username": email, "password": password}, REMOTE_ADDR=ip)


def test_five_failures_lock_the_account_even_with_the_right_password(client):
    user = factories.UserFactory()
    for _ in range(5):
        assert login(client, user.email, "wrong").status_code == 200
    response = login(client, user.email, PASSWORD)
    assert response.status_code == 200
    assert "Too many failed attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_lock_is_per_account(client):
    victim = factories.UserFactory()
    other = factories.UserFactory()
    for n in range(5):
        login(client, victim.email, "wrong", ip=f"198.51.100.{n}")
    assert login(client, other.email, PASSWORD, ip="198.51.100.99").status_code == 302


def test_twenty_failures_from_one_address_lock_the_address(client):
    for n in range(20):
        login(client, f"nobody{n}@example.org", "wrong")
    user = factories.UserFactory()
    response = login(client, user.email, PASSWORD)
    assert "Too many failed attempts" in response.content.decode()
    assert login(client, user.email, PASSWORD, ip="192.0.2.77").status_code == 302


def test_success_clears_the_account_counter(client):
    user = factories.UserFactory()
    for _ in range(4):
        login(client, user.email, "wrong")
    assert login(client, user.email, PASSWORD).status_code == 302
    assert throttling.LOGIN_PER_ACCOUNT.count(user.email) == 0


def test_signup_is_limited_per_address(client):
    data = {"email": "x@example.org", "password": "a-long-unusual-passphrase"}
    for _ in range(throttling.SIGNUP_PER_IP.limit):
        assert client.post(reverse("signup"), data, REMOTE_ADDR="203.0.113.9").status_code == 200
    response = client.post(reverse("signup"), data, REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 429
    assert "Too many sign-up attempts" in response.content.decode()


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
        assert throttling.client_ip(request_from(forwarded="198.51.100.7")) == "10.0.0.2"

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
        assert throttling.client_ip(request_from(forwarded=forwarded)) == expected

    def test_the_api_throttle_agrees(self, request_from, settings):
        from rest_framework.throttling import AnonRateThrottle

        settings.TRUSTED_PROXY_COUNT = 1
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
        request = request_from(forwarded="6.6.6.6, 198.51.100.7")
        assert AnonRateThrottle().get_ident(request) == throttling.client_ip(request)

    def test_visitors_behind_one_proxy_are_limited_separately(self, client, settings):
        settings.TRUSTED_PROXY_COUNT = 1
        data = {"email": "x@example.org"}
        first = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "198.51.100.7"}
        second = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "198.51.100.8"}
        client.post(reverse("signup"), data, **first)
        assert throttling.SIGNUP_PER_IP.count("198.51.100.7") == 1
        client.post(reverse("signup"), data, **second)
        assert throttling.SIGNUP_PER_IP.count("198.51.100.8") == 1
        assert throttling.SIGNUP_PER_IP.count("10.0.0.2") == 0
