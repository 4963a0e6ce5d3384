"""Absolute links for emails and feeds: the site's address plus a path from ``reverse()``.

A generic helper with no listings knowledge; it may move to ``common/`` with the other
shared infrastructure.
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
