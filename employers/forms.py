"""Forms for sign-up, sign-in, the vacancy editor, the profile and the team.

Forms parse and check what a person typed; the services in ``employers.services`` and
``listings.services`` decide whether the change is allowed and make it.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils import timezone

from common.forms import https_urls
from common.throttling import client_ip
from employers import throttling
from employers.models import Employer, Membership, Region, Sector
from employers.uploads import LOGO_MAX_BYTES, process_logo
from listings.forms import NotStatedSelect, ShiftPatternsField
from listings.models import REVIEWED_FIELDS, Place, Vacancy, VacancyOutcome, VacancyRevision
from listings.search import nearest_place, place_matches, postcode_origin
from listings.services import (
    CLOSING_OUTCOMES,
    EDITABLE_FIELDS,
    closing_date_problem,
    latest_closing_day,
)

MAX_PLACES = 10


# --- Places typed as text -----------------------------------------------------------------


def place_display(place: Place) -> str:
    """How a place is written back into the text field: its name, plus county if needed."""
    if place.county and Place.objects.filter(name__iexact=place.name).count() > 1:
        return f"{place.name} ({place.county})"
    return place.name


def resolve_place(text: str) -> Place:
    """Find one gazetteer place from a name, a slug, "Name, County" or "Name (County)".

    The search's own place lookup (``listings.search.place_matches``); where a name is
    shared, the employer is asked which one they mean rather than given the first.
    """
    text = " ".join(text.split())
    if not text:
        raise ValidationError("Enter a place name.")
    postcode = postcode_origin(text)
    if postcode is not None:
        # A postcode places the vacancy at its nearest gazetteer town (a vacancy keeps
        # towns, not points: see docs/linking.md).
        town = nearest_place(postcode.origin) if postcode.origin is not None else None
        if town is None:
            raise ValidationError(postcode.notice or f"We could not find the postcode {text}.")
        return town
    matches = place_matches(text)
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        options = "; ".join(
            f"{p.name} ({p.county})" for p in sorted(matches, key=lambda p: p.county)[:10]
        )
        raise ValidationError(f"There is more than one {text}. Write one of: {options}.")
    suggestions = list(
        Place.objects.matching_prefix(text[:3]).values_list("name", flat=True).distinct()[:5]
    )
    hint = f" Did you mean {', '.join(suggestions)}?" if suggestions else ""
    raise ValidationError(f"We could not find a place called “{text}”.{hint}")


class PlacesField(forms.CharField):
    """Several places written as text, separated by commas or semicolons."""

    def __init__(self, *, max_places: int = MAX_PLACES, **kwargs):
        self.max_places = max_places
        kwargs.setdefault("max_length", 1000)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(place_display(p) if isinstance(p, Place) else str(p) for p in value)
        return value

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return []
        parts = [p for p in re.split(r"[,;\n]+", text) if p.strip()]
        if len(parts) > self.max_places:
            raise ValidationError(f"Choose at most {self.max_places} places.")
        places, errors = [], []
        for part in parts:
            try:
                place = resolve_place(part)
            except ValidationError as exc:
                errors.extend(exc.messages)
                continue
            if place not in places:
                places.append(place)
        if errors:
            raise ValidationError(errors)
        return places


class PlaceField(PlacesField):
    """One place written as text."""

    def __init__(self, **kwargs):
        super().__init__(max_places=1, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, Place):
            return place_display(value)
        if isinstance(value, int):
            place = Place.objects.filter(pk=value).first()
            return place_display(place) if place else ""
        return value

    def clean(self, value):
        places = super().clean(value)
        return places[0] if places else None


# --- Accounts -----------------------------------------------------------------------------


class ThrottledAuthenticationForm(AuthenticationForm):
    """Sign-in by email with failures counted per account and address together, and per address.

    A blocked attempt is refused before the password is even checked, so guessing gets no
    answer at all while the lock lasts.
    """

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "The email address or password is not right.",
        "throttled": (
            "Too many failed attempts to sign in. For your security, wait %(minutes)d "
            "minutes and try again, or reset your password."
        ),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = "Email address"
        self.fields["username"].widget = forms.EmailInput(
            attrs={"autofocus": True, "autocomplete": "email", "maxlength": 254}
        )

    def clean_username(self):
        return (self.cleaned_data.get("username") or "").strip().lower()

    def clean(self):
        email = self.cleaned_data.get("username") or ""
        ip = client_ip(self.request) if self.request else "unknown"
        pair = f"{email}|{ip}" if email else ""
        for throttle, ident in (
            (throttling.LOGIN_PER_ACCOUNT_AND_IP, pair),
            (throttling.LOGIN_PER_IP, ip),
        ):
            if ident and throttle.is_blocked(ident):
                raise ValidationError(
                    self.error_messages["throttled"],
                    code="throttled",
                    params={"minutes": throttle.minutes},
                )
        try:
            cleaned = super().clean()
        except ValidationError as exc:
            if exc.code == "invalid_login":
                if pair:
                    throttling.LOGIN_PER_ACCOUNT_AND_IP.hit(pair)
                throttling.LOGIN_PER_IP.hit(ip)
            raise
        if pair:
            throttling.LOGIN_PER_ACCOUNT_AND_IP.reset(pair)
        return cleaned


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's reset form, but the email goes through the worker and floods are dropped.

    The page always says the same thing whether or not an account exists or a limit was
    reached, so it reveals nothing about who has an account.
    """

    def save(self, *args, request=None, **kwargs):
        """Queue one task for the address, account or not: the worker looks for the account,
        so the request does the same work (and takes as long) either way."""
        from employers.tasks import send_password_reset_to_address
        from outbox.services import enqueue

        email = (self.cleaned_data.get("email") or "").strip().lower()
        ip = client_ip(request) if request is not None else "unknown"
        blocked = throttling.RESET_PER_EMAIL.is_blocked(
            email
        ) or throttling.RESET_PER_IP.is_blocked(ip)
        throttling.RESET_PER_EMAIL.hit(email)
        throttling.RESET_PER_IP.hit(ip)
        if not blocked:
            enqueue(send_password_reset_to_address, email)


class SignUpForm(forms.Form):
    first_name = forms.CharField(label="First name", max_length=150)
    last_name = forms.CharField(label="Last name", max_length=150)
    email = forms.EmailField(
        label="Work email address",
        max_length=254,
        help_text="We will send a link to confirm it before anything you post is published.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        help_text="At least 8 characters; not a common password and not all numbers.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    employer_name = forms.CharField(label="Organisation name", max_length=200)
    sector = forms.ChoiceField(label="Sector", choices=[("", "Choose a sector"), *Sector.choices])
    region = forms.ChoiceField(label="Region", choices=[("", "Choose a region"), *Region.choices])
    town = PlaceField(
        label="Town or city (optional)", required=False, widget=forms.TextInput(), max_length=160
    )

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        cleaned = super().clean()
        password = cleaned.get("password")
        if password:
            from employers.models import User

            probe = User(
                email=cleaned.get("email", ""),
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
            )
            try:
                password_validation.validate_password(password, probe)
            except ValidationError as exc:
                self.add_error("password", exc)
        return cleaned


class AcceptInvitationForm(forms.Form):
    """For an invited colleague without an account: their name and a password."""

    first_name = forms.CharField(label="First name", max_length=150)
    last_name = forms.CharField(label="Last name", max_length=150)
    password = forms.CharField(
        label="Choose a password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str, **kwargs):
        self.email = email
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        password = cleaned.get("password")
        if password:
            from employers.models import User

            probe = User(email=self.email, first_name=cleaned.get("first_name", ""))
            try:
                password_validation.validate_password(password, probe)
            except ValidationError as exc:
                self.add_error("password", exc)
        return cleaned


# --- Vacancies ----------------------------------------------------------------------------


def closing_moment(day: date) -> datetime:
    """A closing date means the end of that day, UK time."""
    return timezone.make_aware(datetime.combine(day, time(23, 59)))


class ClosingDateField(forms.DateField):
    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d %m %Y"])
        super().__init__(**kwargs)


def check_closing_day(day: date | None, *, now: datetime) -> datetime:
    """The closing moment of ``day``, if the listings' closing-date rule allows it."""
    if day is None:
        raise ValidationError("Enter a closing date.")
    moment = closing_moment(day)
    problem = closing_date_problem(moment, now=now)
    if problem is not None:
        raise ValidationError(problem)
    return moment


MODEL_RULE_FIELDS = (
    "salary_min",
    "salary_max",
    "hours_per_week",
    "pay_scale",
    "pay_band",
    "pay_grade",
    "shifts",
    "welsh",
    "welsh_level",
    "dbs_check",
    "dbs_update_service",
    "dbs_paid_by",
    "driving",
    "mileage_paid",
)
APPLY_FIELDS = ("apply_method", "apply_url", "apply_email")
DESCRIPTION_MAX_LENGTH = 20_000
ABOUT_MAX_LENGTH = 10_000


def limit_length(field: forms.CharField, limit: int) -> None:
    """Cap a text field the model leaves unbounded, in the browser and on the server."""
    field.max_length = limit
    field.validators.append(MaxLengthValidator(limit))
    field.widget.attrs["maxlength"] = str(limit)


# Choice facts whose empty option means the advert does not say.
NOT_STATED_CHOICES = (
    "pay_scale",
    "pay_band",
    "visa_sponsorship",
    "dbs_check",
    "dbs_paid_by",
    "driving",
    "registration",
    "welsh",
    "welsh_level",
)


SPONSORSHIP_HELP = (
    "Say “available” only if your organisation holds a Home Office sponsor licence for "
    "Skilled Workers and will assign a Certificate of Sponsorship for this job to a suitable "
    "candidate who needs one. Care worker and senior care worker jobs cannot be sponsored for "
    "people applying from outside the UK (since 22 July 2025); people already in the UK on a "
    "sponsored visa may still be able to switch to them. Candidates see this as your "
    "statement: the board does not check licences, eligibility or salary thresholds."
)


class VacancyForm(forms.ModelForm):
    """Everything an employer writes in an advert, checked before anything is saved."""

    service_error_fields = {"closes_at": "closes_on"}

    places = PlacesField(
        label="Places",
        help_text=(
            "Towns or cities, separated by commas, for example: Leeds, Bradford. Where a "
            "name is shared, add the county in brackets: Newport (Pembrokeshire)."
        ),
        widget=forms.TextInput(attrs={"list": "place-options", "autocomplete": "off"}),
    )
    closes_on = ClosingDateField(
        label="Closing date", help_text="Applications close at 23:59 UK time on this day."
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    shifts = ShiftPatternsField(label="Shift patterns", help_text="Tick all that apply.")

    class Meta:
        model = Vacancy
        formfield_callback = https_urls
        # What the services let an employer set; the closing date is the day field above.
        fields = [name for name in EDITABLE_FIELDS if name != "closes_at"]
        labels = {
            "title": "Job title",
            "description": "Job description",
            "hours_per_week": "Hours per week (optional)",
            "salary_min": "Salary from (£)",
            "salary_max": "Salary to (£)",
            "salary_period": "Paid",
            "apply_method": "Where candidates apply",
            "apply_url": "Apply on your website (web address)",
            "apply_email": "Apply by email (address)",
            "pay_scale": "Pay scale",
            "pay_band": "Agenda for Change band",
            "pay_grade": "Grade (NJC or local scale)",
            "overtime_offered": "Overtime or extra bank shifts offered",
            "visa_sponsorship": "Skilled Worker visa sponsorship",
            "dbs_check": "DBS check",
            "dbs_update_service": "DBS Update Service accepted",
            "dbs_paid_by": "Who pays for the DBS check",
            "driving": "Driving",
            "mileage_paid": "Mileage paid",
            "registration": "Professional registration required",
            "welsh": "Welsh language",
            "welsh_level": "Level of Welsh",
            "may_close_early": "May close early when enough applications are received",
            "interview_date": "Interview date (optional)",
        }
        help_texts = {
            "pay_band": "Only for Agenda for Change (NHS) pay.",
            "pay_grade": "As your pay scale names it, for example “Grade 7” or “SCP 23-28”.",
            "visa_sponsorship": SPONSORSHIP_HELP,
            "dbs_update_service": "Candidates already on the Update Service need no new check.",
            "registration": "The register a candidate must be on, or be able to join.",
            "welsh_level": "Only when Welsh is desirable or essential.",
            "may_close_early": "Seekers are told to apply early.",
            "description": "Markdown: ## for headings, - for lists, **bold**. Links are kept; "
            "scripts and styling are removed.",
            "apply_url": "Needed when candidates apply on your website.",
            "apply_email": "Needed when candidates apply by email.",
            "apply_method": "On this job board, candidates fill in a short form and you work "
            "through their applications here.",
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 14}),
            "salary_min": forms.NumberInput(attrs={"min": 0, "step": "0.01"}),
            "salary_max": forms.NumberInput(attrs={"min": 0, "step": "0.01"}),
            "hours_per_week": forms.NumberInput(attrs={"min": 0, "max": 80, "step": "0.5"}),
            "overtime_offered": NotStatedSelect,
            "dbs_update_service": NotStatedSelect,
            "mileage_paid": NotStatedSelect,
            "interview_date": forms.DateInput(attrs={"type": "date"}),
            "apply_method": forms.RadioSelect,
        }

    field_order = [
        "title",
        "profession",
        "places",
        "description",
        "workplace",
        "contract_type",
        "working_pattern",
        "hours_per_week",
        "salary_min",
        "salary_max",
        "salary_period",
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
        "closes_on",
        "may_close_early",
        "interview_date",
        "apply_method",
        "apply_url",
        "apply_email",
    ]

    def __init__(self, *args, now: datetime | None = None, draft: bool = False, **kwargs):
        """``draft``: saving a draft, which needs only a title (publishing checks the rest)."""
        self.now = now or timezone.now()
        self.draft = draft
        super().__init__(*args, **kwargs)
        instance = self.instance
        if instance.pk:
            self.initial.setdefault("places", list(instance.places.all()))
            self.initial.setdefault("version", instance.version)
            if instance.closes_at and instance.closes_at > self.now:
                self.initial.setdefault("closes_on", timezone.localtime(instance.closes_at).date())
            revision = VacancyRevision.objects.filter(vacancy_id=instance.pk).first()
            if revision is not None:
                # The employer goes on from the wording they wrote, waiting for review.
                for name in REVIEWED_FIELDS:
                    self.initial[name] = getattr(revision, name)
                self.initial["places"] = list(revision.places.all())
        if draft:
            for name, field in self.fields.items():
                field.required = name == "title"
        else:
            for name in ("profession", "description"):
                self.fields[name].required = True
        limit_length(self.fields["description"], DESCRIPTION_MAX_LENGTH)
        self.fields["profession"].empty_label = "Choose a profession"
        self.fields["apply_method"].required = False  # older clients send only the addresses
        for name in NOT_STATED_CHOICES:
            field = self.fields[name]
            field.choices = [("", "Not stated"), *(c for c in field.choices if c[0] != "")]
        self.fields["closes_on"].widget.attrs.update(
            {"min": timezone.localdate(self.now).isoformat(), "max": latest_closing_day(self.now)}
        )

    def clean(self):
        cleaned = super().clean()
        day = cleaned.get("closes_on")
        if self.draft and day is None and "closes_on" not in self.errors:
            cleaned["closes_at"] = None
        elif "closes_on" not in self.errors:
            try:
                cleaned["closes_at"] = check_closing_day(day, now=self.now)
            except ValidationError as exc:
                self.add_error("closes_on", exc)
        # The model's own rules (pay range, hours), checked here so every problem shows at once.
        probe = Vacancy(**{name: cleaned.get(name) for name in MODEL_RULE_FIELDS})
        try:
            probe.clean()
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                if name in self.fields and name not in self.errors:
                    for message in messages:
                        self.add_error(name, message)
        interview = cleaned.get("interview_date")
        if (
            interview
            and "interview_date" in self.changed_data
            and interview < timezone.localdate(self.now)
        ):
            self.add_error("interview_date", "The interview date must not be in the past.")
        if not cleaned.get("apply_method"):
            cleaned["apply_method"] = Vacancy.apply_method_for(
                url=cleaned.get("apply_url"), email=cleaned.get("apply_email")
            )
        if self.draft:
            return cleaned  # the rest is checked when it is published
        how = Vacancy(**{name: cleaned.get(name) or "" for name in APPLY_FIELDS})
        for name, problem in how.apply_problems().items():
            if not set(APPLY_FIELDS) & set(self.errors):
                self.add_error(name, problem)
        if "places" not in self.errors and not cleaned.get("places"):
            self.add_error("places", "Choose at least one place.")
        return cleaned

    def _post_clean(self):
        # The model's own checks run in the service (full_clean) where the whole change is
        # known; running them here on a half-built instance would duplicate messages.
        pass

    def service_fields(self) -> dict:
        """The cleaned values in the shape ``vacancy_create``/``vacancy_update`` take."""
        data = {name: self.cleaned_data.get(name) for name in self.Meta.fields}
        for name in ("apply_url", "apply_email", "description", "title"):
            data[name] = data[name] or ""
        data["shifts"] = data["shifts"] or 0
        if self.draft:
            # A choice a draft left unanswered takes the model's default, as a new one would.
            for name, value in data.items():
                field = Vacancy._meta.get_field(name)
                if value in (None, "") and field.has_default():
                    data[name] = field.get_default()
        data["closes_at"] = self.cleaned_data.get("closes_at")
        return data


class CloseForm(forms.Form):
    """How a vacancy an employer closes ended, for their statistics."""

    outcome = forms.ChoiceField(
        label="Why are you closing it?",
        choices=[(value, VacancyOutcome(value).label) for value in CLOSING_OUTCOMES],
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether it was filled or withdrawn."},
    )


# How far a renewal moves the closing date unless the employer picks another day.
RENEW_BY_DAYS = 28


class RenewForm(forms.Form):
    service_error_fields = {"closes_at": "closes_on"}

    closes_on = ClosingDateField(
        label="New closing date", help_text="Applications close at 23:59 UK time on this day."
    )

    def __init__(self, *args, now: datetime | None = None, current=None, **kwargs):
        """``current``: the closing time now, which a suggested date follows."""
        self.now = now or timezone.now()
        super().__init__(*args, **kwargs)
        start = max(self.now, current) if current else self.now
        suggested = min(
            timezone.localdate(start + timedelta(days=RENEW_BY_DAYS)), latest_closing_day(self.now)
        )
        self.initial.setdefault("closes_on", suggested)
        self.fields["closes_on"].widget.attrs.update(
            {"min": timezone.localdate(self.now).isoformat(), "max": latest_closing_day(self.now)}
        )

    def clean_closes_on(self):
        return check_closing_day(self.cleaned_data.get("closes_on"), now=self.now)


# --- Profile and team ---------------------------------------------------------------------


class EmployerProfileForm(forms.ModelForm):
    town = PlaceField(label="Town or city", required=False, widget=forms.TextInput())
    logo_upload = forms.FileField(
        label="Logo",
        required=False,
        help_text=f"PNG, JPEG, GIF or WebP, up to {LOGO_MAX_BYTES // (1024 * 1024)} MB. "
        "We resize it to fit a square.",
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/png,image/jpeg,image/gif,image/webp"}
        ),
    )
    remove_logo = forms.BooleanField(label="Remove the current logo", required=False)

    class Meta:
        model = Employer
        formfield_callback = https_urls
        fields = ["name", "sector", "region", "website", "about"]
        labels = {"name": "Organisation name", "about": "About you", "website": "Website"}
        help_texts = {
            "about": "What seekers should know about working with you. Leave a blank line "
            "between paragraphs; start a line with - for a list; put **two stars** around "
            "words for bold. Web links are kept.",
            "website": "For example www.example.org.",
        }
        widgets = {"about": forms.Textarea(attrs={"rows": 10})}

    field_order = ["name", "sector", "region", "town", "website", "about", "logo_upload"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_length(self.fields["about"], ABOUT_MAX_LENGTH)
        self.fields["sector"].choices = [("", "Choose a sector"), *Sector.choices]
        self.fields["region"].choices = [("", "Choose a region"), *Region.choices]
        self.initial.setdefault("town", self.instance.town)
        if not self.instance.logo:
            del self.fields["remove_logo"]

    def clean_logo_upload(self):
        upload = self.cleaned_data.get("logo_upload")
        if not upload:
            return None
        return process_logo(upload)

    def _post_clean(self):
        # Validated in the service with the complete change.
        pass

    def service_fields(self) -> dict:
        data = {name: self.cleaned_data.get(name) for name in self.Meta.fields}
        data["about"] = data["about"] or ""
        data["website"] = data["website"] or ""
        data["town"] = self.cleaned_data.get("town")
        return data


class InviteForm(forms.Form):
    email = forms.EmailField(label="Colleague's email address", max_length=254)
    role = forms.ChoiceField(
        label="Role",
        choices=Membership.Role.choices,
        initial=Membership.Role.RECRUITER,
        help_text="Recruiters post and manage vacancies. Owners can also edit the profile and "
        "manage the team.",
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label="Role", choices=Membership.Role.choices)


class SwitchEmployerForm(forms.Form):
    employer = forms.IntegerField(min_value=1)
