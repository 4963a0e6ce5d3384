"""Log-in and sign-up throttling: counted in the shared cache, per account and per address."""

from __future__ import annotations

import pytest
from django.urls import reverse

from employers import throttling
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
    assert throttling.LOGIN_PER_ACCOUNT_AND_IP.count(f"{user.email}|203.0.113.5") == 0


def test_failures_from_one_address_do_not_lock_the_account_out_elsewhere(client):
    """ASVS 6.3: someone guessing from one address cannot lock the real user out."""
    user = factories.UserFactory()
    for _ in range(5):
        login(client, user.email, "wrong", ip="198.51.100.66")
    locked = login(client, user.email, PASSWORD, ip="198.51.100.66")
    assert "Too many failed attempts" in locked.content.decode()
    assert login(client, user.email, PASSWORD, ip="192.0.2.10").status_code == 302


def test_signup_is_limited_per_address(client):
    data = {"email": "x@example.org", "password": "a-long-unusual-passphrase"}
    for _ in range(throttling.SIGNUP_PER_IP.limit):
        assert client.post(reverse("signup"), data, REMOTE_ADDR="203.0.113.9").status_code == 200
    response = client.post(reverse("signup"), data, REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 429
    assert "Too many sign-up attempts" in response.content.decode()


class TestClientAddress:
    """The employer limits count the address the outermost trusted proxy saw."""

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
