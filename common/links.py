"""Absolute links: the site's public address plus a path from ``reverse()``.

Emails, feeds, the widget, canonical URLs, JSON-LD and the API all build their absolute
links here, so ``SITE_URL`` is joined to a path in one place.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse


def on_site(path: str) -> str:
    """``path`` (from ``reverse()`` or ``get_absolute_url()``) on ``settings.SITE_URL``."""
    return f"{settings.SITE_URL}{path}"


def absolute_url(name: str, *args, query: str = "") -> str:
    """The absolute address of URL ``name`` with ``args``, and ``query`` when one is given."""
    path = reverse(name, args=args)
    return on_site(f"{path}?{query}" if query else path)
