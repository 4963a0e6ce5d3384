"""Fixtures for applying on the board: a vacancy taking applications here, seekers, files."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from applications.files import Scan
from applications.models import ScreeningQuestion
from seekers.models import Seeker
from tests import factories
from tests.applications import documents


@pytest.fixture
def board_vacancy(db):
    vacancy = factories.LiveVacancyFactory(apply_method="board", registration="swe")
    ScreeningQuestion.objects.create(
        vacancy=vacancy, position=1, text="Do you hold a full UK driving licence?", must_be_yes=True
    )
    ScreeningQuestion.objects.create(
        vacancy=vacancy, position=2, text="How much notice must you give?", kind="text"
    )
    return vacancy


@pytest.fixture
def candidate(db):
    return Seeker.objects.create(user=factories.UserFactory(email="sam@example.net"))


@pytest.fixture
def candidate_client(client, candidate):
    client.force_login(candidate.user)
    return client


def upload(data: bytes = documents.PDF, name: str = "My CV.pdf", content_type="application/pdf"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def details_data(vacancy, **overrides) -> dict:
    questions = list(vacancy.screening_questions.all())
    data = {
        "full_name": "Sam Carer",
        "phone": "07700 900123",
        "right_to_work": "yes",
        "registration_number": "SW123456",
        "dbs_update_service": "yes",
        "remember": "on",
    }
    for question in questions:
        data[f"q{question.pk}"] = "yes" if question.kind == "yes_no" else "One month"
    data.update(overrides)
    return data


def eicar_rejecting_scanner(data: bytes, *, name: str) -> Scan:
    """The fake scanner of the tests: EICAR's test string is "infected", the rest "clean"."""
    if b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE" in data:
        return Scan("infected", "EICAR test file")
    return Scan("clean")


@pytest.fixture
def fake_scanner(settings):
    settings.APPLICATIONS_CV_SCANNER = "tests.applications.conftest.eicar_rejecting_scanner"


@pytest.fixture
def committing(django_capture_on_commit_callbacks):
    """``with committing(): client.post(...)``: what the request queued after commit runs."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


@pytest.fixture
def recruiter_client(client, recruiter):
    client.force_login(recruiter)
    return client
