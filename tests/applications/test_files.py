"""CV uploads: the type decided by the bytes, hostile files refused, the size capped before
the body is read, names made safe, the scan step, and the download's headers."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from applications import files
from applications.models import Application, CandidateProfile
from tests.applications import documents
from tests.applications.conftest import details_data, upload

pytestmark = pytest.mark.django_db


def _check(data: bytes, name: str = "cv.pdf"):
    return files.check_cv(SimpleUploadedFile(name, data))


@pytest.mark.parametrize(
    ("data", "name", "content_type", "saved_as"),
    [
        (documents.PDF, "Sam's CV.PDF", files.PDF, "Sam-s-CV.pdf"),
        (documents.docx(), "cv.docx", files.DOCX, "cv.docx"),
        (documents.odt(), "cv.odt", files.ODT, "cv.odt"),
        (documents.RTF, "cv.rtf", files.RTF, "cv.rtf"),
        # The name does not decide: a PDF called .docx is kept as the PDF it is.
        (documents.PDF, "cv.docx", files.PDF, "cv.pdf"),
    ],
)
def test_real_documents_are_accepted_by_their_content(data, name, content_type, saved_as):
    checked = _check(data, name)
    assert checked.content_type == content_type
    assert checked.name == saved_as
    assert checked.scan == "not scanned"


@pytest.mark.parametrize(
    ("data", "name", "code"),
    [
        (documents.POLYGLOT, "cv.pdf", "active"),  # a PDF header with HTML and script after it
        (documents.HTML_AS_PDF, "cv.pdf", "wrong_type"),  # HTML named .pdf
        (b"", "cv.pdf", "empty"),
        (documents.docm(), "cv.docm", "macros"),
        (documents.docm(), "cv.docx", "macros"),  # a .docm renamed .docx
        (documents.docx_bomb(), "cv.docx", "bomb"),  # 200 MB packed into a few hundred KB
        (documents.odt(extra=[("Basic/Standard/Module1.xml", "<macro/>")]), "cv.odt", "macros"),
        (b"MZ\x90\x00" + b"\x00" * 200, "cv.pdf", "wrong_type"),  # a Windows program
        (b"%PDF-1.4\n1 0 obj<</S/JavaScript/JS(app.alert(1))>>endobj", "cv.pdf", "active"),
        (b"{\\rtf1 {\\object\\objemb {\\objdata 0102}}}", "cv.rtf", "active"),
        (b"PK\x03\x04" + b"\x00" * 100, "cv.docx", "damaged"),
    ],
)
def test_hostile_or_wrong_files_are_refused(data, name, code):
    with pytest.raises(ValidationError) as caught:
        _check(data, name)
    assert caught.value.code == code


def test_a_file_past_the_cap_is_refused_without_reading_on():
    big = SimpleUploadedFile("cv.pdf", documents.PDF + b"0" * files.CV_MAX_BYTES)
    with pytest.raises(ValidationError) as caught:
        files.check_cv(big)
    assert caught.value.code == "too_large"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\sam\\CV final (2).pdf", "CV-final-2.pdf"),
        ('cv"; filename=evil.html', "cv-filename-evil.pdf"),
        ("Zoë Brontë.pdf", "Zoe-Bronte.pdf"),
        ("....pdf", "cv.pdf"),
        ("", "cv.pdf"),
    ],
)
def test_names_are_sanitised(name, expected):
    assert files.sanitise_name(name, files.PDF) == expected


def test_the_scan_step_refuses_what_the_scanner_rejects(fake_scanner):
    assert _check(documents.PDF).scan == "clean"
    with pytest.raises(ValidationError) as caught:
        _check(documents.PDF + documents.EICAR)
    assert caught.value.code == "infected"


# --- Through the view -----------------------------------------------------------------------


@pytest.fixture
def at_documents(candidate_client, board_vacancy):
    urls = {
        n: reverse(f"candidates:{n}", kwargs={"reference": board_vacancy.reference})
        for n in ("apply", "details", "documents")
    }
    candidate_client.post(urls["apply"])
    candidate_client.post(urls["details"], details_data(board_vacancy))
    return urls["documents"]


def test_an_oversized_body_is_refused_before_it_is_read(candidate_client, at_documents):
    response = candidate_client.generic(
        "POST",
        at_documents,
        data=b"x" * 64,
        content_type="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=str(files.CV_MAX_BYTES + files.FORM_ALLOWANCE + 1),
    )
    assert response.status_code == 413
    assert not Application.objects.exclude(cv="").exists()


def test_a_file_past_the_cap_is_stopped_as_it_streams_in(
    candidate_client, at_documents, monkeypatch
):
    monkeypatch.setattr(files, "FORM_ALLOWANCE", 10 * 1024 * 1024)  # let the body in
    big = upload(documents.PDF + b"0" * (files.CV_MAX_BYTES + 1))
    response = candidate_client.post(at_documents, {"cv": big, "action": "submit"})
    assert response.status_code == 400
    assert "larger than 5 MB" in response.content.decode()
    assert not Application.objects.exclude(cv="").exists()


def test_an_html_file_named_pdf_is_refused_by_the_view(candidate_client, at_documents):
    response = candidate_client.post(
        at_documents, {"cv": upload(documents.HTML_AS_PDF), "action": "submit"}
    )
    assert response.status_code == 400
    assert "Upload your CV as a PDF" in response.content.decode()
    assert Application.objects.get().status == "draft"


def test_an_empty_file_is_refused_by_the_view(candidate_client, at_documents):
    response = candidate_client.post(at_documents, {"cv": upload(b""), "action": "submit"})
    assert response.status_code == 400
    assert "The file is empty" in response.content.decode()


def test_the_upload_checks_csrf_once_the_cap_is_in_place(candidate, at_documents):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(candidate.user)
    response = strict.post(at_documents, {"cv": upload(), "action": "submit"})
    assert response.status_code == 403
    assert Application.objects.get().status == "draft"


def test_the_cv_is_served_as_an_attachment_never_sniffed_or_run(
    candidate_client, candidate, at_documents
):
    candidate_client.post(at_documents, {"cv": upload(documents.PDF, "cv.pdf"), "action": "save"})
    application = Application.objects.get(seeker=candidate)
    response = candidate_client.get(reverse("candidates:cv", args=[application.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="cv.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert b"".join(response.streaming_content) == documents.PDF
    # The saved copy on the profile is a file of its own.
    assert CandidateProfile.objects.get(seeker=candidate).cv.name != application.cv.name
