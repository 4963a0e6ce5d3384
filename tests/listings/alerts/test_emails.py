"""The alert emails: pay reads exactly as on the vacancy's page."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail

from listings.alerts import digests
from tests import factories
from tests.listings.alerts.helpers import NOW, confirmed_alert, live

pytestmark = pytest.mark.django_db

PAY = {
    "Minimum only": {"salary_min": Decimal("25000"), "salary_max": None, "salary_period": "year"},
    "A range": {"salary_min": Decimal("34000"), "salary_max": Decimal("42000")},
    "One figure": {"salary_min": Decimal("30000"), "salary_max": Decimal("30000")},
    "By the hour": {
        "salary_min": Decimal("12.60"),
        "salary_max": Decimal("14.50"),
        "salary_period": "hour",
    },
}


def page_salary(client, vacancy) -> str:
    response = client.get(vacancy.get_absolute_url())
    assert response.status_code == 200
    found = re.search(r"<dt>Salary</dt><dd>(.*?)</dd>", response.content.decode())
    return html.unescape(found.group(1))


def email_salary(body: str, title: str) -> str:
    """The pay on the line after the title and the employer's line, before "· Closes"."""
    lines = body.splitlines()
    at = lines.index(title)
    return lines[at + 2].split(" · Closes ")[0]


def test_a_digest_gives_pay_in_the_words_of_the_vacancy_page(client):
    vacancies = {
        title: live(published=timedelta(hours=n + 1), title=title, **pay)
        for n, (title, pay) in enumerate(PAY.items())
    }
    alert = confirmed_alert(query="profession=social-worker")
    result = digests.alerts_send_chunk(alert_ids=[alert.pk], frequency="daily", now=NOW)
    assert result.sent == 1
    (message,) = mail.outbox

    shown = {title: page_salary(client, vacancy) for title, vacancy in vacancies.items()}
    emailed = {title: email_salary(message.body, title) for title in vacancies}
    assert emailed == shown
    assert shown["Minimum only"] == "From £25,000 a year"  # not "£25,000 a year", a fixed pay
    assert shown["By the hour"] == "£12.60 – £14.50 an hour"
    email_html = html.unescape(message.alternatives[0][0])
    assert all(words in email_html for words in shown.values())


def test_a_vacancy_without_pay_has_no_salary_line(client):
    vacancy = live(published=timedelta(hours=1), title="Pay on application")
    vacancy.salary_min = vacancy.salary_max = None
    vacancy.save()
    digests.alerts_send_chunk(alert_ids=[confirmed_alert().pk], frequency="daily", now=NOW)
    (message,) = mail.outbox
    assert email_salary(message.body, "Pay on application").startswith("Closes ")
    assert page_salary(client, vacancy) == "Salary not given"


def test_a_confirmation_carries_no_words_the_requester_typed(django_capture_on_commit_callbacks):
    """Anyone can make the site email any address: nothing of theirs may ride along."""
    from listings.alerts.services import alert_subscribe

    typed = "CHEAP PILLS visit evil.example now"
    with django_capture_on_commit_callbacks(execute=True):
        alert_subscribe(
            email="stranger@example.org",
            query=f"q={typed.replace(' ', '+')}&profession=social-worker",
            frequency="daily",
            client_ip="192.0.2.3",
        )
    (message,) = mail.outbox
    everything = message.subject + message.body + message.alternatives[0][0]
    for word in ("CHEAP", "PILLS", "evil.example"):
        assert word not in everything
    assert "Social Worker" in message.subject and "keywords you typed" in message.subject


SALARY_QUERY = "profession=social-worker&location=leeds&radius=20&contract=bank&salary_min=30000"
SALARY_WORDS = "Salary £30,000 or more"


def test_every_face_of_an_alert_names_the_salary_it_keeps(
    client, django_capture_on_commit_callbacks
):
    """The sign-up form, the confirmation, the manage page and the digest describe it all."""
    from listings.alerts.services import alert_subscribe
    from listings.alerts.tokens import make_token

    form = client.get("/alerts/subscribe/", {"query": SALARY_QUERY})
    assert SALARY_WORDS in html.unescape(form.content.decode())
    with django_capture_on_commit_callbacks(execute=True):
        alert = alert_subscribe(
            email="seeker@example.org", query=SALARY_QUERY, frequency="daily", client_ip="192.0.2.9"
        )
    (confirmation,) = mail.outbox
    assert SALARY_WORDS in confirmation.subject and SALARY_WORDS in confirmation.body
    assert "Bank" in confirmation.subject
    manage = client.get(f"/alerts/manage/{make_token(alert, 'manage')}/")
    assert SALARY_WORDS in html.unescape(manage.content.decode())

    mail.outbox.clear()
    live(
        published=timedelta(hours=1),
        profession="social-worker",
        contract_type="bank",
        salary_min=Decimal("32000"),
        salary_max=Decimal("36000"),
        places=[factories.place("leeds")],
    )
    alert = confirmed_alert(query=alert.query)
    digests.alerts_send_chunk(alert_ids=[alert.pk], frequency="daily", now=NOW)
    (digest,) = mail.outbox
    assert SALARY_WORDS in digest.subject and SALARY_WORDS in digest.body
    assert SALARY_WORDS in html.unescape(digest.alternatives[0][0])
