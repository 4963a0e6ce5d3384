"""Team invitations: signed, expiring, single-use links for the invited address only."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail, signing
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from employers import services
from employers.models import Invitation, Membership, User
from employers.tokens import INVITE_SALT, make_invitation_token
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def invitation(employer, owner):
    return Invitation.objects.create(
        employer=employer, email="jo@example.org", role="recruiter", invited_by=owner
    )


def accept_url(invitation) -> str:
    return reverse("employers:invitation_accept", args=[make_invitation_token(invitation)])


def test_new_colleague_creates_an_account_and_joins(client, invitation, employer):
    response = client.post(
        accept_url(invitation),
        {"first_name": "Jo", "last_name": "Bloggs", "password": "a-long-unusual-passphrase"},
    )
    assert response.status_code == 302
    user = User.objects.get(email="jo@example.org")
    assert user.email_verified  # the emailed link proved the address
    assert Membership.objects.get(user=user, employer=employer).role == "recruiter"
    invitation.refresh_from_db()
    assert invitation.accepted_by == user
    assert client.get(reverse("employers:dashboard")).status_code == 200


def test_weak_password_creates_nothing(client, invitation):
    response = client.post(
        accept_url(invitation), {"first_name": "Jo", "last_name": "B", "password": "123"}
    )
    assert response.status_code == 400
    assert not User.objects.filter(email="jo@example.org").exists()
    invitation.refresh_from_db()
    assert invitation.is_open


def test_existing_account_signed_in_accepts(client, invitation, employer):
    jo = factories.UserFactory(email="jo@example.org")
    client.force_login(jo)
    assert "Accept and join" in client.get(accept_url(invitation)).content.decode()
    assert client.post(accept_url(invitation)).status_code == 302
    assert Membership.objects.filter(user=jo, employer=employer).exists()


def test_existing_account_not_signed_in_is_asked_to_sign_in(client, invitation):
    factories.UserFactory(email="jo@example.org")
    content = client.get(accept_url(invitation)).content.decode()
    assert "Sign in as jo@example.org" in content
    client.post(accept_url(invitation), {"password": "whatever-it-is-1"})
    invitation.refresh_from_db()
    assert invitation.is_open


def test_wrong_account_is_refused(client, invitation, employer):
    someone = factories.UserFactory(email="someone.else@example.org")
    client.force_login(someone)
    assert "Sign out, then sign in as" in client.get(accept_url(invitation)).content.decode()
    response = client.post(accept_url(invitation))
    assert response.status_code == 400
    assert "was sent to jo@example.org" in response.content.decode()
    assert not Membership.objects.filter(user=someone, employer=employer).exists()
    invitation.refresh_from_db()
    assert invitation.is_open


def test_reused_link_is_refused(client, invitation):
    jo = factories.UserFactory(email="jo@example.org")
    client.force_login(jo)
    client.post(accept_url(invitation))
    again = client.post(accept_url(invitation))
    assert again.status_code == 410
    assert "already been used" in again.content.decode()


def test_expired_link_is_refused(client, invitation):
    Invitation.objects.filter(pk=invitation.pk).update(
        created_at=timezone.now() - timedelta(days=8)
    )
    response = client.get(accept_url(invitation))
    assert response.status_code == 410
    assert "expired" in response.content.decode()


def test_revoked_link_is_refused(client, invitation):
    services.invitation_revoke(invitation=invitation)
    assert client.get(accept_url(invitation)).status_code == 410


@pytest.mark.parametrize(
    "token",
    [
        "nonsense",
        "a" * 300,
        signing.dumps({"i": 1, "e": "x@example.org"}, salt="another-purpose"),
    ],
    ids=["garbage", "long", "wrong-salt"],
)
def test_forged_tokens_are_refused(client, invitation, token):
    response = client.get(reverse("employers:invitation_accept", args=[token]))
    assert response.status_code == 400


def test_token_for_another_address_is_not_found(client, invitation):
    token = signing.dumps({"i": invitation.pk, "e": "attacker@example.org"}, salt=INVITE_SALT)
    assert client.get(reverse("employers:invitation_accept", args=[token])).status_code == 404


def test_service_rejects_wrong_account_and_expiry(invitation):
    with pytest.raises(ValidationError):
        services.invitation_accept(invitation=invitation, user=factories.UserFactory())
    later = timezone.now() + timedelta(days=8)
    jo = factories.UserFactory(email="jo@example.org")
    with pytest.raises(ValidationError, match="expired"):
        services.invitation_accept(invitation=invitation, user=jo, now=later)
    assert not Membership.objects.filter(user=jo).exists()


def test_inviting_again_replaces_the_open_invitation(employer, owner):
    first = services.invitation_create(
        employer=employer, email="jo@example.org", role="recruiter", invited_by=owner
    )
    second = services.invitation_create(
        employer=employer, email="JO@example.org", role="owner", invited_by=owner
    )
    first.refresh_from_db()
    assert not first.is_open
    assert second.is_open and second.role == "owner"


def test_inviting_a_member_is_refused(employer, owner, recruiter):
    with pytest.raises(ValidationError, match="already on your team"):
        services.invitation_create(
            employer=employer, email=recruiter.email, role="recruiter", invited_by=owner
        )


def test_emailed_link_accepts(client, employer, owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_create(
            employer=employer, email="jo@example.org", role="recruiter", invited_by=owner
        )
    link = re.search(r"https?://\S+/employer/invitations/\S+/", mail.outbox[0].body).group(0)
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    response = client.post(
        path, {"first_name": "Jo", "last_name": "B", "password": "a-long-unusual-passphrase"}
    )
    assert response.status_code == 302
    assert Membership.objects.filter(user__email="jo@example.org", employer=employer).exists()


def test_an_unverified_account_cannot_invite(employer, owner, django_capture_on_commit_callbacks):
    owner.email_verified_at = None
    owner.save(update_fields=["email_verified_at"])
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(ValidationError, match="Confirm your own email address"),
    ):
        services.invitation_create(
            employer=employer, email="jo@example.org", role="recruiter", invited_by=owner
        )
    assert not Invitation.objects.exists() and mail.outbox == []


def test_an_organisation_sends_at_most_its_hourly_invitations(
    employer, owner, django_capture_on_commit_callbacks
):
    from employers import throttling

    with django_capture_on_commit_callbacks(execute=True):
        for n in range(throttling.INVITE_PER_EMPLOYER):
            services.invitation_create(
                employer=employer, email=f"person{n}@example.net", role="recruiter",
                invited_by=owner,
            )  # fmt: skip
        with pytest.raises(ValidationError, match="in the last hour"):
            services.invitation_create(
                employer=employer, email="one-more@example.net", role="recruiter",
                invited_by=owner,
            )  # fmt: skip
    assert len(mail.outbox) == throttling.INVITE_PER_EMPLOYER
    # An hour on, the organisation may invite again.
    Invitation.objects.update(created_at=timezone.now() - timedelta(hours=1, minutes=1))
    services.invitation_create(
        employer=employer, email="one-more@example.net", role="recruiter", invited_by=owner
    )


def test_one_address_gets_at_most_its_hourly_invitations_from_anyone(
    django_capture_on_commit_callbacks,
):
    from employers import throttling

    senders = [factories.MembershipFactory(role="owner") for _ in range(5)]
    with django_capture_on_commit_callbacks(execute=True):
        for membership in senders[: throttling.INVITE_PER_ADDRESS]:
            services.invitation_create(
                employer=membership.employer, email="target@example.org", role="recruiter",
                invited_by=membership.user,
            )  # fmt: skip
        with pytest.raises(ValidationError, match="several invitations"):
            services.invitation_create(
                employer=senders[-1].employer, email="Target@example.org", role="recruiter",
                invited_by=senders[-1].user,
            )  # fmt: skip
    assert len([m for m in mail.outbox if m.to == ["target@example.org"]]) == 3
