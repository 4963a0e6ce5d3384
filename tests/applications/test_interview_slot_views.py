"""The interview slot pages: the team's times, the invitation to pick, the candidate's choice."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from applications.models import Application, InterviewSlot
from tests import factories
from tests.applications.factories import ApplicationFactory
from tests.applications.slots import invited, slot, tomorrow_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def vacancy(employer):
    return factories.LiveVacancyFactory(
        employer=employer, apply_method="board", title="Care Worker"
    )


def _slots_url(vacancy):
    return reverse("applications:slots", args=[vacancy.reference])


def _add_data(**changes):
    return {
        "day": (timezone.localdate() + timedelta(days=2)).isoformat(),
        "start": "10:00",
        "minutes": "30",
        "count": "3",
        "gap": "10",
        "place": "Hollybank House, Leeds",
        "video_link": "",
        **changes,
    }


def test_the_team_adds_several_times_and_sees_who_chose_which(
    owner_client, vacancy, django_assert_max_num_queries
):
    response = owner_client.post(_slots_url(vacancy), _add_data())
    assert response.status_code == 302
    times = [
        timezone.localtime(s.starts_at).strftime("%H:%M") for s in vacancy.interview_slots.all()
    ]
    assert times == ["10:00", "10:40", "11:20"]
    first = vacancy.interview_slots.first()
    first.taken_by = invited(vacancy, full_name="Priya Shah")
    first.save()
    for n in range(10):
        slot(vacancy, tomorrow_at(8, days=3 + n))  # more rows cost no more queries
    with django_assert_max_num_queries(12):
        page = owner_client.get(_slots_url(vacancy)).content.decode()
    assert "3 interview times added." in page
    assert "Chosen by" in page and "Priya Shah" in page
    assert page.count("Remove<span") == 12  # every free time, not the chosen one


@pytest.mark.parametrize(
    "changes, words",
    [
        ({"day": (timezone.localdate() - timedelta(days=1)).isoformat()}, "must be in the future"),
        ({"day": "31/02/2030"}, "Enter a valid date"),
        ({"minutes": "7"}, "Select a valid choice"),
        ({"count": "99"}, "Select a valid choice"),
        ({"place": "", "video_link": ""}, "Give the address, or a video call link"),
        ({"video_link": "https://meet.example.org/x"}, "not both"),
        ({"place": "", "video_link": "ftp://example.org"}, "https://"),
    ],
)
def test_bad_times_are_form_errors_and_save_nothing(owner_client, vacancy, changes, words):
    response = owner_client.post(_slots_url(vacancy), _add_data(**changes))
    assert response.status_code == 400
    assert words in response.content.decode()
    assert not InterviewSlot.objects.exists()


def test_an_overlapping_time_is_a_form_error(owner_client, vacancy):
    owner_client.post(_slots_url(vacancy), _add_data(count="1", start="10:15"))
    response = owner_client.post(_slots_url(vacancy), _add_data())
    assert response.status_code == 400
    assert "would overlap the one already offered at 10:15" in response.content.decode()
    assert vacancy.interview_slots.count() == 1


def test_a_free_time_is_removed(owner_client, vacancy):
    free = slot(vacancy, tomorrow_at(10))
    url = reverse("applications:slot_remove", args=[vacancy.reference, free.pk])
    assert owner_client.post(url).status_code == 302
    assert not InterviewSlot.objects.exists()
    assert owner_client.post(url).status_code == 404
    huge = reverse("applications:slot_remove", args=[vacancy.reference, 10**25])
    assert owner_client.post(huge).status_code == 404


def test_the_invitation_page_offers_to_let_the_candidate_pick(owner_client, vacancy, committing):
    slot(vacancy, tomorrow_at(10))
    application = ApplicationFactory(vacancy=vacancy, status="shortlisted")
    url = reverse("applications:message", args=[vacancy.reference, application.pk, "invite"])
    page = owner_client.get(url).content.decode()
    assert "Let the candidate pick one of your free interview times" in page
    assert "1 of your interview times is free." in page
    with committing():
        response = owner_client.post(url, {"pick": "slots", "note": "Bring photo ID."})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == "interview" and application.picks_interview_slot
    (sent,) = mail.outbox
    assert f"/me/applications/{application.pk}/interview/" in sent.body
    assert "Bring photo ID." in sent.body


def test_an_invitation_to_pick_without_free_times_is_a_form_error(owner_client, vacancy):
    application = ApplicationFactory(vacancy=vacancy, status="shortlisted")
    url = reverse("applications:message", args=[vacancy.reference, application.pk, "invite"])
    response = owner_client.post(url, {"pick": "slots"})
    assert response.status_code == 400
    assert "no free interview times to come" in response.content.decode()
    application.refresh_from_db()
    assert application.status == "shortlisted" and not application.events.exists()


def test_a_fixed_time_invitation_still_needs_its_day_time_and_place(owner_client, vacancy):
    application = ApplicationFactory(vacancy=vacancy, status="shortlisted")
    url = reverse("applications:message", args=[vacancy.reference, application.pk, "invite"])
    response = owner_client.post(url, {"pick": "fixed"})
    assert response.status_code == 400
    assert "Give the day of the interview." in response.content.decode()


# --- The candidate ---------------------------------------------------------------------------


def test_the_candidate_picks_a_time_from_their_applications(client, vacancy, committing, owner):
    early, late = slot(vacancy, tomorrow_at(10)), slot(vacancy, tomorrow_at(15))
    application = invited(vacancy, email="priya@example.net")
    client.force_login(application.seeker.user)
    mine = client.get(reverse("candidates:mine")).content.decode()
    assert "Choose your interview time" in mine
    url = reverse("candidates:interview", args=[application.pk])
    page = client.get(url).content.decode()
    assert "Choose a time" in page and "10:00 to 10:30" in page and "15:00 to 15:30" in page
    with committing():
        response = client.post(url, {"slot": early.pk})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "Your interview is booked for" in page and "Booked" in page
    assert "Choose another time" in page and f'value="{early.pk}"' not in page
    mine = client.get(reverse("candidates:mine")).content.decode()
    assert "See or change the interview time" in mine
    assert {m.to[0] for m in mail.outbox} == {"priya@example.net", owner.email}
    # The team sees it on the application and on the times page.
    client.force_login(owner)
    detail = client.get(
        reverse("applications:detail", args=[vacancy.reference, application.pk])
    ).content.decode()
    assert "Interview time chosen" in detail and "10:00 to 10:30" in detail
    late.refresh_from_db()
    assert late.taken_by is None


def test_a_time_taken_meanwhile_is_a_form_error(client, vacancy):
    target = slot(vacancy, tomorrow_at(10))
    slot(vacancy, tomorrow_at(11))
    application = invited(vacancy)
    InterviewSlot.objects.filter(pk=target.pk).update(taken_by=invited(vacancy))
    client.force_login(application.seeker.user)
    url = reverse("candidates:interview", args=[application.pk])
    for data in ({"slot": target.pk}, {"slot": "abc"}, {}, {"slot": "9" * 30}):
        response = client.post(url, data)
        assert response.status_code == 400
        assert "There is a problem" in response.content.decode()
    assert (
        "Someone else has just chosen that time"
        in client.post(url, {"slot": target.pk}).content.decode()
    )
    assert not application.events.exists()


def test_a_withdrawn_candidate_sees_why_and_cannot_pick(client, vacancy):
    target = slot(vacancy, tomorrow_at(10))
    application = invited(vacancy, status=Application.Status.WITHDRAWN)
    client.force_login(application.seeker.user)
    url = reverse("candidates:interview", args=[application.pk])
    page = client.get(url).content.decode()
    assert "This application has ended" in page and 'name="slot"' not in page
    assert client.post(url, {"slot": target.pk}).status_code == 400
    target.refresh_from_db()
    assert target.taken_by is None


def test_no_free_times_left_says_so(client, vacancy):
    application = invited(vacancy)
    client.force_login(application.seeker.user)
    page = client.get(reverse("candidates:interview", args=[application.pk])).content.decode()
    assert "All the interview times have been taken" in page


def _cancel_url(vacancy, held):
    return reverse("applications:slot_cancel", args=[vacancy.reference, held.pk])


def test_the_team_cancels_a_booking_with_a_message(owner_client, vacancy, committing):
    held = slot(vacancy, tomorrow_at(10))
    application = invited(vacancy, full_name="Priya Shah", email="priya@example.net")
    held.taken_by = application
    held.save()
    slot(vacancy, tomorrow_at(14))
    page = owner_client.get(_slots_url(vacancy)).content.decode()
    assert _cancel_url(vacancy, held) in page and "Cancel the booking" in page
    assert f'for="cancel-note-{held.pk}"' in page
    with committing():
        response = owner_client.post(_cancel_url(vacancy, held), {"note": "Sorry, the room."})
    assert response.status_code == 302
    held.refresh_from_db()
    assert held.taken_by is None
    page = owner_client.get(_slots_url(vacancy)).content.decode()
    assert "The booking is cancelled" in page
    (email,) = mail.outbox
    assert email.to == ["priya@example.net"] and "Sorry, the room." in email.body
    detail = owner_client.get(
        reverse("applications:detail", args=[vacancy.reference, application.pk])
    ).content.decode()
    assert "Interview time cancelled by the team" in detail and "Sorry, the room." in detail


def test_a_too_long_message_is_a_form_error_and_cancels_nothing(owner_client, vacancy):
    held = slot(vacancy, tomorrow_at(10))
    held.taken_by = invited(vacancy)
    held.save()
    response = owner_client.post(_cancel_url(vacancy, held), {"note": "x" * 2001})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'aria-invalid="true"' in page and "at most 2000 characters" in page
    held.refresh_from_db()
    assert held.taken_by is not None and not mail.outbox


def test_cancelling_a_free_time_is_a_form_error(owner_client, vacancy):
    free = slot(vacancy, tomorrow_at(10))
    response = owner_client.post(_cancel_url(vacancy, free), {})
    assert response.status_code == 400
    assert "Nobody has chosen that interview time." in response.content.decode()


def test_another_vacancys_booking_is_not_found_through_mine(owner_client, vacancy):
    other = factories.LiveVacancyFactory(apply_method="board")
    held = slot(other, tomorrow_at(10))
    held.taken_by = invited(other)
    held.save()
    response = owner_client.post(_cancel_url(vacancy, held), {})
    assert response.status_code == 404
    held.refresh_from_db()
    assert held.taken_by is not None
