"""The expiry use case: the task and the command run the same one and end the same way."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from listings import tasks
from listings.expiry import run_expiry
from listings.models import Vacancy
from tests import factories

pytestmark = pytest.mark.django_db

Status = Vacancy.Status


def left_unreported(employer, *, title: str = "Night Care Assistant") -> Vacancy:
    """A vacancy an earlier run expired an hour ago and died before reporting."""
    now = timezone.now()
    return factories.ExpiredVacancyFactory(
        employer=employer,
        title=title,
        closes_at=now - timedelta(hours=2),
        expired_at=now - timedelta(hours=1),
        expiry_notified_at=None,
    )


def due(employer, *, title: str) -> Vacancy:
    """A live vacancy whose closing time passed an hour ago."""
    now = timezone.now()
    return factories.LiveVacancyFactory(
        employer=employer,
        title=title,
        published_at=now - timedelta(days=20),
        closes_at=now - timedelta(hours=1),
    )


def test_the_command_catches_up_unsent_summaries(owner, employer):
    vacancy = left_unreported(employer)
    out = StringIO()
    call_command("expire_vacancies", stdout=out)
    (summary,) = mail.outbox
    assert summary.to == [owner.email]
    assert vacancy.title in summary.body
    assert f"/employer/vacancies/{vacancy.reference}/renew/" in summary.body
    vacancy.refresh_from_db()
    assert vacancy.expiry_notified_at is not None
    assert "Expired 0 vacancies; sent 1 summary email." in out.getvalue()

    call_command("expire_vacancies", stdout=StringIO())  # told once: nothing more to send
    assert len(mail.outbox) == 1


def test_the_dry_run_counts_the_catch_up_and_changes_nothing(owner, employer):
    vacancy = left_unreported(employer)
    due(employer, title="Senior Carer")
    out = StringIO()
    call_command("expire_vacancies", "--dry-run", stdout=out)
    assert out.getvalue().strip() == (
        "Would expire 1 vacancy of 1 employer; 1 earlier expiry awaits a summary (dry run)."
    )
    assert mail.outbox == []
    vacancy.refresh_from_db()
    assert vacancy.expiry_notified_at is None


def outcome(employer) -> dict:
    """What a run left for ``employer``: its vacancies' states and the summary it was sent."""
    vacancies = Vacancy.objects.filter(employer=employer).order_by("title")
    members = {m.user.email for m in employer.memberships.select_related("user")}
    sent = [m for m in mail.outbox if set(m.to) & members]
    return {
        "vacancies": [(v.title, v.status, v.expiry_notified_at is not None) for v in vacancies],
        "summaries": [
            (m.subject, sorted(v.title for v in vacancies if v.title in m.body)) for m in sent
        ],
    }


def test_the_task_and_the_command_give_the_same_result(django_capture_on_commit_callbacks):
    """Each runs on its own employer with the same vacancies: a fresh expiry, one an earlier
    run left unreported, and one still open. The other's employer is already done."""
    results = {}
    for runner in ("task", "command"):
        employer = factories.MembershipFactory().employer
        left_unreported(employer, title="Care Worker - Nights")
        due(employer, title="Senior Carer")
        factories.LiveVacancyFactory(employer=employer, title="Team Leader")
        if runner == "task":
            with django_capture_on_commit_callbacks(execute=True):
                expired = tasks.expire_vacancies.delay().get()
        else:
            out = StringIO()
            call_command("expire_vacancies", stdout=out)
            expired = int(out.getvalue().split()[1])
        results[runner] = (expired, outcome(employer))

    assert results["task"] == results["command"]
    expired, result = results["task"]
    assert expired == 1
    assert result["vacancies"] == [
        ("Care Worker - Nights", Status.EXPIRED, True),
        ("Senior Carer", Status.EXPIRED, True),
        ("Team Leader", Status.LIVE, False),
    ]
    assert result["summaries"] == [
        ("2 of your vacancies have closed", ["Care Worker - Nights", "Senior Carer"])
    ]


def test_a_run_is_idempotent_with_time_passed_in(owner, employer):
    now = timezone.now()
    due(employer, title="Senior Carer")
    first = run_expiry(now=now)
    assert len(first.expired) == 1 and first.sent == 1
    assert list(first.summaries) == [employer.pk]
    again = run_expiry(now=now + timedelta(minutes=5))
    assert again.expired == [] and again.summaries == {} and again.sent == 0
    assert len(mail.outbox) == 1
