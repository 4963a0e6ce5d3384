"""The seeker's data download includes their applications and CVs; deleting the account
deletes them and their files (seekers reach applications only through seekers.hooks)."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.urls import reverse

from applications.models import Application, CandidateProfile
from applications.storage import private_storage
from tests.applications.conftest import details_data, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def applied(candidate_client, candidate, board_vacancy):
    ref = {"reference": board_vacancy.reference}
    candidate_client.post(reverse("candidates:apply", kwargs=ref))
    candidate_client.post(reverse("candidates:details", kwargs=ref), details_data(board_vacancy))
    candidate_client.post(
        reverse("candidates:documents", kwargs=ref),
        {"cv": upload(), "remember_cv": "on", "action": "submit"},
    )
    return Application.objects.get(seeker=candidate)


def test_the_download_is_a_zip_of_the_data_and_the_cvs(candidate_client, applied):
    response = candidate_client.get(reverse("seekers:privacy_download"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].endswith('.zip"')
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    data = json.loads(archive.read("my-data.json"))
    [row] = data["applications"]
    assert row["vacancy"] == applied.vacancy.reference and row["status"] == "New"
    assert row["phone"] == "07700 900123"
    assert row["history"][0]["status"] == "new"
    assert {a["answer"] for a in row["screening_answers"]} == {"yes", "One month"}
    assert archive.read(row["cv_file"]).startswith(b"%PDF-")
    saved = data["saved_application_details"]
    assert saved["full_name"] == "Sam Carer"
    assert archive.read(saved["cv_file"]).startswith(b"%PDF-")


def test_without_files_the_download_stays_json(candidate_client):
    response = candidate_client.get(reverse("seekers:privacy_download"))
    data = json.loads(response.content)
    assert data["applications"] == [] and data["saved_application_details"] is None


def test_deleting_the_account_deletes_applications_and_files_after_commit(
    candidate_client, candidate, applied, django_capture_on_commit_callbacks
):
    storage = private_storage()
    names = [applied.cv.name, CandidateProfile.objects.get(seeker=candidate).cv.name]
    assert all(storage.exists(n) for n in names)
    with django_capture_on_commit_callbacks(execute=True):
        response = candidate_client.post(reverse("seekers:privacy_delete"), {"confirm": "on"})
    assert response.status_code == 200
    assert not Application.objects.exists()
    assert not CandidateProfile.objects.exists()
    assert not any(storage.exists(n) for n in names)
