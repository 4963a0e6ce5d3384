"""Who may use each URL of the seeker's area (``/me/``): the seekers' authorisation matrix.

Every URL pattern under ``/me/`` must have a row in ``MATRIX`` saying what an anonymous
visitor, an employer's member (no seeker role), another seeker and the seeker get; adding a
URL without a row fails ``test_every_me_url_is_in_the_matrix``. No one but the seeker may
change the seeker's saved jobs or alerts, whatever the answer's status.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.urls import URLPattern, reverse
from django.utils import timezone

from listings.models import JobAlert
from seekers import codes
from seekers import urls as seeker_urls
from seekers.models import SavedJob, Seeker, SignInCode
from tests import factories
from tests.seekers.conftest import code_from_last_email

pytestmark = pytest.mark.django_db

SIGN_IN = "sign_in"  # redirected to the seeker sign-in page
ROLES = ["anonymous", "member", "other_seeker", "seeker"]
# Public pages: the same answer for everyone.
PUBLIC = {"sign_in", "sign_in_code", "sign_in_link", "saved_state", "save"}


@dataclass
class Row:
    method: str
    kwargs: object  # callable(ctx) -> dict of URL kwargs
    expect: dict  # role -> status code or SIGN_IN
    data: object = None  # callable(ctx) -> POST data


def _everyone(status):
    return dict.fromkeys(ROLES, status)


def _area(seeker, other=None, member=403):
    """Signed-in seekers get ``seeker`` (``other`` for another's objects); members 403."""
    return {
        "anonymous": SIGN_IN,
        "member": member,
        "other_seeker": seeker if other is None else other,
        "seeker": seeker,
    }


def _alert(ctx):
    return {"alert_id": ctx["alert"].pk}


MATRIX: dict[str, Row] = {
    "home": Row("get", lambda ctx: {}, _area(302)),
    "sign_in": Row("get", lambda ctx: {}, _everyone(200)),
    "sign_in_code": Row("get", lambda ctx: {}, _everyone(302)),  # no code asked for yet
    "sign_in_link": Row("get", lambda ctx: {"token": ctx["link_token"]}, _everyone(200)),
    "saved": Row("get", lambda ctx: {}, _area(200)),
    "saved_state": Row("get", lambda ctx: {}, _everyone(200)),
    "saved_import": Row(
        "post",
        lambda ctx: {},
        _area(302),
        data=lambda ctx: {"references": f'["{ctx["vacancy"].reference}"]'},
    ),
    "save": Row("get", lambda ctx: {"reference": ctx["vacancy"].reference}, _everyone(200)),
    # Another seeker "removes" from their own list: 302, and the seeker's list is unchanged.
    "unsave": Row("post", lambda ctx: {"reference": ctx["vacancy"].reference}, _area(302)),
    "alerts": Row("get", lambda ctx: {}, _area(200)),
    "alert_change": Row(
        "post", _alert, _area(302, other=404), data=lambda ctx: {"action": "pause"}
    ),
    "alert_edit": Row("get", _alert, _area(200, other=404)),
    "privacy": Row("get", lambda ctx: {}, _area(200)),
    "password": Row("get", lambda ctx: {}, _area(200)),
    "privacy_download": Row("get", lambda ctx: {}, _area(200)),
    # Without the confirmation box ticked nothing is deleted.
    "privacy_delete": Row("post", lambda ctx: {}, _area(400)),
}


def me_url_names() -> set[str]:
    names = set()
    for pattern in seeker_urls.urlpatterns:
        assert isinstance(pattern, URLPattern)
        if str(pattern.pattern).startswith("me/"):
            names.add(pattern.name)
    return names


def test_every_me_url_is_in_the_matrix():
    names = me_url_names()
    missing = names - set(MATRIX)
    stale = set(MATRIX) - names
    assert not missing, f"Add these URLs to the seekers' authorisation matrix: {sorted(missing)}"
    assert not stale, f"These matrix rows name no URL: {sorted(stale)}"


def test_every_me_view_checks_the_seeker_role_or_is_listed_as_public():
    for pattern in seeker_urls.urlpatterns:
        if pattern.name in MATRIX and pattern.name not in PUBLIC:
            assert getattr(pattern.callback, "seeker_required", False), pattern.name


@pytest.fixture
def ctx(db):
    seeker = Seeker.objects.create(user=factories.UserFactory(email="sam@example.net"))
    other = Seeker.objects.create(user=factories.UserFactory(email="kai@example.net"))
    member = factories.MembershipFactory(role="owner").user
    vacancy = factories.LiveVacancyFactory()
    SavedJob.objects.create(seeker=seeker, vacancy=vacancy, saved_at=timezone.now())
    alert = factories.JobAlertFactory(email=seeker.user.email)
    now = timezone.now()
    code = SignInCode.objects.create(
        email=seeker.user.email, nonce=codes.new_nonce(), created_at=now, expires_at=now
    )
    return {
        "seeker": seeker.user,
        "other_seeker": other.user,
        "member": member,
        "vacancy": vacancy,
        "alert": alert,
        "link_token": codes.make_link_token(code_id=code.pk, nonce=code.nonce),
    }


def snapshot(ctx) -> tuple:
    """The seeker's own data, which no one else's request may change."""
    return (
        sorted(SavedJob.objects.filter(seeker__user=ctx["seeker"]).values_list("vacancy_id")),
        sorted(
            JobAlert.objects.filter(email=ctx["seeker"].email).values_list(
                "id", "paused", "frequency", "query"
            )
        ),
        Seeker.objects.filter(user=ctx["seeker"]).exists(),
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_matrix(client, ctx, name, role):
    row = MATRIX[name]
    expected = row.expect[role]
    if role != "anonymous":
        client.force_login(ctx[role])
    url = reverse(f"seekers:{name}", kwargs=row.kwargs(ctx))
    before = snapshot(ctx)
    data = row.data(ctx) if row.data else {}
    response = client.post(url, data) if row.method == "post" else client.get(url)
    if expected == SIGN_IN:
        assert response.status_code == 302, f"{name} as {role}: {response.status_code}"
        assert response["Location"].startswith(reverse("seekers:sign_in") + "?next=")
    else:
        assert response.status_code == expected, f"{name} as {role}: {response.status_code}"
    if role != "seeker":
        assert snapshot(ctx) == before, f"{name} as {role} changed the seeker's data"
    if role in ("member", "other_seeker") and response.status_code == 200:
        assert ctx["seeker"].email.encode() not in response.content, f"{name} leaks to {role}"


def test_a_seeker_never_reaches_the_employer_area(client, ctx):
    client.force_login(ctx["seeker"])
    assert client.get(reverse("employers:dashboard")).status_code == 403
    assert client.get(reverse("employers:vacancy_create")).status_code == 403


def test_a_member_is_offered_the_seeker_sign_in(client, ctx):
    client.force_login(ctx["member"])
    response = client.get(reverse("seekers:saved"))
    assert response.status_code == 403
    assert b"Sign in as a job seeker" in response.content


def test_a_seeker_signed_in_by_code_is_sent_back_to_their_jobs(client, ctx, ask_code):
    ask_code(ctx["seeker"].email)
    session = client.session
    session["seekers.sign_in_email"] = ctx["seeker"].email
    session.save()
    client.post(
        reverse("seekers:sign_in_code"), {"code": code_from_last_email(ctx["seeker"].email)}
    )
    response = client.get(reverse("employers:dashboard"))
    assert response.status_code == 403 and b"Go to your jobs" in response.content
