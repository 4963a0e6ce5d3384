"""Every write about employers, their people and their access: sign-up, verification,
profile, team, invitations and API tokens.

Functions take keyword-only arguments, validate fully, run in one transaction and queue
emails after commit with ids. A refused change raises ``ValidationError`` and changes nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from rest_framework.authtoken.models import Token

from common.markdown import normalise_newlines
from employers import throttling, tokens
from employers.models import Employer, Invitation, Membership
from listings.models import JobAlert, ModerationDecision, Place
from listings.search import search_changed
from outbox.services import enqueue

User = get_user_model()
Role = Membership.Role

PROFILE_FIELDS = ("name", "about", "website", "sector", "region", "town")


def unique_employer_slug(name: str, *, exclude_pk: int | None = None) -> str:
    """A slug for ``name`` no other employer has: ``riverside-care``, ``riverside-care-2``..."""
    base = slugify(name)[:200] or "employer"
    taken = Employer.objects.filter(slug__startswith=base)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    used = set(taken.values_list("slug", flat=True))
    if base not in used:
        return base
    n = 2
    while f"{base}-{n}" in used:
        n += 1
    return f"{base}-{n}"


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def _tell_owner_of_sign_up_attempt(user) -> None:
    from employers.tasks import send_account_exists_email

    enqueue(send_account_exists_email, user.id)


def _send_verification(user) -> None:
    from employers.tasks import send_verification_email

    enqueue(send_verification_email, user.id)


@transaction.atomic
def employer_sign_up(
    *,
    email: str,
    password: str,
    employer_name: str,
    sector: str,
    region: str,
    first_name: str = "",
    last_name: str = "",
    town: Place | None = None,
) -> Membership | None:
    """Create a person, their (unverified) employer and their owner membership.

    The email address must be confirmed through the emailed link before anything they post
    can be published; the new employer's vacancies go to staff review until it is verified.

    When the address already has an account, nothing is created and ``None`` is returned:
    the account's owner is emailed instead (how to sign in or reset the password), so the
    person signing up learns nothing they could not learn from their own inbox. The password
    is hashed all the same and one email is queued either way, so both cost the same.
    """
    email = normalise_email(email)
    existing = User.objects.filter(email=email).first()
    if existing is not None:
        make_password(password)
        _tell_owner_of_sign_up_attempt(existing)
        return None
    user = User(email=email, first_name=first_name.strip(), last_name=last_name.strip())
    validate_password(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password", "username"])
    user.save()
    employer = Employer(
        name=employer_name.strip(),
        slug=unique_employer_slug(employer_name),
        sector=sector,
        region=region,
        town=town,
        verified=False,
    )
    employer.full_clean()
    employer.save()
    membership = Membership.objects.create(user=user, employer=employer, role=Role.OWNER)
    _send_verification(user)
    search_changed()  # the directory's cached pages list the new employer at once
    return membership


def user_send_verification(*, user) -> None:
    """Send a fresh verification link, unless the address is already verified."""
    if user.email_verified:
        raise ValidationError("Your email address is already confirmed.")
    _send_verification(user)


@transaction.atomic
def user_verify_email(*, token: str, now: datetime | None = None):
    """Mark the address in ``token`` as verified; the same link does nothing a second time."""
    now = now or timezone.now()
    try:
        user_id, email = tokens.read_verification_token(token, now=now)
    except tokens.TokenError as exc:
        raise ValidationError(str(exc), code="invalid") from exc
    user = User.objects.select_for_update().filter(pk=user_id, is_active=True).first()
    if user is None or user.email != email:
        raise ValidationError("This link is not valid any more.", code="invalid")
    if user.email_verified:
        raise ValidationError("This link has already been used.", code="used")
    user.email_verified_at = now
    user.save(update_fields=["email_verified_at"])
    return user


@transaction.atomic
def employer_update_profile(
    *,
    employer: Employer,
    logo: ContentFile | None = None,
    remove_logo: bool = False,
    **fields,
) -> Employer:
    """Change an employer's public details and, optionally, its logo (already processed)."""
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise ValidationError(f"These fields cannot be set here: {', '.join(sorted(unknown))}.")
    if isinstance(fields.get("about"), str):
        fields["about"] = normalise_newlines(fields["about"])
    employer = Employer.objects.select_for_update().get(pk=employer.pk)
    old_logo_name = employer.logo.name if employer.logo else ""
    for name, value in fields.items():
        setattr(employer, name, value)
    employer.full_clean(exclude=["logo"])
    if logo is not None:
        employer.logo.save("logo.png", logo, save=False)
    elif remove_logo:
        employer.logo = None
    employer.save()
    # Search results and cached pages show the employer's name and logo.
    search_changed()
    new_logo_name = employer.logo.name if employer.logo else ""
    if old_logo_name and old_logo_name != new_logo_name:
        storage = employer.logo.storage
        transaction.on_commit(lambda: storage.delete(old_logo_name))
    return employer


@transaction.atomic
def employer_verify(
    *, employer: Employer, moderator, verified: bool = True, reason: str = "", now=None
) -> Employer:
    """Staff mark an employer as verified (publishes without review) or withdraw it."""
    now = now or timezone.now()
    employer = Employer.objects.select_for_update().get(pk=employer.pk)
    if employer.verified == verified:
        raise ValidationError(
            f"{employer.name} is already {'verified' if verified else 'unverified'}."
        )
    employer.verified = verified
    employer.verified_at = now if verified else None
    employer.verified_by = moderator if verified else None
    employer.save(update_fields=["verified", "verified_at", "verified_by", "updated_at"])
    ModerationDecision.objects.create(
        moderator=moderator,
        action=ModerationDecision.Action.VERIFY if verified else ModerationDecision.Action.UNVERIFY,
        employer=employer,
        reason=reason,
    )
    search_changed()  # cached pages show the "verified" badge as it now is
    return employer


# --- Team ---------------------------------------------------------------------------------


def _owner_count(employer_id: int) -> int:
    """Owners of an employer, with their rows locked so two removals cannot race."""
    return len(
        Membership.objects.select_for_update()
        .filter(employer_id=employer_id, role=Role.OWNER, user__is_active=True)
        .values_list("id", flat=True)
    )


@transaction.atomic
def membership_remove(*, membership: Membership) -> None:
    """Take someone off the team (or let them leave); the last owner always stays."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.role == Role.OWNER and _owner_count(membership.employer_id) <= 1:
        raise ValidationError(
            "The last owner cannot leave or be removed. Make someone else an owner first."
        )
    membership.delete()


@transaction.atomic
def membership_set_role(*, membership: Membership, role: str) -> Membership:
    """Make a member an owner or a recruiter; the last owner cannot be demoted."""
    if role not in Role.values:
        raise ValidationError({"role": "Choose owner or recruiter."})
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.role == role:
        return membership
    if (
        membership.role == Role.OWNER
        and role != Role.OWNER
        and _owner_count(membership.employer_id) <= 1
    ):
        raise ValidationError("The last owner cannot be made a recruiter.")
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def invitation_create(*, employer: Employer, email: str, role: str, invited_by) -> Invitation:
    """Invite someone by email; an earlier open invitation to the same address is replaced.

    Only a person whose own address is confirmed may invite, and at most
    ``INVITE_PER_EMPLOYER`` invitations an hour leave one organisation and
    ``INVITE_PER_ADDRESS`` reach one address (counted from the invitations themselves, so the
    limit holds with the cache down): the email names an organisation its sender chose.
    """
    email = normalise_email(email)
    if role not in Role.values:
        raise ValidationError({"role": "Choose owner or recruiter."})
    if invited_by is None or invited_by.email_verified_at is None:
        raise ValidationError(
            "Confirm your own email address first (use the link we sent you), then invite "
            "colleagues."
        )
    if Membership.objects.filter(employer=employer, user__email=email).exists():
        raise ValidationError({"email": "This person is already on your team."})
    now = timezone.now()
    hour_ago = now - timedelta(seconds=throttling.INVITE_WINDOW_SECONDS)
    recent = Invitation.objects.filter(created_at__gte=hour_ago)
    if recent.filter(employer=employer).count() >= throttling.INVITE_PER_EMPLOYER:
        raise ValidationError(
            f"Your organisation has sent {throttling.INVITE_PER_EMPLOYER} invitations in the "
            "last hour. Try again later."
        )
    if recent.filter(email=email).count() >= throttling.INVITE_PER_ADDRESS:
        raise ValidationError(
            {"email": "This address has had several invitations in the last hour. Try later."}
        )
    Invitation.objects.filter(
        employer=employer, email=email, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now)
    invitation = Invitation(employer=employer, email=email, role=role, invited_by=invited_by)
    invitation.full_clean()
    invitation.save()
    from employers.tasks import send_invitation_email

    enqueue(send_invitation_email, invitation.id)
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, now: datetime | None = None) -> Invitation:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_open:
        raise ValidationError("This invitation was already used or withdrawn.")
    invitation.revoked_at = now or timezone.now()
    invitation.save(update_fields=["revoked_at"])
    return invitation


def invitation_problem(invitation: Invitation, *, now: datetime) -> str:
    """Why ``invitation`` cannot be used any more, or an empty string."""
    if invitation.accepted_at is not None:
        return "This invitation has already been used."
    if invitation.revoked_at is not None:
        return "This invitation was withdrawn. Ask your colleague for a new one."
    if invitation.created_at + tokens.invitation_max_age() < now:
        return "This invitation has expired. Ask your colleague to send a new one."
    return ""


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user, now: datetime | None = None) -> Membership:
    """Join the team with an existing account signed in as the invited address."""
    now = now or timezone.now()
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    problem = invitation_problem(invitation, now=now)
    if problem:
        raise ValidationError(problem)
    if normalise_email(user.email) != normalise_email(invitation.email):
        raise ValidationError(
            f"This invitation was sent to {invitation.email}. Sign in with that address to "
            "accept it."
        )
    membership, created = Membership.objects.get_or_create(
        user=user, employer_id=invitation.employer_id, defaults={"role": invitation.role}
    )
    invitation.accepted_at = now
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    if not user.email_verified:
        # Following the emailed link proves the address, as the verification link would.
        user.email_verified_at = now
        user.save(update_fields=["email_verified_at"])
    return membership


@transaction.atomic
def invitation_accept_new_user(
    *,
    invitation: Invitation,
    password: str,
    first_name: str = "",
    last_name: str = "",
    now: datetime | None = None,
) -> Membership:
    """Create an account for the invited address and join the team in one step."""
    now = now or timezone.now()
    email = normalise_email(invitation.email)
    if User.objects.filter(email=email).exists():
        raise ValidationError("An account with this address already exists. Sign in to accept.")
    user = User(email=email, first_name=first_name.strip(), last_name=last_name.strip())
    validate_password(password, user)
    user.set_password(password)
    user.email_verified_at = now
    user.full_clean(exclude=["password", "username"])
    user.save()
    return invitation_accept(invitation=invitation, user=user, now=now)


# --- API tokens ---------------------------------------------------------------------------


@transaction.atomic
def api_token_create(*, user) -> Token:
    """Issue a new API token for ``user``, replacing any earlier one."""
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user)


@transaction.atomic
def api_token_revoke(*, user) -> int:
    """Withdraw ``user``'s API token; return how many were deleted (0 or 1)."""
    deleted, _ = Token.objects.filter(user=user).delete()
    return deleted


# --- Closing an account -------------------------------------------------------------------


def account_close_problems(*, user) -> list[str]:
    """Why ``user`` cannot close their account yet (empty when they can)."""
    problems = []
    for membership in user.memberships.select_related("employer"):
        others = Membership.objects.filter(employer_id=membership.employer_id).exclude(user=user)
        if membership.is_owner and others.exists() and not others.filter(role=Role.OWNER).exists():
            problems.append(
                f"You are the only owner of {membership.employer.name}. Make a colleague an "
                "owner first, so someone can still manage it."
            )
    # The seeker role lives in its own app, which deletes its data itself (/me/privacy/).
    if hasattr(user, "seeker"):
        problems.append(
            "You also use this account to look for jobs. Delete that first from Your jobs, "
            "Your data; then close your employer account here."
        )
    return problems


@transaction.atomic
def account_close(*, user) -> None:
    """Delete an employer member's account: memberships, API token, invitations and alerts
    for the address go with it; each organisation stays, with its published vacancies.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    problems = account_close_problems(user=user)
    if problems:
        raise ValidationError(problems)
    email = user.email
    Invitation.objects.filter(email__iexact=email).delete()
    JobAlert.objects.filter(email=email).delete()
    user.delete()
