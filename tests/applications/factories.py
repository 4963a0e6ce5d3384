"""Applications as the employer's team meets them: submitted, with answers and a CV."""

from __future__ import annotations

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from applications.models import Application, ScreeningAnswer, ScreeningQuestion
from listings.traffic import record_applications
from tests import factories


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application
        skip_postgeneration_save = True

    vacancy = factory.SubFactory(factories.LiveVacancyFactory, apply_method="board")
    email = factory.Sequence(lambda n: f"candidate{n}@example.net")
    email_confirmed_at = factory.LazyFunction(timezone.now)
    full_name = factory.Sequence(lambda n: f"Sam Candidate {n}")
    phone = "07700 900123"
    right_to_work = Application.RightToWork.YES
    dbs_update_service = True
    supporting_statement = "I have cared for older people for five years."
    status = Application.Status.NEW
    source = "direct"
    created_at = factory.LazyFunction(timezone.now)
    updated_at = factory.LazyFunction(timezone.now)
    submitted_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def counted(obj, create, extracted, **kwargs):
        """A submitted application is in its vacancy's funnel counters, as the services
        leave it (``counted=False`` for a row made before the counters, as the backfill
        finds it)."""
        if create and extracted is not False and obj.submitted_at is not None:
            record_applications(
                [obj.funnel_change(applications=1, hires=int(obj.status == "hired"))]
            )


def with_cv(application: Application, content: bytes = b"%PDF-1.4 cv", name: str = "cv.pdf"):
    """Give an application a stored CV."""
    application.cv.save(name, ContentFile(content), save=False)
    application.cv_name = name
    application.cv_content_type = "application/pdf"
    application.cv_size = len(content)
    application.save()
    return application


def question(vacancy, text="Do you hold a driving licence?", **kwargs) -> ScreeningQuestion:
    kwargs.setdefault("position", vacancy.screening_questions.count())
    return ScreeningQuestion.objects.create(vacancy=vacancy, text=text, **kwargs)


def answer(application, question, **kwargs) -> ScreeningAnswer:
    return ScreeningAnswer.objects.create(application=application, question=question, **kwargs)
