"""Emails about accounts and teams, sent by the worker. Fetched by id; safe to run twice."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from common.emails import build_email
from common.queue import RETRYING
from employers import tokens
from employers.models import Invitation


@shared_task(name="employers.tasks.send_verification_email", **RETRYING)
def send_verification_email(user_id: int) -> int:
    """Email a link that confirms the address; nothing when it is already confirmed."""
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or user.email_verified:
        return 0
    link = settings.SITE_URL + reverse(
        "verify_email", kwargs={"token": tokens.make_verification_token(user)}
    )
    message = build_email(
        template="verify_email",
        context={
            "user": user,
            "verify_url": link,
            "days": tokens.verification_max_age().days,
        },
        to=[user.email],
    )
    return message.send()


@shared_task(name="employers.tasks.send_password_reset_to_address", **RETRYING)
def send_password_reset_to_address(email: str) -> int:
    """Email a reset link to each active account with a password at ``email`` (none: no email).

    The reset form queues this for any address, so whether an account exists is decided here,
    in the worker, and never shows in the request.
    """
    users = PasswordResetForm(data={"email": email}).get_users(email)
    return sum(send_password_reset_email(user.pk) for user in users)


@shared_task(name="employers.tasks.send_account_exists_email", **RETRYING)
def send_account_exists_email(user_id: int) -> int:
    """Tell an account's owner that someone tried to sign up with their address."""
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return 0
    message = build_email(
        template="account_exists",
        context={
            "email": user.email,
            "login_url": settings.SITE_URL + reverse("login"),
            "reset_url": settings.SITE_URL + reverse("password_reset"),
        },
        to=[user.email],
    )
    return message.send()


@shared_task(name="employers.tasks.send_invitation_email", **RETRYING)
def send_invitation_email(invitation_id: int) -> int:
    """Email the invited colleague their link; nothing once it is used or withdrawn."""
    invitation = (
        Invitation.objects.select_related("employer", "invited_by").filter(pk=invitation_id).first()
    )
    if invitation is None or not invitation.is_open:
        return 0
    link = settings.SITE_URL + reverse(
        "employers:invitation_accept",
        kwargs={"token": tokens.make_invitation_token(invitation)},
    )
    message = build_email(
        template="invitation",
        context={
            "invitation": invitation,
            "accept_url": link,
            "days": tokens.invitation_max_age().days,
        },
        to=[invitation.email],
    )
    return message.send()


@shared_task(name="employers.tasks.send_password_reset_email", **RETRYING)
def send_password_reset_email(user_id: int) -> int:
    """Email a link to choose a new password (Django's token: single use, time-limited)."""
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.has_usable_password():
        return 0
    link = settings.SITE_URL + reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    message = build_email(
        template="password_reset", context={"email": user.email, "reset_url": link}, to=[user.email]
    )
    return message.send()
