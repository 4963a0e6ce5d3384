"""The seekers' emails: the sign-in code with its one-tap link."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from common.emails import build_email
from common.links import on_site
from seekers import codes
from seekers.models import SignInCode


def sign_in_code_message(code: SignInCode):
    link = reverse(
        "seekers:sign_in_link",
        kwargs={"token": codes.make_link_token(code_id=code.pk, nonce=code.nonce)},
    )
    return build_email(
        template="seeker_sign_in_code",
        context={
            "code": codes.code_for(code.nonce),
            "link": on_site(link),
            "minutes": settings.SEEKER_CODE_MINUTES,
        },
        to=[code.email],
    )
