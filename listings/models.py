"""The seeker-facing domain: professions, the UK gazetteer, vacancies and job alerts."""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, F, Q, When
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from common.validators import WEB_ADDRESS_ERROR, is_web_address
from listings.fields import PlaceIdsField

# Full-time equivalents used to put hourly and daily pay on one annual scale for filtering
# and sorting: a 37.5-hour week (the NHS Agenda for Change standard) and a 5-day week.
HOURS_PER_YEAR = Decimal("1950")  # 37.5 × 52
DAYS_PER_YEAR = Decimal("260")  # 5 × 52

# Crockford's base32 without I, L, O, U: references are read aloud and typed from print.
REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
REFERENCE_LENGTH = 8


def new_reference() -> str:
    """Return a fresh random public reference such as ``7K3M9Q2D``."""
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


class Profession(models.Model):
    """A category the article site links to ("Social Worker jobs")."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("listings:profession", kwargs={"profession": self.slug})


class Nation(models.TextChoices):
    ENGLAND = "England", "England"
    SCOTLAND = "Scotland", "Scotland"
    WALES = "Wales", "Wales"
    NORTHERN_IRELAND = "Northern Ireland", "Northern Ireland"


class PlaceQuerySet(models.QuerySet):
    def towns(self) -> PlaceQuerySet:
        """The gazetteer's towns: what a seeker can name, link to and choose from."""
        return self.filter(kind=Place.Kind.TOWN)

    def in_box(self, *, south: float, north: float, west: float, east: float) -> PlaceQuerySet:
        """Places inside a latitude/longitude box: the indexed prefilter for distance search."""
        return self.filter(lat__gte=south, lat__lte=north, lng__gte=west, lng__lte=east)

    def matching_prefix(self, prefix: str) -> PlaceQuerySet:
        """Places whose name starts with ``prefix``, for autocomplete."""
        return self.towns().filter(name__istartswith=prefix.strip()).order_by("name", "county")


class PlaceManager(models.Manager.from_queryset(PlaceQuerySet)):
    """Every read of places brings a postcode's town with it (one join, never a query per
    place): a postcode place is labelled by its town wherever a vacancy's places are shown.

    It is the default manager, so a vacancy's ``places`` (and their prefetches) use it too.
    """

    def get_queryset(self) -> PlaceQuerySet:
        return super().get_queryset().select_related("town")


class Place(models.Model):
    """A UK town or city from the offline gazetteer (GeoNames, CC BY 4.0), or the exact point
    of a postcode an employer gave for a vacancy.

    A postcode place is a point the search measures from like any place (so radius and the
    nearest-first sort need nothing of their own), inside the council area of its postcode
    (so area searches find it), and shown as its nearest town: its ``name``, ``county`` and
    ``nation`` are the town's, its label is the town's label. Nothing lists it as a town:
    the lookups, autocomplete, landing pages and sitemaps take ``towns()`` only.
    """

    class Kind(models.TextChoices):
        TOWN = "town", "Town (gazetteer)"
        POSTCODE = "postcode", "Postcode"

    name = models.CharField(max_length=120, db_index=True)
    slug = models.SlugField(max_length=160, unique=True)
    county = models.CharField(max_length=120, blank=True)
    nation = models.CharField(max_length=20, choices=Nation.choices)
    lat = models.FloatField()
    lng = models.FloatField()
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.TOWN)
    # A postcode place only: the postcode ("LS6 3QS"), its council area (ONS code) and the
    # gazetteer town nearest it, which it is shown as.
    postcode = models.CharField(max_length=8, blank=True)
    lad = models.CharField("council area code", max_length=9, blank=True)
    town = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="postcode_places",
        limit_choices_to={"kind": Kind.TOWN},
    )

    objects = PlaceManager()

    class Meta:
        ordering = ["name", "county"]
        indexes = [models.Index(fields=["lat", "lng"], name="place_lat_lng")]
        constraints = [
            models.UniqueConstraint(
                fields=["postcode"],
                condition=Q(kind="postcode"),
                name="place_one_per_postcode",
            )
        ]

    def __str__(self) -> str:
        return f"{self.postcode} (near {self.name})" if self.is_postcode else self.name

    @property
    def is_postcode(self) -> bool:
        return self.kind == self.Kind.POSTCODE

    @property
    def shown_as(self) -> Place:
        """The town this place is shown as: itself, or a postcode's nearest town."""
        return self.town if self.is_postcode and self.town is not None else self


class Workplace(models.TextChoices):
    ON_SITE = "on_site", "On site"
    HYBRID = "hybrid", "Hybrid"
    REMOTE = "remote", "Remote"


class ContractType(models.TextChoices):
    PERMANENT = "permanent", "Permanent"
    FIXED_TERM = "fixed_term", "Fixed term"
    TEMPORARY = "temporary", "Temporary"
    LOCUM = "locum", "Locum"
    BANK = "bank", "Bank"


class WorkingPattern(models.TextChoices):
    FULL_TIME = "full_time", "Full time"
    PART_TIME = "part_time", "Part time"
    FLEXIBLE = "flexible", "Flexible"


class SalaryPeriod(models.TextChoices):
    HOUR = "hour", "an hour"
    DAY = "day", "a day"
    YEAR = "year", "a year"


# --- care-sector facts of a vacancy ---------------------------------------------------------
# "" is "not stated" throughout: every vacancy made before these facts existed has it, so no
# old advert is ever said to offer (or refuse) something its employer never wrote.
NOT_STATED = "Not stated"


class PayScale(models.TextChoices):
    AFC = "afc", "Agenda for Change (NHS)"
    NJC = "njc", "NJC / local government"
    OTHER = "other", "Other or none"


class PayBand(models.TextChoices):
    """Agenda for Change bands; band 8 exists only as 8a to 8d."""

    BAND_1 = "band-1", "Band 1"
    BAND_2 = "band-2", "Band 2"
    BAND_3 = "band-3", "Band 3"
    BAND_4 = "band-4", "Band 4"
    BAND_5 = "band-5", "Band 5"
    BAND_6 = "band-6", "Band 6"
    BAND_7 = "band-7", "Band 7"
    BAND_8A = "band-8a", "Band 8a"
    BAND_8B = "band-8b", "Band 8b"
    BAND_8C = "band-8c", "Band 8c"
    BAND_8D = "band-8d", "Band 8d"
    BAND_9 = "band-9", "Band 9"


class ShiftPattern(models.TextChoices):
    """Shift patterns; a vacancy may have several (stored as bits of ``Vacancy.shifts``)."""

    DAYS = "days", "Days"
    NIGHTS = "nights", "Nights"
    LONG_DAYS = "long-days", "Long days"
    EARLIES_LATES = "earlies-lates", "Earlies and lates"
    WEEKENDS = "weekends", "Weekends"
    ROTATING = "rotating", "Rotating shifts"
    SLEEP_INS = "sleep-ins", "Sleep-ins"
    WAKING_NIGHTS = "waking-nights", "Waking nights"
    LIVE_IN = "live-in", "Live-in"
    ON_CALL = "on-call", "On call"
    TERM_TIME = "term-time", "Term time only"
    COMPRESSED = "compressed", "Compressed hours"
    JOB_SHARE = "job-share", "Job share"


# Each shift pattern's bit in ``Vacancy.shifts``. Stored data depends on these positions:
# append new patterns at the end, never renumber or reuse one.
SHIFT_BITS: dict[str, int] = {value: 1 << i for i, value in enumerate(ShiftPattern.values)}


def shifts_to_mask(values) -> int:
    """The bitmask of a collection of shift pattern values (unknown values are an error)."""
    mask = 0
    for value in values:
        mask |= SHIFT_BITS[value]
    return mask


def mask_to_shifts(mask: int) -> list[str]:
    """The shift pattern values set in ``mask``, in the choices' order."""
    return [value for value, bit in SHIFT_BITS.items() if mask & bit]


class Sponsorship(models.TextChoices):
    AVAILABLE = "yes", "Sponsorship available"
    NOT_AVAILABLE = "no", "No sponsorship"


class DbsLevel(models.TextChoices):
    NONE = "none", "No DBS check"
    BASIC = "basic", "Basic DBS check"
    STANDARD = "standard", "Standard DBS check"
    ENHANCED = "enhanced", "Enhanced DBS check"
    ENHANCED_BARRED = "enhanced-barred", "Enhanced DBS check with barred lists"


class DbsPaidBy(models.TextChoices):
    EMPLOYER = "employer", "The employer pays"
    CANDIDATE = "candidate", "The candidate pays"


class Driving(models.TextChoices):
    NOT_NEEDED = "not-needed", "No driving needed"
    LICENCE = "licence", "Driving licence needed"
    CAR = "car", "Driving licence and own vehicle needed"


class Registration(models.TextChoices):
    """The professional register a candidate must be on (or be able to join)."""

    NMC = "nmc", "Nursing and Midwifery Council (NMC)"
    HCPC = "hcpc", "Health and Care Professions Council (HCPC)"
    SWE = "swe", "Social Work England"
    SSSC = "sssc", "Scottish Social Services Council (SSSC)"
    SCW = "scw", "Social Care Wales"
    NISCC = "niscc", "Northern Ireland Social Care Council (NISCC)"
    GMC = "gmc", "General Medical Council (GMC)"
    GPHC = "gphc", "General Pharmaceutical Council (GPhC)"
    NONE = "none", "No registration needed"


class WelshRequirement(models.TextChoices):
    NOT_NEEDED = "not-needed", "Welsh not needed"
    DESIRABLE = "desirable", "Welsh desirable"
    ESSENTIAL = "essential", "Welsh essential"


class WelshLevel(models.TextChoices):
    """The Welsh public sector's levels of spoken Welsh."""

    ENTRY = "entry", "Entry"
    FOUNDATION = "foundation", "Foundation"
    INTERMEDIATE = "intermediate", "Intermediate"
    ADVANCED = "advanced", "Advanced"
    PROFICIENT = "proficient", "Proficient"


class ApplyMethod(models.TextChoices):
    """Where candidates apply: the employer's own site, by email, or on this board."""

    WEBSITE = "website", "On our website"
    EMAIL = "email", "By email"
    BOARD = "board", "On this job board"


class VacancyOutcome(models.TextChoices):
    """How a vacancy ended, for the employer's statistics."""

    FILLED_HERE = "filled-here", "Filled through this board"
    FILLED_ELSEWHERE = "filled-elsewhere", "Filled elsewhere"
    WITHDRAWN = "withdrawn", "Withdrawn"
    EXPIRED = "expired", "Expired"


def _annualised(field: str) -> Case:
    """SQL for the full-time annual equivalent of a pay field, whatever its period."""
    return Case(
        When(salary_period=SalaryPeriod.HOUR, then=F(field) * HOURS_PER_YEAR),
        When(salary_period=SalaryPeriod.DAY, then=F(field) * DAYS_PER_YEAR),
        default=F(field),
    )


class VacancyQuerySet(models.QuerySet):
    def live(self, *, now=None) -> VacancyQuerySet:
        """Vacancies a seeker may see: live, published, and not past their closing time.

        The time comparison is what hides a vacancy the instant it closes, whether or not the
        expiry task has run yet.
        """
        now = now or timezone.now()
        return self.filter(status=Vacancy.Status.LIVE, published_at__lte=now, closes_at__gt=now)

    def for_employer(self, employer) -> VacancyQuerySet:
        """Every vacancy of one employer, whatever its status."""
        return self.filter(employer=employer)

    def due_to_expire(self, *, now=None) -> VacancyQuerySet:
        """Live vacancies whose closing time has passed but which are not yet marked expired."""
        now = now or timezone.now()
        return self.filter(status=Vacancy.Status.LIVE, closes_at__lte=now)

    def closing_before(self, moment) -> VacancyQuerySet:
        """Vacancies whose closing time is before ``moment``."""
        return self.filter(closes_at__lt=moment)

    def public(self) -> VacancyQuerySet:
        """Vacancies that have a public page: live or once live (closed or expired)."""
        return self.filter(
            status__in=[Vacancy.Status.LIVE, Vacancy.Status.CLOSED, Vacancy.Status.EXPIRED],
            published_at__isnull=False,
        )


# The care-sector facts a vacancy carries, as the employer sets them and the API shows them
# (blank or null: not stated).
CARE_FACT_FIELDS = (
    "pay_scale",
    "pay_band",
    "pay_grade",
    "shifts",
    "overtime_offered",
    "visa_sponsorship",
    "dbs_check",
    "dbs_update_service",
    "dbs_paid_by",
    "driving",
    "mileage_paid",
    "registration",
    "welsh",
    "welsh_level",
    "may_close_early",
    "interview_date",
)


class Vacancy(models.Model):
    """A job advert. Published vacancies are never hard-deleted."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PENDING_REVIEW = "pending_review", "Pending review"
        LIVE = "live", "Live"
        CLOSED = "closed", "Closed"
        EXPIRED = "expired", "Expired"
        REJECTED = "rejected", "Rejected"

    # Foreign keys and status are indexed by the composite and partial indexes in Meta; single
    # column indexes on them only slowed every write (expiring 100k rows touched each one).
    employer = models.ForeignKey(
        "employers.Employer",
        on_delete=models.PROTECT,
        related_name="vacancies",
        db_index=False,
    )
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, allow_unicode=False, db_index=False)
    reference = models.CharField(
        max_length=REFERENCE_LENGTH, unique=True, default=new_reference, editable=False
    )
    # Empty only on a draft: publishing needs both (``listings.services.publication_problems``).
    profession = models.ForeignKey(
        Profession,
        on_delete=models.PROTECT,
        related_name="vacancies",
        db_index=False,
        null=True,
        blank=True,
    )
    description = models.TextField(
        blank=True, help_text="Markdown; limited HTML is sanitised when shown."
    )
    places = models.ManyToManyField(Place, related_name="vacancies")

    workplace = models.CharField(
        max_length=10, choices=Workplace.choices, default=Workplace.ON_SITE
    )
    contract_type = models.CharField(
        max_length=12, choices=ContractType.choices, default=ContractType.PERMANENT
    )
    working_pattern = models.CharField(
        max_length=10, choices=WorkingPattern.choices, default=WorkingPattern.FULL_TIME
    )
    hours_per_week = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)

    salary_min = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    salary_max = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    salary_period = models.CharField(
        max_length=4, choices=SalaryPeriod.choices, default=SalaryPeriod.YEAR
    )
    # Derived by the database, so bulk inserts and updates can never leave them stale.
    salary_annual_min = models.GeneratedField(
        expression=_annualised("salary_min"),
        output_field=models.DecimalField(max_digits=12, decimal_places=2),
        db_persist=True,
    )
    salary_annual_max = models.GeneratedField(
        expression=_annualised("salary_max"),
        output_field=models.DecimalField(max_digits=12, decimal_places=2),
        db_persist=True,
    )

    pay_scale = models.CharField(max_length=5, choices=PayScale.choices, blank=True)
    pay_band = models.CharField(max_length=7, choices=PayBand.choices, blank=True)
    pay_grade = models.CharField(
        max_length=60, blank=True, help_text="The grade as the employer writes it, e.g. “Grade 7”."
    )
    # A bitmask of ShiftPattern values (SHIFT_BITS): one integer filters with ``&`` and counts
    # with one conditional aggregate per pattern on PostgreSQL and SQLite alike, with no join.
    shifts = models.PositiveIntegerField(default=0)
    overtime_offered = models.BooleanField(null=True, blank=True)
    visa_sponsorship = models.CharField(max_length=3, choices=Sponsorship.choices, blank=True)
    dbs_check = models.CharField(max_length=15, choices=DbsLevel.choices, blank=True)
    dbs_update_service = models.BooleanField(null=True, blank=True)
    dbs_paid_by = models.CharField(max_length=9, choices=DbsPaidBy.choices, blank=True)
    driving = models.CharField(max_length=10, choices=Driving.choices, blank=True)
    mileage_paid = models.BooleanField(null=True, blank=True)
    registration = models.CharField(max_length=5, choices=Registration.choices, blank=True)
    welsh = models.CharField(max_length=10, choices=WelshRequirement.choices, blank=True)
    welsh_level = models.CharField(max_length=12, choices=WelshLevel.choices, blank=True)
    may_close_early = models.BooleanField(default=False)
    interview_date = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=16, choices=VacancyOutcome.choices, blank=True)

    apply_method = models.CharField(
        max_length=7, choices=ApplyMethod.choices, default=ApplyMethod.WEBSITE
    )
    apply_url = models.URLField(max_length=500, blank=True)
    apply_email = models.EmailField(blank=True)

    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    rejection_reason = models.TextField(blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    closes_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    expired_at = models.DateTimeField(null=True, blank=True)
    # When the employer was told it expired: the summary is sent once, and a run that died
    # between expiring and queueing the summary is caught up by the next one.
    expiry_notified_at = models.DateTimeField(null=True, blank=True)
    # The closing time a reminder was sent for: renewing moves closes_at, which re-arms it.
    reminder_sent_for = models.DateTimeField(null=True, blank=True)
    featured = models.BooleanField(default=False)

    view_count = models.PositiveIntegerField(default=0)
    apply_click_count = models.PositiveIntegerField(default=0)

    # Maintained on PostgreSQL by a trigger (see migration 0002); unused on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)
    # The ids of ``places``, kept on PostgreSQL by triggers for the full-text index (0025).
    place_ids = PlaceIdsField()

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    # Bumped on every edit so two members editing at once cannot silently overwrite each other.
    version = models.PositiveIntegerField(default=1)
    # The vacancy this draft was duplicated from, so the dashboard can tell the copy apart.
    copied_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = VacancyQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "vacancies"
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(
                fields=["-published_at", "-id"],
                name="vacancy_live_newest",
                condition=Q(status="live"),
            ),
            models.Index(
                fields=["closes_at"], name="vacancy_live_closing", condition=Q(status="live")
            ),
            # In the exact order of the "highest salary" sort (nulls last, newest first), so
            # the first page is read from the top of the index instead of sorting every match.
            models.Index(
                F("salary_annual_max").desc(nulls_last=True),
                F("published_at").desc(),
                F("id").desc(),
                name="vacancy_live_salary_order",
                condition=Q(status="live"),
            ),
            models.Index(fields=["employer", "status"], name="vacancy_employer_status"),
            models.Index(
                fields=["profession", "-published_at", "-id"],
                name="vacancy_live_profession",
                condition=Q(status="live"),
            ),
            # A profession's vacancies in closing order, with every column the other filters
            # and the salary sort test: a profession's page sorted by closing date or salary,
            # and its capped count, read only this index. Without it, one profession's salary
            # sort read the board's whole salary order (174,000 rows and their table pages)
            # to find its 100th match.
            models.Index(
                fields=["profession", "closes_at", "id"],
                name="vacancy_live_prof_closing",
                condition=Q(status="live"),
                include=[
                    "published_at",
                    "employer",
                    "contract_type",
                    "working_pattern",
                    "workplace",
                    "salary_annual_min",
                    "salary_annual_max",
                ],
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(salary_min__isnull=True)
                | Q(salary_max__isnull=True)
                | Q(salary_min__lte=F("salary_max")),
                name="vacancy_salary_min_lte_max",
            ),
            models.CheckConstraint(
                condition=Q(published_at__isnull=True)
                | Q(closes_at__isnull=True)
                | Q(closes_at__gt=F("published_at")),
                name="vacancy_closes_after_published",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.reference})"

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.title)[:220] or "vacancy"
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("listings:vacancy", kwargs={"reference": self.reference, "slug": self.slug})

    @staticmethod
    def apply_method_for(*, url: str, email: str) -> str:
        """The method meant by a change that gives only addresses: by email when that is all."""
        return ApplyMethod.EMAIL if email and not url else ApplyMethod.WEBSITE

    def apply_problems(self) -> dict[str, str]:
        """What is missing for candidates to apply the way ``apply_method`` says, by field.

        The one rule of how to apply: on the employer's site needs its address, by email
        needs the address, on this board needs neither (the others may stay filled in).
        """
        if self.apply_method == ApplyMethod.WEBSITE and not self.apply_url:
            return {"apply_url": "Give the web address where candidates apply."}
        if self.apply_method == ApplyMethod.EMAIL and not self.apply_email:
            return {"apply_email": "Give the email address applications go to."}
        return {}

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.apply_url and not is_web_address(self.apply_url):
            errors["apply_url"] = WEB_ADDRESS_ERROR
        if self.status != self.Status.DRAFT:  # a draft may say later; publishing checks it
            for name, problem in self.apply_problems().items():
                errors.setdefault(name, problem)
        if (
            self.salary_min is not None
            and self.salary_max is not None
            and self.salary_min > self.salary_max
        ):
            errors["salary_max"] = "The top of the salary range must not be below the bottom."
        for name in ("salary_min", "salary_max"):
            value = getattr(self, name)
            if value is not None and value < 0:
                errors[name] = "Pay cannot be negative."
        if self.published_at and self.closes_at and self.closes_at <= self.published_at:
            errors["closes_at"] = "The closing date must be after the publishing date."
        if self.hours_per_week is not None and not (0 < self.hours_per_week <= 80):
            errors["hours_per_week"] = "Hours per week must be between 0 and 80."
        if self.pay_band and self.pay_scale != PayScale.AFC:
            errors["pay_band"] = "A pay band is an Agenda for Change band: choose that pay scale."
        if self.pay_grade and self.pay_scale == PayScale.AFC:
            errors["pay_grade"] = "For Agenda for Change give the band, not a grade."
        if not 0 <= (self.shifts or 0) < (1 << len(SHIFT_BITS)):
            errors["shifts"] = "Unknown shift pattern."
        if self.welsh_level and self.welsh not in (
            WelshRequirement.DESIRABLE,
            WelshRequirement.ESSENTIAL,
        ):
            errors["welsh_level"] = (
                "A level of Welsh only applies when Welsh is desirable or essential."
            )
        if self.dbs_update_service is not None and self.dbs_check in ("", DbsLevel.NONE):
            errors["dbs_update_service"] = (
                "The Update Service only applies when a DBS check is needed."
            )
        if self.dbs_paid_by and self.dbs_check in ("", DbsLevel.NONE):
            errors["dbs_paid_by"] = "Who pays only applies when a DBS check is needed."
        if self.mileage_paid is not None and self.driving in ("", Driving.NOT_NEEDED):
            errors["mileage_paid"] = "Mileage only applies when the job involves driving."
        if errors:
            raise ValidationError(errors)

    @property
    def shift_patterns(self) -> list[str]:
        """The shift pattern values of this vacancy, in the choices' order."""
        return mask_to_shifts(self.shifts or 0)

    @shift_patterns.setter
    def shift_patterns(self, values) -> None:
        self.shifts = shifts_to_mask(values)

    @property
    def is_live(self) -> bool:
        """True while a seeker may see and apply for it."""
        now = timezone.now()
        return (
            self.status == self.Status.LIVE
            and self.published_at is not None
            and self.published_at <= now
            and self.closes_at is not None
            and self.closes_at > now
        )

    @property
    def has_closed(self) -> bool:
        """True once it was public and is no longer open to applications."""
        return (
            self.published_at is not None
            and not self.is_live
            and self.status
            in {
                self.Status.LIVE,
                self.Status.CLOSED,
                self.Status.EXPIRED,
            }
        )


class JobAlertQuerySet(models.QuerySet):
    def active(self) -> JobAlertQuerySet:
        """Confirmed, not paused and not unsubscribed: the alerts that get digests."""
        return self.filter(confirmed_at__isnull=False, paused=False, unsubscribed_at__isnull=True)

    def unconfirmed_before(self, moment) -> JobAlertQuerySet:
        """Subscriptions never confirmed and created before ``moment``: due to be dropped."""
        return self.filter(confirmed_at__isnull=True, created_at__lt=moment)


class JobAlert(models.Model):
    """A saved search emailed to a seeker; no account needed, double opt-in."""

    class Frequency(models.TextChoices):
        INSTANT = "instant", "As soon as jobs are posted"
        DAILY = "daily", "Daily"
        WEEKLY = "weekly", "Weekly"

    email = models.EmailField(db_index=True)
    # The search exactly as the search page's query string, matched with the same FilterSet.
    query = models.CharField(max_length=2000, blank=True)
    frequency = models.CharField(
        max_length=8, choices=Frequency.choices, default=Frequency.DAILY, db_index=True
    )
    # When the confirmation email went out: empty while it still has to be sent (say, because
    # the broker was down at sign-up), so the periodic task can pick it up.
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    paused = models.BooleanField(default=False)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    # High-water mark: only vacancies published after it go in the next digest.
    last_sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = JobAlertQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(
                fields=["frequency", "id"],
                name="alert_active",
                condition=Q(confirmed_at__isnull=False, paused=False, unsubscribed_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.email}: {self.query or 'all jobs'} ({self.frequency})"

    @property
    def is_active(self) -> bool:
        return self.confirmed_at is not None and not self.paused and self.unsubscribed_at is None


class TrafficSource(models.TextChoices):
    DIRECT = "direct", "Direct"
    SEARCH_ENGINE = "search_engine", "Search engine"
    ARTICLE_SITE = "article_site", "Article site"
    WIDGET = "widget", "Embedded widget"
    ALERT = "alert", "Job alert email"
    API = "api", "API client"
    OTHER = "other", "Other website"


class VacancyTraffic(models.Model):
    """The funnel of one vacancy on one day from one kind of source: views, apply clicks,
    applications made on the board and hires among them.

    One row per (vacancy, day, source), incremented with an atomic upsert
    (``listings.traffic``), so the dashboard can say where applicants came from without a row
    per request or a count over the applications. ``applications`` and ``hires`` are kept by
    the applications app's services, against the day and source of each submission; they are
    anonymous totals, kept when retention or an account's deletion removes the applications.
    """

    vacancy = models.ForeignKey(Vacancy, on_delete=models.CASCADE, related_name="traffic")
    day = models.DateField()
    source = models.CharField(max_length=16, choices=TrafficSource.choices)
    views = models.PositiveIntegerField(default=0)
    apply_clicks = models.PositiveIntegerField(default=0)
    # A default in the database too: an INSERT naming only the older columns (a process still
    # running the previous release during a deploy) stays valid.
    applications = models.PositiveIntegerField(default=0, db_default=0)
    hires = models.PositiveIntegerField(default=0, db_default=0)

    class Meta:
        verbose_name_plural = "vacancy traffic"
        constraints = [
            models.UniqueConstraint(
                fields=["vacancy", "day", "source"], name="vacancy_traffic_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.vacancy_id} {self.day} {self.source}"


class ModerationDecision(models.Model):
    """Who moderated what, when, and why: the audit trail of staff review."""

    class Action(models.TextChoices):
        APPROVE = "approve", "Approved vacancy"
        REJECT = "reject", "Rejected vacancy"
        VERIFY = "verify", "Verified employer"
        UNVERIFY = "unverify", "Withdrew employer verification"

    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    action = models.CharField(max_length=10, choices=Action.choices)
    vacancy = models.ForeignKey(
        Vacancy, on_delete=models.CASCADE, null=True, blank=True, related_name="moderation"
    )
    employer = models.ForeignKey(
        "employers.Employer", on_delete=models.CASCADE, related_name="moderation"
    )
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return (
            f"{self.get_action_display()} by {self.moderator} at {self.created_at:%Y-%m-%d %H:%M}"
        )


# What an unverified employer's change to a public vacancy holds back for staff review: the
# words seekers read and where the advert is shown. Every other field (pay, hours, contract,
# pattern, dates, the care-sector facts) is a fact that applies at once.
# How candidates apply is wording too: a new address (or a switch to one) is reviewed.
REVIEWED_FIELDS = (
    "title",
    "profession",
    "description",
    "apply_method",
    "apply_url",
    "apply_email",
)


class VacancyRevision(models.Model):
    """New wording for a public vacancy, waiting for staff review beside the approved version.

    Seekers keep seeing the vacancy as approved; approving copies these fields (and places)
    onto it, rejecting deletes the revision. One per vacancy: a later edit replaces it.
    """

    vacancy = models.OneToOneField(
        Vacancy, on_delete=models.CASCADE, related_name="pending_revision"
    )
    title = models.CharField(max_length=200)
    profession = models.ForeignKey(
        Profession, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    description = models.TextField(blank=True)
    apply_method = models.CharField(
        max_length=7, choices=ApplyMethod.choices, default=ApplyMethod.WEBSITE
    )
    apply_url = models.URLField(max_length=500, blank=True)
    apply_email = models.EmailField(blank=True)
    places = models.ManyToManyField(Place, related_name="+")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"New wording for {self.vacancy_id}"


class VacancyForReview(Vacancy):
    """The staff moderation queue in the admin: new vacancies and changes waiting for review."""

    class Meta:
        proxy = True
        verbose_name = "vacancy waiting for review"
        verbose_name_plural = "vacancies waiting for review"


class SearchPhrase(models.Model):
    """A multi-word phrase of the care-sector vocabulary as a lexeme of its own: the trigger
    writes ``token`` into the search vector of each live vacancy ``query`` matches, and the
    keyword filter asks for the token (an exact GIN lookup) instead of the phrase
    (``listings.search.phrases``; PostgreSQL only, empty on SQLite). ``forms``: the spellings,
    one a line, that stand for it; ``retired_at``: when the vocabulary dropped it."""

    token = models.CharField(max_length=16, primary_key=True)
    query = models.TextField()
    forms = models.TextField()
    retired_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.forms.split("\n", 1)[0]


class SearchWord(models.Model):
    """A word seekers may mean: the words of live vacancies and of the care-sector vocabulary,
    with how many live vacancies use each. "Did you mean …?" suggests the nearest one for a
    misspelt keyword (``listings.search.suggest``); the beat refreshes the table."""

    word = models.CharField(max_length=40, primary_key=True)
    vacancies = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return self.word
