"""The candidate's forms (details and screening answers, the CV and statement, equality
monitoring: short, phone-friendly, each field worded once) and the employer's team's (they
parse; the services decide)."""

from __future__ import annotations

from django import forms

from applications.emails import MessageDetails
from applications.files import EMPTY, EXTENSIONS
from applications.models import (
    EQUALITY_QUESTIONS,
    MAX_SCREENING_QUESTIONS,
    Application,
    ScreeningQuestion,
)
from applications.selectors import SORT_LABELS, TEAM_VIEW_STATUSES, ApplicationFilters
from applications.services import MAX_BULK, NOTE_MAX_LENGTH, TEAM_STATUSES, needs_registration
from common.forms import email_field
from listings.models import TrafficSource

YES_NO = [("yes", "Yes"), ("no", "No")]


def _yes_no(value) -> bool | None:
    return {"yes": True, "no": False}.get(value)


def _as_choice(value: bool | None) -> str:
    return {True: "yes", False: "no"}.get(value, "")


class GuestEmailForm(forms.Form):
    email = email_field(help_text="We send a 6-digit code to confirm it. No password needed.")


class DetailsForm(forms.Form):
    """Step one: who the candidate is, their right to work, registration, DBS, screening."""

    full_name = forms.CharField(
        label="Full name",
        max_length=200,
        error_messages={"required": "Enter your name."},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    phone = forms.CharField(
        label="Phone number",
        max_length=30,
        error_messages={"required": "Enter a phone number."},
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel", "inputmode": "tel"}),
    )
    right_to_work = forms.ChoiceField(
        label="Do you have the right to work in the UK?",
        choices=Application.RightToWork.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether you have the right to work in the UK."},
    )
    registration_number = forms.CharField(
        label="Registration number", max_length=40, required=False
    )
    dbs_update_service = forms.ChoiceField(
        label="Is your DBS check on the DBS Update Service?",
        help_text="The Update Service lets an employer check your DBS certificate online.",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether your DBS is on the Update Service."},
    )
    remember = forms.BooleanField(
        label="Keep my name, phone number and right to work for my next application",
        required=False,
        initial=True,
    )

    def __init__(self, *args, application: Application, **kwargs):
        self.application = application
        vacancy = application.vacancy
        answers = {a.question_id: a for a in application.answers.all()}
        initial = {
            "full_name": application.full_name,
            "phone": application.phone,
            "right_to_work": application.right_to_work,
            "registration_number": application.registration_number,
            "dbs_update_service": _as_choice(application.dbs_update_service),
            "remember": True,
        }
        super().__init__(*args, initial=initial, **kwargs)
        if needs_registration(vacancy):
            field = self.fields["registration_number"]
            field.required = True
            field.label = f"Your registration number ({vacancy.get_registration_display()})"
            field.error_messages["required"] = "Enter your registration number."
        else:
            del self.fields["registration_number"]
        remember = self.fields.pop("remember")
        self.questions = list(vacancy.screening_questions.all())
        for question in self.questions:
            name = f"q{question.pk}"
            answer = answers.get(question.pk)
            if question.kind == ScreeningQuestion.Kind.YES_NO:
                self.fields[name] = forms.ChoiceField(
                    label=question.text,
                    choices=YES_NO,
                    widget=forms.RadioSelect,
                    error_messages={"required": "Answer this question."},
                )
                self.initial[name] = _as_choice(answer.answer_yes) if answer else ""
            else:
                self.fields[name] = forms.CharField(
                    label=question.text,
                    max_length=500,
                    error_messages={"required": "Answer this question."},
                )
                self.initial[name] = answer.answer_text if answer else ""
        self.fields["remember"] = remember

    def answers(self) -> dict[int, object]:
        found = {}
        for question in self.questions:
            value = self.cleaned_data.get(f"q{question.pk}")
            found[question.pk] = (
                _yes_no(value) if question.kind == ScreeningQuestion.Kind.YES_NO else value
            )
        return found

    def service_values(self) -> dict:
        data = self.cleaned_data
        return {
            "full_name": data["full_name"],
            "phone": data["phone"],
            "right_to_work": data["right_to_work"],
            "registration_number": data.get("registration_number", ""),
            "dbs_update_service": _yes_no(data["dbs_update_service"]),
            "answers": self.answers(),
            "remember": data.get("remember", False),
        }


ACCEPT = ",".join([*EXTENSIONS.values(), *EXTENSIONS.keys()])


class DocumentsForm(forms.Form):
    """Step two: the CV (a saved one already attached, or a new file) and a statement."""

    cv = forms.FileField(
        label="Your CV",
        required=False,
        help_text="PDF, Word (DOCX), OpenDocument (ODT) or RTF, up to 5 MB.",
        widget=forms.FileInput(attrs={"accept": ACCEPT}),
        error_messages={"empty": EMPTY},
    )
    supporting_statement = forms.CharField(
        label="Supporting statement (optional)",
        help_text="Why you want the job and what you would bring to it.",
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    remember_cv = forms.BooleanField(
        label="Keep this CV for my next application", required=False, initial=True
    )

    def __init__(self, *args, application: Application, **kwargs):
        self.application = application
        super().__init__(
            *args,
            initial={
                "supporting_statement": application.supporting_statement,
                "remember_cv": True,
            },
            **kwargs,
        )
        if application.cv:
            self.fields["cv"].label = "Upload a different CV (optional)"


class EqualityForm(forms.Form):
    """Optional questions, every one with "Prefer not to say" (stored as blank)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, (label, choices) in EQUALITY_QUESTIONS.items():
            self.fields[name] = forms.ChoiceField(
                label=label,
                choices=[*choices, ("", "Prefer not to say")],
                required=False,
                initial="",
                widget=forms.RadioSelect,
            )


# --- The employer's team -------------------------------------------------------------------

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


class MessageForm(forms.Form):
    """A templated email to the candidate; the interview fields are for an invitation."""

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
            for name in ("interview_on", "interview_at", "place", "video_link"):
                del self.fields[name]

    def details(self) -> MessageDetails:
        data = self.cleaned_data
        return MessageDetails(
            note=data.get("note") or "",
            interview_on=data.get("interview_on"),
            interview_at=data.get("interview_at"),
            place=data.get("place") or "",
            video_link=data.get("video_link") or "",
        )


class WebhookForm(forms.Form):
    url = forms.URLField(
        label="Web address to call",
        max_length=500,
        assume_scheme="https",
        help_text="We POST each new application there, signed with your secret.",
    )
    is_active = forms.BooleanField(label="Send new applications", required=False, initial=True)
