"""The employer's team's forms: they parse; the services decide. The candidate's forms are
in ``candidate_forms``."""

from __future__ import annotations

from django import forms

from applications.emails import MessageDetails
from applications.models import MAX_SCREENING_QUESTIONS, ScreeningQuestion
from applications.selectors import SORT_LABELS, TEAM_VIEW_STATUSES, ApplicationFilters
from applications.services import (
    CANCEL_NOTE_MAX_LENGTH,
    MAX_BULK,
    MAX_SLOTS_AT_ONCE,
    NOTE_MAX_LENGTH,
    TEAM_STATUSES,
)
from listings.models import TrafficSource

TEAM_STATUS_CHOICES = [(s.value, s.label) for s in TEAM_STATUSES]


class ScreeningQuestionForm(forms.Form):
    text = forms.CharField(label="Question", max_length=300, required=False)
    kind = forms.ChoiceField(
        label="Answer",
        choices=ScreeningQuestion.Kind.choices,
        initial=ScreeningQuestion.Kind.YES_NO,
    )
    must_be_yes = forms.BooleanField(
        label="Candidates must answer yes (shown to them before they apply)", required=False
    )


class BaseScreeningQuestionFormSet(forms.BaseFormSet):
    def questions(self) -> list[dict]:
        """The questions written, in order; blank rows are left out."""
        return [
            form.cleaned_data for form in self.forms if form.cleaned_data.get("text", "").strip()
        ]


ScreeningQuestionFormSet = forms.formset_factory(
    ScreeningQuestionForm,
    formset=BaseScreeningQuestionFormSet,
    extra=0,
    min_num=MAX_SCREENING_QUESTIONS,
    max_num=MAX_SCREENING_QUESTIONS,
    validate_max=True,
    absolute_max=MAX_SCREENING_QUESTIONS,
)


class ApplicationFilterForm(forms.Form):
    """The list's filters; an unknown value is a field error, and that filter is left off."""

    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Any status"), *((s.value, s.label) for s in TEAM_VIEW_STATUSES)],
    )
    screening = forms.ChoiceField(
        label="Screening",
        required=False,
        choices=[("", "Any"), ("passed", "Passed"), ("failed", "Did not pass")],
    )
    rating = forms.ChoiceField(
        label="Rating",
        required=False,
        choices=[
            ("", "Any"),
            *((str(n), f"{n} or more" if n < 5 else "5") for n in range(5, 0, -1)),
            ("none", "Not rated"),
        ],
    )
    source = forms.ChoiceField(
        label="Came from", required=False, choices=[("", "Anywhere"), *TrafficSource.choices]
    )
    q = forms.CharField(label="Name or email", required=False, max_length=100)
    sort = forms.ChoiceField(label="Sort", required=False, choices=list(SORT_LABELS.items()))

    def filters(self) -> ApplicationFilters:
        """The valid filters (an invalid one is dropped, its error shown)."""
        data = {}
        if self.is_bound:
            self.is_valid()
            data = {k: v for k, v in self.cleaned_data.items() if k not in self.errors}
        return ApplicationFilters(
            status=data.get("status") or "",
            screening=data.get("screening") or "",
            rating=data.get("rating") or "",
            source=data.get("source") or "",
            q=data.get("q") or "",
            sort=data.get("sort") or "newest",
        )


class IdListField(forms.Field):
    """Ticked application ids: whole numbers; the service checks they are this vacancy's."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "required": "Tick at least one application.",
        "invalid": "Those are not applications.",
    }

    def to_python(self, value) -> list[int]:
        values = value if isinstance(value, list | tuple) else ([value] if value else [])
        ids = []
        for item in values:
            text = str(item).strip()
            if not text.isdigit() or len(text) > 18:
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
            ids.append(int(text))
        if len(ids) > MAX_BULK:
            raise forms.ValidationError(f"Change at most {MAX_BULK} applications at once.")
        return ids

    def validate(self, value) -> None:
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")


class BulkStatusForm(forms.Form):
    ids = IdListField(label="Applications")
    status = forms.ChoiceField(label="Move the ticked applications to", choices=TEAM_STATUS_CHOICES)


class StatusForm(forms.Form):
    status = forms.ChoiceField(label="Status", choices=TEAM_STATUS_CHOICES)


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label="Rating",
        coerce=int,
        empty_value=None,
        required=False,
        choices=[("", "Not rated"), *((str(n), str(n)) for n in range(1, 6))],
    )


class NoteForm(forms.Form):
    body = forms.CharField(
        label="Add a note for your team",
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The candidate never sees notes.",
    )


PICK_CHOICES = [
    ("fixed", "Give a day and time"),
    ("slots", "Let the candidate pick one of your free interview times"),
]


class MessageForm(forms.Form):
    """A templated email to the candidate; the interview fields are for an invitation."""

    pick = forms.ChoiceField(
        label="When is the interview?",
        choices=PICK_CHOICES,
        initial="fixed",
        required=False,  # a day and time, as before there were interview slots
        widget=forms.RadioSelect,
    )
    interview_on = forms.DateField(
        label="Day", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    interview_at = forms.TimeField(
        label="Time", required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    place = forms.CharField(
        label="Address", required=False, max_length=300, help_text="Where to come."
    )
    video_link = forms.CharField(
        label="Or a video call link",
        required=False,
        max_length=500,
        widget=forms.URLInput(),
    )
    note = forms.CharField(
        label="Anything to add (optional)",
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        if kind != "invite":
            for name in ("pick", "interview_on", "interview_at", "place", "video_link"):
                del self.fields[name]

    def details(self) -> MessageDetails:
        data = self.cleaned_data
        if data.get("pick") == "slots":
            return MessageDetails(note=data.get("note") or "", pick=True)
        return MessageDetails(
            note=data.get("note") or "",
            interview_on=data.get("interview_on"),
            interview_at=data.get("interview_at"),
            place=data.get("place") or "",
            video_link=data.get("video_link") or "",
        )


SLOT_LENGTHS = [(m, f"{m} minutes") for m in (15, 20, 30, 45)] + [
    (60, "1 hour"),
    (90, "1 hour 30 minutes"),
    (120, "2 hours"),
]
SLOT_GAPS = [(0, "No break")] + [(m, f"{m} minutes") for m in (5, 10, 15, 30)]


class InterviewSlotsForm(forms.Form):
    """Several interview times at once: the first one, how long each is, how many follow."""

    day = forms.DateField(label="Day", widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(
        label="Time of the first interview", widget=forms.TimeInput(attrs={"type": "time"})
    )
    minutes = forms.TypedChoiceField(
        label="Each interview lasts", coerce=int, choices=SLOT_LENGTHS, initial=30
    )
    count = forms.TypedChoiceField(
        label="How many interviews, one after another",
        coerce=int,
        choices=[(n, str(n)) for n in range(1, MAX_SLOTS_AT_ONCE + 1)],
        initial=1,
    )
    gap = forms.TypedChoiceField(
        label="Break between interviews", coerce=int, choices=SLOT_GAPS, initial=0
    )
    place = forms.CharField(
        label="Address", required=False, max_length=300, help_text="Where candidates come."
    )
    video_link = forms.CharField(
        label="Or a video call link", required=False, max_length=300, widget=forms.URLInput()
    )


class BookingCancelForm(forms.Form):
    """Cancel the interview time a candidate chose, with a message to them if wanted."""

    note = forms.CharField(
        label="Message to the candidate (optional)",
        required=False,
        max_length=CANCEL_NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class WebhookForm(forms.Form):
    url = forms.URLField(
        label="Web address to call",
        max_length=500,
        assume_scheme="https",
        help_text="We POST each new application there, signed with your secret.",
    )
    is_active = forms.BooleanField(label="Send new applications", required=False, initial=True)
