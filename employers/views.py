"""Employer pages: the public directory and profiles, accounts, and the self-service area.

Views stay thin: a form or FilterSet parses the request, a selector reads, a service writes.
Every self-service view is wrapped in ``member_required`` (see ``employers.permissions``).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from rest_framework.authtoken.models import Token

from common.forms import add_service_errors
from common.links import on_site
from common.markdown import to_plain_text
from common.pagination import CountedPaginator
from common.throttling import client_ip
from employers import selectors, services, throttling
from employers.forms import (
    AcceptInvitationForm,
    CloseForm,
    EmployerProfileForm,
    InviteForm,
    QueuedPasswordResetForm,
    RenewForm,
    RoleForm,
    SignUpForm,
    SwitchEmployerForm,
    ThrottledAuthenticationForm,
    VacancyForm,
)
from employers.models import Invitation, Membership
from employers.permissions import (
    active_memberships,
    member_required,
    membership_for_employer,
    use_membership,
)
from employers.tokens import TokenError, read_invitation_token
from listings import services as vacancy_services
from listings.models import Place, Vacancy
from listings.search import cache_anonymous_page, keep_page

Status = Vacancy.Status
DIRECTORY_PAGE_SIZE = 30
DASHBOARD_PAGE_SIZE = 25
FUNNEL_DAYS = 30


def _service_error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


# --- Public directory ---------------------------------------------------------------------


@require_GET
@cache_anonymous_page
def directory(request):
    """Every active employer, searchable and filterable, with live counts in one query.

    Anonymous pages are reused for up to a minute under the search version, which sign-ups,
    profile edits, verification and every change to the live set bump.
    """
    filterset = selectors.employer_directory(data=request.GET)
    page = Paginator(filterset.qs, DIRECTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    response = render(
        request,
        "employers/directory.html",
        {
            "filterset": filterset,
            "form": filterset.form,
            "page": page,
            "employers": page.object_list,
            "query": query.urlencode(),
        },
    )
    # No closing time on this page: the live counts already lag by up to an expiry run.
    return keep_page(response, shows=(), now=timezone.now())


def _organization(request, employer) -> dict:
    """schema.org ``Organization`` data for an employer's profile page."""
    data = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": employer.name,
        "url": request.build_absolute_uri(employer.get_absolute_url()),
    }
    if employer.website:
        data["sameAs"] = [employer.website]
    if employer.about:
        data["description"] = to_plain_text(employer.about, limit=500)
    if employer.logo:
        data["logo"] = request.build_absolute_uri(employer.logo.url)
    if employer.town:
        data["address"] = {
            "@type": "PostalAddress",
            "addressLocality": employer.town.name,
            "addressRegion": employer.get_region_display(),
            "addressCountry": "GB",
        }
    return data


@require_GET
@cache_anonymous_page
def employer_detail(request, slug):
    """An employer's public profile with its live vacancies."""
    now = timezone.now()
    employer = selectors.employer_public(slug=slug)
    data = request.GET.copy()
    data.pop("page", None)
    vacancies, filterset = selectors.employer_live_vacancies(employer=employer, data=data, now=now)
    query = data.urlencode()
    page = Paginator(vacancies, 20).get_page(request.GET.get("page"))
    response = render(
        request,
        "employers/detail.html",
        {
            "employer": employer,
            "page": page,
            "vacancies": page.object_list,
            "filterset": filterset,
            "places": selectors.employer_places(employer=employer, now=now),
            "now": now,
            "query": query,
            "filtered": bool(filterset is not None and filterset.active()),
            "organization": _organization(request, employer),
        },
    )
    # Kept like a search page (its vacancies join it within two minutes), never showing one
    # that has closed since.
    return keep_page(response, shows=page.object_list, now=now)


# --- Accounts -----------------------------------------------------------------------------


class ThrottledLoginView(auth_views.LoginView):
    """Django's log-in view with failures counted per account and per address."""

    authentication_form = ThrottledAuthenticationForm
    redirect_authenticated_user = True


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset view; the email is queued for the worker and requests are limited."""

    form_class = QueuedPasswordResetForm


SIGNUP_SENT_SESSION_KEY = "signup_sent_to"


@require_http_methods(["GET", "POST"])
def signup(request):
    """Create an account, an employer and an owner membership; then confirm the address."""
    if request.user.is_authenticated:
        return redirect("employers:dashboard")
    form = SignUpForm(request.POST or None)
    if request.method == "POST":
        ip = client_ip(request)
        email = (request.POST.get("email") or "").strip().lower()[:254]
        blocked = throttling.SIGNUP_PER_IP.is_blocked(ip) or (
            email and throttling.SIGNUP_PER_EMAIL.is_blocked(email)
        )
        if blocked:
            form.is_valid()
            form.add_error(
                None,
                "Too many sign-up attempts from here. Wait an hour and try again, or sign in "
                "if you already have an account.",
            )
            return render(request, "registration/signup.html", {"form": form}, status=429)
        throttling.SIGNUP_PER_IP.hit(ip)
        if form.is_valid():
            throttling.SIGNUP_PER_EMAIL.hit(email)
            data = form.cleaned_data
            try:
                services.employer_sign_up(
                    email=data["email"],
                    password=data["password"],
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    employer_name=data["employer_name"],
                    sector=data["sector"],
                    region=data["region"],
                    town=data["town"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                # The same answer whether the address was new or already had an account (its
                # owner is emailed instead): the page tells nobody who has one.
                request.session[SIGNUP_SENT_SESSION_KEY] = data["email"]
                return redirect("signup_sent")
    return render(request, "registration/signup.html", {"form": form})


def signup_sent(request):
    """After sign-up: check your email (the link confirms the address, then you sign in)."""
    email = request.session.get(SIGNUP_SENT_SESSION_KEY, "")
    return render(request, "registration/signup_sent.html", {"email": email})


@require_http_methods(["GET", "POST"])
def verify_email(request, token):
    """Confirm an email address. GET asks, POST confirms, so link scanners change nothing."""
    if request.method == "POST":
        try:
            user = services.user_verify_email(token=token)
        except ValidationError as exc:
            return render(
                request,
                "registration/verify_email.html",
                {"error": _service_error_text(exc)},
                status=400,
            )
        messages.success(request, f"Thank you: {user.email} is confirmed.")
        if request.user.is_authenticated and request.user.pk == user.pk:
            return redirect("employers:dashboard")
        return redirect(f"{reverse('login')}?next={reverse('employers:dashboard')}")
    return render(request, "registration/verify_email.html", {"token": token})


@login_required
@require_POST
def resend_verification(request):
    """Send the confirmation link again (a few times an hour at most)."""
    throttle = throttling.VERIFY_RESEND_PER_USER
    if throttle.is_blocked(str(request.user.pk)):
        messages.error(request, "We have sent several links already. Wait an hour and try again.")
        return redirect("employers:dashboard")
    try:
        services.user_send_verification(user=request.user)
    except ValidationError as exc:
        messages.info(request, _service_error_text(exc))
    else:
        throttle.hit(str(request.user.pk))
        messages.success(request, f"We have sent a new link to {request.user.email}.")
    return redirect("employers:dashboard")


# --- The self-service area ----------------------------------------------------------------


@member_required
@require_GET
def dashboard(request):
    """The employer's vacancies by status, with counts, search, sort and traffic."""
    now = timezone.now()
    employer = request.employer
    status = request.GET.get("status", "")
    sort = request.GET.get("sort", "updated")
    if sort not in selectors.DASHBOARD_SORTS:
        sort = "updated"
    q = request.GET.get("q", "")[:100]
    vacancies = selectors.dashboard_vacancies(
        employer=employer, status=status, q=q, sort=sort, now=now
    )
    counts = selectors.dashboard_counts(employer=employer, now=now)
    # Without a search, the page's count is one of the counts just made (same conditions).
    if q:
        paginator = Paginator(vacancies, DASHBOARD_PAGE_SIZE)
    else:
        shown = counts[status] if status in selectors.BUCKET_LABELS else counts["all"]
        paginator = CountedPaginator(vacancies, DASHBOARD_PAGE_SIZE, count=shown)
    page = paginator.get_page(request.GET.get("page"))
    rows = selectors.dashboard_rows(list(page.object_list), now=now)
    query = request.GET.copy()
    query.pop("page", None)
    closing_soon = (
        list(
            selectors.dashboard_vacancies(
                employer=employer, status="closing_soon", sort="closing", now=now
            )[:5]
        )
        if counts["closing_soon"] and not status
        else []
    )
    return render(
        request,
        "employers/dashboard.html",
        {
            "employer": employer,
            "membership": request.membership,
            # Those it can switch to: switching to an inactive employer is refused.
            "memberships": sorted(
                active_memberships(request),
                key=lambda m: (m.employer.name.casefold(), m.employer_id),
            ),
            "page": page,
            "vacancies": rows,
            "counts": counts,
            "tabs": [
                (key, label, counts.get(key, 0)) for key, label in selectors.BUCKET_LABELS.items()
            ],
            "status": status if status in selectors.BUCKET_LABELS else "",
            "sort": sort,
            "sorts": selectors.DASHBOARD_SORT_LABELS.items(),
            "q": q,
            "query": query.urlencode(),
            "closing_soon": closing_soon,
            "funnel": selectors.funnel_by_source(
                vacancies=Vacancy.objects.for_employer(employer),
                since=(now - timedelta(days=FUNNEL_DAYS)).date(),
            ),
            "funnel_days": FUNNEL_DAYS,
            "outcomes": selectors.dashboard_outcomes(counts),
            "now": now,
            "can_leave": selectors.can_leave(request.membership),
            "first_steps": selectors.first_steps(employer=employer, membership=request.membership)
            if not counts["all"]
            else [],
        },
    )


@member_required
@require_GET
def vacancy_statistics(request, reference):
    """One vacancy's views → apply clicks → applications → hires, by traffic source."""
    vacancy = selectors.member_vacancy(request, reference)
    return render(
        request,
        "employers/vacancy_statistics.html",
        {
            "vacancy": vacancy,
            "funnel": selectors.funnel_by_source(vacancies=Vacancy.objects.filter(pk=vacancy.pk)),
        },
    )


def _place_options(employer) -> list[str]:
    """Places this employer has used before, offered as suggestions in the places box."""
    places = list(
        Place.objects.towns().filter(vacancies__employer=employer).distinct().order_by("name")[:50]
    )
    if employer.town_id and employer.town not in places:
        places.insert(0, employer.town)
    return [p.name for p in places]


def _say_postcode(request, vacancy) -> None:
    """After a save with a postcode: the town seekers see the vacancy at."""
    revision = vacancy_services.pending_revision(vacancy)
    exact = vacancy_services.postcode_of((revision or vacancy).places.all())
    if exact is not None:
        messages.info(request, f"Placed at {vacancy_services.placed_text(exact)}.")


def _vacancy_form_page(request, form, vacancy=None, status=200):
    return render(
        request,
        "employers/vacancy_form.html",
        {
            "form": form,
            "vacancy": vacancy,
            "place_options": _place_options(request.employer),
            "max_days": settings.VACANCY_MAX_OPEN_DAYS,
            # The rule an edit follows, said before saving (listings.services.vacancy_update).
            "holds_wording": vacancy is not None
            and vacancy_services.holds_wording_for_review(vacancy),
            "revision": vacancy_services.pending_revision(vacancy) if vacancy else None,
        },
        status=status,
    )


def _saving_draft(request, vacancy=None) -> bool:
    """ "Save draft" on a vacancy not yet published needs only a title."""
    if request.method != "POST" or request.POST.get("next") == "preview":
        return False
    return vacancy is None or vacancy.status in vacancy_services.PUBLISHABLE_FROM


def _after_save(request, vacancy):
    if request.POST.get("next") == "preview":
        return redirect("employers:vacancy_preview", reference=vacancy.reference)
    return redirect("employers:vacancy_edit", reference=vacancy.reference)


@member_required
@require_http_methods(["GET", "POST"])
def vacancy_create(request):
    """Write a new vacancy; it is saved as a draft until published."""
    form = VacancyForm(request.POST or None, draft=_saving_draft(request))
    if request.method == "POST" and form.is_valid():
        try:
            vacancy = vacancy_services.vacancy_create(
                employer=request.employer,
                created_by=request.user,
                places=form.cleaned_data["places"],
                postcode=form.cleaned_data["postcode"],
                **form.service_fields(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Draft saved: {vacancy.title} ({vacancy.reference}).")
            _say_postcode(request, vacancy)
            return _after_save(request, vacancy)
    status = 400 if form.is_bound and form.errors else 200
    return _vacancy_form_page(request, form, status=status)


@member_required
@require_http_methods(["GET", "POST"])
def vacancy_edit(request, reference):
    """Change a vacancy; refused with a clear message when a colleague saved it first."""
    vacancy = selectors.member_vacancy(request, reference)
    if vacancy.status in vacancy_services.RENEWABLE_FROM:
        messages.info(
            request,
            f"{vacancy.title} is {vacancy.get_status_display().lower()}. Renew it to open it "
            "again, or duplicate it into a new draft.",
        )
        return redirect("employers:vacancy_renew", reference=vacancy.reference)
    form = VacancyForm(
        request.POST or None, instance=vacancy, draft=_saving_draft(request, vacancy)
    )
    conflict = False
    if request.method == "POST" and form.is_valid():
        try:
            vacancy = vacancy_services.vacancy_update(
                vacancy=vacancy,
                expected_version=form.cleaned_data.get("version"),
                places=form.cleaned_data["places"],
                postcode=form.cleaned_data["postcode"],
                user=request.user,
                **form.service_fields(),
            )
        except ValidationError as exc:
            conflict = getattr(exc, "code", None) == "conflict"
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Saved: {vacancy.title} ({vacancy.reference}).")
            _say_postcode(request, vacancy)
            if vacancy_services.pending_revision(vacancy) is not None:
                messages.info(
                    request,
                    "Your new wording is waiting for our team to check it, usually within a "
                    "working day. Until then seekers see the approved version; pay, dates "
                    "and the other facts you changed show already.",
                )
            return _after_save(request, vacancy)
    response = _vacancy_form_page(
        request, form, vacancy, status=400 if form.is_bound and form.errors else 200
    )
    if conflict:
        response.status_code = 409
    return response


@member_required
@require_POST
def vacancy_withdraw_change(request, reference):
    """Drop new wording waiting for review; the approved version stays as it is."""
    vacancy = selectors.member_vacancy(request, reference)
    if vacancy_services.vacancy_withdraw_revision(vacancy=vacancy):
        messages.success(request, f"Your change is withdrawn: {vacancy.title} stays as it was.")
    else:
        messages.info(request, "No change of this vacancy is waiting for review.")
    return redirect("employers:vacancy_edit", reference=vacancy.reference)


@member_required
@require_GET
def vacancy_preview(request, reference):
    """The vacancy exactly as seekers will see it, with the employer's actions above it."""
    vacancy = selectors.member_vacancy(request, reference)
    now = timezone.now()
    publishable = vacancy.status in vacancy_services.PUBLISHABLE_FROM
    if vacancy.published_at is None:
        vacancy.published_at = now  # shown as "posted today", as it will be; never saved
    return render(
        request,
        "employers/vacancy_preview.html",
        {
            # What the seeker's page is given, as it will be once the vacancy is live; no
            # structured data, no tracked apply link and no similar vacancies in a preview.
            "vacancy": vacancy,
            "preview": True,
            "is_live": vacancy.status != Status.CLOSED and vacancy.status != Status.EXPIRED,
            "now": now,
            "similar": [],
            "job_posting": None,
            "apply_url": vacancy.apply_url
            or (f"mailto:{vacancy.apply_email}" if vacancy.apply_email else ""),
            "canonical_url": on_site(vacancy.get_absolute_url()),
            "publishable": publishable,
            "goes_to_review": publishable and not vacancy.employer.verified,
            "preview_problems": vacancy_services.publication_problems(vacancy, now=now)
            if publishable
            else {},
        },
    )


@member_required
@require_POST
def vacancy_publish(request, reference):
    """Publish: live at once for verified employers, to staff review for the rest."""
    vacancy = selectors.member_vacancy(request, reference)
    try:
        vacancy = vacancy_services.vacancy_publish(vacancy=vacancy, user=request.user)
    except ValidationError as exc:
        messages.error(request, f"{vacancy.title} was not published: {_service_error_text(exc)}")
        return redirect("employers:vacancy_edit", reference=vacancy.reference)
    if vacancy.status == Status.LIVE:
        messages.success(request, f"{vacancy.title} is live.")
    else:
        messages.success(
            request,
            f"{vacancy.title} is waiting for review. We check new employers' vacancies, "
            "usually within a working day, and will email you if anything needs changing.",
        )
    return redirect("employers:dashboard")


def _confirm_then_act(request, vacancy, *, act, done: str, confirm: dict):
    """Ask on GET; on POST run the service ``act`` and say what happened, then go home."""
    if request.method == "POST":
        try:
            act(vacancy=vacancy)
        except ValidationError as exc:
            messages.error(request, _service_error_text(exc))
        else:
            messages.success(request, done)
        return redirect("employers:dashboard")
    return render(request, "employers/vacancy_confirm.html", {"vacancy": vacancy, **confirm})


@member_required
@require_http_methods(["GET", "POST"])
def vacancy_close(request, reference):
    """Close a live vacancy early, after asking how it ended."""
    vacancy = selectors.member_vacancy(request, reference)
    form = CloseForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            vacancy_services.vacancy_close(vacancy=vacancy, outcome=form.cleaned_data["outcome"])
        except ValidationError as exc:
            messages.error(request, _service_error_text(exc))
        else:
            messages.success(request, f"{vacancy.title} is closed to applications.")
        return redirect("employers:dashboard")
    return render(
        request,
        "employers/vacancy_confirm.html",
        {
            "vacancy": vacancy,
            "form": form,
            "action": "close",
            "heading": f"Close {vacancy.title}?",
            "explain": "Seekers will see that it has closed and can no longer apply. You can "
            f"renew it within {settings.VACANCY_RENEW_WITHIN_DAYS} days.",
            "button": "Close the vacancy",
            "allowed": vacancy.status == Status.LIVE,
        },
        status=400 if form.errors else 200,
    )


@member_required
@require_http_methods(["GET", "POST"])
def vacancy_renew(request, reference):
    """A new closing date: a closed or expired vacancy opens again, a live one is extended.

    The expiry reminder links here: the date is filled in, so it takes one button.
    """
    vacancy = selectors.member_vacancy(request, reference)
    now = timezone.now()
    form = RenewForm(request.POST or None, now=now, current=vacancy.closes_at)
    if request.method == "POST" and form.is_valid():
        try:
            vacancy = vacancy_services.vacancy_renew(
                vacancy=vacancy, closes_at=form.cleaned_data["closes_on"], now=now
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"{vacancy.title} is open until {timezone.localtime(vacancy.closes_at):%-d %B %Y}.",
            )
            return redirect("employers:dashboard")
    return render(
        request,
        "employers/vacancy_renew.html",
        {
            "vacancy": vacancy,
            "form": form,
            "allowed": vacancy.status in vacancy_services.EXTENDABLE_FROM
            and vacancy.published_at is not None,
            "extending": vacancy.status == Status.LIVE,
            "renew_days": settings.VACANCY_RENEW_WITHIN_DAYS,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@member_required
@require_POST
def vacancy_duplicate(request, reference):
    """Copy a vacancy into a new draft and open it for editing."""
    vacancy = selectors.member_vacancy(request, reference)
    copy = vacancy_services.vacancy_duplicate(vacancy=vacancy, created_by=request.user)
    messages.success(
        request,
        f"Copied into a new draft ({copy.reference}). Set a closing date and check the details.",
    )
    return redirect("employers:vacancy_edit", reference=copy.reference)


@member_required
@require_http_methods(["GET", "POST"])
def vacancy_delete(request, reference):
    """Delete a draft; published vacancies are kept and can only be closed."""
    vacancy = selectors.member_vacancy(request, reference)
    return _confirm_then_act(
        request,
        vacancy,
        act=vacancy_services.vacancy_delete_draft,
        done=f"Draft deleted: {vacancy.title}.",
        confirm={
            "action": "delete",
            "heading": f"Delete the draft {vacancy.title}?",
            "explain": "This cannot be undone.",
            "button": "Delete the draft",
            "danger": True,
            "allowed": vacancy.status == Status.DRAFT and vacancy.published_at is None,
        },
    )


@member_required(owner=True)
@require_http_methods(["GET", "POST"])
def profile(request):
    """Edit the employer's public details and logo (owners only)."""
    employer = request.employer
    form = EmployerProfileForm(request.POST or None, request.FILES or None, instance=employer)
    if request.method == "POST" and form.is_valid():
        try:
            services.employer_update_profile(
                employer=employer,
                logo=form.cleaned_data.get("logo_upload"),
                remove_logo=form.cleaned_data.get("remove_logo", False),
                **form.service_fields(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Your profile is saved.")
            return redirect("employers:profile")
    return render(
        request,
        "employers/profile.html",
        {"form": form, "employer": employer},
        status=400 if form.is_bound and form.errors else 200,
    )


@member_required(owner=True)
@require_http_methods(["GET", "POST"])
def team(request):
    """The team: members with their roles, open invitations, and a form to invite."""
    employer = request.employer
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invitation_create(
                employer=employer,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                invited_by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Invitation sent to {invitation.email}.")
            return redirect("employers:team")
    return render(
        request,
        "employers/team.html",
        {
            "form": form,
            "employer": employer,
            "role_choices": Membership.Role.choices,
            **selectors.team(employer=employer),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


def _team_membership(request, membership_id) -> Membership:
    return get_object_or_404(Membership, pk=membership_id, employer=request.employer)


@member_required(owner=True)
@require_POST
def team_member_role(request, membership_id):
    membership = _team_membership(request, membership_id)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose owner or recruiter.")
        return redirect("employers:team")
    try:
        services.membership_set_role(membership=membership, role=form.cleaned_data["role"])
    except ValidationError as exc:
        messages.error(request, _service_error_text(exc))
    else:
        messages.success(request, f"{membership.user.email} is now {form.cleaned_data['role']}.")
    return redirect("employers:team")


@member_required(owner=True)
@require_POST
def team_member_remove(request, membership_id):
    membership = _team_membership(request, membership_id)
    try:
        services.membership_remove(membership=membership)
    except ValidationError as exc:
        messages.error(request, _service_error_text(exc))
        return redirect("employers:team")
    messages.success(request, f"{membership.user.email} is no longer on the team.")
    if membership.user_id == request.user.pk:
        return redirect("employers:dashboard" if request.user.memberships.exists() else "home")
    return redirect("employers:team")


@member_required(owner=True)
@require_POST
def invitation_revoke(request, invitation_id):
    invitation = get_object_or_404(Invitation, pk=invitation_id, employer=request.employer)
    try:
        services.invitation_revoke(invitation=invitation)
    except ValidationError as exc:
        messages.error(request, _service_error_text(exc))
    else:
        messages.success(request, f"Invitation to {invitation.email} withdrawn.")
    return redirect("employers:team")


@member_required
@require_POST
def team_leave(request):
    """Leave the current employer; the last owner is refused."""
    employer = request.employer
    try:
        services.membership_remove(membership=request.membership)
    except ValidationError as exc:
        messages.error(request, _service_error_text(exc))
        return redirect("employers:dashboard")
    messages.success(request, f"You have left {employer.name}.")
    return redirect("employers:dashboard" if request.user.memberships.exists() else "home")


@require_http_methods(["GET", "POST"])
def invitation_accept(request, token):
    """Join a team from an emailed link: signed in as the invited address, or a new account."""
    now = timezone.now()
    try:
        invitation_id, email = read_invitation_token(token)
    except TokenError as exc:
        return render(request, "employers/invitation.html", {"error": str(exc)}, status=400)
    invitation = (
        Invitation.objects.select_related("employer").filter(pk=invitation_id, email=email).first()
    )
    if invitation is None:
        raise Http404("No such invitation.")
    problem = services.invitation_problem(invitation, now=now)
    if problem:
        return render(
            request,
            "employers/invitation.html",
            {"error": problem, "invitation": invitation},
            status=410,
        )
    user = request.user
    has_account = services.User.objects.filter(email=invitation.email).exists()
    form = None
    if not user.is_authenticated and not has_account:
        form = AcceptInvitationForm(request.POST or None, email=invitation.email)
    if request.method == "POST":
        try:
            if user.is_authenticated:
                membership = services.invitation_accept(invitation=invitation, user=user, now=now)
            elif form is not None and form.is_valid():
                membership = services.invitation_accept_new_user(
                    invitation=invitation,
                    password=form.cleaned_data["password"],
                    first_name=form.cleaned_data["first_name"],
                    last_name=form.cleaned_data["last_name"],
                    now=now,
                )
                login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
            else:
                membership = None
        except ValidationError as exc:
            return render(
                request,
                "employers/invitation.html",
                {"error": _service_error_text(exc), "invitation": invitation},
                status=400,
            )
        if membership is not None:
            use_membership(request, membership)
            messages.success(request, f"You have joined {invitation.employer.name}.")
            return redirect("employers:dashboard")
    wrong_account = user.is_authenticated and user.email != invitation.email
    return render(
        request,
        "employers/invitation.html",
        {
            "invitation": invitation,
            "form": form,
            "has_account": has_account,
            "wrong_account": wrong_account,
        },
        status=400 if form is not None and form.is_bound and form.errors else 200,
    )


@login_required
@require_POST
def switch_employer(request):
    """Act for another employer the user belongs to."""
    form = SwitchEmployerForm(request.POST)
    if not form.is_valid():
        raise Http404("No such employer.")
    membership = membership_for_employer(request, form.cleaned_data["employer"])
    use_membership(request, membership)
    messages.success(request, f"You are now working for {membership.employer.name}.")
    return redirect("employers:dashboard")


@member_required
@require_GET
def api_access(request):
    """The member's API token: when it was made, and buttons to create or revoke it."""
    token = Token.objects.filter(user=request.user).first()
    return render(
        request,
        "employers/api_access.html",
        {"token": token, "new_key": None, "employer": request.employer},
    )


@member_required
@require_POST
def api_token_create(request):
    """Issue a new token and show it once; a token made earlier stops working."""
    token = services.api_token_create(user=request.user)
    response = render(
        request,
        "employers/api_access.html",
        {"token": token, "new_key": token.key, "employer": request.employer},
    )
    response["Cache-Control"] = "no-store"
    return response


@member_required
@require_POST
def api_token_revoke(request):
    if services.api_token_revoke(user=request.user):
        messages.success(request, "Your API token is revoked. Programs using it will stop working.")
    else:
        messages.info(request, "You have no API token.")
    return redirect("employers:api_access")


@member_required
@require_http_methods(["GET", "POST"])
def account_close(request):
    """Close your own account after a confirmation; your organisations stay."""
    problems = services.account_close_problems(user=request.user)
    if request.method == "POST" and not problems:
        if request.POST.get("confirm") != "yes":
            problems = ["Tick the box to confirm you want to close your account."]
        else:
            email = request.user.email
            try:
                services.account_close(user=request.user)
            except ValidationError as exc:
                problems = exc.messages
            else:
                logout(request)
                messages.success(request, f"The account of {email} is closed and deleted.")
                return redirect("home")
    return render(
        request,
        "employers/account_close.html",
        {"problems": problems, "memberships": request.user.memberships.select_related("employer")},
        status=400 if request.method == "POST" else 200,
    )
