"""The team's writes: statuses (one and many), ratings, notes, messages and questions."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from applications import services
from applications.emails import MessageDetails
from applications.models import Application, ApplicationEvent, ScreeningQuestion
from tests import factories
from tests.applications.factories import ApplicationFactory, question

pytestmark = pytest.mark.django_db
Status = Application.Status


def test_a_status_change_is_kept_on_the_history(owner):
    application = ApplicationFactory()
    services.application_move(application=application, status="shortlisted", actor=owner)
    application.refresh_from_db()
    assert application.status == Status.SHORTLISTED
    event = application.events.get()
    assert (event.kind, event.from_status, event.to_status, event.actor) == (
        "status",
        "new",
        "shortlisted",
        owner,
    )


def test_the_same_status_again_records_nothing():
    application = ApplicationFactory(status=Status.REVIEWING)
    services.application_move(application=application, status="reviewing")
    assert not application.events.exists()


@pytest.mark.parametrize("status", ["draft", "withdrawn", "bogus", ""])
def test_the_team_cannot_set_a_candidates_status_or_an_unknown_one(status):
    application = ApplicationFactory()
    with pytest.raises(ValidationError) as exc:
        services.application_move(application=application, status=status)
    assert "status" in exc.value.message_dict
    application.refresh_from_db()
    assert application.status == Status.NEW


def test_a_withdrawn_application_stays_withdrawn():
    application = ApplicationFactory(status=Status.WITHDRAWN)
    with pytest.raises(ValidationError):
        services.application_move(application=application, status="shortlisted")


def test_a_draft_is_not_the_teams_to_move():
    application = ApplicationFactory(status=Status.DRAFT, submitted_at=None)
    with pytest.raises(ValidationError):
        services.application_move(application=application, status="shortlisted")


def test_bulk_moves_all_of_them():
    vacancy = factories.LiveVacancyFactory(apply_method="board")
    rows = ApplicationFactory.create_batch(3, vacancy=vacancy)
    changed = services.applications_bulk_move(
        vacancy=vacancy, application_ids=[a.pk for a in rows], status="reviewing"
    )
    assert changed == 3
    assert set(vacancy.applications.values_list("status", flat=True)) == {"reviewing"}
    assert ApplicationEvent.objects.filter(kind="status").count() == 3


def test_bulk_with_a_foreign_id_changes_nothing():
    vacancy = factories.LiveVacancyFactory(apply_method="board")
    mine = ApplicationFactory(vacancy=vacancy)
    foreign = ApplicationFactory()  # another employer's vacancy
    with pytest.raises(ValidationError) as exc:
        services.applications_bulk_move(
            vacancy=vacancy, application_ids=[mine.pk, foreign.pk], status="rejected"
        )
    assert "ids" in exc.value.message_dict
    mine.refresh_from_db()
    foreign.refresh_from_db()
    assert mine.status == foreign.status == Status.NEW
    assert not ApplicationEvent.objects.exists()


def test_bulk_with_a_withdrawn_one_changes_nothing():
    vacancy = factories.LiveVacancyFactory(apply_method="board")
    fresh = ApplicationFactory(vacancy=vacancy)
    gone = ApplicationFactory(vacancy=vacancy, status=Status.WITHDRAWN)
    with pytest.raises(ValidationError):
        services.applications_bulk_move(
            vacancy=vacancy, application_ids=[fresh.pk, gone.pk], status="rejected"
        )
    fresh.refresh_from_db()
    assert fresh.status == Status.NEW


def test_bulk_refuses_an_unknown_status_and_no_ids():
    vacancy = factories.LiveVacancyFactory(apply_method="board")
    mine = ApplicationFactory(vacancy=vacancy)
    with pytest.raises(ValidationError) as exc:
        services.applications_bulk_move(vacancy=vacancy, application_ids=[mine.pk], status="hired!")
    assert "status" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.applications_bulk_move(vacancy=vacancy, application_ids=[], status="new")
    assert "ids" in exc.value.message_dict


@pytest.mark.parametrize("rating", [0, 6, -1, True, 2.5])
def test_a_rating_is_one_to_five(rating):
    application = ApplicationFactory()
    with pytest.raises(ValidationError) as exc:
        services.application_rate(application=application, rating=rating)
    assert "rating" in exc.value.message_dict
    application.refresh_from_db()
    assert application.rating is None


def test_a_rating_can_be_set_and_cleared():
    application = ApplicationFactory()
    services.application_rate(application=application, rating=4)
    application.refresh_from_db()
    assert application.rating == 4
    services.application_rate(application=application, rating=None)
    application.refresh_from_db()
    assert application.rating is None


def test_notes_need_words(owner):
    application = ApplicationFactory()
    with pytest.raises(ValidationError):
        services.application_add_note(application=application, author=owner, body="   ")
    note = services.application_add_note(application=application, author=owner, body=" Call. ")
    assert note.body == "Call." and note.author == owner


def _invite(application, **changes):
    details = {
        "interview_on": date.today() + timedelta(days=3),
        "interview_at": time(10, 30),
        "place": "Riverside House, 1 Water Lane, Leeds",
        "note": "Bring photo ID.",
        **changes,
    }
    return services.application_send_message(
        application=application, kind="invite", details=MessageDetails(**details)
    )


def test_an_invitation_is_kept_sent_once_and_moves_to_interview(
    django_capture_on_commit_callbacks,
):
    application = ApplicationFactory(full_name="Priya Shah", status=Status.SHORTLISTED)
    with django_capture_on_commit_callbacks(execute=True):
        event = _invite(application)
    application.refresh_from_db()
    assert application.status == Status.INTERVIEW
    event.refresh_from_db()
    assert event.kind == "message" and event.sent_at is not None
    assert "Dear Priya Shah" in event.body and "10:30" in event.body
    assert "Riverside House" in event.body and "Bring photo ID." in event.body
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == [application.email]
    assert sent.subject == event.subject
    assert event.body in sent.body
    # Run again (a relayed row sent twice): nothing more is sent.
    from applications.tasks import send_candidate_message

    assert send_candidate_message(event.pk) == 0
    assert len(mail.outbox) == 1
    kinds = list(application.events.values_list("kind", flat=True))
    assert kinds == ["status", "message"]


def test_a_video_interview_gives_the_link(django_capture_on_commit_callbacks):
    application = ApplicationFactory()
    with django_capture_on_commit_callbacks(execute=True):
        event = _invite(application, place="", video_link="https://meet.example.org/abc")
    assert "https://meet.example.org/abc" in event.body
    assert "video call" in mail.outbox[0].body


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"interview_on": None}, "interview_on"),
        ({"interview_on": date.today() - timedelta(days=1)}, "interview_on"),
        ({"interview_at": None}, "interview_at"),
        ({"place": "", "video_link": ""}, "place"),
        ({"place": "", "video_link": "javascript:alert(1)"}, "video_link"),
    ],
)
def test_an_invitation_needs_when_and_where(changes, field):
    application = ApplicationFactory()
    with pytest.raises(ValidationError) as exc:
        _invite(application, **changes)
    assert field in exc.value.message_dict
    assert not application.events.exists()
    application.refresh_from_db()
    assert application.status == Status.NEW


@pytest.mark.parametrize("kind, status", [("reject", "rejected"), ("offer", "offered")])
def test_rejection_and_offer(kind, status, django_capture_on_commit_callbacks):
    application = ApplicationFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.application_send_message(
            application=application, kind=kind, details=MessageDetails(note="Thank you.")
        )
    application.refresh_from_db()
    assert application.status == status
    assert len(mail.outbox) == 1 and "Thank you." in mail.outbox[0].body


def test_an_unknown_message_kind_is_refused():
    with pytest.raises(ValidationError):
        services.application_send_message(
            application=ApplicationFactory(), kind="spam", details=MessageDetails()
        )


# --- Screening questions ------------------------------------------------------------------


def test_questions_are_replaced_in_order():
    vacancy = factories.VacancyFactory(apply_method="board")
    question(vacancy, "Old?")
    services.screening_questions_set(
        vacancy=vacancy,
        questions=[
            {"text": "Do you drive?", "kind": "yes_no", "must_be_yes": True},
            {"text": "When could you start?", "kind": "text"},
        ],
    )
    assert [
        (q.text, q.kind, q.must_be_yes, q.position) for q in vacancy.screening_questions.all()
    ] == [
        ("Do you drive?", "yes_no", True, 0),
        ("When could you start?", "text", False, 1),
    ]


@pytest.mark.parametrize(
    "questions, field",
    [
        ([{"text": "Q?"}] * 6, "questions"),
        ([{"text": " "}], "0.text"),
        ([{"text": "Why?", "kind": "text", "must_be_yes": True}], "0.must_be_yes"),
        ([{"text": "Why?", "kind": "essay"}], "0.kind"),
        ([{"text": "x" * 301}], "0.text"),
    ],
)
def test_bad_questions_are_refused_by_field(questions, field):
    vacancy = factories.VacancyFactory(apply_method="board")
    question(vacancy, "Kept?")
    with pytest.raises(ValidationError) as exc:
        services.screening_questions_set(vacancy=vacancy, questions=questions)
    assert field in exc.value.message_dict
    assert list(vacancy.screening_questions.values_list("text", flat=True)) == ["Kept?"]


def test_questions_are_locked_once_someone_has_applied():
    application = ApplicationFactory()
    question(application.vacancy, "Kept?")
    with pytest.raises(ValidationError):
        services.screening_questions_set(vacancy=application.vacancy, questions=[])
    assert ScreeningQuestion.objects.count() == 1
