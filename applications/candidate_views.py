"""The candidate's pages: applying on the board, ``/me/applications/``, and the CV download.

Applying is four short steps under the vacancy's apply URL, each saved as it goes so a
draft is resumed where it was left: the start (what is asked, the knock-out questions and how
long we keep an application, said before anything is typed; a visitor without an account
confirms their email address with the seekers' emailed code first), the details and
screening answers, the CV and statement (then it is sent), and the optional equality
questions, stored apart. A vacancy whose employer takes applications elsewhere keeps the
tracked redirect (``listings.views.vacancy_apply``).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from applications import candidate_selectors as selectors
from applications import candidate_services as services
from applications import files
from applications.candidate_forms import (
    DetailsForm,
    DocumentsForm,
    EqualityForm,
    GuestEmailForm,
    InterviewSlotChoiceForm,
)
from applications.storage import PrivateFileSystemStorage, private_storage
from common.forms import add_service_errors
from common.throttling import client_ip
from listings import traffic
from listings.models import ApplyMethod
from listings.views import vacancy_apply
from seekers import services as seeker_services
from seekers.permissions import seeker_required
from seekers.selectors import seeker_of
from seekers.views import SESSION_EMAIL, SESSION_NEXT

SOURCE_KEY = "applications.source.{reference}"


def _vacancy_or_404(reference: str):
    vacancy = selectors.vacancy_for_apply(reference)
    if vacancy is None or vacancy.apply_method != ApplyMethod.BOARD:
        raise Http404("No such job.")
    return vacancy


def _context(vacancy, **extra) -> dict:
    questions = list(vacancy.screening_questions.all())
    return {
        "vacancy": vacancy,
        "questions": questions,
        "knockouts": [q for q in questions if q.must_be_yes],
        "needs_registration": services.needs_registration(vacancy),
        "retention_months": settings.APPLICATION_RETENTION_MONTHS,
        **extra,
    }


def _step_url(name: str, vacancy) -> str:
    return reverse(f"candidates:{name}", kwargs={"reference": vacancy.reference})


def _draft_or_redirect(request, reference: str):
    """The seeker's draft for the vacancy, or where they should be instead."""
    vacancy = _vacancy_or_404(reference)
    application = selectors.draft_for(seeker=request.seeker, vacancy=vacancy)
    if application is None:
        return vacancy, None, redirect(_step_url("apply", vacancy))
    if not application.is_draft:
        return vacancy, application, redirect("candidates:mine")
    if not services.accepts_board_applications(vacancy):
        messages.error(request, "This job has closed, so the application cannot be sent.")
        return vacancy, application, redirect("candidates:mine")
    return vacancy, application, None


@never_cache
@require_http_methods(["GET", "POST"])
def apply(request, reference: str):
    """The vacancy's apply URL: the board's form, or the tracked link to apply elsewhere."""
    vacancy = selectors.vacancy_for_apply(reference)
    if vacancy is None or vacancy.apply_method != ApplyMethod.BOARD:
        return vacancy_apply(request, reference)
    seeker = seeker_of(request.user)
    application = selectors.draft_for(seeker=seeker, vacancy=vacancy) if seeker else None
    if application is not None and not application.is_draft:
        return render(request, "applications/apply_start.html", _context(vacancy, sent=application))
    if not vacancy.is_live:
        return redirect(vacancy)
    source = traffic.source_from_param(request.GET.get(traffic.SOURCE_PARAM))
    if request.method == "GET" and source is not None and application is None:
        # The vacancy page's button carries its source: one apply click, as for a link out.
        if not traffic.is_bot(request):
            traffic.record_apply_click(vacancy, source=source)
        request.session[SOURCE_KEY.format(reference=vacancy.reference)] = source
    form = GuestEmailForm(request.POST if request.method == "POST" and seeker is None else None)
    status = 200
    if request.method == "POST" and seeker is not None:
        try:
            services.application_start(
                vacancy=vacancy,
                seeker=seeker,
                source=request.session.get(SOURCE_KEY.format(reference=vacancy.reference), "")
                or traffic.classify_source(request),
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(vacancy)
        return redirect(_step_url("details", vacancy))
    if request.method == "POST" and form.is_valid():
        # The seekers' sign-in code proves the address; it comes back here signed in.
        email = form.cleaned_data["email"].strip().lower()
        try:
            seeker_services.sign_in_code_request(email=email, client_ip=client_ip(request))
        except seeker_services.RateLimited as exc:
            form.add_error(None, str(exc))
            status = 429
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            request.session[SESSION_EMAIL] = email
            request.session[SESSION_NEXT] = _step_url("apply", vacancy)
            return redirect("seekers:sign_in_code")
    if form.is_bound and form.errors and status == 200:
        status = 400
    context = _context(
        vacancy,
        form=form,
        seeker=seeker,
        draft=application,
        sign_in_url=f"{reverse('seekers:sign_in')}?next={_step_url('apply', vacancy)}",
    )
    return render(request, "applications/apply_start.html", context, status=status)


@never_cache
@seeker_required
@require_http_methods(["GET", "POST"])
def details(request, reference: str):
    """Step one: the candidate's details and the employer's screening questions."""
    vacancy, application, elsewhere = _draft_or_redirect(request, reference)
    if elsewhere:
        return elsewhere
    form = DetailsForm(request.POST if request.method == "POST" else None, application=application)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_save_details(application=application, **form.service_values())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect(_step_url("documents", vacancy))
    status = 400 if form.is_bound and form.errors else 200
    context = _context(vacancy, form=form, application=application, step=1)
    return render(request, "applications/apply_details.html", context, status=status)


@never_cache
@files.capped_upload
@seeker_required
@require_http_methods(["GET", "POST"])
def documents(request, reference: str):
    """Step two: the CV and statement, then send (or keep the draft for later)."""
    vacancy, application, elsewhere = _draft_or_redirect(request, reference)
    if elsewhere:
        return elsewhere
    if request.method == "POST":
        form = DocumentsForm(request.POST, request.FILES, application=application)
    else:
        form = DocumentsForm(application=application)
    if request.method == "POST" and form.is_valid():
        checked = None
        if getattr(request, "upload_too_large", False):
            form.add_error("cv", files.TOO_LARGE)
        elif form.cleaned_data["cv"] is not None:
            try:
                checked = files.check_cv(form.cleaned_data["cv"])
            except ValidationError as exc:
                form.add_error("cv", exc)
        if not form.errors:
            try:
                services.application_save_documents(
                    application=application,
                    cv=checked,
                    supporting_statement=form.cleaned_data["supporting_statement"],
                    remember=form.cleaned_data["remember_cv"],
                )
                if request.POST.get("action") == "save":
                    messages.success(
                        request, "Your application is saved. Come back to it at any time."
                    )
                    return redirect("candidates:mine")
                services.application_submit(application=application)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                return redirect(_step_url("sent", vacancy))
        application.refresh_from_db()
    status = 400 if form.is_bound and form.errors else 200
    context = _context(
        vacancy,
        form=form,
        application=application,
        step=2,
        details_url=_step_url("details", vacancy),
    )
    return render(request, "applications/apply_documents.html", context, status=status)


@never_cache
@seeker_required
@require_GET
def sent(request, reference: str):
    """The application is sent: what happens next, how long it is kept, equality questions."""
    vacancy = _vacancy_or_404(reference)
    application = selectors.draft_for(seeker=request.seeker, vacancy=vacancy)
    if application is None or application.is_draft:
        return redirect(_step_url("apply", vacancy))
    return render(
        request, "applications/apply_sent.html", _context(vacancy, application=application)
    )


@never_cache
@seeker_required
@require_http_methods(["GET", "POST"])
def equality(request, reference: str):
    """Optional equality questions, asked after sending and stored apart from the application."""
    vacancy = _vacancy_or_404(reference)
    application = selectors.draft_for(seeker=request.seeker, vacancy=vacancy)
    if application is None or application.is_draft:
        return redirect(_step_url("apply", vacancy))
    if application.equality_done:
        messages.info(request, "You have already answered the equality questions. Thank you.")
        return redirect("candidates:mine")
    form = EqualityForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        answers = {} if request.POST.get("action") == "skip" else form.cleaned_data
        services.equality_record(application=application, answers=answers)
        messages.success(request, "Thank you. Your answers are kept apart from your application.")
        return redirect("candidates:mine")
    return render(
        request, "applications/apply_equality.html", _context(vacancy, form=form), status=200
    )


# --- The candidate's applications -------------------------------------------------------------


@never_cache
@seeker_required
@require_GET
def mine(request):
    """The seeker's applications with the status the employer set; withdraw, download the CV."""
    rows = list(selectors.candidate_applications(seeker=request.seeker))
    return render(
        request,
        "applications/mine.html",
        {
            "rows": rows,
            "profile": selectors.profile_of(request.seeker),
            "section": "applications",
            "retention_months": settings.APPLICATION_RETENTION_MONTHS,
        },
    )


@seeker_required
@require_POST
def saved_cv_delete(request):
    """Forget the CV kept for the next application (sent applications keep their own copy)."""
    if services.profile_cv_delete(seeker=request.seeker):
        messages.success(request, "Your saved CV is deleted.")
    return redirect("candidates:mine")


@never_cache
@seeker_required
@require_http_methods(["GET", "POST"])
def withdraw(request, pk: int):
    """Withdraw a sent application (the team sees "Withdrawn"), or delete an unsent draft.

    GET asks to confirm (a tap too many beats a withdrawal by mistake, which cannot be undone).
    """
    application = selectors.candidate_application(seeker=request.seeker, pk=pk)
    if application is None:
        raise Http404("No such application.")
    if request.method == "GET":
        return render(
            request,
            "applications/withdraw.html",
            {"application": application, "section": "applications"},
        )
    was_draft = application.is_draft
    try:
        services.application_withdraw(application=application, seeker=request.seeker)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            "The draft is deleted."
            if was_draft
            else f"Your application for {application.vacancy.title} is withdrawn.",
        )
    return redirect("candidates:mine")


@never_cache
@seeker_required
@require_http_methods(["GET", "POST"])
def interview(request, pk: int):
    """Choose an interview time from the employer's free ones, or change it while it is to
    come. Another seeker's application, or a draft, is simply not found."""
    application = selectors.candidate_application(seeker=request.seeker, pk=pk)
    if application is None or application.is_draft:
        raise Http404("No such application.")
    form = InterviewSlotChoiceForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.interview_slot_choose(
                application=application, seeker=request.seeker, slot_id=form.cleaned_data["slot"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            application = selectors.candidate_application(seeker=request.seeker, pk=pk)
        else:
            if event is not None:
                messages.success(
                    request,
                    f"Your interview is booked for {event.slot.when_text()}. We have emailed "
                    "you the details.",
                )
            return redirect("candidates:interview", pk=application.pk)
    now = timezone.now()
    held = application.chosen_slot
    return render(
        request,
        "applications/interview.html",
        {
            "application": application,
            "vacancy": application.vacancy,
            "held": held,
            "problem": services.interview_slot_problem(application, held=held, now=now),
            "choices": selectors.interview_choices(application=application, now=now),
            "form": form,
            "section": "applications",
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@never_cache
@require_GET
def cv_download(request, pk: int):
    """An application's CV, for its candidate or a member of the vacancy's employer only.

    Always an attachment, never sniffed, never run: on object storage a short-lived signed
    URL that says the same.
    """
    application = selectors.cv_viewable_by(user=request.user, pk=pk)
    if application is None:
        raise Http404("No such file.")
    storage = private_storage()
    if not isinstance(storage, PrivateFileSystemStorage) and hasattr(storage, "bucket_name"):
        url = storage.url(
            application.cv.name,
            parameters={
                "ResponseContentDisposition": f'attachment; filename="{application.cv_name}"',
                "ResponseContentType": application.cv_content_type,
            },
            expire=settings.APPLICATIONS_SIGNED_URL_SECONDS,
        )
        return files.no_sniffing(HttpResponseRedirect(url))
    return files.serve_private_file(
        application.cv,
        filename=application.cv_name,
        content_type=application.cv_content_type,
    )
