"""Job alert pages: sign up, confirm, manage, and RFC 8058 one-click unsubscribe.

No account is involved: the links in the emails carry signed tokens (``alerts.tokens``),
one per purpose, and every page reached by a token is ``never_cache`` and ``noindex``.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.throttling import client_ip
from listings.alerts import services
from listings.alerts.forms import AlertFrequencyForm, AlertSignupForm
from listings.alerts.matching import describe_search
from listings.alerts.tokens import InvalidToken, make_token, read_token
from listings.models import JobAlert


def _bad_link(request, message: str) -> HttpResponse:
    return render(request, "listings/alert_bad_link.html", {"message": message}, status=400)


def _alert_from(request, token: str, purpose: str, *, max_age: timedelta | None = None):
    """The alert a link names, or an error response to return instead."""
    try:
        alert = read_token(token, purpose, max_age=max_age)
    except InvalidToken as exc:
        return None, _bad_link(request, str(exc))
    return alert, None


@never_cache
@require_http_methods(["GET", "POST"])
def subscribe(request):
    """The sign-up form: posted from the search pages' box, or shown on its own page."""
    if request.method == "GET":
        form = AlertSignupForm(
            initial={
                "query": request.GET.get("query", ""),
                "email": request.GET.get("email", ""),
                "frequency": request.GET.get("frequency") or JobAlert.Frequency.DAILY,
            }
        )
        return _signup_page(request, form)
    form = AlertSignupForm(request.POST)
    if not form.is_valid():
        return _signup_page(request, form)
    try:
        services.alert_subscribe(
            email=form.cleaned_data["email"],
            query=form.cleaned_data["query"],
            frequency=form.cleaned_data["frequency"],
            client_ip=client_ip(request),
        )
    except services.SignupRateLimited:
        form.add_error(
            None,
            "Too many job alert sign-ups have come from your connection in the last hour. "
            "Please try again later.",
        )
        return _signup_page(request, form, status=429)
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return _signup_page(request, form)
    return redirect("alerts:check_email")


def _signup_page(request, form, *, status: int = 200):
    query = form["query"].value() or ""
    context = {"form": form, "description": describe_search(query), "query": query}
    return render(request, "listings/alert_subscribe.html", context, status=status)


@require_GET
def check_email(request):
    """The same answer for every sign-up, so it reveals nothing about existing alerts."""
    return render(
        request,
        "listings/alert_check_email.html",
        {"confirmation_days": settings.ALERT_CONFIRMATION_DAYS},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request, token: str):
    """GET shows one button; POST confirms. Link checkers that follow links confirm nothing."""
    alert, error = _alert_from(
        request, token, "confirm", max_age=timedelta(days=settings.ALERT_CONFIRMATION_DAYS)
    )
    if error:
        return error
    if alert is None:
        return _bad_link(request, "This alert no longer exists. Sign up again from the search.")
    if request.method == "POST":
        try:
            alert = services.alert_confirm(alert=alert)
        except ValidationError as exc:
            return _bad_link(request, " ".join(exc.messages))
        messages.success(request, "Your job alert is on. We will email you when jobs match.")
        return redirect("alerts:manage", token=make_token(alert, "manage"))
    if alert.unsubscribed_at is not None:
        return _bad_link(request, "This alert was cancelled. Sign up again from the search.")
    return render(
        request,
        "listings/alert_confirm.html",
        {"alert": alert, "description": describe_search(alert.query)},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def manage(request, token: str):
    """Change how often an alert comes, pause or resume it, or delete it."""
    alert, error = _alert_from(request, token, "manage")
    if error:
        return error
    if alert is None or alert.unsubscribed_at is not None:
        return render(request, "listings/alert_unsubscribed.html", {"already": True})
    form = AlertFrequencyForm(initial={"frequency": alert.frequency})
    problems: list[str] = []
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "frequency":
                form = AlertFrequencyForm(request.POST)
                if form.is_valid():
                    services.alert_update(alert=alert, frequency=form.cleaned_data["frequency"])
                    messages.success(request, "How often you get this alert is saved.")
                    return redirect(request.path)
            elif action in ("pause", "resume"):
                services.alert_update(alert=alert, paused=action == "pause")
                messages.success(
                    request, "Alert paused." if action == "pause" else "Alert resumed."
                )
                return redirect(request.path)
            elif action == "delete":
                # Deleting removes the row (address and search); the one-click unsubscribe
                # link only stops the emails, so that a second click answers the same.
                services.alert_delete(alert_id=alert.pk)
                return render(request, "listings/alert_unsubscribed.html", {"deleted": True})
            else:
                problems.append("Choose what to change.")
        except ValidationError as exc:
            problems.extend(exc.messages)
    alert.refresh_from_db()
    context = {
        "alert": alert,
        "form": form,
        "problems": problems,
        "description": describe_search(alert.query),
        "search_url": f"{reverse('listings:search')}?{alert.query}"
        if alert.query
        else reverse("listings:search"),
    }
    return render(request, "listings/alert_manage.html", context)


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """One click stops the alert: the email body's link (GET) and RFC 8058's POST alike.

    The link does nothing but unsubscribe, so opening it is enough; the page it shows offers
    an undo, for the rare link scanner that opens links before the person does (and for a
    slip of the finger). The POST is the one-click of the ``List-Unsubscribe`` header: no
    session or CSRF token. Idempotent: again, or for an alert already gone, it answers the same.
    """
    alert, error = _alert_from(request, token, "unsubscribe")
    if error:
        return error
    if alert is None:
        return render(request, "listings/alert_unsubscribed.html", {"already": True})
    already = not services.alert_unsubscribe(alert_id=alert.pk) and request.method == "GET"
    return render(
        request,
        "listings/alert_unsubscribed.html",
        {
            "already": already,
            "undo_url": reverse("alerts:resubscribe", args=[token]),
            "description": describe_search(alert.query),
            "alert": alert,
        },
    )


@never_cache
@require_POST
def resubscribe(request, token: str):
    """Undo an unsubscription from the page the link opened; on to the alert's manage page."""
    alert, error = _alert_from(request, token, "unsubscribe")
    if error:
        return error
    alert = services.alert_resubscribe(alert_id=alert.pk) if alert is not None else None
    if alert is None:
        return render(request, "listings/alert_unsubscribed.html", {"already": True})
    messages.success(request, "Your job alert is back on. We will carry on sending it.")
    return redirect("alerts:manage", token=make_token(alert, "manage"))
