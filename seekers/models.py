"""Job seekers: their role on an account, the jobs they keep, sign-in codes, job reports.

A seeker is a ``User`` with a ``Seeker`` row; employer membership is a separate role, so one
person may be both. Job alerts stay in ``listings`` and belong to a seeker by email address
(no foreign key): the alerts an address made before it had an account are simply its own.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Seeker(models.Model):
    """The seeker role of an account: made the first time someone signs in with a code."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="seeker"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return str(self.user)

    @property
    def email(self) -> str:
        return self.user.email


class SavedJob(models.Model):
    """A vacancy a seeker kept for later; it stays (shown as closed) once the job closes."""

    seeker = models.ForeignKey(Seeker, on_delete=models.CASCADE, related_name="saved_jobs")
    vacancy = models.ForeignKey(
        "listings.Vacancy", on_delete=models.CASCADE, related_name="saved_by"
    )
    saved_at = models.DateTimeField()

    class Meta:
        ordering = ["-saved_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["seeker", "vacancy"], name="saved_job_unique")
        ]

    def __str__(self) -> str:
        return f"{self.seeker} saved {self.vacancy_id}"


class SignInCode(models.Model):
    """A one-time code emailed to an address; the emailed link carries the same code.

    The code is not stored: it is an HMAC of ``nonce`` under ``SECRET_KEY`` (``seekers.codes``),
    so the worker that emails it is given only the row's id, and a copy of the database alone
    reveals no code. It works once, for ``SEEKER_CODE_MINUTES``, and dies after
    ``SEEKER_CODE_ATTEMPTS`` wrong guesses.
    """

    email = models.EmailField(db_index=True)
    nonce = models.CharField(max_length=32)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"code for {self.email}"


class VacancyReport(models.Model):
    """Someone's report that a vacancy is wrong, unlawful or a scam: the staff review queue."""

    class Reason(models.TextChoices):
        SCAM = "scam", "It looks like a scam or asks for money"
        MISLEADING = "misleading", "The pay, place or details are wrong or misleading"
        DISCRIMINATORY = "discriminatory", "It is discriminatory or offensive"
        FILLED = "filled", "The job is already filled or does not exist"
        OTHER = "other", "Something else"

    class Outcome(models.TextChoices):
        OPEN = "open", "Waiting for review"
        ACTED = "acted", "Acted on"
        DISMISSED = "dismissed", "Dismissed"

    vacancy = models.ForeignKey(
        "listings.Vacancy", on_delete=models.CASCADE, related_name="reports"
    )
    reason = models.CharField(max_length=20, choices=Reason.choices)
    details = models.TextField(blank=True, max_length=2000)
    # Optional, so staff can reply; cleared if the reporter later deletes their account.
    email = models.EmailField(blank=True)
    created_at = models.DateTimeField()
    outcome = models.CharField(
        max_length=10, choices=Outcome.choices, default=Outcome.OPEN, db_index=True
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_reason_display()}: {self.vacancy_id}"
