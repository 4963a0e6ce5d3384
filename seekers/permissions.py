"""Who may use the seeker's area.

Every view under ``/me/`` but the sign-in pages is wrapped in ``seeker_required``: an
anonymous visitor is sent to sign in with a code; a signed-in account without the seeker
role (say, an employer's recruiter) gets 403 and is offered the seeker sign-in; the view
receives ``request.seeker``. Saved jobs and alerts are always looked up through the seeker,
so another seeker's are simply not found (404).
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from seekers.models import Seeker

SIGN_IN_URL = "seekers:sign_in"


def seeker_required(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), login_url=SIGN_IN_URL)
        seeker = Seeker.objects.filter(user=request.user).select_related("user").first()
        if seeker is None:
            raise PermissionDenied("This area is for job seekers.")
        request.seeker = seeker
        return view(request, *args, **kwargs)

    wrapped.seeker_required = True
    return wrapped
