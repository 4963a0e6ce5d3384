"""Employer services: sign-up, verification, profile, moderation of employers, team, tokens."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone
from rest_framework.authtoken.models import Token

from employers import services, tokens
from employers.models import Employer, Membership, User
from listings.models import ModerationDecision
from listings.search.cache import search_version
from tests import factories

pytestmark = pytest.mark.django_db

SIGNUP = {
    "email": "Owner@Example.org",
    "password": "a-long-unusual-passphrase",
    "employer_name": "Kindred Care",
    "sector": "charity",
    "region": "wales",
    "first_name": "Ann",
    "last_name": "Jones",
}


class TestSignUp:
    def test_creates_user_employer_and_owner(self, django_capture_on_commit_callbacks, mailoutbox):
        version = search_version()
        with django_capture_on_commit_callbacks(execute=True):
            membership = services.employer_sign_up(**SIGNUP)
        assert membership.role == Membership.Role.OWNER
        assert membership.user.email == "owner@example.org"
        assert membership.user.check_password(SIGNUP["password"])
        assert not membership.user.email_verified
        assert membership.employer.slug == "kindred-care"
        assert not membership.employer.verified
        # After commit: the verification email, and the cached pages learn of the employer.
        assert [message.to for message in mailoutbox] == [["owner@example.org"]]
        assert search_version() > version

    @pytest.mark.parametrize(
        "change",
        [
            {"password": "password"},
            {"sector": "pirates"},
            {"region": ""},
            {"employer_name": ""},
            {"email": "not-an-email"},
        ],
    )
    def test_bad_input_saves_nothing(self, change):
        with pytest.raises(ValidationError):
            services.employer_sign_up(**{**SIGNUP, **change})
        assert not User.objects.exists()
        assert not Employer.objects.exists()

    def test_a_taken_email_creates_nothing_and_emails_the_owner(
        self, django_capture_on_commit_callbacks
    ):
        services.employer_sign_up(**SIGNUP)
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            again = services.employer_sign_up(**{**SIGNUP, "email": "OWNER@example.org"})
        assert again is None
        assert Employer.objects.count() == 1
        assert [m.to for m in mail.outbox] == [["owner@example.org"]]
        assert "already has one" in mail.outbox[0].body
        assert "/accounts/password_reset/" in mail.outbox[0].body

    def test_slugs_stay_unique(self):
        factories.EmployerFactory(slug="kindred-care")
        factories.EmployerFactory(slug="kindred-care-2")
        assert services.unique_employer_slug("Kindred Care") == "kindred-care-3"


class TestVerifyEmail:
    def test_token_verifies_once(self):
        user = factories.UserFactory(email_verified_at=None)
        now = timezone.now()
        token = tokens.make_verification_token(user, now=now)
        services.user_verify_email(token=token, now=now + timedelta(hours=1))
        user.refresh_from_db()
        assert user.email_verified_at == now + timedelta(hours=1)
        with pytest.raises(ValidationError, match="already been used"):
            services.user_verify_email(token=token, now=now + timedelta(hours=2))

    def test_expired_token_is_refused(self):
        user = factories.UserFactory(email_verified_at=None)
        now = timezone.now()
        token = tokens.make_verification_token(user, now=now)
        with pytest.raises(ValidationError, match="expired"):
            services.user_verify_email(token=token, now=now + timedelta(days=4))
        user.refresh_from_db()
        assert not user.email_verified

    def test_token_for_an_old_address_is_refused(self):
        user = factories.UserFactory(email_verified_at=None)
        token = tokens.make_verification_token(user)
        User.objects.filter(pk=user.pk).update(email="changed@example.org")
        with pytest.raises(ValidationError):
            services.user_verify_email(token=token)

    def test_resend_refused_when_verified(self):
        with pytest.raises(ValidationError):
            services.user_send_verification(user=factories.UserFactory())


class TestProfile:
    def test_update(self, employer):
        services.employer_update_profile(
            employer=employer, name="New Name", about="Hello", website="https://x.example"
        )
        employer.refresh_from_db()
        assert (employer.name, employer.about) == ("New Name", "Hello")

    def test_invalid_changes_nothing(self, employer):
        with pytest.raises(ValidationError):
            services.employer_update_profile(employer=employer, name="", sector="pirates")
        employer.refresh_from_db()
        assert employer.name.startswith("Riverside")

    def test_cannot_set_verified_through_the_profile(self, employer):
        with pytest.raises(ValidationError, match="cannot be set"):
            services.employer_update_profile(employer=employer, verified=True)


class TestEmployerVerification:
    def test_verify_records_a_decision(self, admin_user):
        employer = factories.EmployerFactory(verified=False)
        now = timezone.now()
        services.employer_verify(employer=employer, moderator=admin_user, now=now)
        employer.refresh_from_db()
        assert employer.verified and employer.verified_by == admin_user
        assert employer.verified_at == now
        decision = ModerationDecision.objects.get()
        assert (decision.action, decision.moderator, decision.employer) == (
            "verify",
            admin_user,
            employer,
        )

    def test_unverify_and_refuse_repeats(self, admin_user, employer):
        with pytest.raises(ValidationError, match="already verified"):
            services.employer_verify(employer=employer, moderator=admin_user)
        services.employer_verify(employer=employer, moderator=admin_user, verified=False)
        employer.refresh_from_db()
        assert not employer.verified and employer.verified_at is None
        assert ModerationDecision.objects.get().action == "unverify"


class TestTeam:
    def test_last_owner_cannot_be_removed_or_demoted(self, employer, owner):
        membership = Membership.objects.get(user=owner)
        with pytest.raises(ValidationError, match="last owner"):
            services.membership_remove(membership=membership)
        with pytest.raises(ValidationError, match="last owner"):
            services.membership_set_role(membership=membership, role="recruiter")
        membership.refresh_from_db()
        assert membership.role == "owner"

    def test_an_inactive_second_owner_does_not_count(self, employer, owner):
        other = factories.MembershipFactory(employer=employer, role="owner")
        User.objects.filter(pk=other.user_id).update(is_active=False)
        with pytest.raises(ValidationError):
            services.membership_remove(membership=Membership.objects.get(user=owner))

    def test_with_two_owners_one_may_go(self, employer, owner):
        factories.MembershipFactory(employer=employer, role="owner")
        services.membership_set_role(
            membership=Membership.objects.get(user=owner), role="recruiter"
        )
        services.membership_remove(membership=Membership.objects.get(user=owner))
        assert not Membership.objects.filter(user=owner).exists()

    def test_recruiter_can_be_promoted_and_removed(self, employer, recruiter):
        membership = Membership.objects.get(user=recruiter)
        services.membership_set_role(membership=membership, role="owner")
        membership.refresh_from_db()
        assert membership.role == "owner"

    def test_unknown_role_is_refused(self, employer, recruiter):
        with pytest.raises(ValidationError):
            services.membership_set_role(
                membership=Membership.objects.get(user=recruiter), role="admin"
            )


class TestApiTokens:
    def test_create_replaces_and_revoke_removes(self):
        user = factories.UserFactory()
        first = services.api_token_create(user=user)
        second = services.api_token_create(user=user)
        assert first.key != second.key
        assert list(Token.objects.values_list("key", flat=True)) == [second.key]
        assert services.api_token_revoke(user=user) == 1
        assert services.api_token_revoke(user=user) == 0
