"""Every employer page in Chromium: no serious accessibility violation, nothing wider than a phone."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from employers.models import Invitation
from employers.tokens import make_invitation_token
from tests import factories
from tests.browser import helpers

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def employer_pages():
    membership = factories.MembershipFactory(role="owner", user__email="owner@example.org")
    employer = membership.employer
    employer.about = "We support people at home.\n\n## Why join us\n\n- Paid training"
    employer.website = "https://example.org"
    employer.save()
    factories.MembershipFactory(employer=employer, role="recruiter")
    live = factories.LiveVacancyFactory(
        employer=employer, title="Live job", closes_at=timezone.now() + timedelta(days=2)
    )
    draft = factories.VacancyFactory(employer=employer, title="Draft job")
    closed = factories.ClosedVacancyFactory(employer=employer, title="Closed job")
    factories.VacancyFactory(
        employer=employer, status="rejected", rejection_reason="Add the pay.", title="Rejected"
    )
    invitation = Invitation.objects.create(employer=employer, email="new@example.org")
    public = [
        reverse("employers:directory"),
        employer.get_absolute_url(),
        reverse("login"),
        reverse("signup"),
        reverse("signup_sent"),
        reverse("password_reset"),
        reverse("employers:invitation_accept", args=[make_invitation_token(invitation)]),
    ]
    private = [
        reverse("employers:dashboard"),
        reverse("employers:vacancy_create"),
        reverse("employers:vacancy_edit", args=[draft.reference]),
        reverse("employers:vacancy_preview", args=[draft.reference]),
        reverse("employers:vacancy_close", args=[live.reference]),
        reverse("employers:vacancy_renew", args=[closed.reference]),
        reverse("employers:vacancy_delete", args=[draft.reference]),
        reverse("employers:profile"),
        reverse("employers:team"),
        reverse("employers:api_access"),
        reverse("password_change"),
    ]
    return public, private


@pytest.mark.parametrize("device", ["page", "phone_page"])
def test_employer_pages_are_accessible_and_fit(request, device, employer_pages, axe_check):
    page = request.getfixturevalue(device)
    public, private = employer_pages
    for url in public:
        page.goto(url)
        axe_check(page)
        helpers.fits_the_screen(page)
    page.goto(reverse("login"))
    page.get_by_label("Email address").fill("owner@example.org")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/employer/")
    for url in private:
        page.goto(url)
        axe_check(page)
        helpers.fits_the_screen(page)
    # The form with every error showing.
    page.goto(reverse("employers:vacancy_create"))
    page.get_by_role("button", name="Save draft").click()
    assert page.get_by_role("alert").is_visible()
    axe_check(page)
    helpers.fits_the_screen(page)
