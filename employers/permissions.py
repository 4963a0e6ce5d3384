"""Who may do what in the self-service area.

Every view under ``/employer/`` is wrapped in ``member_required``: an anonymous visitor is
sent to sign in, a signed-in person with no employer gets 403, and the view receives the
membership it acts through as ``request.membership`` (and ``request.employer``). Owner-only
views add ``owner=True``: a recruiter gets 403. Objects are always looked up through the
current employer, so another employer's vacancy is simply not found (404).
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404

from employers.models import Membership

SESSION_KEY = "current_employer_id"


def active_memberships(request) -> list[Membership]:
    """The user's memberships of active employers, oldest first, read once per request (the
    dashboard's employer switcher lists the same ones)."""
    if not hasattr(request, "_active_memberships"):
        request._active_memberships = list(
            request.user.memberships.select_related("employer")
            .filter(employer__is_active=True)
            .order_by("created_at", "id")
        )
    return request._active_memberships


def current_membership(request) -> Membership | None:
    """The membership the user is acting through: the one chosen last, else the oldest."""
    memberships = active_memberships(request)
    if not memberships:
        return None
    chosen = request.session.get(SESSION_KEY)
    for membership in memberships:
        if membership.employer_id == chosen:
            return membership
    return memberships[0]


def use_membership(request, membership: Membership) -> None:
    """Make ``membership`` the one the user acts through from now on."""
    request.session[SESSION_KEY] = membership.employer_id
    request.membership = membership
    request.employer = membership.employer


def member_required(view=None, *, owner: bool = False):
    """Require a signed-in member of an employer (an owner when ``owner=True``)."""

    def decorator(func):
        @wraps(func)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            membership = current_membership(request)
            if membership is None:
                raise PermissionDenied("You are not a member of any employer.")
            request.membership = membership
            request.employer = membership.employer
            if owner and not membership.is_owner:
                raise PermissionDenied("Only an owner of this employer can do that.")
            return func(request, *args, **kwargs)

        wrapped.member_required = True
        wrapped.owner_required = owner
        return wrapped

    return decorator(view) if view is not None else decorator


def membership_for_employer(request, employer_id) -> Membership:
    """The user's membership of ``employer_id``, or 404 (never reveal other employers)."""
    try:
        return request.user.memberships.select_related("employer").get(
            employer_id=int(employer_id), employer__is_active=True
        )
    except (Membership.DoesNotExist, TypeError, ValueError) as exc:
        raise Http404("No such employer.") from exc
