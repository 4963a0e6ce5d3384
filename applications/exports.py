"""The CSV export of a vacancy's applications, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator

from django.utils import timezone

from applications.models import Application

# A cell a spreadsheet would read as a formula (OWASP's list); prefixed with a quote.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """Text for one CSV cell that no spreadsheet runs as a formula."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


class _Echo:
    def write(self, value):
        return value


def _yes_no(value) -> str:
    return "" if value is None else ("Yes" if value else "No")


def csv_lines(applications: Iterable[Application], questions: list) -> Iterator[str]:
    """The header and one line per application, as CSV text, streamed."""
    writer = csv.writer(_Echo())
    header = [
        "Reference",
        "Submitted",
        "Status",
        "Name",
        "Email",
        "Phone",
        "Right to work in the UK",
        "Registration number",
        "DBS Update Service",
        "Screening passed",
        "Rating",
        "Source",
        "Supporting statement",
        *[q.text for q in questions],
    ]
    yield writer.writerow([safe_cell(cell) for cell in header])
    for application in applications:
        answers = {a.question_id: a for a in application.answers.all()}
        cells = [
            application.pk,
            timezone.localtime(application.submitted_at).strftime("%Y-%m-%d %H:%M")
            if application.submitted_at
            else "",
            application.get_status_display(),
            application.full_name,
            application.email,
            application.phone,
            application.get_right_to_work_display(),
            application.registration_number,
            _yes_no(application.dbs_update_service),
            _yes_no(application.screening_passed),
            application.rating or "",
            application.source,
            application.supporting_statement,
        ]
        for question in questions:
            answer = answers.get(question.pk)
            if answer is None:
                cells.append("")
            elif question.kind == question.Kind.YES_NO:
                cells.append(_yes_no(answer.answer_yes))
            else:
                cells.append(answer.answer_text)
        yield writer.writerow([safe_cell(cell) for cell in cells])
