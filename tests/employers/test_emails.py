"""The account and team emails: right people, right links, both parts, escaped content."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import resolve, reverse

from employers import services
from employers.models import Invitation
from employers.tasks import send_invitation_email, send_verification_email
from listings import services as vacancy_services
from tests import factories

pytestmark = pytest.mark.django_db


def links(text: str) -> list[str]:
    return re.findall(r"https?://[^\s\"<>]+", text)


def path_of(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def test_verification_email(settings):
    user = factories.UserFactory(email_verified_at=None, first_name="Ann")
    assert send_verification_email(user.id) == 1
    message = mail.outbox[0]
    assert message.to == [user.email]
    assert message.subject == f"Confirm your email address for {settings.SITE_NAME}"
    (link,) = [u for u in links(message.body) if "/accounts/verify/" in u]
    assert link.startswith(settings.SITE_URL)
    assert resolve(path_of(link)).url_name == "verify_email"
    html = message.alternatives[0][0]
    assert link in html.replace("&amp;", "&")
    assert "Hello Ann" in message.body


def test_no_verification_email_once_verified():
    assert send_verification_email(factories.UserFactory().id) == 0
    assert send_verification_email(10**9) == 0
    assert mail.outbox == []


def test_invitation_email_escapes_the_employer_name(settings):
    employer = factories.EmployerFactory(name="<b>Bold</b> & Co")
    inviter = factories.MembershipFactory(employer=employer).user
    invitation = Invitation.objects.create(
        employer=employer, email="jo@example.org", invited_by=inviter
    )
    assert send_invitation_email(invitation.id) == 1
    message = mail.outbox[0]
    assert message.to == ["jo@example.org"]
    assert "<b>Bold</b> & Co" in message.subject
    assert "<b>Bold</b> & Co" in message.body
    html = message.alternatives[0][0]
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; Co" in html
    assert inviter.email in message.body
    (link,) = [u for u in links(message.body) if "/employer/invitations/" in u]
    assert resolve(path_of(link)).url_name == "invitation_accept"
    assert "7 days" in message.body


def test_no_invitation_email_once_withdrawn(employer, owner):
    invitation = Invitation.objects.create(employer=employer, email="jo@example.org")
    services.invitation_revoke(invitation=invitation)
    assert send_invitation_email(invitation.id) == 0


def test_signup_sends_one_verification_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.employer_sign_up(
            email="new@example.org",
            password="a-long-unusual-passphrase",
            employer_name="New Care",
            sector="charity",
            region="london",
        )
    assert [m.to for m in mail.outbox] == [["new@example.org"]]


def test_resend_is_throttled(client, django_capture_on_commit_callbacks):
    user = factories.UserFactory(email_verified_at=None)
    factories.MembershipFactory(user=user)
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(5):
            client.post(reverse("verify_email_resend"))
    assert len(mail.outbox) == 3


def test_rejection_email_links_to_the_edit_page(
    client, admin_user, django_capture_on_commit_callbacks
):
    vacancy = factories.PendingVacancyFactory()
    member = factories.MembershipFactory(employer=vacancy.employer).user
    with django_capture_on_commit_callbacks(execute=True):
        vacancy_services.vacancy_reject(vacancy=vacancy, moderator=admin_user, reason="Add pay.")
    (link,) = [u for u in links(mail.outbox[0].body) if "/edit/" in u]
    client.force_login(member)
    response = client.get(path_of(link))
    assert response.status_code == 200
    assert "Add pay." in response.content.decode()


def test_password_reset_link_works(client, django_capture_on_commit_callbacks):
    user = factories.UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": user.email.upper()})
    message = mail.outbox[0]
    assert message.to == [user.email]
    (link,) = [u for u in links(message.body) if "/accounts/reset/" in u]
    response = client.get(path_of(link), follow=True)
    assert "Choose a new password" in response.content.decode()
    assert "new_password1" in response.content.decode()
    assert message.alternatives and message.alternatives[0][1] == "text/html"


def test_password_reset_reveals_nothing_and_is_limited(client, django_capture_on_commit_callbacks):
    user = factories.UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        unknown = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
        for _ in range(5):
            known = client.post(reverse("password_reset"), {"email": user.email})
    assert unknown["Location"] == known["Location"] == reverse("password_reset_done")
    assert [m.to for m in mail.outbox] == [[user.email]] * 3


def test_password_reset_link_is_single_use(client, django_capture_on_commit_callbacks):
    user = factories.UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": user.email})
    (link,) = [u for u in links(mail.outbox[0].body) if "/accounts/reset/" in u]
    form_page = client.get(path_of(link), follow=True)
    new_password = "a-brand-new-passphrase-2026"
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new_password)
    again = client.get(path_of(link), follow=True)
    assert "expired or was already used" in again.content.decode()


def test_rejection_email_text_is_not_html_escaped(admin_user, django_capture_on_commit_callbacks):
    vacancy = factories.PendingVacancyFactory(title="Nurse & Carer's role")
    factories.MembershipFactory(employer=vacancy.employer)
    with django_capture_on_commit_callbacks(execute=True):
        vacancy_services.vacancy_reject(
            vacancy=vacancy, moderator=admin_user, reason='Say "when" & where.'
        )
    message = mail.outbox[0]
    assert message.subject == f"Changes needed: Nurse & Carer's role ({vacancy.reference})"
    assert "Nurse & Carer's role" in message.body
    assert 'Say "when" & where.' in message.body
    assert "Nurse &amp; Carer&#x27;s role" in message.alternatives[0][0]
