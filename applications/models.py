"""Applications made on this board, and what the employer's team does with them.

An application belongs to a vacancy and to a seeker's account, or to a guest whose email
address was confirmed (``email_confirmed_at``). It starts as a draft, which only its candidate
sees; the employer's team sees it once submitted. Every change of status and every message
sent to the candidate is kept on its history (``ApplicationEvent``).

Equality monitoring answers (``EqualityMonitoring``) are deliberately *not* linked to an
application: they carry the vacancy and the employer only, so nobody can read one person's
answers beside their application, and reports show them in aggregate with small numbers
suppressed.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Q
from django.utils import timezone

from applications.storage import private_storage

MAX_SCREENING_QUESTIONS = 5
CV_MAX_BYTES = 5 * 1024 * 1024
MIN_SLOT_MINUTES = 5
MAX_SLOT_MINUTES = 480


class ScreeningQuestion(models.Model):
    """A question an employer asks every candidate of one vacancy (at most five)."""

    class Kind(models.TextChoices):
        YES_NO = "yes_no", "Yes or no"
        TEXT = "text", "Short answer"

    vacancy = models.ForeignKey(
        "listings.Vacancy", on_delete=models.CASCADE, related_name="screening_questions"
    )
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(max_length=300)
    kind = models.CharField(max_length=6, choices=Kind.choices, default=Kind.YES_NO)
    # A knock-out: a yes/no question whose answer must be yes. Shown to candidates before they
    # start, so nobody fills in a form they cannot succeed with.
    must_be_yes = models.BooleanField(default=False)

    class Meta:
        ordering = ["vacancy", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(must_be_yes=False) | Q(kind="yes_no"),
                name="screening_knockout_is_yes_no",
            )
        ]

    def __str__(self) -> str:
        return self.text


class ApplicationQuerySet(models.QuerySet):
    def submitted(self) -> ApplicationQuerySet:
        """What the employer's team sees: everything but drafts."""
        return self.exclude(status=Application.Status.DRAFT)

    def for_employer(self, employer) -> ApplicationQuerySet:
        return self.submitted().filter(vacancy__employer=employer)


class Application(models.Model):
    """One candidate's application for one vacancy."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        NEW = "new", "New"
        REVIEWING = "reviewing", "Reviewing"
        SHORTLISTED = "shortlisted", "Shortlisted"
        INTERVIEW = "interview", "Interview"
        OFFERED = "offered", "Offered"
        HIRED = "hired", "Hired"
        REJECTED = "rejected", "Unsuccessful"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class RightToWork(models.TextChoices):
        YES = "yes", "Yes"
        NEEDS_SPONSORSHIP = "sponsor", "No, I would need visa sponsorship"
        NO = "no", "No"

    vacancy = models.ForeignKey(
        "listings.Vacancy", on_delete=models.CASCADE, related_name="applications"
    )
    seeker = models.ForeignKey(
        "seekers.Seeker",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="applications",
    )
    # The address the candidate is reached at; for a guest, confirmed before submitting.
    email = models.EmailField()
    email_confirmed_at = models.DateTimeField(null=True, blank=True)

    full_name = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    right_to_work = models.CharField(max_length=7, choices=RightToWork.choices, blank=True)
    registration_number = models.CharField(max_length=40, blank=True)
    dbs_update_service = models.BooleanField(null=True, blank=True)
    supporting_statement = models.TextField(blank=True, max_length=10000)

    cv = models.FileField(storage=private_storage, upload_to="cvs/%Y/%m/", blank=True)
    cv_name = models.CharField(max_length=120, blank=True)  # sanitised, as shown
    cv_content_type = models.CharField(max_length=100, blank=True)  # decided from the content
    cv_size = models.PositiveIntegerField(default=0)
    # What the scan step said of the CV (``applications.files``): "clean" or "not scanned".
    cv_scan = models.CharField(max_length=20, blank=True)

    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=False
    )
    # Screening: False when a knock-out question was answered "no"; the count of yes answers
    # lets the team sort by screening answers without reading every answer row.
    screening_passed = models.BooleanField(default=True)
    screening_yes_count = models.PositiveSmallIntegerField(default=0)
    rating = models.PositiveSmallIntegerField(null=True, blank=True)  # 1-5, the team's
    source = models.CharField(max_length=16, blank=True)  # listings.TrafficSource value

    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # Whether the candidate has answered (or declined) the equality questions: their answers
    # themselves are kept apart, in ``EqualityMonitoring``; this only stops a second set.
    equality_done = models.BooleanField(default=False)
    # When the team invited the candidate to pick an interview time from the vacancy's
    # ``InterviewSlot`` rows; empty when the invitation gave a fixed time (or none was sent).
    slot_invited_at = models.DateTimeField(null=True, blank=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(
                fields=["vacancy", "status", "-submitted_at", "-id"],
                name="application_vacancy_list",
            ),
            models.Index(fields=["email"], name="application_email"),
        ]
        constraints = [
            # One application per candidate per vacancy (drafts included: a draft is resumed).
            models.UniqueConstraint(
                fields=["vacancy", "seeker"],
                condition=Q(seeker__isnull=False),
                name="application_one_per_seeker",
            ),
            models.UniqueConstraint(
                fields=["vacancy", "email"],
                condition=Q(seeker__isnull=True),
                name="application_one_per_guest_email",
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="application_rating_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name or self.email} for {self.vacancy_id} ({self.status})"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    def funnel_change(self, *, applications: int = 0, hires: int = 0) -> tuple:
        """This application's change to its vacancy's funnel counters, as
        ``listings.traffic.record_applications`` takes it: counted against the day and
        source of its submission, so a period's hires are those of its applications."""
        return (self.vacancy_id, self.submitted_at, self.source, applications, hires)

    @property
    def chosen_slot(self) -> InterviewSlot | None:
        """The interview slot this candidate holds, if any."""
        try:
            return self.interview_slot
        except ObjectDoesNotExist:
            return None

    @property
    def picks_interview_slot(self) -> bool:
        """Invited to interview at a time they pick (whether they may still: the services)."""
        return self.status == self.Status.INTERVIEW and self.slot_invited_at is not None

    @property
    def can_withdraw(self) -> bool:
        """The candidate may withdraw at any time until the process has ended."""
        return self.status not in (
            self.Status.DRAFT,
            self.Status.WITHDRAWN,
            self.Status.HIRED,
            self.Status.REJECTED,
        )


def hire_change(before: str, after: str) -> int:
    """How a change of status moves the count of hires: +1 into hired, -1 out of it."""
    hired = Application.Status.HIRED
    return (after == hired) - (before == hired)


class CandidateProfile(models.Model):
    """A seeker's details and CV kept for their next application (theirs to change or delete).

    Each application takes its own copy of the CV, so the profile and the applications can be
    deleted apart (retention deletes applications; the candidate may replace the saved CV).
    """

    seeker = models.OneToOneField(
        "seekers.Seeker", on_delete=models.CASCADE, related_name="candidate_profile"
    )
    full_name = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    right_to_work = models.CharField(
        max_length=7, choices=Application.RightToWork.choices, blank=True
    )
    cv = models.FileField(storage=private_storage, upload_to="profile-cvs/%Y/%m/", blank=True)
    cv_name = models.CharField(max_length=120, blank=True)
    cv_content_type = models.CharField(max_length=100, blank=True)
    cv_size = models.PositiveIntegerField(default=0)
    cv_scan = models.CharField(max_length=20, blank=True)
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"profile of {self.seeker_id}"


class ScreeningAnswer(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(
        ScreeningQuestion, on_delete=models.CASCADE, related_name="answers"
    )
    answer_yes = models.BooleanField(null=True, blank=True)
    answer_text = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["question__position", "question_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "question"], name="screening_answer_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.answer_text or self.answer_yes}"


class ApplicationNote(models.Model):
    """A note on an application, visible to the employer's team only."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField(max_length=5000)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"note on {self.application_id}"


class ApplicationEvent(models.Model):
    """The history of an application: submissions, status changes and every message sent."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", "Submitted"
        STATUS = "status", "Status changed"
        MESSAGE = "message", "Message sent to the candidate"
        WITHDRAWN = "withdrawn", "Withdrawn by the candidate"
        SLOT_CHOSEN = "slot", "Interview time chosen"
        SLOT_CANCELLED = "slot_off", "Interview time cancelled by the team"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, blank=True)
    # For messages: exactly what the candidate was sent.
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField(blank=True)
    created_at = models.DateTimeField()
    # For messages: when the worker handed it to the mail server (sent once, however often
    # the task runs). A chosen interview time keeps the candidate's confirmation the same way.
    sent_at = models.DateTimeField(null=True, blank=True)
    # For a chosen interview time: when the vacancy's team was told, so a task run again
    # (a retry, a redelivery) does not tell them twice.
    team_told_at = models.DateTimeField(null=True, blank=True)
    # For a chosen (or cancelled) interview time: the slot (gone if the team later removed it
    # once free).
    slot = models.ForeignKey(
        "InterviewSlot", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} on {self.application_id}"

    @property
    def from_label(self) -> str:
        return _status_label(self.from_status)

    @property
    def to_label(self) -> str:
        return _status_label(self.to_status)


def _status_label(value: str) -> str:
    return dict(Application.Status.choices).get(value, value)


class InterviewSlotQuerySet(models.QuerySet):
    def free(self) -> InterviewSlotQuerySet:
        """Not chosen by anyone."""
        return self.filter(taken_by__isnull=True)

    def upcoming(self, now) -> InterviewSlotQuerySet:
        """Starting after ``now``."""
        return self.filter(starts_at__gt=now)


class InterviewSlot(models.Model):
    """A time the employer offers for an interview; the candidate invited picks one.

    One application per slot by construction (``taken_by``), one slot per application (its
    uniqueness); a slot is claimed with a conditional update, so two candidates never hold it.
    """

    vacancy = models.ForeignKey(
        "listings.Vacancy", on_delete=models.CASCADE, related_name="interview_slots"
    )
    starts_at = models.DateTimeField()
    minutes = models.PositiveSmallIntegerField(default=30)
    where = models.CharField(max_length=300, help_text="An address or a video link.")
    taken_by = models.OneToOneField(
        Application,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="interview_slot",
    )

    objects = InterviewSlotQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["vacancy", "starts_at"], name="interview_slot_one_per_start"
            ),
            models.CheckConstraint(
                condition=Q(minutes__gte=MIN_SLOT_MINUTES, minutes__lte=MAX_SLOT_MINUTES),
                name="interview_slot_length",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.vacancy_id} at {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def ends_at(self):
        return self.starts_at + timedelta(minutes=self.minutes)

    @property
    def day(self):
        """The day it starts on, in the board's time."""
        return timezone.localtime(self.starts_at).date()

    def when_text(self) -> str:
        """The day and times as people say them, in the board's time: "Tuesday 15 January
        2030, 10:30 to 11:00"."""
        starts, ends = timezone.localtime(self.starts_at), timezone.localtime(self.ends_at)
        return f"{starts:%A %-d %B %Y}, {starts:%H:%M} to {ends:%H:%M}"

    @property
    def is_video(self) -> bool:
        """``where`` is a video call link rather than an address."""
        return self.where.startswith(("https://", "http://"))


class EqualityMonitoring(models.Model):
    """One candidate's optional equality monitoring answers, kept apart from the application.

    No link to the application or the candidate: only the vacancy (for the aggregate report)
    and when it was given (for retention). Every question allows "prefer not to say" (blank).
    """

    vacancy = models.ForeignKey(
        "listings.Vacancy", on_delete=models.CASCADE, related_name="equality_answers"
    )
    age_band = models.CharField(max_length=10, blank=True)
    sex = models.CharField(max_length=20, blank=True)
    gender_same_as_birth = models.CharField(max_length=20, blank=True)
    ethnicity = models.CharField(max_length=40, blank=True)
    disability = models.CharField(max_length=20, blank=True)
    religion = models.CharField(max_length=30, blank=True)
    sexual_orientation = models.CharField(max_length=30, blank=True)
    # Day only: a timestamp could be matched to an application's submission time.
    given_on = models.DateField()

    def __str__(self) -> str:
        return f"monitoring for {self.vacancy_id}"


class ApplicationWebhook(models.Model):
    """Where an employer's own system hears of each new application (an HMAC-signed POST)."""

    employer = models.OneToOneField(
        "employers.Employer", on_delete=models.CASCADE, related_name="application_webhook"
    )
    url = models.URLField(max_length=500)
    # Shared with the employer's system, which checks each request's signature with it.
    secret = models.CharField(max_length=64)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"webhook of {self.employer_id}"


class WebhookDelivery(models.Model):
    """One new application announced to an employer's webhook: tried until it is delivered."""

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="webhook_delivery"
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_status = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"webhook delivery of {self.application_id}"


# The equality monitoring questions and their answers; a blank answer is "prefer not to say".
# Kept as data here (not as field choices) so the wording can change without a migration.
EQUALITY_QUESTIONS: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "age_band": (
        "Your age",
        (
            ("16-24", "16 to 24"),
            ("25-34", "25 to 34"),
            ("35-44", "35 to 44"),
            ("45-54", "45 to 54"),
            ("55-64", "55 to 64"),
            ("65+", "65 or over"),
        ),
    ),
    "sex": ("Your sex", (("female", "Female"), ("male", "Male"))),
    "gender_same_as_birth": (
        "Is your gender the same as the sex you were registered at birth?",
        (("yes", "Yes"), ("no", "No")),
    ),
    "ethnicity": (
        "Your ethnic group",
        (
            ("asian", "Asian or Asian British"),
            ("black", "Black, Black British, Caribbean or African"),
            ("mixed", "Mixed or multiple ethnic groups"),
            ("white", "White"),
            ("other", "Another ethnic group"),
        ),
    ),
    "disability": (
        "Do you consider yourself to have a disability or long-term condition?",
        (("yes", "Yes"), ("no", "No")),
    ),
    "religion": (
        "Your religion or belief",
        (
            ("none", "No religion"),
            ("christian", "Christian"),
            ("muslim", "Muslim"),
            ("hindu", "Hindu"),
            ("sikh", "Sikh"),
            ("jewish", "Jewish"),
            ("buddhist", "Buddhist"),
            ("other", "Another religion or belief"),
        ),
    ),
    "sexual_orientation": (
        "Your sexual orientation",
        (
            ("straight", "Straight or heterosexual"),
            ("gay-lesbian", "Gay or lesbian"),
            ("bisexual", "Bisexual"),
            ("other", "Another sexual orientation"),
        ),
    ),
}
EQUALITY_SMALL_NUMBER = 5  # counts below this are never shown
