"""The employer's applications pages (``/employer/vacancies/<reference>/applications/``).

Thin views: a form parses, a selector reads, a service writes. Every view is wrapped in
``member_required`` and finds the vacancy through ``member_vacancy``, so another employer's
vacancy, application, note or file is simply not found (404).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, QueryDict, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from applications import candidate_selectors, exports, selectors, services
from applications.emails import MESSAGE_KINDS
from applications.forms import (
    ApplicationFilterForm,
    BookingCancelForm,
    BulkStatusForm,
    InterviewSlotsForm,
    MessageForm,
    NoteForm,
    RatingForm,
    ScreeningQuestionFormSet,
    StatusForm,
    WebhookForm,
)
from applications.models import ApplicationWebhook, ScreeningQuestion
from common.forms import add_service_errors
from common.pagination import CountedPaginator
from employers.permissions import member_required
from employers.selectors import member_vacancy
from listings.models import ApplyMethod, Vacancy

PAGE_SIZE = 50


def _errors_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _to_detail(vacancy, application_id):
    return redirect(
        "applications:detail", reference=vacancy.reference, application_id=application_id
    )


# --- Screening questions (linked from the vacancy editor) --------------------------------


@member_required
@require_http_methods(["GET", "POST"])
def screening_questions(request, reference):
    """Up to five questions every candidate answers; knock-outs are shown before applying."""
    vacancy = member_vacancy(request, reference)
    questions = list(ScreeningQuestion.objects.filter(vacancy=vacancy))
    locked = services.screening_questions_locked(vacancy)
    initial = [{"text": q.text, "kind": q.kind, "must_be_yes": q.must_be_yes} for q in questions]
    formset = ScreeningQuestionFormSet(
        request.POST if request.method == "POST" else None, initial=initial, prefix="q"
    )
    problems: list[str] = []
    if request.method == "POST" and formset.is_valid():
        try:
            services.screening_questions_set(vacancy=vacancy, questions=formset.questions())
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                position, _, name = field.partition(".")
                if name and position.isdigit():
                    written = [f for f in formset.forms if f.cleaned_data.get("text", "").strip()]
                    written[int(position)].add_error(name, errors)
                else:
                    problems.extend(errors)
        else:
            messages.success(request, f"Screening questions saved for {vacancy.title}.")
            return redirect("applications:questions", reference=vacancy.reference)
    invalid = request.method == "POST" and (problems or not formset.is_valid())
    return render(
        request,
        "applications/questions.html",
        {
            "vacancy": vacancy,
            "formset": formset,
            "locked": locked,
            "problems": problems,
            "on_board": vacancy.apply_method == ApplyMethod.BOARD,
        },
        status=400 if invalid else 200,
    )


# --- The list ------------------------------------------------------------------------------


def _list_page(request, vacancy, params, *, bulk_form=None, status=200):
    form = ApplicationFilterForm(params or None)
    filters = form.filters()
    rows = selectors.vacancy_applications(vacancy=vacancy, filters=filters)
    counts = selectors.status_counts(vacancy=vacancy)
    known = filters.count_from(counts)
    paginator = (
        Paginator(rows, PAGE_SIZE)
        if known is None
        else CountedPaginator(rows, PAGE_SIZE, count=known)
    )
    page = paginator.get_page(params.get("page"))
    query = params.copy()
    query.pop("page", None)
    tab_query = query.copy()
    tab_query.pop("status", None)
    if form.is_bound and form.errors:
        status = 400
    return render(
        request,
        "applications/list.html",
        {
            "vacancy": vacancy,
            "form": form,
            "filters": filters,
            "page": page,
            "applications": selectors.list_rows(vacancy=vacancy, applications=page.object_list),
            "counts": counts,
            "tabs": [(s.value, s.label, counts[s.value]) for s in selectors.TEAM_VIEW_STATUSES],
            "query": query.urlencode(),
            "tab_query": tab_query.urlencode(),
            "bulk_form": bulk_form or BulkStatusForm(),
        },
        status=status,
    )


@member_required
@require_GET
def application_list(request, reference):
    """A vacancy's applications with counts by status, filters, search, sort and bulk moves."""
    vacancy = member_vacancy(request, reference)
    return _list_page(request, vacancy, request.GET)


@member_required
@require_POST
def application_bulk(request, reference):
    """Move the ticked applications to one status; all or none (else the list, with why)."""
    vacancy = member_vacancy(request, reference)
    form = BulkStatusForm(request.POST)
    kept = QueryDict(request.POST.get("back", "")[:1000])  # the list's filters and page
    if form.is_valid():
        try:
            changed = services.applications_bulk_move(
                vacancy=vacancy,
                application_ids=form.cleaned_data["ids"],
                status=form.cleaned_data["status"],
                actor=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            label = dict(form.fields["status"].choices)[form.cleaned_data["status"]]
            moved = ngettext(
                "%(count)d application moved to %(label)s.",
                "%(count)d applications moved to %(label)s.",
                changed,
            )
            messages.success(request, moved % {"count": changed, "label": label.lower()})
            back = redirect("applications:list", reference=vacancy.reference)
            if kept:
                back["Location"] += "?" + kept.urlencode()
            return back
    return _list_page(request, vacancy, kept, bulk_form=form, status=400)


@member_required
@require_GET
def application_export(request, reference):
    """Every application of the vacancy as CSV (formula-safe), streamed."""
    vacancy = member_vacancy(request, reference)
    questions = list(ScreeningQuestion.objects.filter(vacancy=vacancy))
    rows = selectors.export_applications(vacancy=vacancy)
    response = StreamingHttpResponse(
        exports.csv_lines(rows.iterator(chunk_size=500), questions),
        content_type="text/csv; charset=utf-8",
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="applications-{vacancy.reference}-{stamp}.csv"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@member_required
@require_GET
def equality_report(request, reference):
    """Equality monitoring answers for this vacancy, in aggregate, small groups held back."""
    vacancy = member_vacancy(request, reference)
    return render(
        request,
        "applications/equality.html",
        {
            "vacancy": vacancy,
            "report": candidate_selectors.equality_report(
                vacancies=Vacancy.objects.filter(pk=vacancy.pk)
            ),
        },
    )


# --- One application -----------------------------------------------------------------------


def _detail_page(request, vacancy, application, *, status=200, **forms):
    context = {
        "vacancy": vacancy,
        "application": application,
        "status_form": StatusForm(initial={"status": application.status}),
        "rating_form": RatingForm(initial={"rating": application.rating}),
        "note_form": NoteForm(),
        "message_kinds": MESSAGE_KINDS.items(),
        "neighbours": selectors.neighbours(vacancy=vacancy, application=application),
        "sources": selectors.source_labels(),
        **forms,
    }
    context["invalid_forms"] = [
        context[name]
        for name in ("status_form", "rating_form", "note_form")
        if context[name].errors
    ]
    return render(request, "applications/detail.html", context, status=status)


@member_required
@require_GET
def application_detail(request, reference, application_id):
    """One application: answers, CV, the team's notes and rating, the history."""
    vacancy = member_vacancy(request, reference)
    application = selectors.vacancy_application(vacancy=vacancy, application_id=application_id)
    return _detail_page(request, vacancy, application)


def _team_write(request, reference, application_id, form_class, act, done: str, form_key: str):
    """Parse ``form_class``; on success run ``act(application, data)`` and go back."""
    vacancy = member_vacancy(request, reference)
    application = selectors.vacancy_application(vacancy=vacancy, application_id=application_id)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            act(application, form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, done)
            return _to_detail(vacancy, application.pk)
    return _detail_page(request, vacancy, application, status=400, **{form_key: form})


@member_required
@require_POST
def application_status(request, reference, application_id):
    return _team_write(
        request,
        reference,
        application_id,
        StatusForm,
        lambda application, data: services.application_move(
            application=application, status=data["status"], actor=request.user
        ),
        "Status changed.",
        "status_form",
    )


@member_required
@require_POST
def application_rating(request, reference, application_id):
    return _team_write(
        request,
        reference,
        application_id,
        RatingForm,
        lambda application, data: services.application_rate(
            application=application, rating=data["rating"]
        ),
        "Rating saved.",
        "rating_form",
    )


@member_required
@require_POST
def application_note(request, reference, application_id):
    return _team_write(
        request,
        reference,
        application_id,
        NoteForm,
        lambda application, data: services.application_add_note(
            application=application, author=request.user, body=data["body"]
        ),
        "Note added.",
        "note_form",
    )


@member_required
@require_http_methods(["GET", "POST"])
def application_message(request, reference, application_id, kind):
    """Write and send a templated email (invitation, rejection, offer); kept on the history."""
    if kind not in MESSAGE_KINDS:
        raise Http404("No such message.")
    vacancy = member_vacancy(request, reference)
    application = selectors.vacancy_application(vacancy=vacancy, application_id=application_id)
    form = MessageForm(request.POST if request.method == "POST" else None, kind=kind)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_send_message(
                application=application, kind=kind, details=form.details(), actor=request.user
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"{MESSAGE_KINDS[kind]} sent to {application.full_name or application.email}.",
            )
            return _to_detail(vacancy, application.pk)
    free = selectors.free_slot_count(vacancy=vacancy, now=timezone.now()) if kind == "invite" else 0
    return render(
        request,
        "applications/message.html",
        {
            "vacancy": vacancy,
            "application": application,
            "form": form,
            "kind": kind,
            "kind_label": MESSAGE_KINDS[kind],
            "free_slots": free,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


# --- Interview slots ---------------------------------------------------------------------


@member_required
@require_http_methods(["GET", "POST"])
def interview_slots(request, reference):
    """The interview times a vacancy offers and who chose each; add several at once."""
    vacancy = member_vacancy(request, reference)
    form = InterviewSlotsForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            added = services.interview_slots_add(vacancy=vacancy, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            text = ngettext(
                "%(count)d interview time added.", "%(count)d interview times added.", len(added)
            )
            messages.success(request, text % {"count": len(added)})
            return redirect("applications:slots", reference=vacancy.reference)
    return _slots_page(request, vacancy, form)


def _slots_page(request, vacancy, form, *, status=200, problem="", cancel=None):
    now = timezone.now()
    slots = list(selectors.vacancy_slots(vacancy=vacancy))
    if form.is_bound and form.errors:
        status = 400
    return render(
        request,
        "applications/slots.html",
        {
            "vacancy": vacancy,
            "form": form,
            "upcoming": [slot for slot in slots if slot.starts_at > now],
            "past": [slot for slot in slots if slot.starts_at <= now],
            "problem": problem,
            # The booking a refused cancel was for, with what was typed: (slot id, form).
            "cancel_slot": cancel[0] if cancel else None,
            "cancel_form": cancel[1] if cancel else None,
        },
        status=status,
    )


@member_required
@require_POST
def interview_slot_remove(request, reference, slot_id):
    """Stop offering a free interview time (one a candidate has chosen stays)."""
    vacancy = member_vacancy(request, reference)
    slot = selectors.vacancy_slot(vacancy=vacancy, slot_id=slot_id)
    try:
        services.interview_slot_remove(vacancy=vacancy, slot_id=slot.pk)
    except ValidationError as exc:
        return _slots_page(
            request, vacancy, InterviewSlotsForm(), status=400, problem=_errors_text(exc)
        )
    messages.success(request, "The interview time is removed.")
    return redirect("applications:slots", reference=vacancy.reference)


@member_required
@require_POST
def interview_booking_cancel(request, reference, slot_id):
    """Free an interview time a candidate chose and tell them, with an optional message."""
    vacancy = member_vacancy(request, reference)
    slot = selectors.vacancy_slot(vacancy=vacancy, slot_id=slot_id)
    form = BookingCancelForm(request.POST)
    if form.is_valid():
        try:
            services.interview_booking_cancel(
                vacancy=vacancy,
                slot_id=slot.pk,
                note=form.cleaned_data["note"],
                actor=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, "The booking is cancelled and the candidate is told; the time is free."
            )
            return redirect("applications:slots", reference=vacancy.reference)
    problem = " ".join(error for errors in form.errors.values() for error in errors)
    return _slots_page(
        request,
        vacancy,
        InterviewSlotsForm(),
        status=400,
        problem=problem,
        cancel=(slot.pk, form),
    )


# --- The webhook (owners) -----------------------------------------------------------------


@member_required(owner=True)
@require_http_methods(["GET", "POST"])
def webhook(request):
    """Where the employer's own system hears of each new application."""
    employer = request.employer
    hook = ApplicationWebhook.objects.filter(employer=employer).first()
    form = WebhookForm(
        request.POST if request.method == "POST" else None,
        initial={"url": hook.url, "is_active": hook.is_active} if hook else None,
    )
    action = request.POST.get("action", "save")
    if request.method == "POST" and action == "delete":
        services.webhook_delete(employer=employer)
        messages.success(request, "The webhook is removed.")
        return redirect("applications:webhook")
    if request.method == "POST" and action == "rotate" and hook is not None:
        services.webhook_rotate_secret(employer=employer)
        messages.success(request, "A new secret is set; update your receiver.")
        return redirect("applications:webhook")
    if request.method == "POST" and form.is_valid():
        try:
            services.webhook_set(
                employer=employer,
                url=form.cleaned_data["url"],
                is_active=form.cleaned_data["is_active"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "The webhook is saved.")
            return redirect("applications:webhook")
    response = render(
        request,
        "applications/webhook.html",
        {"form": form, "hook": hook, "employer": employer},
        status=400 if form.is_bound and form.errors else 200,
    )
    response["Cache-Control"] = "no-store"
    return response
