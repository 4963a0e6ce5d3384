"""Employers, the people who act for them, and invitations to join them."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from common.validators import WEB_ADDRESS_ERROR, is_web_address


class UserManager(BaseUserManager):
    """Users sign in with their email address; it is stored lower-cased so it is unique."""

    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("email_verified_at", timezone.now())
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person who signs in: an employer's member or a member of staff."""

    username = None
    email = models.EmailField("email address", unique=True)
    email_verified_at = models.DateTimeField(null=True, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    def __str__(self) -> str:
        return self.email

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None


class Sector(models.TextChoices):
    NHS = "nhs", "NHS"
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    INDEPENDENT = "independent", "Independent care provider"
    CHARITY = "charity", "Charity and voluntary"
    PRIVATE_HEALTHCARE = "private_healthcare", "Private healthcare"
    AGENCY = "agency", "Recruitment agency"


class Region(models.TextChoices):
    NORTH_EAST = "north_east", "North East"
    NORTH_WEST = "north_west", "North West"
    YORKSHIRE = "yorkshire", "Yorkshire and the Humber"
    EAST_MIDLANDS = "east_midlands", "East Midlands"
    WEST_MIDLANDS = "west_midlands", "West Midlands"
    EAST = "east", "East of England"
    LONDON = "london", "London"
    SOUTH_EAST = "south_east", "South East"
    SOUTH_WEST = "south_west", "South West"
    WALES = "wales", "Wales"
    SCOTLAND = "scotland", "Scotland"
    NORTHERN_IRELAND = "northern_ireland", "Northern Ireland"


REGION_NATION = {
    Region.WALES: "Wales",
    Region.SCOTLAND: "Scotland",
    Region.NORTHERN_IRELAND: "Northern Ireland",
}


def logo_upload_to(instance: Employer, filename: str) -> str:
    """Store logos under a name we choose, never the uploader's."""
    return f"logos/{instance.slug or 'employer'}-{timezone.now():%Y%m%d%H%M%S}.png"


class EmployerQuerySet(models.QuerySet):
    def active(self) -> EmployerQuerySet:
        """Employers that have not been closed: their profile pages answer."""
        return self.filter(is_active=True)

    def listed(self) -> EmployerQuerySet:
        """Employers the public directory lists (HTML, API, sitemap): active, and verified by
        staff or with a live vacancy, so a new sign-up is not advertised before either."""
        return self.active().filter(Q(verified=True) | Q(live_vacancy_count__gt=0))

    def needing_review(self) -> EmployerQuerySet:
        """Unverified employers, oldest first: the staff moderation queue."""
        return self.filter(verified=False, is_active=True).order_by("created_at")


class Employer(models.Model):
    """An organisation that advertises vacancies: NHS trust, council, provider or charity."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    sector = models.CharField(max_length=20, choices=Sector.choices, db_index=True)
    about = models.TextField(blank=True, help_text="Markdown; limited HTML is sanitised.")
    website = models.URLField(blank=True)
    logo = models.ImageField(upload_to=logo_upload_to, blank=True)
    region = models.CharField(max_length=20, choices=Region.choices, db_index=True)
    town = models.ForeignKey(
        "listings.Place", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    verified = models.BooleanField(
        default=False, help_text="Verified employers publish without review."
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    is_active = models.BooleanField(default=True)
    # Kept by listings.services.employers_live_counts_refresh whenever a vacancy of this
    # employer joins or leaves the live set, and for every employer after each expiry run:
    # counting a million vacancies per directory page took two seconds.
    live_vacancy_count = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EmployerQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [
            # The directory's default order: a page is read from the index, not sorted.
            models.Index(fields=["name", "id"], name="employer_name_order"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name)[:220] or "employer"
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("employers:detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        if self.website and not is_web_address(self.website):
            raise ValidationError({"website": WEB_ADDRESS_ERROR})

    @property
    def is_listed(self) -> bool:
        """Whether the directory lists it (``EmployerQuerySet.listed``); otherwise its profile
        answers but asks search engines not to index it."""
        return self.is_active and (self.verified or self.live_vacancy_count > 0)

    @property
    def nation(self) -> str:
        return REGION_NATION.get(self.region, "England")


class Membership(models.Model):
    """A user acting for an employer; owners also manage the team and the profile."""

    class Role(models.TextChoices):
        OWNER = "owner", "Owner"
        RECRUITER = "recruiter", "Recruiter"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.RECRUITER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "employer"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} at {self.employer} ({self.role})"

    @property
    def is_owner(self) -> bool:
        return self.role == self.Role.OWNER


class Invitation(models.Model):
    """An emailed invitation to join an employer; the link carries a signed, expiring token."""

    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(
        max_length=10, choices=Membership.Role.choices, default=Membership.Role.RECRUITER
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.email} to {self.employer}"

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None
