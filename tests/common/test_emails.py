"""The shared email builder: text parts are not HTML-escaped, the HTML part is."""

import pytest

from common.emails import build_email
from tests import factories

pytestmark = pytest.mark.django_db


def test_user_text_is_plain_in_subject_and_text_and_escaped_in_html():
    vacancy = factories.VacancyFactory(
        title="A&E Nurse <Nights>", status="rejected", rejection_reason='Add "pay" & hours'
    )
    message = build_email(
        template="vacancy_rejected",
        context={"vacancy": vacancy, "edit_url": "https://x.test/e/"},
        to=["a@example.org"],
    )
    assert message.subject == f"Changes needed: A&E Nurse <Nights> ({vacancy.reference})"
    assert 'Add "pay" & hours' in message.body
    html = message.alternatives[0].content
    assert "A&amp;E Nurse &lt;Nights&gt;" in html
    assert "<Nights>" not in html
