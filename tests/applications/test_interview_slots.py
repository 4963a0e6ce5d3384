"""Interview slots: the team offers times, an invited candidate picks one (or moves to
another while it is to come), and nobody else can hold it."""

from __future__ import annotations

import threading
from datetime import UTC, date, time, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from applications import candidate_services, services, tasks
from applications.emails import MessageDetails
from applications.models import Application, ApplicationEvent, InterviewSlot
from tests import factories
from tests.applications.factories import ApplicationFactory
from tests.applications.slots import invited, slot, tomorrow_at

pytestmark = pytest.mark.django_db
Status = Application.Status


@pytest.fixture
def vacancy(employer):
    return factories.LiveVacancyFactory(
        employer=employer, apply_method="board", title="Care Worker"
    )


def _add(vacancy, **changes):
    values = {
        "day": timezone.localdate() + timedelta(days=2),
        "start": time(10, 0),
        "minutes": 30,
        "count": 1,
        "gap": 0,
        "place": "Hollybank House, 2 Park Road, Leeds",
        "video_link": "",
        **changes,
    }
    return services.interview_slots_add(vacancy=vacancy, **values)


def _choose(application, target, **kwargs):
    return candidate_services.interview_slot_choose(
        application=application, seeker=application.seeker, slot_id=target.pk, **kwargs
    )


# --- The team offers times ---------------------------------------------------------------


def test_several_times_are_added_one_after_another(vacancy):
    added = _add(vacancy, count=3, minutes=45, gap=15)
    local = [timezone.localtime(s.starts_at).strftime("%H:%M") for s in added]
    assert local == ["10:00", "11:00", "12:00"]
    assert {(s.minutes, s.where) for s in vacancy.interview_slots.all()} == {
        (45, "Hollybank House, 2 Park Road, Leeds")
    }


def test_a_video_call_is_a_place_too(vacancy):
    (added,) = _add(vacancy, place="", video_link="https://meet.example.org/hollybank")
    assert added.is_video and added.where == "https://meet.example.org/hollybank"


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"day": date.today() - timedelta(days=1)}, "start"),
        ({"day": None}, "day"),
        ({"start": None}, "start"),
        ({"day": date.today() + timedelta(days=400)}, "day"),
        ({"minutes": 0}, "minutes"),
        ({"minutes": 600}, "minutes"),
        ({"count": 0}, "count"),
        ({"count": 13}, "count"),
        ({"gap": -5}, "gap"),
        ({"place": "", "video_link": ""}, "place"),
        ({"video_link": "https://meet.example.org/x"}, "video_link"),
        ({"place": "", "video_link": "javascript:alert(1)"}, "video_link"),
    ],
)
def test_bad_times_are_refused_by_field_and_nothing_is_saved(vacancy, changes, field):
    with pytest.raises(ValidationError) as exc:
        _add(vacancy, **changes)
    assert field in exc.value.message_dict
    assert not InterviewSlot.objects.exists()


def test_an_overlapping_time_is_refused_and_none_of_the_batch_is_saved(vacancy):
    _add(vacancy, start=time(11, 15))
    with pytest.raises(ValidationError) as exc:
        _add(vacancy, count=4, minutes=30)  # 10:00, 10:30, 11:00 (overlaps 11:15), 11:30
    assert "overlap" in exc.value.message_dict["start"][0]
    assert "11:00" in exc.value.message_dict["start"][0]
    assert vacancy.interview_slots.count() == 1
    # Back to back with an existing one is fine.
    _add(vacancy, start=time(11, 45))
    assert vacancy.interview_slots.count() == 2


def test_the_database_keeps_one_slot_per_start_and_one_slot_per_application(vacancy):
    first = slot(vacancy, tomorrow_at(10))
    with pytest.raises(IntegrityError), transaction.atomic():
        slot(vacancy, tomorrow_at(10))
    second = slot(vacancy, tomorrow_at(11))
    application = invited(vacancy)
    InterviewSlot.objects.filter(pk=first.pk).update(taken_by=application)
    with pytest.raises(IntegrityError), transaction.atomic():
        InterviewSlot.objects.filter(pk=second.pk).update(taken_by=application)


def test_a_free_time_is_removed_and_a_chosen_one_stays(vacancy):
    free = slot(vacancy, tomorrow_at(10))
    held = slot(vacancy, tomorrow_at(11))
    held.taken_by = invited(vacancy, full_name="Priya Shah")
    held.save()
    services.interview_slot_remove(vacancy=vacancy, slot_id=free.pk)
    with pytest.raises(ValidationError) as exc:
        services.interview_slot_remove(vacancy=vacancy, slot_id=held.pk)
    assert "Priya Shah has chosen" in exc.value.messages[0]
    assert list(vacancy.interview_slots.values_list("pk", flat=True)) == [held.pk]


def test_another_vacancys_slot_cannot_be_removed_through_mine(vacancy):
    foreign = slot(factories.LiveVacancyFactory(), tomorrow_at(10))
    with pytest.raises(ValidationError):
        services.interview_slot_remove(vacancy=vacancy, slot_id=foreign.pk)
    assert InterviewSlot.objects.filter(pk=foreign.pk).exists()


# --- Inviting to pick ----------------------------------------------------------------------


def test_an_invitation_to_pick_links_to_the_free_times(vacancy, committing):
    slot(vacancy, tomorrow_at(10))
    application = ApplicationFactory(vacancy=vacancy, status=Status.SHORTLISTED)
    with committing():
        event = services.application_send_message(
            application=application, kind="invite", details=MessageDetails(pick=True)
        )
    application.refresh_from_db()
    assert application.status == Status.INTERVIEW and application.slot_invited_at is not None
    assert f"/me/applications/{application.pk}/interview/" in event.body
    assert "When:" not in event.body
    assert f"/me/applications/{application.pk}/interview/" in mail.outbox[0].body


def test_an_invitation_to_pick_needs_a_free_time_to_come(vacancy, frozen_clock):
    slot(vacancy, frozen_clock.now - timedelta(hours=1))  # past
    taken = slot(vacancy, frozen_clock.now + timedelta(days=1))
    taken.taken_by = invited(vacancy)
    taken.save()
    application = ApplicationFactory(vacancy=vacancy, status=Status.SHORTLISTED)
    with pytest.raises(ValidationError) as exc:
        services.application_send_message(
            application=application, kind="invite", details=MessageDetails(pick=True)
        )
    assert "pick" in exc.value.message_dict
    application.refresh_from_db()
    assert application.status == Status.SHORTLISTED and application.slot_invited_at is None
    assert not application.events.exists()


def test_a_fixed_time_invitation_replaces_a_chosen_slot(vacancy):
    held = slot(vacancy, tomorrow_at(10))
    application = invited(vacancy)
    _choose(application, held)
    services.application_send_message(
        application=application,
        kind="invite",
        details=MessageDetails(
            interview_on=date.today() + timedelta(days=5),
            interview_at=time(9, 0),
            place="Head office",
        ),
    )
    application.refresh_from_db()
    held.refresh_from_db()
    assert application.slot_invited_at is None and held.taken_by is None


@pytest.mark.parametrize("how", ["reject", "withdraw"])
def test_an_ended_application_frees_its_time_to_come_but_keeps_a_past_one(vacancy, how):
    application = invited(vacancy)
    later = slot(vacancy, tomorrow_at(10))
    _choose(application, later)
    if how == "reject":
        services.application_move(application=application, status="rejected")
    else:
        candidate_services.application_withdraw(application=application, seeker=application.seeker)
    later.refresh_from_db()
    assert later.taken_by is None
    # A time that has passed stays with the candidate, as the record of the interview.
    other = invited(vacancy)
    past = slot(vacancy, timezone.now() - timedelta(days=1))
    InterviewSlot.objects.filter(pk=past.pk).update(taken_by=other)
    services.application_move(application=other, status="rejected")
    past.refresh_from_db()
    assert past.taken_by_id == other.pk


# --- The candidate picks ---------------------------------------------------------------------


def test_choosing_a_time_keeps_it_confirms_it_and_tells_the_team(
    vacancy, committing, owner, recruiter
):
    chosen = slot(vacancy, tomorrow_at(10, 30), where="Hollybank House, 2 Park Road, Leeds")
    application = invited(vacancy, full_name="Priya Shah", email="priya@example.net")
    with committing():
        event = _choose(application, chosen)
    chosen.refresh_from_db()
    assert chosen.taken_by_id == application.pk
    assert (event.kind, event.slot, event.actor) == (
        "slot",
        chosen,
        application.seeker.user,
    )
    assert "10:30 to 11:00" in event.body and "Hollybank House" in event.body
    confirmation, team = sorted(mail.outbox, key=lambda m: m.to != ["priya@example.net"])
    assert confirmation.to == ["priya@example.net"]
    assert confirmation.subject == event.subject and event.body in confirmation.body
    ((name, ics, mimetype),) = confirmation.attachments
    assert name == "interview.ics" and mimetype.startswith("text/calendar")
    start = chosen.starts_at.astimezone(UTC)
    assert f"DTSTART:{start:%Y%m%dT%H%M%SZ}" in ics
    assert "LOCATION:Hollybank House\\, 2 Park Road\\, Leeds" in ics
    assert f"UID:interview-{application.pk}@" in ics and "SEQUENCE:0" in ics
    assert all(len(line.encode()) <= 75 for line in ics.split("\r\n"))
    assert sorted(team.to) == sorted([owner.email, recruiter.email])
    assert "Priya Shah chose an interview time" in team.subject
    assert f"/applications/{application.pk}/" in team.body
    event.refresh_from_db()
    assert event.sent_at is not None
    assert event.team_told_at is not None
    # A task run twice sends the confirmation once, and tells the team once.
    assert tasks.send_slot_confirmation(event.pk) == 0
    assert tasks.tell_team_slot_chosen(event.pk) == 0
    assert len(mail.outbox) == 2


def test_the_candidate_moves_to_another_time_while_theirs_is_to_come(vacancy, committing, owner):
    first = slot(vacancy, tomorrow_at(10))
    second = slot(vacancy, tomorrow_at(14))
    application = invited(vacancy)
    _choose(application, first)
    mail.outbox.clear()
    with committing():
        event = _choose(application, second)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.taken_by is None and second.taken_by_id == application.pk
    assert "has moved" in event.subject
    ics = next(m for m in mail.outbox if m.to == [application.email]).attachments[0][1]
    assert "SEQUENCE:1" in ics
    assert any("changed their interview time" in m.subject for m in mail.outbox)
    kinds = list(application.events.values_list("kind", flat=True))
    assert kinds == ["slot", "slot"]
    # Choosing the time they hold again changes nothing.
    assert _choose(application, second) is None
    assert application.events.count() == 2


def test_a_time_someone_holds_cannot_be_taken(vacancy):
    target = slot(vacancy, tomorrow_at(10))
    first, second = invited(vacancy), invited(vacancy)
    _choose(first, target)
    with pytest.raises(ValidationError) as exc:
        _choose(second, target)
    assert "Someone else has just chosen that time" in exc.value.message_dict["slot"][0]
    target.refresh_from_db()
    assert target.taken_by_id == first.pk
    assert not second.events.exists()


def test_a_refused_move_keeps_the_time_already_held(vacancy):
    mine, theirs = slot(vacancy, tomorrow_at(10)), slot(vacancy, tomorrow_at(11))
    me, other = invited(vacancy), invited(vacancy)
    _choose(me, mine)
    _choose(other, theirs)
    with pytest.raises(ValidationError):
        _choose(me, theirs)
    mine.refresh_from_db()
    assert mine.taken_by_id == me.pk


def test_past_times_cannot_be_chosen_nor_a_time_changed_once_it_has_come(vacancy, frozen_clock):
    past = slot(vacancy, frozen_clock.now - timedelta(minutes=1))
    soon = slot(vacancy, frozen_clock.now + timedelta(hours=1))
    later = slot(vacancy, frozen_clock.now + timedelta(days=1))
    application = invited(vacancy)
    with pytest.raises(ValidationError) as exc:
        _choose(application, past)
    assert "passed" in exc.value.message_dict["slot"][0]
    _choose(application, soon)
    frozen_clock.advance(hours=1)
    with pytest.raises(ValidationError) as exc:
        _choose(application, later)
    assert "can no longer change" in exc.value.message_dict["slot"][0]
    soon.refresh_from_db()
    later.refresh_from_db()
    assert soon.taken_by_id == application.pk and later.taken_by is None


@pytest.mark.parametrize(
    "fields, words",
    [
        ({"status": Status.WITHDRAWN}, "has ended"),
        ({"status": Status.REJECTED}, "has ended"),
        ({"status": Status.SHORTLISTED, "slot_invited_at": None}, "has not asked you"),
        ({"status": Status.INTERVIEW, "slot_invited_at": None}, "gives the time"),
        ({"status": Status.OFFERED}, "moved on from the interview"),
    ],
)
def test_only_a_candidate_invited_to_pick_picks(vacancy, fields, words):
    target = slot(vacancy, tomorrow_at(10))
    application = invited(vacancy, **fields)
    with pytest.raises(ValidationError) as exc:
        _choose(application, target)
    assert words in exc.value.message_dict["slot"][0]
    target.refresh_from_db()
    assert target.taken_by is None and not application.events.exists()


def test_another_vacancys_time_is_not_offered(vacancy):
    foreign = slot(factories.LiveVacancyFactory(), tomorrow_at(10))
    application = invited(vacancy)
    with pytest.raises(ValidationError) as exc:
        _choose(application, foreign)
    assert "no longer offered" in exc.value.message_dict["slot"][0]
    foreign.refresh_from_db()
    assert foreign.taken_by is None


def test_someone_elses_application_is_not_theirs_to_pick_for(vacancy):
    target = slot(vacancy, tomorrow_at(10))
    application = invited(vacancy)
    stranger = invited(vacancy)
    with pytest.raises(Application.DoesNotExist):
        candidate_services.interview_slot_choose(
            application=application, seeker=stranger.seeker, slot_id=target.pk
        )
    target.refresh_from_db()
    assert target.taken_by is None


def _someone_waits_on_a_lock() -> bool:
    """Whether another connection is blocked on a row lock (waited for, never slept on)."""
    waiting = threading.Event()
    for _ in range(400):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND datname = current_database()"
            )
            if cursor.fetchone()[0]:
                return True
        waiting.wait(0.05)
    return False


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_candidates_at_the_same_moment_never_hold_one_slot(employer):
    """The first has claimed the slot and not yet committed when the second asks for it:
    the second waits on the row, then finds it taken (without the locked, conditional claim
    it would read it free and overwrite the first)."""
    assert connection.vendor == "postgresql"
    vacancy = factories.LiveVacancyFactory(employer=employer, apply_method="board")
    target = slot(vacancy, tomorrow_at(10))
    first, second = invited(vacancy), invited(vacancy)
    claimed, finish = threading.Event(), threading.Event()
    outcomes: dict[str, str] = {}

    def run(name, application, *, hold: bool):
        try:
            if not hold:
                claimed.wait(30)
            with transaction.atomic():
                _choose(application, target)
                if hold:
                    claimed.set()
                    finish.wait(30)
            outcomes[name] = "booked"
        except ValidationError as exc:
            outcomes[name] = exc.message_dict["slot"][0]
        except Exception as exc:  # noqa: BLE001 - a deadlock or a 500 fails the test below
            outcomes[name] = repr(exc)
        finally:
            claimed.set()
            connection.close()

    threads = [
        threading.Thread(target=run, args=("first", first), kwargs={"hold": True}),
        threading.Thread(target=run, args=("second", second), kwargs={"hold": False}),
    ]
    for thread in threads:
        thread.start()
    claimed.wait(30)
    blocked = _someone_waits_on_a_lock()
    finish.set()
    for thread in threads:
        thread.join(timeout=60)
    assert blocked, "the second candidate never waited on the first's claim"
    assert outcomes["first"] == "booked", outcomes
    assert "Someone else has just chosen that time" in outcomes["second"], outcomes
    target.refresh_from_db()
    assert target.taken_by_id == first.pk
    assert ApplicationEvent.objects.filter(kind="slot").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_candidates_swapping_at_once_do_not_deadlock(employer):
    """Each holds a time and wants the other's: rows are locked in one order, so both are
    refused cleanly (the time is taken) rather than one dying in a deadlock."""
    vacancy = factories.LiveVacancyFactory(employer=employer, apply_method="board")
    one, two = slot(vacancy, tomorrow_at(10)), slot(vacancy, tomorrow_at(11))
    first, second = invited(vacancy), invited(vacancy)
    _choose(first, one)
    _choose(second, two)
    barrier = threading.Barrier(2)
    outcomes = {}

    def pick(application, target):
        try:
            barrier.wait(timeout=30)
            _choose(application, target)
            outcomes[application.pk] = "booked"
        except ValidationError as exc:
            outcomes[application.pk] = exc.message_dict["slot"][0]
        except Exception as exc:  # noqa: BLE001
            outcomes[application.pk] = repr(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=pick, args=(first, two)),
        threading.Thread(target=pick, args=(second, one)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert all("Someone else" in o for o in outcomes.values()), outcomes
    one.refresh_from_db()
    two.refresh_from_db()
    assert (one.taken_by_id, two.taken_by_id) == (first.pk, second.pk)


# --- The team cancels a booking ------------------------------------------------------------


def _booked(vacancy, at, *, email="priya@example.net", **fields):
    held = slot(vacancy, at)
    application = invited(vacancy, full_name="Priya Shah", email=email, **fields)
    held.taken_by = application
    held.save()
    return held, application


def test_cancelling_a_booking_frees_the_time_keeps_it_and_tells_the_candidate(
    vacancy, committing, owner
):
    held, application = _booked(vacancy, tomorrow_at(10))
    slot(vacancy, tomorrow_at(14))
    with committing():
        event = services.interview_booking_cancel(
            vacancy=vacancy, slot_id=held.pk, note="Our panel is ill that day.", actor=owner
        )
    held.refresh_from_db()
    application.refresh_from_db()
    assert held.taken_by is None and application.chosen_slot is None
    assert application.picks_interview_slot  # they may choose again
    assert (event.kind, event.slot, event.actor) == ("slot_off", held, owner)
    assert list(application.events.values_list("kind", flat=True)) == ["slot_off"]
    assert "cancelled your interview" in event.subject
    assert "10:00 to 10:30" in event.body and "Our panel is ill that day." in event.body
    assert "Other times are free" in event.body
    assert f"/me/applications/{application.pk}/interview/" in event.body
    (email,) = mail.outbox
    assert email.to == ["priya@example.net"] and email.subject == event.subject
    assert event.body in email.body
    event.refresh_from_db()
    assert event.sent_at is not None
    assert tasks.send_candidate_message(event.pk) == 0  # sent once
    assert len(mail.outbox) == 1


def test_with_no_other_free_time_the_email_says_so_and_still_links(vacancy):
    held, application = _booked(vacancy, tomorrow_at(10))
    event = services.interview_booking_cancel(vacancy=vacancy, slot_id=held.pk)
    assert "No other times are free" in event.body
    assert f"/me/applications/{application.pk}/interview/" in event.body


def test_the_candidate_chooses_again_after_a_cancel(vacancy):
    held, application = _booked(vacancy, tomorrow_at(10))
    other = slot(vacancy, tomorrow_at(14))
    services.interview_booking_cancel(vacancy=vacancy, slot_id=held.pk)
    _choose(application, other)
    other.refresh_from_db()
    assert other.taken_by_id == application.pk


@pytest.mark.parametrize("what", ["free", "past", "foreign", "gone", "long note"])
def test_a_refused_cancel_changes_nothing(vacancy, frozen_clock, what):
    held, application = _booked(vacancy, frozen_clock.now + timedelta(hours=2))
    slot_id, note, field = held.pk, "", "slot"
    if what == "free":
        slot_id = slot(vacancy, frozen_clock.now + timedelta(days=2)).pk
    elif what == "past":
        frozen_clock.advance(hours=2)
    elif what == "foreign":
        foreign, _ = _booked(
            factories.LiveVacancyFactory(),
            frozen_clock.now + timedelta(days=1),
            email="sam@example.net",
        )
        slot_id = foreign.pk
    elif what == "gone":
        slot_id = held.pk + 1000
    else:
        note, field = "x" * (services.CANCEL_NOTE_MAX_LENGTH + 1), "note"
    before = sorted(InterviewSlot.objects.values_list("pk", "taken_by_id"))
    with pytest.raises(ValidationError) as exc:
        services.interview_booking_cancel(vacancy=vacancy, slot_id=slot_id, note=note)
    assert field in exc.value.message_dict
    assert sorted(InterviewSlot.objects.values_list("pk", "taken_by_id")) == before
    assert not ApplicationEvent.objects.exists()


def test_a_withdrawn_candidates_time_is_not_cancelled_by_the_team(vacancy):
    held, application = _booked(vacancy, tomorrow_at(10))
    Application.objects.filter(pk=application.pk).update(status=Status.WITHDRAWN)
    with pytest.raises(ValidationError):
        services.interview_booking_cancel(vacancy=vacancy, slot_id=held.pk)
    assert not ApplicationEvent.objects.exists()


def test_a_booked_time_is_removed_only_once_cancelled(vacancy):
    held, _ = _booked(vacancy, tomorrow_at(10))
    with pytest.raises(ValidationError) as exc:
        services.interview_slot_remove(vacancy=vacancy, slot_id=held.pk)
    assert "Cancel their booking first" in exc.value.messages[0]
    services.interview_booking_cancel(vacancy=vacancy, slot_id=held.pk)
    services.interview_slot_remove(vacancy=vacancy, slot_id=held.pk)
    assert not InterviewSlot.objects.filter(pk=held.pk).exists()
    # The history keeps the cancellation; its slot is gone.
    assert ApplicationEvent.objects.get().slot is None


def test_a_candidate_the_team_has_moved_on_is_told_without_a_link_to_choose(vacancy):
    held, application = _booked(vacancy, tomorrow_at(10), status=Status.OFFERED)
    slot(vacancy, tomorrow_at(14))
    event = services.interview_booking_cancel(vacancy=vacancy, slot_id=held.pk)
    assert "has cancelled your interview" in event.body
    assert "/interview/" not in event.body and "Choose" not in event.body
