"""The interview slots API with a member's token: the same rules as the team's page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from applications.models import ApplicationEvent, InterviewSlot
from tests import factories
from tests.applications.slots import invited, slot, tomorrow_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def vacancy(employer):
    return factories.LiveVacancyFactory(employer=employer, apply_method="board")


@pytest.fixture
def api(owner):
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=owner)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def _url(vacancy, *rest):
    tail = "".join(f"{part}/" for part in rest)
    return f"/api/v1/employer/vacancies/{vacancy.reference}/interview-slots/{tail}"


def _body(**changes):
    return {
        "day": (timezone.localdate() + timedelta(days=2)).isoformat(),
        "start": "10:00",
        "minutes": 30,
        "count": 3,
        "gap": 10,
        "place": "Hollybank House, Leeds",
        **changes,
    }


def test_slots_are_added_and_listed_in_time_order_with_who_chose_each(api, vacancy):
    response = api.post(_url(vacancy), _body(), format="json")
    assert response.status_code == 201
    added = response.json()["slots"]
    assert [
        timezone.localtime(s.starts_at).strftime("%H:%M") for s in InterviewSlot.objects.all()
    ] == [
        "10:00",
        "10:40",
        "11:20",
    ]
    first = InterviewSlot.objects.get(pk=added[0]["id"])
    first.taken_by = invited(vacancy)
    first.save()
    listed = api.get(_url(vacancy)).json()["slots"]
    assert [row["id"] for row in listed] == [row["id"] for row in added]
    assert listed[0]["application"] == first.taken_by_id and listed[1]["application"] is None
    assert listed[0]["minutes"] == 30 and listed[0]["is_video"] is False


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"count": 13}, "count"),
        ({"minutes": 7}, "minutes"),
        ({"gap": 11}, "gap"),
        ({"place": "", "video_link": ""}, "place"),
        ({"video_link": "https://meet.example.org/x"}, "video_link"),
        ({"place": "", "video_link": "meet.example.org"}, "video_link"),
        ({"day": (timezone.localdate() - timedelta(days=1)).isoformat()}, "start"),
        ({"day": "2026-02-30"}, "day"),
        ({"start": "25:00"}, "start"),
    ],
)
def test_bad_input_is_a_400_by_field_and_saves_nothing(api, vacancy, changes, field):
    response = api.post(_url(vacancy), _body(**changes), format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not InterviewSlot.objects.exists()


def test_an_overlap_refuses_the_whole_batch(api, vacancy):
    existing = slot(vacancy, tomorrow_at(11, days=2))
    response = api.post(_url(vacancy), _body(), format="json")
    assert response.status_code == 400 and "overlap" in response.json()["start"][0]
    assert list(InterviewSlot.objects.values_list("pk", flat=True)) == [existing.pk]


def test_a_free_slot_is_deleted_and_a_booked_one_only_after_its_booking_is_cancelled(
    api, vacancy, committing
):
    free, held = slot(vacancy, tomorrow_at(10)), slot(vacancy, tomorrow_at(11))
    application = invited(vacancy, email="priya@example.net")
    held.taken_by = application
    held.save()
    assert api.delete(_url(vacancy, free.pk)).status_code == 204
    refused = api.delete(_url(vacancy, held.pk))
    assert refused.status_code == 400 and "Cancel their booking first" in str(refused.json())
    with committing():
        response = api.post(_url(vacancy, held.pk, "cancel"), {"note": "Sorry."}, format="json")
    assert response.status_code == 200 and response.json()["application"] is None
    event = ApplicationEvent.objects.get()
    assert event.kind == "slot_off" and "Sorry." in event.body
    (email,) = mail.outbox
    assert email.to == ["priya@example.net"]
    assert api.delete(_url(vacancy, held.pk)).status_code == 204
    assert not InterviewSlot.objects.exists()


def test_cancelling_a_free_slot_or_with_a_long_note_is_a_400(api, vacancy):
    free = slot(vacancy, tomorrow_at(10))
    response = api.post(_url(vacancy, free.pk, "cancel"), {}, format="json")
    assert response.status_code == 400 and "slot" in response.json()
    held = slot(vacancy, tomorrow_at(11))
    held.taken_by = invited(vacancy)
    held.save()
    response = api.post(_url(vacancy, held.pk, "cancel"), {"note": "x" * 2001}, format="json")
    assert response.status_code == 400 and "note" in response.json()
    held.refresh_from_db()
    assert held.taken_by is not None and not ApplicationEvent.objects.exists()


def test_another_vacancys_slot_is_not_found_through_mine(api, vacancy):
    foreign = slot(factories.LiveVacancyFactory(), tomorrow_at(10))
    assert api.delete(_url(vacancy, foreign.pk)).status_code == 404
    assert api.post(_url(vacancy, foreign.pk, "cancel"), {}, format="json").status_code == 404
    assert InterviewSlot.objects.filter(pk=foreign.pk).exists()
