"""Who may use each URL of the self-service area: the authorisation matrix.

Every URL pattern under ``/employer/`` must have a row in ``MATRIX`` saying what an
anonymous visitor, a member of another employer, a recruiter, an owner and a job seeker get. Adding a URL
without a row fails ``test_every_employer_url_is_in_the_matrix``. A refused request must
also leave the data exactly as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.urls import URLPattern, reverse
from django.utils import timezone

from employers import urls as employer_urls
from employers.models import Invitation, Membership
from employers.tokens import make_invitation_token
from listings.models import Vacancy
from seekers.models import Seeker
from tests import factories

pytestmark = pytest.mark.django_db

LOGIN = "login"  # redirected to the sign-in page
ROLES = ["anonymous", "outsider", "recruiter", "owner", "seeker"]
# A job seeker with no employer never reaches the employer area: 403 unless a row says otherwise.
SEEKER_DEFAULT = 403


@dataclass
class Row:
    method: str
    kwargs: object  # callable(ctx) -> dict of URL kwargs
    expect: dict  # role -> status code or LOGIN
    data: object = None  # callable(ctx) -> POST data


def _ref(status):
    return lambda ctx: {"reference": ctx["vacancies"][status].reference}


MATRIX: dict[str, Row] = {
    "dashboard": Row("get", lambda ctx: {}, {"outsider": 200, "recruiter": 200, "owner": 200}),
    "vacancy_create": Row("get", lambda ctx: {}, {"outsider": 200, "recruiter": 200, "owner": 200}),
    "vacancy_edit": Row("get", _ref("draft"), {"outsider": 404, "recruiter": 200, "owner": 200}),
    "vacancy_preview": Row("get", _ref("draft"), {"outsider": 404, "recruiter": 200, "owner": 200}),
    "vacancy_publish": Row(
        "post", _ref("draft"), {"outsider": 404, "recruiter": 302, "owner": 302}
    ),
    "vacancy_close": Row(
        "post",
        _ref("live"),
        {"outsider": 404, "recruiter": 302, "owner": 302},
        data=lambda ctx: {"outcome": "filled-here"},
    ),
    "vacancy_renew": Row("get", _ref("closed"), {"outsider": 404, "recruiter": 200, "owner": 200}),
    "vacancy_withdraw_change": Row(
        "post", _ref("live"), {"outsider": 404, "recruiter": 302, "owner": 302}
    ),
    "vacancy_duplicate": Row(
        "post", _ref("live"), {"outsider": 404, "recruiter": 302, "owner": 302}
    ),
    "vacancy_delete": Row("post", _ref("draft"), {"outsider": 404, "recruiter": 302, "owner": 302}),
    "vacancy_statistics": Row(
        "get", _ref("live"), {"outsider": 404, "recruiter": 200, "owner": 200}
    ),
    # Owner-only pages: another employer's owner sees their own (200), a recruiter is refused.
    "profile": Row("get", lambda ctx: {}, {"outsider": 200, "recruiter": 403, "owner": 200}),
    "team": Row("get", lambda ctx: {}, {"outsider": 200, "recruiter": 403, "owner": 200}),
    "team_member_role": Row(
        "post",
        lambda ctx: {"membership_id": ctx["recruiter_membership"].pk},
        {"outsider": 404, "recruiter": 403, "owner": 302},
        data=lambda ctx: {"role": "owner"},
    ),
    "team_member_remove": Row(
        "post",
        lambda ctx: {"membership_id": ctx["recruiter_membership"].pk},
        {"outsider": 404, "recruiter": 403, "owner": 302},
    ),
    "invitation_revoke": Row(
        "post",
        lambda ctx: {"invitation_id": ctx["invitation"].pk},
        {"outsider": 404, "recruiter": 403, "owner": 302},
    ),
    # Leaving acts on the member's own membership; the last owner is refused (still 302).
    "team_leave": Row("post", lambda ctx: {}, {"outsider": 302, "recruiter": 302, "owner": 302}),
    # The emailed link works without signing in (a new colleague may have no account).
    "invitation_accept": Row(
        "get",
        lambda ctx: {"token": make_invitation_token(ctx["invitation"])},
        {"anonymous": 200, "outsider": 200, "recruiter": 200, "owner": 200, "seeker": 200},
    ),
    "switch": Row(
        "post",
        lambda ctx: {},
        {"outsider": 404, "recruiter": 302, "owner": 302, "seeker": 404},
        data=lambda ctx: {"employer": ctx["employer"].pk},
    ),
    "api_access": Row("get", lambda ctx: {}, {"outsider": 200, "recruiter": 200, "owner": 200}),
    "api_token_create": Row(
        "post", lambda ctx: {}, {"outsider": 200, "recruiter": 200, "owner": 200}
    ),
    "api_token_revoke": Row(
        "post", lambda ctx: {}, {"outsider": 302, "recruiter": 302, "owner": 302}
    ),
    # Closing one's own account; POST without the confirmation box changes nothing.
    "account_close": Row("get", lambda ctx: {}, {"outsider": 200, "recruiter": 200, "owner": 200}),
}


def employer_area_url_names() -> set[str]:
    names = set()
    for pattern in employer_urls.urlpatterns:
        assert isinstance(pattern, URLPattern)
        if str(pattern.pattern).startswith("employer/"):
            names.add(pattern.name)
    return names


def test_every_employer_url_is_in_the_matrix():
    names = employer_area_url_names()
    missing = names - set(MATRIX)
    stale = set(MATRIX) - names
    assert not missing, f"Add these URLs to the authorisation matrix: {sorted(missing)}"
    assert not stale, f"These matrix rows name no URL: {sorted(stale)}"


def test_every_employer_view_checks_membership_or_is_listed_as_public():
    public = {"invitation_accept", "switch"}
    for pattern in employer_urls.urlpatterns:
        if pattern.name in MATRIX and pattern.name not in public:
            assert getattr(pattern.callback, "member_required", False), pattern.name


@pytest.fixture
def ctx(employer):
    now = timezone.now()
    owner_membership = factories.MembershipFactory(employer=employer, role="owner")
    recruiter_membership = factories.MembershipFactory(employer=employer, role="recruiter")
    outsider = factories.MembershipFactory(role="owner").user
    seeker = Seeker.objects.create(user=factories.UserFactory()).user
    vacancies = {
        "draft": factories.VacancyFactory(employer=employer),
        "live": factories.LiveVacancyFactory(employer=employer),
        "closed": factories.ClosedVacancyFactory(
            employer=employer, closes_at=now - timedelta(days=1)
        ),
    }
    invitation = Invitation.objects.create(
        employer=employer, email="new.colleague@example.org", invited_by=owner_membership.user
    )
    return {
        "employer": employer,
        "owner": owner_membership.user,
        "recruiter": recruiter_membership.user,
        "recruiter_membership": recruiter_membership,
        "outsider": outsider,
        "seeker": seeker,
        "vacancies": vacancies,
        "invitation": invitation,
    }


def snapshot(employer) -> tuple:
    """Everything a refused request must leave untouched."""
    return (
        sorted(Vacancy.objects.values_list("id", "status", "title", "version")),
        sorted(Membership.objects.values_list("id", "role")),
        sorted(Invitation.objects.values_list("id", "revoked_at", "accepted_at")),
        employer.__class__.objects.filter(pk=employer.pk).values_list("name", "verified").get(),
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_matrix(client, ctx, name, role):
    row = MATRIX[name]
    default = {"anonymous": LOGIN, "seeker": SEEKER_DEFAULT}.get(role)
    expected = row.expect.get(role, default)
    assert expected is not None, f"{name}: no expectation for {role}"
    if role != "anonymous":
        client.force_login(ctx[role])
    url = reverse(f"employers:{name}", kwargs=row.kwargs(ctx))
    before = snapshot(ctx["employer"])
    data = row.data(ctx) if row.data else {}
    response = client.post(url, data) if row.method == "post" else client.get(url)
    if expected == LOGIN:
        assert response.status_code == 302, f"{name} as {role}: {response.status_code}"
        assert response["Location"].startswith(reverse("login") + "?next=")
    else:
        assert response.status_code == expected, f"{name} as {role}: {response.status_code}"
    if expected in (LOGIN, 403, 404):
        assert snapshot(ctx["employer"]) == before, f"{name} as {role} changed data"


def test_signed_in_without_an_employer_is_refused(client, db):
    client.force_login(factories.UserFactory())
    assert client.get(reverse("employers:dashboard")).status_code == 403
    assert client.get(reverse("employers:vacancy_create")).status_code == 403


def test_refusal_page_explains_in_the_site_layout(client, ctx):
    client.force_login(ctx["recruiter"])
    response = client.get(reverse("employers:team"))
    assert response.status_code == 403
    content = response.content.decode()
    assert "Only an owner of this employer can do that." in content
    assert "Go to your vacancies" in content


def test_recruiter_cannot_change_roles_even_their_own(client, ctx):
    client.force_login(ctx["recruiter"])
    url = reverse("employers:team_member_role", args=[ctx["recruiter_membership"].pk])
    assert client.post(url, {"role": "owner"}).status_code == 403
    ctx["recruiter_membership"].refresh_from_db()
    assert ctx["recruiter_membership"].role == "recruiter"


def test_member_of_two_employers_cannot_reach_a_third(client, ctx):
    user = ctx["recruiter"]
    factories.MembershipFactory(user=user, role="owner")
    stranger_vacancy = factories.VacancyFactory()
    client.force_login(user)
    url = reverse("employers:vacancy_edit", args=[stranger_vacancy.reference])
    assert client.get(url).status_code == 404
