"""Applying on the board, end to end through the views: start, details, CV, send, equality."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from applications.models import Application, ApplicationEvent, CandidateProfile, EqualityMonitoring
from listings.models import VacancyTraffic
from tests import factories
from tests.applications.conftest import details_data, upload

pytestmark = pytest.mark.django_db


def _urls(vacancy):
    ref = {"reference": vacancy.reference}
    return {name: reverse(f"candidates:{name}", kwargs=ref) for name in
            ("apply", "details", "documents", "sent", "equality")}  # fmt: skip


def test_a_vacancy_taking_applications_elsewhere_keeps_the_tracked_redirect(client):
    vacancy = factories.LiveVacancyFactory(apply_url="https://example.org/jobs/1")
    response = client.get(reverse("listings:apply", kwargs={"reference": vacancy.reference}))
    assert response.status_code == 302
    assert response["Location"] == "https://example.org/jobs/1"


def test_the_vacancy_page_apply_button_leads_to_the_board_form(client, board_vacancy):
    page = client.get(board_vacancy.get_absolute_url()).content.decode()
    assert f"/vacancies/{board_vacancy.reference}/apply/?source=" in page
    assert "Apply now" in page


def test_the_start_page_lists_knockouts_and_retention_before_anything_is_typed(
    client, board_vacancy, settings
):
    settings.APPLICATION_RETENTION_MONTHS = 12
    response = client.get(_urls(board_vacancy)["apply"] + "?source=direct")
    page = response.content.decode()
    assert response.status_code == 200
    assert "can only consider you if you answer yes to" in page
    assert "Do you hold a full UK driving licence?" in page
    assert "12 months after the job closes" in page
    assert "Social Work England registration number" in page
    # The click is counted with its source, as the tracked link counts it.
    assert VacancyTraffic.objects.get(vacancy=board_vacancy).apply_clicks == 1


def test_a_guest_confirms_their_email_with_a_code_and_comes_back_signed_in(
    client, board_vacancy, committing
):
    urls = _urls(board_vacancy)
    with committing():
        response = client.post(urls["apply"], {"email": "new@example.org"})
    assert response["Location"] == reverse("seekers:sign_in_code")
    from tests.seekers.conftest import code_from_last_email

    response = client.post(response["Location"], {"code": code_from_last_email("new@example.org")})
    assert response["Location"] == urls["apply"]
    page = client.get(urls["apply"]).content.decode()
    assert "Start your application" in page


def test_a_seeker_applies_in_two_steps_and_gets_an_email(
    candidate_client, candidate, board_vacancy, committing
):
    urls = _urls(board_vacancy)
    candidate_client.get(urls["apply"] + "?source=article_site")
    assert candidate_client.post(urls["apply"])["Location"] == urls["details"]
    application = Application.objects.get(seeker=candidate)
    assert application.is_draft and application.source == "article_site"
    response = candidate_client.post(urls["details"], details_data(board_vacancy))
    assert response["Location"] == urls["documents"]
    with committing():
        response = candidate_client.post(
            urls["documents"],
            {"cv": upload(), "supporting_statement": "I care.", "remember_cv": "on",
             "action": "submit"},
        )  # fmt: skip
    assert response["Location"] == urls["sent"]
    application.refresh_from_db()
    assert application.status == Application.Status.NEW
    assert application.submitted_at is not None
    assert application.cv_content_type == "application/pdf"
    assert application.cv_name == "My-CV.pdf"
    assert application.cv_scan == "not scanned"
    assert application.screening_passed and application.screening_yes_count == 1
    assert application.registration_number == "SW123456"
    assert list(application.events.values_list("kind", "to_status")) == [
        (ApplicationEvent.Kind.SUBMITTED, "new")
    ]
    assert [m.subject for m in mail.outbox] == [
        f"Application sent: {board_vacancy.title} at {board_vacancy.employer.name}"
    ]
    assert "12 months after the job closes" in mail.outbox[0].body
    # Kept for next time: details and a copy of the CV.
    profile = CandidateProfile.objects.get(seeker=candidate)
    assert (
        profile.full_name == "Sam Carer" and profile.cv and profile.cv.name != application.cv.name
    )


def test_a_draft_is_kept_when_the_candidate_leaves_half_way(
    candidate_client, candidate, board_vacancy
):
    urls = _urls(board_vacancy)
    candidate_client.post(urls["apply"])
    candidate_client.post(urls["details"], details_data(board_vacancy, phone="0113 496 0000"))
    page = candidate_client.get(urls["apply"]).content.decode()
    assert "Continue your application" in page
    form = candidate_client.get(urls["details"]).content.decode()
    assert 'value="0113 496 0000"' in form
    listing = candidate_client.get(reverse("candidates:mine")).content.decode()
    assert "Not sent yet" in listing


def test_a_saved_cv_and_details_are_reused_for_the_next_application(
    candidate_client, candidate, board_vacancy
):
    urls = _urls(board_vacancy)
    candidate_client.post(urls["apply"])
    candidate_client.post(urls["details"], details_data(board_vacancy))
    candidate_client.post(
        urls["documents"], {"cv": upload(), "remember_cv": "on", "action": "save"}
    )
    other = factories.LiveVacancyFactory(apply_method="board")
    other_urls = _urls(other)
    candidate_client.post(other_urls["apply"])
    second = Application.objects.get(seeker=candidate, vacancy=other)
    assert second.full_name == "Sam Carer" and second.phone == "07700 900123"
    assert second.cv and second.cv_name == "My-CV.pdf"
    candidate_client.post(other_urls["details"], details_data(other))
    response = candidate_client.post(other_urls["documents"], {"action": "submit"})
    assert response["Location"] == other_urls["sent"]


def test_sending_without_a_cv_or_answers_says_what_is_missing(candidate_client, board_vacancy):
    urls = _urls(board_vacancy)
    candidate_client.post(urls["apply"])
    response = candidate_client.post(urls["documents"], {"action": "submit"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Upload your CV." in page and "Enter a phone number." in page


def test_a_knockout_answered_no_is_still_sent_and_marked(
    candidate_client, candidate, board_vacancy
):
    urls = _urls(board_vacancy)
    knockout = board_vacancy.screening_questions.get(must_be_yes=True)
    candidate_client.post(urls["apply"])
    candidate_client.post(urls["details"], details_data(board_vacancy, **{f"q{knockout.pk}": "no"}))
    candidate_client.post(urls["documents"], {"cv": upload(), "action": "submit"})
    application = Application.objects.get(seeker=candidate)
    assert application.status == "new" and application.screening_passed is False


def test_equality_answers_are_stored_apart_once(candidate_client, candidate, board_vacancy):
    urls = _urls(board_vacancy)
    candidate_client.post(urls["apply"])
    candidate_client.post(urls["details"], details_data(board_vacancy))
    candidate_client.post(urls["documents"], {"cv": upload(), "action": "submit"})
    page = candidate_client.get(urls["equality"]).content.decode()
    assert page.count("> Prefer not to say</label>") == 7
    candidate_client.post(urls["equality"], {"age_band": "25-34", "sex": "", "action": "send"})
    row = EqualityMonitoring.objects.get()
    assert row.vacancy == board_vacancy and row.age_band == "25-34" and row.sex == ""
    assert not any(f.name in ("application", "seeker") for f in EqualityMonitoring._meta.fields)
    candidate_client.post(urls["equality"], {"age_band": "35-44", "action": "send"})
    assert EqualityMonitoring.objects.count() == 1


def test_a_closed_vacancy_takes_no_new_application(candidate_client, candidate):
    vacancy = factories.ClosedVacancyFactory(apply_method="board")
    response = candidate_client.post(_urls(vacancy)["apply"])
    assert response.status_code == 302
    assert not Application.objects.exists()


def test_the_job_posting_markup_says_candidates_apply_here(client, board_vacancy):
    import json
    import re

    page = client.get(board_vacancy.get_absolute_url()).content.decode()
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    postings = [json.loads(b) for b in blocks if '"JobPosting"' in b]
    assert postings and postings[0]["directApply"] is True


def test_the_demo_owners_employer_takes_applications_on_the_board():
    from employers.models import Employer
    from jobboard.demo import seed_demo
    from listings.models import ApplyMethod, Vacancy

    seed_demo(employers=3, vacancies=60, seed=7)
    first = Employer.objects.order_by("id").first()
    board = Vacancy.objects.filter(apply_method=ApplyMethod.BOARD)
    assert board.exists() and set(board.values_list("employer_id", flat=True)) == {first.pk}
    assert board.first().screening_questions.filter(must_be_yes=True).exists()
