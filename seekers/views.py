"""The seeker's pages: sign in with a code, ``/me/`` (saved jobs, alerts, applications,
privacy), saving a job from any page, and reporting a job.

Views stay thin: a form parses, a selector reads, a service writes. Every page under ``/me/``
but signing in is wrapped in ``seeker_required`` and is ``never_cache``.
"""

from __future__ import annotations

import io
import json
import zipfile
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse, QueryDict
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.forms import add_service_errors
from common.throttling import client_ip
from listings.alerts.forms import AlertFrequencyForm
from listings.alerts.matching import describe_search
from listings.models import JobAlert
from listings.selectors import vacancy_for_page
from seekers import codes, selectors, services
from seekers.forms import AlertSearchForm, CodeForm, DeleteAccountForm, EmailForm, ReportForm
from seekers.permissions import seeker_required

SESSION_EMAIL = "seekers.sign_in_email"
SESSION_NEXT = "seekers.sign_in_next"
BACKEND = "django.contrib.auth.backends.ModelBackend"


def _next_url(request, value: str | None) -> str:
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return reverse("seekers:saved")


def _signed_in(request, user):
    """Start the session, move the browser's saved jobs in, and go where the seeker was."""
    next_url = request.session.pop(SESSION_NEXT, None)
    request.session.pop(SESSION_EMAIL, None)
    login(request, user, backend=BACKEND)
    request.session["seeker_signed_in"] = True  # the header offers "Your jobs" first
    messages.success(request, f"You are signed in as {user.email}.")
    # The next page's script moves the jobs saved in this browser in (saved_import).
    return redirect(_next_url(request, next_url))


# --- Signing in -----------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def sign_in(request):
    """Ask for an email address and send it a one-time code and link."""
    form = EmailForm(
        request.POST if request.method == "POST" else None,
        initial={"email": request.GET.get("email", "")},
    )
    if request.method == "GET" and request.GET.get("next"):
        request.session[SESSION_NEXT] = _next_url(request, request.GET["next"])
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].strip().lower()
        try:
            services.sign_in_code_request(email=email, client_ip=client_ip(request))
        except services.RateLimited as exc:
            form.add_error(None, str(exc))
            return render(request, "seekers/sign_in.html", {"form": form}, status=429)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            request.session[SESSION_EMAIL] = email
            return redirect("seekers:sign_in_code")
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "seekers/sign_in.html", {"form": form}, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def sign_in_code(request):
    """Type the code from the email (the same answer whether or not the address is known)."""
    email = request.session.get(SESSION_EMAIL)
    if not email:
        return redirect("seekers:sign_in")
    form = CodeForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            user = services.sign_in_with_code(
                email=email, code=form.cleaned_data["code"], client_ip=client_ip(request)
            )
        except services.RateLimited as exc:
            form.add_error(None, str(exc))
            status = 429
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _signed_in(request, user)
    if form.is_bound and form.errors and status == 200:
        status = 400
    context = {"form": form, "email": email, "minutes": settings.SEEKER_CODE_MINUTES}
    return render(request, "seekers/sign_in_code.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def sign_in_link(request, token: str):
    """The emailed link. GET shows one button; POST signs in, so link scanners use nothing."""
    found = codes.read_link_token(token)
    if found is None:
        return render(
            request,
            "seekers/sign_in_link.html",
            {"error": "This link is not valid. Ask for a new code."},
            status=400,
        )
    if request.method == "POST":
        code_id, code = found
        try:
            user = services.sign_in_with_code(
                code_id=code_id, code=code, client_ip=client_ip(request)
            )
        except (services.RateLimited, ValidationError) as exc:
            message = str(exc) if isinstance(exc, services.RateLimited) else " ".join(exc.messages)
            return render(request, "seekers/sign_in_link.html", {"error": message}, status=400)
        return _signed_in(request, user)
    return render(request, "seekers/sign_in_link.html", {"token": token})


# --- The area -------------------------------------------------------------------------------


@never_cache
@seeker_required
@require_GET
def home(request):
    return redirect("seekers:saved")


@never_cache
@seeker_required
@require_GET
def saved(request):
    """The seeker's saved jobs; a closed one says so and offers similar live jobs."""
    now = timezone.now()
    rows = selectors.saved_jobs(seeker=request.seeker, now=now)
    return render(request, "seekers/saved.html", {"rows": rows, "now": now, "section": "saved"})


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@never_cache
@require_http_methods(["GET", "POST"])
def save(request, reference: str):
    """Save a job with one tap (``static/js/saved-jobs.js``), or by this page without JS.

    GET is the no-JavaScript way in: a page with one button. Not signed in, the page offers
    to sign in and come back (with JavaScript the job is kept in the browser instead).
    """
    seeker = selectors.seeker_of(request.user)
    vacancy = vacancy_for_page(reference)
    if vacancy is None:
        raise Http404("No such job.")
    back = _next_url(request, request.POST.get("next") or request.GET.get("next"))
    if request.method == "GET" or seeker is None:
        if seeker is None and request.method == "POST" and _wants_json(request):
            return JsonResponse({"signed_in": False}, status=401)
        return render(
            request,
            "seekers/save.html",
            {
                "vacancy": vacancy,
                "signed_in": seeker is not None,
                "is_saved": reference in selectors.saved_references(seeker=seeker),
                "next": back,
                "sign_in_url": f"{reverse('seekers:sign_in')}?{urlencode({'next': request.get_full_path()})}",
            },
        )
    try:
        services.saved_job_add(seeker=seeker, reference=reference)
    except ValidationError as exc:
        if _wants_json(request):
            return JsonResponse({"saved": False, "error": " ".join(exc.messages)}, status=409)
        messages.error(request, " ".join(exc.messages))
        return redirect(back)
    if _wants_json(request):
        return JsonResponse({"saved": True})
    messages.success(request, f"Saved: {vacancy.title}. Find it under Your jobs.")
    return redirect(back)


@seeker_required
@require_POST
def unsave(request, reference: str):
    """Forget a saved job (the row is deleted)."""
    services.saved_job_remove(seeker=request.seeker, reference=reference)
    if _wants_json(request):
        return JsonResponse({"saved": False})
    if request.htmx:
        return HttpResponse("")
    messages.success(request, "Job removed from your saved jobs.")
    return redirect(_next_url(request, request.POST.get("next")))


@never_cache
@require_GET
def saved_state(request):
    """What the save buttons show for this visitor, read once per page by the script.

    The pages with save buttons are kept and served to everyone alike, so the visitor's own
    state (and a CSRF token for the tap) comes from here.
    """
    seeker = selectors.seeker_of(request.user)
    return JsonResponse(
        {
            "signed_in": seeker is not None,
            "saved": sorted(selectors.saved_references(seeker=seeker)),
            "csrf": get_token(request),
        }
    )


@seeker_required
@require_POST
def saved_import(request):
    """Move the jobs kept in this browser (``static/js/saved-jobs.js``) into the account."""
    try:
        references = json.loads(request.POST.get("references") or "[]")
    except ValueError:
        references = []
    if not isinstance(references, list):
        references = []
    added = services.saved_jobs_import(
        seeker=request.seeker, references=[r for r in references if isinstance(r, str)]
    )
    if _wants_json(request):
        return JsonResponse({"added": added})
    if added:
        messages.success(request, f"{added} job(s) saved in this browser moved to your account.")
    return redirect("seekers:saved")


@never_cache
@seeker_required
@require_GET
def alerts(request):
    """Every alert for the seeker's verified address, however and whenever it was made."""
    rows = selectors.alerts_with_descriptions(seeker=request.seeker)
    for alert in rows:
        alert.frequency_form = AlertFrequencyForm(
            initial={"frequency": alert.frequency}, prefix=f"a{alert.pk}"
        )
        alert.search_url = (
            f"{reverse('listings:search')}?{alert.query}"
            if alert.query
            else reverse("listings:search")
        )
    return render(
        request,
        "seekers/alerts.html",
        {"alerts": rows, "section": "alerts", "purge_days": settings.ALERT_PURGE_DAYS},
    )


@seeker_required
@require_POST
def alert_change(request, alert_id: int):
    """Pause, resume, confirm, change how often, or delete one of the seeker's alerts."""
    action = request.POST.get("action", "")
    frequency = request.POST.get(f"a{alert_id}-frequency") or request.POST.get("frequency")
    try:
        services.seeker_alert_change(
            seeker=request.seeker, alert_id=alert_id, action=action, frequency=frequency
        )
    except JobAlert.DoesNotExist as exc:
        raise Http404("No such alert.") from exc
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("seekers:alerts")
    done = {
        "delete": "Job alert deleted.",
        "pause": "Job alert paused.",
        "resume": "Job alert resumed.",
        "confirm": "Job alert switched on.",
        "frequency": "How often you get this alert is saved.",
    }
    messages.success(request, done.get(action, "Saved."))
    return redirect("seekers:alerts")


@never_cache
@seeker_required
@require_http_methods(["GET", "POST"])
def alert_edit(request, alert_id: int):
    """Change an alert's keywords and place; its other filters stay as they were."""
    alert = JobAlert.objects.filter(pk=alert_id, email=request.seeker.user.email).first()
    if alert is None:
        raise Http404("No such alert.")
    params = QueryDict(alert.query, mutable=True)
    form = AlertSearchForm(
        request.POST or None,
        initial={"q": params.get("q", ""), "location": params.get("location", "")},
    )
    if request.method == "POST" and form.is_valid():
        for name in ("q", "location"):
            params.pop(name, None)
            if form.cleaned_data[name].strip():
                params[name] = form.cleaned_data[name].strip()
        try:
            services.seeker_alert_change(
                seeker=request.seeker, alert_id=alert.pk, action="search", query=params.urlencode()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "The alert's search is saved.")
            return redirect("seekers:alerts")
    return render(
        request,
        "seekers/alert_edit.html",
        {
            "alert": alert,
            "form": form,
            "description": describe_search(alert.query),
            "section": "alerts",
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@never_cache
@seeker_required
@require_GET
def privacy(request):
    return render(
        request,
        "seekers/privacy.html",
        {
            "section": "privacy",
            "form": DeleteAccountForm(),
            "is_member": request.user.memberships.exists(),
        },
    )


@never_cache
@seeker_required
@require_http_methods(["GET", "POST"])
def password(request):
    """Set a password too, for those who prefer one; the emailed code keeps working."""
    form = SetPasswordForm(request.user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        form.save()
        update_session_auth_hash(request, form.user)
        messages.success(request, "Your password is set. You can still sign in with a code.")
        return redirect("seekers:privacy")
    status = 400 if form.is_bound and form.errors else 200
    context = {"form": form, "section": "privacy"}
    return render(request, "seekers/password.html", context, status=status)


@never_cache
@seeker_required
@require_GET
def privacy_download(request):
    """Everything held about the seeker: a JSON file, or a zip of it and their files (CVs)."""
    data, files = selectors.seeker_download(user=request.user)
    stamp = timezone.now().strftime("%Y-%m-%d")
    if not files:
        response = JsonResponse(data, json_dumps_params={"indent": 2, "ensure_ascii": False})
        response["Content-Disposition"] = f'attachment; filename="my-data-{stamp}.json"'
        return response
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("my-data.json", json.dumps(data, indent=2, ensure_ascii=False))
        for name, storage, stored in files:
            with storage.open(stored, "rb") as handle:
                archive.writestr(name, handle.read())
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="my-data-{stamp}.zip"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@never_cache
@seeker_required
@require_POST
def privacy_delete(request):
    """Delete the account and everything held about the seeker, once they confirm."""
    form = DeleteAccountForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "seekers/privacy.html",
            {"section": "privacy", "form": form, "is_member": request.user.memberships.exists()},
            status=400,
        )
    user = request.user
    email = user.email
    counts = services.seeker_delete(user=user)
    if counts["account"]:
        logout(request)
    return render(request, "seekers/deleted.html", {"email": email, "account": counts["account"]})


# --- Reporting a job ------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def report(request, reference: str):
    """Tell staff something is wrong with a vacancy: it goes to the review queue in the admin."""
    vacancy = vacancy_for_page(reference)
    if vacancy is None:
        raise Http404("No such job.")
    form = ReportForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.vacancy_report_create(
                vacancy=vacancy, client_ip=client_ip(request), **form.cleaned_data
            )
        except services.RateLimited as exc:
            form.add_error(None, str(exc))
            status = 429
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return render(request, "seekers/report_done.html", {"vacancy": vacancy})
    if form.is_bound and form.errors and status == 200:
        status = 400
    return render(request, "seekers/report.html", {"vacancy": vacancy, "form": form}, status=status)
