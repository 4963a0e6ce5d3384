"""The candidate's forms: details and screening answers, the CV and statement, equality
monitoring. Short, phone-friendly, each field worded once."""

from __future__ import annotations

from django import forms

from applications.candidate_services import needs_registration
from applications.files import EMPTY, EXTENSIONS
from applications.models import EQUALITY_QUESTIONS, Application, ScreeningQuestion
from common.forms import email_field

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


class InterviewSlotChoiceForm(forms.Form):
    """The interview time the candidate picks; the service says whether it is still free."""

    slot = forms.IntegerField(
        label="Choose a time",
        min_value=1,
        error_messages={
            "required": "Choose a time.",
            "invalid": "Choose a time.",
            "min_value": "Choose a time.",
        },
    )
