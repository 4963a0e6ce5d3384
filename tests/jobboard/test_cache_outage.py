"""The cache server stops answering: nothing that needs it answers 500.

The cache is pointed at a Redis URL on a loopback port nobody listens on (connections are
refused at once). Sessions come from the database, throttles and rate limits let attempts
through (they fail open, ``common.throttling``), page and count caches compute.
"""

from __future__ import annotations

import socket

import pytest
from django.core import mail
from django.urls import reverse

from employers.models import User
from listings.models import JobAlert
from tests import factories

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again on leaving: nothing listens there


@pytest.fixture
def cache_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{_closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    settings.SEARCH_PAGE_CACHE = True  # the page cache is tried too, and fails
    from django.core.cache import cache

    with pytest.raises(Exception, match="(?i)connect"):
        cache.get("anything")  # the outage is real
    yield


def test_log_in_and_signed_in_pages_work_with_the_cache_down(
    client, cache_down, django_capture_on_commit_callbacks
):
    owner = factories.MembershipFactory(role="owner").user
    assert client.get(reverse("login")).status_code == 200
    wrong = client.post(reverse("login"), {"username": owner.email, "password": "wrong"})
    assert wrong.status_code == 200  # counted nowhere, refused all the same
    response = client.post(reverse("login"), {"username": owner.email, "password": PASSWORD})
    assert response.status_code == 302
    dashboard = client.get(response["Location"], follow=True)
    assert dashboard.status_code == 200 and dashboard.wsgi_request.user == owner
    client.post(reverse("logout"))
    with django_capture_on_commit_callbacks(execute=True):
        reset = client.post(reverse("password_reset"), {"email": owner.email})
    assert reset.status_code == 302
    assert [m.to for m in mail.outbox] == [[owner.email]]


def test_sign_up_works_with_the_cache_down(client, cache_down, django_capture_on_commit_callbacks):
    data = {
        "first_name": "Sam",
        "last_name": "Patel",
        "email": "sam@brightwater.example.org",
        "password": "a-long-and-unusual-passphrase",
        "employer_name": "Brightwater Care",
        "sector": "independent",
        "region": "yorkshire",
        "town": "York",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("signup"), data)
    assert response["Location"] == reverse("signup_sent")
    assert User.objects.filter(email="sam@brightwater.example.org").exists()
    assert "sam@brightwater.example.org" in client.get(reverse("signup_sent")).content.decode()


def test_alert_sign_up_and_seeker_pages_work_with_the_cache_down(
    client, cache_down, django_capture_on_commit_callbacks
):
    vacancy = factories.LiveVacancyFactory(title="Night Care Assistant")
    assert client.get("/jobs/").status_code == 200
    assert client.get("/jobs/?q=care").status_code == 200
    assert client.get(vacancy.get_absolute_url()).status_code == 200
    assert client.get("/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/alerts/subscribe/",
            {"email": "seeker@example.org", "frequency": "daily", "query": "q=care"},
        )
    assert response.status_code == 302
    assert JobAlert.objects.filter(email="seeker@example.org").exists()


def test_the_api_answers_with_the_cache_down(client, cache_down):
    factories.LiveVacancyFactory(title="Night Care Assistant")
    listing = client.get("/api/v1/vacancies/")
    assert listing.status_code == 200
    assert listing.json()["count"] == 1
    assert client.get("/api/v1/professions/").status_code == 200
    assert client.get("/api/v1/employers/").status_code == 200
    token = factories.MembershipFactory(role="owner").user
    client.force_login(token)
    assert client.get("/api/v1/vacancies/").status_code == 200
