"""Links in emails are built with ``reverse()`` and open the view they name."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core import mail
from django.urls import resolve
from django.utils import timezone

from common.links import absolute_url
from listings import notifications, tasks
from listings.models import Vacancy
from tests import factories

pytestmark = pytest.mark.django_db


def links(message) -> list[str]:
    return re.findall(rf"{re.escape(settings.SITE_URL)}/\S*", message.body)


def view_of(url: str):
    assert url.startswith(settings.SITE_URL)
    return resolve(urlsplit(url).path)


def test_absolute_url_is_the_site_address_and_the_reversed_path(settings):
    settings.SITE_URL = "https://jobs.example.org"
    assert absolute_url("employers:vacancy_renew", "ABC123") == (
        "https://jobs.example.org/employer/vacancies/ABC123/renew/"
    )
    assert absolute_url("listings:search", query="q=nurse") == (
        "https://jobs.example.org/jobs/?q=nurse"
    )


def test_expiry_summary_links_open_the_renew_page_and_the_dashboard(client, owner, employer):
    now = timezone.now()
    vacancy = factories.ExpiredVacancyFactory(
        employer=employer, expired_at=now - timedelta(hours=1), expiry_notified_at=None
    )
    notifications.send_expiry_summary(employer_id=employer.pk, vacancy_ids=[vacancy.pk], now=now)
    (message,) = mail.outbox
    views = {view_of(url).view_name: view_of(url) for url in links(message)}
    assert views["employers:vacancy_renew"].kwargs == {"reference": vacancy.reference}
    assert "employers:dashboard" in views
    renew = next(u for u in links(message) if view_of(u).view_name == "employers:vacancy_renew")
    client.force_login(owner)
    assert client.get(urlsplit(renew).path).status_code == 200


def test_reminder_links_the_renew_page(owner, employer):
    now = timezone.now()
    soon = factories.LiveVacancyFactory(employer=employer, closes_at=now + timedelta(days=2))
    assert notifications.send_expiry_reminder(vacancy_id=soon.pk, now=now) == 1
    (message,) = mail.outbox
    match = view_of(notifications.renew_url(soon))
    assert match.view_name == "employers:vacancy_renew"
    assert notifications.renew_url(soon) in message.body
    # The page it opens extends a live vacancy: both parts call the action by that name.
    (html, _type) = message.alternatives[0]
    assert "Keep it open longer" in message.body
    assert ">Keep it open longer</a>" in html
    assert "Renew this vacancy" not in html


def test_rejection_email_links_the_edit_page(client, owner, employer):
    vacancy = factories.VacancyFactory(
        employer=employer, status=Vacancy.Status.REJECTED, rejection_reason="Add the pay."
    )
    assert tasks.send_rejection_email.delay(vacancy.pk).get() == 1
    (message,) = mail.outbox
    (edit,) = [u for u in links(message) if view_of(u).view_name == "employers:vacancy_edit"]
    assert view_of(edit).kwargs == {"reference": vacancy.reference}
    client.force_login(owner)
    assert client.get(urlsplit(edit).path).status_code == 200


def test_staff_report_links_the_vacancy_admin(employer, settings):
    settings.STAFF_NOTIFICATION_EMAILS = ["moderators@example.org"]
    draft = factories.VacancyFactory(employer=employer)
    Vacancy.objects.filter(pk=draft.pk).update(updated_at=timezone.now() - timedelta(days=45))
    assert notifications.report_stale_work(now=timezone.now()) == 1
    (message,) = mail.outbox
    names = {view_of(url).view_name for url in links(message)}
    assert "admin:listings_vacancy_changelist" in names
