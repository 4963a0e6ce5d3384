"""Links people type must be web addresses: ``ftp:`` and ``javascript:`` are field errors."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from common.validators import is_web_address
from employers import services as employer_services
from tests import factories

pytestmark = pytest.mark.django_db

REFUSED = ["ftp://files.example.org/apply.pdf", "FTPS://x.example", "javascript:alert(1)"]


@pytest.mark.parametrize("url", ["https://jobs.example.org/apply", "HTTP://example.org"])
def test_web_addresses_pass(url):
    assert is_web_address(url)


@pytest.mark.parametrize("url", [*REFUSED, "mailto:a@example.org", "//example.org", "http://[::"])
def test_other_schemes_do_not(url):
    assert not is_web_address(url)


@pytest.mark.parametrize("url", REFUSED)
def test_a_vacancy_apply_link_must_be_a_web_address(url):
    vacancy = factories.VacancyFactory.build(
        employer=factories.EmployerFactory(), apply_url=url, apply_email=""
    )
    with pytest.raises(ValidationError) as exc:
        vacancy.full_clean(exclude=["slug", "profession", "reference"])
    assert "apply_url" in exc.value.message_dict


def test_an_employer_website_must_be_a_web_address(client):
    membership = factories.MembershipFactory(role="owner")
    employer = membership.employer
    with pytest.raises(ValidationError) as exc:
        employer_services.employer_update_profile(
            employer=employer, website="ftp://files.example.org/"
        )
    assert "website" in exc.value.message_dict
    employer.refresh_from_db()
    assert not employer.website.startswith("ftp")
