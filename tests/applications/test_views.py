"""The employer's applications pages: list, filters, bulk moves, one application, export."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from applications.models import Application, ApplicationEvent, ScreeningQuestion
from tests import factories
from tests.applications.factories import ApplicationFactory, answer, question, with_cv

pytestmark = pytest.mark.django_db
Status = Application.Status


@pytest.fixture
def vacancy(employer):
    return factories.LiveVacancyFactory(employer=employer, apply_method="board")


def _list(client, vacancy, **params):
    return client.get(reverse("applications:list", args=[vacancy.reference]), params)


def _names(response) -> list[str]:
    return [a.full_name for a in response.context["applications"]]


def test_the_list_counts_by_status_and_hides_drafts(owner_client, vacancy):
    ApplicationFactory.create_batch(2, vacancy=vacancy)
    ApplicationFactory(vacancy=vacancy, status=Status.SHORTLISTED)
    ApplicationFactory(vacancy=vacancy, status=Status.DRAFT, submitted_at=None)
    response = _list(owner_client, vacancy)
    assert response.status_code == 200
    counts = response.context["counts"]
    assert counts["all"] == 3 and counts["new"] == 2 and counts["shortlisted"] == 1
    assert "draft" not in counts
    assert len(response.context["applications"]) == 3


def test_each_row_links_to_its_application_and_names_its_source(owner_client, vacancy):
    widget = ApplicationFactory(vacancy=vacancy, full_name="Wyn Widget", source="widget")
    plain = ApplicationFactory(vacancy=vacancy, full_name="Nia Nosource", source="")
    page = _list(owner_client, vacancy).content.decode()
    for application in (widget, plain):
        detail = reverse("applications:detail", args=[vacancy.reference, application.pk])
        assert f'<a href="{detail}">{application.full_name}</a>' in page
    assert "· From embedded widget" in page
    assert page.count("· From ") == 1


def test_each_row_names_the_candidate_their_status_and_when_they_applied(owner_client, vacancy):
    ApplicationFactory(
        vacancy=vacancy,
        full_name="",
        email="no.name@example.org",
        status=Status.SHORTLISTED,
        submitted_at=datetime(2026, 7, 1, 23, 15, tzinfo=UTC),
    )
    page = _list(owner_client, vacancy).content.decode()
    assert ">no.name@example.org</a></h2>" in page
    assert "Select no.name@example.org</label>" in page
    assert '<span class="status status-shortlisted">Shortlisted</span>' in page
    assert "Applied 2 Jul 2026, 00:15" in page  # London's summer time


def test_the_list_counts_its_pages_from_the_status_counts_unless_filtered(owner_client, vacancy):
    ApplicationFactory.create_batch(3, vacancy=vacancy, source="alert")
    ApplicationFactory(vacancy=vacancy, status=Status.SHORTLISTED, source="widget")

    def listed(**params):
        with CaptureQueriesContext(connection) as queries:
            response = _list(owner_client, vacancy, **params)
        counted = [q["sql"] for q in queries if q["sql"].startswith("SELECT COUNT(*)")]
        return response.context["page"].paginator.count, len(counted)

    assert listed() == (4, 0)
    assert listed(status="shortlisted") == (1, 0)
    assert listed(source="alert") == (3, 1)
    assert listed(status="new", q="  ") == (3, 0)


def test_filters_search_and_sort(owner_client, vacancy):
    ApplicationFactory(vacancy=vacancy, full_name="Ann Able", rating=5, source="alert")
    ApplicationFactory(
        vacancy=vacancy,
        full_name="Ben Baker",
        screening_passed=False,
        status=Status.REVIEWING,
        email="ben@example.org",
    )
    ApplicationFactory(
        vacancy=vacancy, full_name="Cal Cole", rating=2, screening_yes_count=3, source="widget"
    )
    assert _names(_list(owner_client, vacancy, status="reviewing")) == ["Ben Baker"]
    assert _names(_list(owner_client, vacancy, screening="failed")) == ["Ben Baker"]
    assert set(_names(_list(owner_client, vacancy, screening="passed"))) == {"Ann Able", "Cal Cole"}
    assert _names(_list(owner_client, vacancy, rating="4")) == ["Ann Able"]
    assert _names(_list(owner_client, vacancy, rating="none")) == ["Ben Baker"]
    assert _names(_list(owner_client, vacancy, source="widget")) == ["Cal Cole"]
    assert _names(_list(owner_client, vacancy, q="ben@EXAMPLE")) == ["Ben Baker"]
    assert _names(_list(owner_client, vacancy, q="able")) == ["Ann Able"]
    assert _names(_list(owner_client, vacancy, sort="screening")) == [
        "Cal Cole",
        "Ann Able",
        "Ben Baker",
    ]


@pytest.mark.parametrize(
    "params", [{"status": "draft"}, {"rating": "9"}, {"source": "moon"}, {"sort": "salary"}]
)
def test_a_filter_not_understood_is_a_field_error_not_a_crash(owner_client, vacancy, params):
    ApplicationFactory(vacancy=vacancy)
    response = _list(owner_client, vacancy, **params)
    assert response.status_code == 400
    assert list(params)[0] in response.context["form"].errors
    assert len(response.context["applications"]) == 1  # that filter is left off


def _query_count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_list_costs_the_same_queries_for_3_or_60_applications(owner_client, vacancy):
    url = reverse("applications:list", args=[vacancy.reference])
    filtered = url + "?sort=screening&screening=failed"
    ApplicationFactory.create_batch(2, vacancy=vacancy)
    ApplicationFactory(vacancy=vacancy, screening_passed=False)
    few, few_filtered = _query_count(owner_client, url), _query_count(owner_client, filtered)
    ApplicationFactory.create_batch(57, vacancy=vacancy, screening_passed=False)
    assert _query_count(owner_client, url) == few
    # A filter beyond the status tab is counted on its own: one query more, whatever the rows.
    assert _query_count(owner_client, filtered) == few_filtered == few + 1


def _bulk(client, vacancy, **data):
    return client.post(reverse("applications:bulk", args=[vacancy.reference]), data)


def test_bulk_shortlists_and_keeps_the_filters(owner_client, vacancy):
    rows = ApplicationFactory.create_batch(2, vacancy=vacancy)
    response = _bulk(
        owner_client,
        vacancy,
        ids=[a.pk for a in rows],
        status="shortlisted",
        back="status=new&sort=oldest",
    )
    assert response.status_code == 302
    assert response["Location"].endswith("?status=new&sort=oldest")
    assert set(vacancy.applications.values_list("status", flat=True)) == {"shortlisted"}


@pytest.mark.parametrize(
    "data",
    [
        {"status": "shortlisted"},  # nothing ticked
        {"ids": ["abc"], "status": "shortlisted"},
        {"ids": ["1" * 40], "status": "shortlisted"},
        {"ids": "MINE", "status": "withdrawn"},
        {"ids": "MINE", "status": "sacked"},
        {"ids": "FOREIGN", "status": "rejected"},
    ],
)
def test_bulk_bad_input_is_a_400_and_moves_nothing(owner_client, vacancy, data):
    mine = ApplicationFactory(vacancy=vacancy)
    foreign = ApplicationFactory()
    if data.get("ids") == "MINE":
        data = {**data, "ids": [mine.pk]}
    if data.get("ids") == "FOREIGN":
        data = {**data, "ids": [mine.pk, foreign.pk]}
    response = _bulk(owner_client, vacancy, **data)
    assert response.status_code == 400
    assert response.context["bulk_form"].errors
    assert set(Application.objects.values_list("status", flat=True)) == {"new"}
    assert not ApplicationEvent.objects.exists()


def _detail_url(application, name="detail", **extra):
    return reverse(
        f"applications:{name}",
        kwargs={
            "reference": application.vacancy.reference,
            "application_id": application.pk,
            **extra,
        },
    )


def test_the_detail_shows_answers_notes_and_history(owner_client, owner, vacancy):
    application = with_cv(ApplicationFactory(vacancy=vacancy, full_name="Dee Day"))
    q1 = question(vacancy, "Can you drive?", must_be_yes=True)
    q2 = question(vacancy, "When could you start?", kind=ScreeningQuestion.Kind.TEXT)
    answer(application, q1, answer_yes=True)
    answer(application, q2, answer_text="In two weeks")
    owner_client.post(_detail_url(application, "note"), {"body": "Great phone manner."})
    owner_client.post(_detail_url(application, "status"), {"status": "shortlisted"})
    response = owner_client.get(_detail_url(application))
    page = response.content.decode()
    for text in (
        "Dee Day",
        "Can you drive?",
        "In two weeks",
        "Great phone manner.",
        "Download the CV",
    ):
        assert text in page
    assert "New to shortlisted" in page


def test_the_detail_costs_the_same_queries_with_more_notes_and_events(owner_client, owner, vacancy):
    application = ApplicationFactory(vacancy=vacancy)
    question(vacancy, "Q1?")
    url = _detail_url(application)
    few = _query_count(owner_client, url)
    for n in range(5):
        owner_client.post(_detail_url(application, "note"), {"body": f"Note {n}"})
        owner_client.post(
            _detail_url(application, "status"), {"status": ["reviewing", "new"][n % 2]}
        )
    assert _query_count(owner_client, url) == few


@pytest.mark.parametrize(
    "name, data, field",
    [
        ("rating", {"rating": "7"}, "rating"),
        ("rating", {"rating": "three"}, "rating"),
        ("status", {"status": "withdrawn"}, "status"),
        ("status", {"status": "draft"}, "status"),
        ("note", {"body": ""}, "body"),
        ("note", {"body": "x" * 5001}, "body"),
    ],
)
def test_bad_input_on_one_application_is_a_field_error(owner_client, vacancy, name, data, field):
    application = ApplicationFactory(vacancy=vacancy)
    response = owner_client.post(_detail_url(application, name), data)
    assert response.status_code == 400
    assert field in response.context[f"{name}_form"].errors
    application.refresh_from_db()
    assert (application.status, application.rating) == ("new", None)
    assert not application.notes.exists() and not application.events.exists()


def test_a_rating_is_saved(recruiter_client, vacancy):
    application = ApplicationFactory(vacancy=vacancy)
    assert (
        recruiter_client.post(_detail_url(application, "rating"), {"rating": "4"}).status_code
        == 302
    )
    application.refresh_from_db()
    assert application.rating == 4


def test_inviting_sends_the_email_through_the_worker_and_keeps_it(
    owner_client, vacancy, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(vacancy=vacancy, status=Status.SHORTLISTED)
    day = date.today() + timedelta(days=4)
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(
            _detail_url(application, "message", kind="invite"),
            {
                "interview_on": day.isoformat(),
                "interview_at": "14:15",
                "video_link": "https://meet.example.org/x",
            },
        )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.INTERVIEW
    event = application.events.get(kind="message")
    assert "14:15" in event.body and "https://meet.example.org/x" in event.body
    assert [m.to for m in mail.outbox] == [[application.email]]
    page = owner_client.get(_detail_url(application)).content.decode()
    assert escape(event.subject) in page


def test_an_invitation_without_a_day_is_a_field_error(owner_client, vacancy):
    application = ApplicationFactory(vacancy=vacancy)
    response = owner_client.post(
        _detail_url(application, "message", kind="invite"), {"place": "Leeds"}
    )
    assert response.status_code == 400
    assert "interview_on" in response.context["form"].errors
    assert not mail.outbox and not application.events.exists()


def test_an_unknown_message_is_not_found(owner_client, vacancy):
    application = ApplicationFactory(vacancy=vacancy)
    assert owner_client.get(_detail_url(application, "message", kind="sack")).status_code == 404


def test_no_cv_is_a_404(owner_client, vacancy):
    application = ApplicationFactory(vacancy=vacancy)
    assert owner_client.get(reverse("candidates:cv", args=[application.pk])).status_code == 404


# --- The CSV export ------------------------------------------------------------------------


def test_the_export_has_every_application_and_no_formulas(owner_client, vacancy):
    q = question(vacancy, "=Do you drive?")
    a = ApplicationFactory(vacancy=vacancy, full_name='=HYPERLINK("http://x")', phone="+44 7700")
    answer(a, q, answer_yes=True)
    ApplicationFactory(vacancy=vacancy, full_name="@SUM(A1)", supporting_statement="-2+3")
    ApplicationFactory(vacancy=vacancy, status=Status.DRAFT, submitted_at=None)
    response = owner_client.get(reverse("applications:export", args=[vacancy.reference]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][-1] == "'=Do you drive?"
    assert len(rows) == 3
    body = {cell for row in rows[1:] for cell in row}
    assert '\'=HYPERLINK("http://x")' in body and "'@SUM(A1)" in body
    assert "'+44 7700" in body and "'-2+3" in body
    assert "Yes" in rows[1]
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_the_export_costs_the_same_queries_for_more_applications(owner_client, vacancy):
    url = reverse("applications:export", args=[vacancy.reference])
    question(vacancy, "Q?")

    def count():
        with CaptureQueriesContext(connection) as queries:
            b"".join(owner_client.get(url).streaming_content)
        return len(queries)

    ApplicationFactory.create_batch(2, vacancy=vacancy)
    few = count()
    ApplicationFactory.create_batch(30, vacancy=vacancy)
    assert count() == few


# --- Screening questions -------------------------------------------------------------------


def _questions_data(*rows):
    data = {
        "q-TOTAL_FORMS": "5",
        "q-INITIAL_FORMS": "0",
        "q-MIN_NUM_FORMS": "5",
        "q-MAX_NUM_FORMS": "5",
    }
    for n in range(5):
        text, kind, must = rows[n] if n < len(rows) else ("", "yes_no", False)
        data[f"q-{n}-text"] = text
        data[f"q-{n}-kind"] = kind
        if must:
            data[f"q-{n}-must_be_yes"] = "on"
    return data


def test_questions_are_set_from_the_page(owner_client, employer):
    vacancy = factories.VacancyFactory(employer=employer, apply_method="board")
    url = reverse("applications:questions", args=[vacancy.reference])
    assert owner_client.get(url).status_code == 200
    response = owner_client.post(
        url,
        _questions_data(
            ("Do you drive?", "yes_no", True), ("", "yes_no", False), ("Start date?", "text", False)
        ),
    )
    assert response.status_code == 302
    assert list(vacancy.screening_questions.values_list("text", "must_be_yes")) == [
        ("Do you drive?", True),
        ("Start date?", False),
    ]


def test_a_knock_out_on_a_text_question_is_a_field_error(owner_client, employer):
    vacancy = factories.VacancyFactory(employer=employer, apply_method="board")
    url = reverse("applications:questions", args=[vacancy.reference])
    response = owner_client.post(url, _questions_data(("Why?", "text", True)))
    assert response.status_code == 400
    assert "must_be_yes" in response.context["formset"].forms[0].errors
    assert not vacancy.screening_questions.exists()


def test_a_forged_sixth_question_is_refused(owner_client, employer):
    vacancy = factories.VacancyFactory(employer=employer, apply_method="board")
    url = reverse("applications:questions", args=[vacancy.reference])
    data = _questions_data(*[(f"Q{n}?", "yes_no", False) for n in range(5)])
    data.update({"q-TOTAL_FORMS": "6", "q-5-text": "Six?", "q-5-kind": "yes_no"})
    response = owner_client.post(url, data)
    assert response.status_code == 400
    assert not vacancy.screening_questions.exists()


def test_the_editor_links_to_the_questions(owner_client, employer):
    vacancy = factories.VacancyFactory(employer=employer, apply_method="board")
    page = owner_client.get(reverse("employers:vacancy_edit", args=[vacancy.reference]))
    assert reverse("applications:questions", args=[vacancy.reference]) in page.content.decode()
