"""The seekers' pages: signing in by code and link, saving, alerts, data, reports."""

from __future__ import annotations

import json

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from listings.models import JobAlert
from seekers.models import SavedJob, Seeker, VacancyReport
from tests import factories
from tests.seekers.conftest import code_from_last_email, link_from_last_email

pytestmark = pytest.mark.django_db


class TestSigningIn:
    def test_by_code_then_back_where_the_seeker_was(self, client, committing):
        vacancy = factories.LiveVacancyFactory()
        page = client.get(reverse("seekers:sign_in"), {"next": vacancy.get_absolute_url()})
        assert page.status_code == 200 and b"Email me a code" in page.content
        with committing():
            response = client.post(reverse("seekers:sign_in"), {"email": "Nia@Example.net"})
        assert response.status_code == 302 and response["Location"] == reverse(
            "seekers:sign_in_code"
        )
        assert b"nia@example.net" in client.get(response["Location"]).content

        wrong = client.post(reverse("seekers:sign_in_code"), {"code": "12345"})
        assert wrong.status_code == 400 and b"6 digits" in wrong.content
        code = code_from_last_email("nia@example.net")
        done = client.post(reverse("seekers:sign_in_code"), {"code": f"{code[:3]} {code[3:]}"})
        assert done.status_code == 302 and done["Location"] == vacancy.get_absolute_url()
        assert client.get(reverse("seekers:saved")).status_code == 200

    def test_by_link_asks_before_signing_in(self, client, committing):
        with committing():
            client.post(reverse("seekers:sign_in"), {"email": "nia@example.net"})
        link = link_from_last_email("nia@example.net")
        other = type(client)()
        page = other.get(link)
        assert page.status_code == 200 and b"Sign in to your jobs" in page.content
        assert not Seeker.objects.exists()  # a link scanner's GET changes nothing
        assert other.post(link)["Location"] == reverse("seekers:saved")
        assert other.post(link).status_code == 400  # used

    def test_a_forged_link(self, client):
        assert client.get(reverse("seekers:sign_in_link", args=["nonsense"])).status_code == 400

    def test_the_code_page_without_asking_first(self, client):
        assert client.get(reverse("seekers:sign_in_code"))["Location"] == reverse("seekers:sign_in")

    def test_too_many_codes_from_one_client(self, client, committing):
        with committing():
            for n in range(20):
                client.post(reverse("seekers:sign_in"), {"email": f"p{n}@example.net"})
        response = client.post(reverse("seekers:sign_in"), {"email": "late@example.net"})
        assert response.status_code == 429 and len(mail.outbox) == 20

    def test_wrong_codes_are_throttled(self, client, committing):
        with committing():
            client.post(reverse("seekers:sign_in"), {"email": "nia@example.net"})
        code = code_from_last_email("nia@example.net")
        wrong = f"{(int(code) + 1) % 1_000_000:06d}"
        statuses = []
        for _ in range(11):
            with committing():
                client.post(reverse("seekers:sign_in"), {"email": "nia@example.net"})
            statuses.append(
                client.post(reverse("seekers:sign_in_code"), {"code": wrong}).status_code
            )
        assert 429 in statuses


class TestSaving:
    def test_one_tap_from_the_script_and_state_for_kept_pages(self, seeker_client):
        vacancy = factories.LiveVacancyFactory()
        url = reverse("seekers:save", args=[vacancy.reference])
        saved = seeker_client.post(url, HTTP_ACCEPT="application/json")
        assert saved.json() == {"saved": True}
        state = seeker_client.get(reverse("seekers:saved_state")).json()
        assert state["signed_in"] and state["saved"] == [vacancy.reference] and state["csrf"]
        removed = seeker_client.post(
            reverse("seekers:unsave", args=[vacancy.reference]), HTTP_ACCEPT="application/json"
        )
        assert removed.json() == {"saved": False} and not SavedJob.objects.exists()

    def test_without_javascript(self, seeker_client):
        vacancy = factories.LiveVacancyFactory()
        url = reverse("seekers:save", args=[vacancy.reference])
        page = seeker_client.get(url)
        assert page.status_code == 200 and b"Save this job" in page.content
        response = seeker_client.post(url, {"next": vacancy.get_absolute_url()})
        assert response["Location"] == vacancy.get_absolute_url()
        assert SavedJob.objects.filter(vacancy=vacancy).exists()

    def test_not_signed_in_is_offered_sign_in(self, client):
        vacancy = factories.LiveVacancyFactory()
        page = client.get(reverse("seekers:save", args=[vacancy.reference]))
        assert b"Sign in to save this job" in page.content
        assert client.get(reverse("seekers:saved_state")).json()["signed_in"] is False
        post = client.post(
            reverse("seekers:save", args=[vacancy.reference]), HTTP_ACCEPT="application/json"
        )
        assert post.status_code == 401 and not SavedJob.objects.exists()

    def test_htmx_remove_returns_nothing_to_swap_in(self, seeker_client, seeker):
        vacancy = factories.LiveVacancyFactory()
        SavedJob.objects.create(seeker=seeker, vacancy=vacancy, saved_at=vacancy.published_at)
        response = seeker_client.post(
            reverse("seekers:unsave", args=[vacancy.reference]), HTTP_HX_REQUEST="true"
        )
        assert response.status_code == 200 and response.content == b""

    def test_the_list_shows_closed_jobs_as_closed_with_similar_live_ones(
        self, seeker_client, seeker, django_assert_max_num_queries
    ):
        live = factories.LiveVacancyFactory(title="Care Worker")
        closed = factories.ClosedVacancyFactory(title="Old Nurse Job", profession=live.profession)
        for vacancy in (live, closed):
            SavedJob.objects.create(seeker=seeker, vacancy=vacancy, saved_at=live.published_at)
        with django_assert_max_num_queries(16):
            page = seeker_client.get(reverse("seekers:saved"))
        content = page.content.decode()
        assert "Old Nurse Job" in content and "This job has closed." in content
        assert "Similar live jobs" in content and content.count("Care Worker") >= 2

    def test_import_from_the_browser(self, seeker_client, seeker):
        a, b = factories.LiveVacancyFactory(), factories.LiveVacancyFactory()
        response = seeker_client.post(
            reverse("seekers:saved_import"),
            {"references": json.dumps([a.reference, b.reference, 7, "x" * 99])},
            HTTP_ACCEPT="application/json",
        )
        assert response.json() == {"added": 2}
        bad = seeker_client.post(reverse("seekers:saved_import"), {"references": "{not json"})
        assert bad.status_code == 302 and seeker.saved_jobs.count() == 2

    def test_vacancy_page_offers_save_and_report(self, client):
        vacancy = factories.LiveVacancyFactory()
        content = client.get(vacancy.get_absolute_url()).content.decode()
        assert reverse("seekers:save", args=[vacancy.reference]) in content
        assert reverse("seekers:report", args=[vacancy.reference]) in content


class TestAlerts:
    def test_every_alert_for_the_address_in_one_place(self, seeker_client, seeker):
        factories.JobAlertFactory(email=seeker.user.email, query="profession=social-worker")
        factories.JobAlertFactory(email=seeker.user.email, confirmed_at=None, query="q=nurse")
        factories.JobAlertFactory(email="someone@example.net", query="q=secret")
        content = seeker_client.get(reverse("seekers:alerts")).content.decode()
        assert "Social Worker" in content and "Not confirmed yet" in content
        assert "secret" not in content

    def test_pause_frequency_delete(self, seeker_client, seeker):
        alert = factories.JobAlertFactory(email=seeker.user.email)
        url = reverse("seekers:alert_change", args=[alert.pk])
        seeker_client.post(url, {"action": "pause"})
        seeker_client.post(url, {"action": "frequency", f"a{alert.pk}-frequency": "weekly"})
        alert.refresh_from_db()
        assert alert.paused and alert.frequency == "weekly"
        assert seeker_client.post(url, {"action": "delete"}).status_code == 302
        assert not JobAlert.objects.filter(pk=alert.pk).exists()

    def test_edit_the_search_keeps_other_filters(self, seeker_client, seeker):
        alert = factories.JobAlertFactory(
            email=seeker.user.email, query="profession=social-worker&q=children"
        )
        url = reverse("seekers:alert_edit", args=[alert.pk])
        assert b"children" in seeker_client.get(url).content
        seeker_client.post(url, {"q": "adults", "location": "leeds"})
        alert.refresh_from_db()
        assert "profession=social-worker" in alert.query and "q=adults" in alert.query
        assert "location=leeds" in alert.query


class TestYourData:
    def test_download_everything(self, seeker_client, seeker):
        vacancy = factories.LiveVacancyFactory()
        SavedJob.objects.create(seeker=seeker, vacancy=vacancy, saved_at=vacancy.published_at)
        factories.JobAlertFactory(email=seeker.user.email)
        response = seeker_client.get(reverse("seekers:privacy_download"))
        assert response["Content-Disposition"].startswith("attachment;")
        data = json.loads(response.content)
        assert data["account"]["email"] == seeker.user.email
        assert data["saved_jobs"][0]["reference"] == vacancy.reference
        assert len(data["job_alerts"]) == 1 and data["applications"] == []

    def test_delete_needs_the_box_ticked_then_deletes(self, seeker_client, seeker):
        factories.JobAlertFactory(email=seeker.user.email)
        refused = seeker_client.post(reverse("seekers:privacy_delete"), {})
        assert refused.status_code == 400 and Seeker.objects.exists()
        done = seeker_client.post(reverse("seekers:privacy_delete"), {"confirm": "on"})
        assert done.status_code == 200 and b"Your account is deleted" in done.content
        assert not Seeker.objects.exists() and not JobAlert.objects.exists()
        assert seeker_client.get(reverse("seekers:saved")).status_code == 302  # signed out


class TestReporting:
    def test_report_goes_to_the_queue(self, client):
        vacancy = factories.LiveVacancyFactory()
        url = reverse("seekers:report", args=[vacancy.reference])
        assert client.get(url).status_code == 200
        assert client.post(url, {}).status_code == 400
        done = client.post(url, {"reason": "scam", "details": "Wants a DBS fee"})
        assert done.status_code == 200 and b"Thank you" in done.content
        assert VacancyReport.objects.get().details == "Wants a DBS fee"

    def test_a_draft_cannot_be_reported(self, client):
        draft = factories.VacancyFactory()
        assert client.get(reverse("seekers:report", args=[draft.reference])).status_code == 404

    def test_staff_see_the_queue(self, admin_client):
        vacancy = factories.LiveVacancyFactory()
        VacancyReport.objects.create(
            vacancy=vacancy, reason="scam", created_at=vacancy.published_at
        )
        page = admin_client.get(reverse("admin:seekers_vacancyreport_changelist"))
        assert page.status_code == 200 and vacancy.reference.encode() in page.content


@pytest.mark.parametrize("page", ["privacy", "cookies", "accessibility", "terms"])
def test_trust_pages_are_linked_from_every_footer(client, page):
    assert client.get(reverse(page)).status_code == 200
    assert reverse(page).encode() in client.get(reverse("home")).content


def test_the_privacy_notice_states_the_periods_the_settings_keep_data_for(client, settings):
    settings.APPLICATION_RETENTION_MONTHS = 6
    settings.ALERT_PURGE_DAYS = 45
    text = client.get(reverse("privacy")).content.decode()
    assert "deleted 6 months after the job closes" in text
    assert "deleted 45 days later" in text
    # Applying on this board passes the application to that employer, and says so.
    assert "the employer you apply to receives your application" in text


def test_a_password_too_then_signing_in_with_it(seeker_client, seeker, client):
    url = reverse("seekers:password")
    assert seeker_client.get(url).status_code == 200
    short = seeker_client.post(url, {"new_password1": "abc", "new_password2": "abc"})
    assert short.status_code == 400
    good = "a long care shift phrase 42"
    done = seeker_client.post(url, {"new_password1": good, "new_password2": good})
    assert done["Location"] == reverse("seekers:privacy")
    seeker.user.refresh_from_db()
    assert seeker.user.check_password(good)
    assert seeker_client.get(reverse("seekers:saved")).status_code == 200  # still signed in
    response = client.post(
        f"{reverse('login')}?next={reverse('seekers:saved')}",
        {"username": seeker.user.email, "password": good},
    )
    assert response["Location"] == reverse("seekers:saved")


def test_the_alerts_page_query_count_does_not_grow_with_alerts(seeker_client, seeker):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert seeker_client.get(reverse("seekers:alerts")).status_code == 200
        return len(queries)

    factories.JobAlertFactory(email=seeker.user.email)
    one = count()
    for query in ("q=nurse", "profession=care-worker", "location=leeds&radius=10"):
        factories.JobAlertFactory(email=seeker.user.email, query=query)
    assert count() <= one + 4  # at most a place or profession lookup per different search
