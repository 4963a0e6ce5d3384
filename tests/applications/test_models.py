"""The data rules of applications that hold whatever the views do."""

import pytest
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from applications.models import Application, ScreeningQuestion
from applications.storage import private_storage
from tests.factories import VacancyFactory

pytestmark = pytest.mark.django_db


def test_cvs_have_no_public_url(tmp_path, settings):
    storage = private_storage()
    name = storage.save("cvs/test.pdf", ContentFile(b"%PDF-1.4"))
    try:
        with pytest.raises(ValueError):
            storage.url(name)
        assert not storage.path(name).startswith(str(settings.MEDIA_ROOT))
    finally:
        storage.delete(name)


def test_one_application_per_guest_email_and_vacancy():
    vacancy = VacancyFactory()
    now = timezone.now()
    Application.objects.create(
        vacancy=vacancy, email="a@example.org", created_at=now, updated_at=now
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.create(
            vacancy=vacancy, email="a@example.org", created_at=now, updated_at=now
        )


def test_drafts_are_not_submitted():
    vacancy = VacancyFactory()
    now = timezone.now()
    draft = Application.objects.create(
        vacancy=vacancy, email="d@example.org", created_at=now, updated_at=now
    )
    sent = Application.objects.create(
        vacancy=vacancy,
        email="s@example.org",
        created_at=now,
        updated_at=now,
        status=Application.Status.NEW,
        submitted_at=now,
    )
    assert list(Application.objects.submitted()) == [sent]
    assert draft.is_draft


def test_a_knock_out_must_be_a_yes_no_question():
    vacancy = VacancyFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ScreeningQuestion.objects.create(
            vacancy=vacancy, text="Why?", kind=ScreeningQuestion.Kind.TEXT, must_be_yes=True
        )
