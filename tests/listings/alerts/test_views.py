"""Job alert pages: sign-up, confirm, manage, one-click unsubscribe, and a broker outage."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from listings import tasks
from listings.alerts import digests
from listings.alerts.tokens import make_token
from listings.models import JobAlert
from tests import factories
from tests.brokers import broker_unreachable

pytestmark = pytest.mark.django_db

SUBSCRIBE = "/alerts/subscribe/"


def post_signup(client, **data):
    form = {
        "email": "seeker@example.org",
        "frequency": "daily",
        "query": "profession=social-worker",
    }
    return client.post(SUBSCRIBE, {**form, **data})


def path_of(url: str) -> str:
    return urlsplit(url).path


def link(message, kind: str) -> str:
    return re.search(rf"https?://\S+/alerts/{kind}/\S+/", message.body).group(0)


class TestSignup:
    def test_sign_up_then_confirm_from_the_email(self, client, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            response = post_signup(client)
        assert response.status_code == 302 and response["Location"] == "/alerts/check-your-email/"
        alert = JobAlert.objects.get()
        assert alert.query == "profession=social-worker" and alert.confirmed_at is None
        (message,) = mail.outbox
        confirm = path_of(link(message, "confirm"))

        page = client.get(confirm)
        assert page.status_code == 200
        assert b"Confirm your job alert" in page.content and b"Social Worker" in page.content
        alert.refresh_from_db()
        assert alert.confirmed_at is None  # a link checker's GET confirms nothing

        confirmed = client.post(confirm)
        assert confirmed.status_code == 302
        assert confirmed["Location"].startswith("/alerts/manage/")
        alert.refresh_from_db()
        assert alert.is_active
        manage = client.get(confirmed["Location"])
        assert b"Your job alert is on" in manage.content

    def test_the_answer_is_the_same_whether_or_not_already_subscribed(
        self, client, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            fresh = post_signup(client, email="new@example.org")
        factories.JobAlertFactory(email="known@example.org", query="profession=social-worker")
        with django_capture_on_commit_callbacks(execute=True):
            known = post_signup(client, email="known@example.org")
        assert (fresh.status_code, fresh["Location"]) == (known.status_code, known["Location"])
        assert client.get(fresh["Location"]).content == client.get(known["Location"]).content
        assert JobAlert.objects.filter(email="known@example.org").count() == 1
        assert [m.to for m in mail.outbox] == [["new@example.org"], ["known@example.org"]]

    def test_bad_email_shows_the_form_again(self, client):
        response = post_signup(client, email="nope")
        assert response.status_code == 200
        assert b"Enter an email address like name@example.com." in response.content
        assert not JobAlert.objects.exists()

    def test_unknown_frequency_shows_the_form_again(self, client):
        response = post_signup(client, frequency="hourly")
        assert response.status_code == 200
        assert b"error-message" in response.content
        assert not JobAlert.objects.exists()

    def test_per_ip_rate_limit(self, client, settings):
        settings.ALERT_SIGNUPS_PER_IP_PER_HOUR = 2
        for n in range(2):
            assert post_signup(client, email=f"p{n}@example.org").status_code == 302
        response = post_signup(client, email="p9@example.org")
        assert response.status_code == 429
        assert b"Too many job alert sign-ups" in response.content
        assert JobAlert.objects.count() == 2
        other = Client(REMOTE_ADDR="198.51.100.20")
        assert post_signup(other, email="p9@example.org").status_code == 302

    def test_per_address_limit_looks_like_success(self, client, settings):
        settings.ALERT_SIGNUPS_PER_ADDRESS_PER_HOUR = 1
        assert post_signup(client).status_code == 302
        second = post_signup(client, query="profession=registered-nurse")
        assert second.status_code == 302 and second["Location"] == "/alerts/check-your-email/"
        assert JobAlert.objects.count() == 1

    def test_standalone_page_carries_the_search(self, client):
        response = client.get(SUBSCRIBE, {"query": "profession=social-worker&location=leeds"})
        assert response.status_code == 200
        assert b'name="query"' in response.content
        assert b"profession=social-worker&amp;location=leeds" in response.content
        assert b"Social Worker" in response.content and b"Leeds" in response.content
        assert b'<label for="id_email">' in response.content

    def test_the_search_page_offers_an_alert_for_its_own_search(self, client):
        factories.LiveVacancyFactory()
        response = client.get("/jobs/", {"profession": "social-worker", "page": "1"})
        html = response.content.decode()
        assert "Email me jobs like these" in html
        href = re.search(r'href="(/alerts/subscribe/\?query=[^"]+)"', html).group(1)
        page = client.get(href.replace("&amp;", "&"))
        assert page.status_code == 200
        assert 'value="profession=social-worker"' in page.content.decode()

    def test_a_landing_page_saves_its_filters(self, client):
        # The offer follows the results, so the page needs one.
        factories.LiveVacancyFactory(places=[factories.place("leeds")])
        response = client.get("/jobs/social-worker/in/leeds/")
        html = response.content.decode()
        href = re.search(r'href="(/alerts/subscribe/\?query=[^"]+)"', html).group(1)
        page = client.get(href.replace("&amp;", "&"))
        assert "profession=social-worker" in page.content.decode()
        assert "location=leeds" in page.content.decode()


class TestLinks:
    @pytest.fixture
    def alert(self):
        return factories.JobAlertFactory(last_sent_at=timezone.now())

    @pytest.mark.parametrize("kind", ["confirm", "manage", "unsubscribe"])
    @pytest.mark.parametrize("token", ["garbage", "eyJhIjoxfQ:1abc:forged", "a" * 300])
    def test_bad_and_forged_tokens_give_a_clear_400(self, client, alert, kind, token):
        get = client.get(f"/alerts/{kind}/{token}/")
        post = client.post(f"/alerts/{kind}/{token}/", {"action": "delete"})
        assert get.status_code == post.status_code == 400
        assert b"We cannot use this link" in get.content
        alert.refresh_from_db()
        assert alert.unsubscribed_at is None and alert.is_active

    def test_a_manage_token_cannot_unsubscribe_by_one_click(self, client, alert):
        token = make_token(alert, "manage")
        assert client.post(f"/alerts/unsubscribe/{token}/").status_code == 400
        alert.refresh_from_db()
        assert alert.unsubscribed_at is None

    def test_an_expired_confirmation_link(self, client, settings):
        alert = factories.JobAlertFactory(confirmed_at=None)
        token = make_token(alert, "confirm")
        settings.ALERT_CONFIRMATION_DAYS = -1
        response = client.post(f"/alerts/confirm/{token}/")
        assert response.status_code == 400 and b"expired" in response.content
        alert.refresh_from_db()
        assert alert.confirmed_at is None

    def test_manage_frequency_pause_resume_delete(self, client, alert):
        url = f"/alerts/manage/{make_token(alert, 'manage')}/"
        page = client.get(url)
        assert page.status_code == 200 and b"Social Worker" in page.content
        assert client.post(url, {"action": "frequency", "frequency": "weekly"}).status_code == 302
        alert.refresh_from_db()
        assert alert.frequency == "weekly"

        bad = client.post(url, {"action": "frequency", "frequency": "hourly"})
        assert bad.status_code == 200 and b"error-message" in bad.content
        unknown = client.post(url, {"action": "nonsense"})
        assert unknown.status_code == 200 and b"Choose what to change." in unknown.content
        alert.refresh_from_db()
        assert alert.frequency == "weekly"

        client.post(url, {"action": "pause"})
        alert.refresh_from_db()
        assert alert.paused
        assert b"Resume this alert" in client.get(url).content
        client.post(url, {"action": "resume"})
        alert.refresh_from_db()
        assert not alert.paused

        deleted = client.post(url, {"action": "delete"})
        assert deleted.status_code == 200 and b"Job alert deleted" in deleted.content
        # Deleted for real: no row keeps the address or the search.
        assert not JobAlert.objects.filter(pk=alert.pk).exists()
        assert not JobAlert.objects.filter(email=alert.email).exists()
        assert b"This job alert is off" in client.get(url).content

    def test_manage_page_query_count(self, client, alert, django_assert_max_num_queries):
        url = f"/alerts/manage/{make_token(alert, 'manage')}/"
        with django_assert_max_num_queries(8):
            assert client.get(url).status_code == 200


class TestOneClickUnsubscribe:
    def test_post_without_session_or_csrf_unsubscribes_idempotently(self):
        alert = factories.JobAlertFactory()
        url = f"/alerts/unsubscribe/{make_token(alert, 'unsubscribe')}/"
        mail_client = Client(enforce_csrf_checks=True)
        body = "List-Unsubscribe=One-Click"
        ctype = "application/x-www-form-urlencoded"
        first = mail_client.post(url, body, content_type=ctype)
        assert first.status_code == 200
        alert.refresh_from_db()
        stamp = alert.unsubscribed_at
        assert stamp is not None
        second = mail_client.post(url, body, content_type=ctype)
        assert second.status_code == 200
        alert.refresh_from_db()
        assert alert.unsubscribed_at == stamp
        assert not mail_client.cookies.get("sessionid")

    def test_the_email_links_get_unsubscribes_in_one_click_with_an_undo(self, client):
        alert = factories.JobAlertFactory(query="profession=social-worker&salary_min=30000")
        token = make_token(alert, "unsubscribe")
        url = f"/alerts/unsubscribe/{token}/"
        page = client.get(url)
        assert page.status_code == 200 and b"You are unsubscribed" in page.content
        assert "Salary £30,000 or more" in page.content.decode()
        alert.refresh_from_db()
        stamp = alert.unsubscribed_at
        assert stamp is not None
        assert client.get(url).status_code == 200  # opening it again changes nothing
        alert.refresh_from_db()
        assert alert.unsubscribed_at == stamp

        undo = re.search(r'<form method="post" action="([^"]+)"', page.content.decode()).group(1)
        assert undo == f"/alerts/resubscribe/{token}/"
        back = client.post(undo)
        assert back.status_code == 302 and back["Location"].startswith("/alerts/manage/")
        alert.refresh_from_db()
        assert alert.is_active
        assert b"Your job alert is back on" in client.get(back["Location"]).content

    def test_undo_keeps_one_alert_when_the_address_signed_up_again(self, client):
        alert = factories.JobAlertFactory(unsubscribed_at=timezone.now())
        twin = factories.JobAlertFactory(email=alert.email, query=alert.query)
        back = client.post(f"/alerts/resubscribe/{make_token(alert, 'unsubscribe')}/")
        assert back["Location"] == f"/alerts/manage/{make_token(twin, 'manage')}/"
        alert.refresh_from_db()
        assert alert.unsubscribed_at is not None
        assert JobAlert.objects.filter(unsubscribed_at__isnull=True).count() == 1

    def test_undo_is_a_post_with_the_unsubscribe_token_only(self, client):
        alert = factories.JobAlertFactory(unsubscribed_at=timezone.now())
        assert (
            client.get(f"/alerts/resubscribe/{make_token(alert, 'unsubscribe')}/").status_code
            == 405
        )
        forged = client.post(f"/alerts/resubscribe/{make_token(alert, 'manage')}/")
        assert forged.status_code == 400
        alert.refresh_from_db()
        assert alert.unsubscribed_at is not None

    def test_an_alert_already_gone_still_answers_ok(self):
        alert = factories.JobAlertFactory()
        url = f"/alerts/unsubscribe/{make_token(alert, 'unsubscribe')}/"
        alert.delete()
        assert Client(enforce_csrf_checks=True).post(url).status_code == 200

    def test_the_digest_header_unsubscribes(self, settings):
        settings.SITE_URL = "https://jobs.example.org"
        now = timezone.now()
        factories.LiveVacancyFactory(
            published_at=now - timedelta(hours=1), closes_at=now + timedelta(days=3)
        )
        alert = factories.JobAlertFactory(last_sent_at=now - timedelta(days=1))
        digests.alerts_send_chunk(alert_ids=[alert.pk], frequency="daily", now=now)
        header = mail.outbox[0].extra_headers["List-Unsubscribe"]
        url = header.strip("<>")
        assert url.startswith("https://jobs.example.org/alerts/unsubscribe/")
        response = Client(enforce_csrf_checks=True).post(
            path_of(url), {"List-Unsubscribe": "One-Click"}
        )
        assert response.status_code == 200
        alert.refresh_from_db()
        assert alert.unsubscribed_at is not None


def test_broker_down_pages_serve_the_subscription_is_saved_and_sent_later(
    client, django_capture_on_commit_callbacks, caplog
):
    factories.LiveVacancyFactory(title="Visible while the broker is down")
    with broker_unreachable():
        page = client.get("/jobs/")
        assert page.status_code == 200
        assert b"Visible while the broker is down" in page.content
        with django_capture_on_commit_callbacks(execute=True):
            response = post_signup(client)
        assert response.status_code == 302
        assert client.get(response["Location"]).status_code == 200
    alert = JobAlert.objects.get()
    assert alert.confirmation_sent_at is None and mail.outbox == []
    assert "the outbox relay will send it later" in caplog.text

    # The broker is back: the periodic task finds the confirmation that was never queued.
    assert tasks.send_pending_alert_confirmations.delay().get() == 1
    (message,) = mail.outbox
    assert message.to == ["seeker@example.org"] and "/alerts/confirm/" in message.body
    alert.refresh_from_db()
    assert alert.confirmation_sent_at is not None
    assert tasks.send_pending_alert_confirmations.delay().get() == 0
