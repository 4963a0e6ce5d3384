"""The embed widget: a compact list of live vacancies that the article site frames.

``/embed/jobs/?<search parameters>&limit=5`` lists the newest (or best-matching) vacancies of a
search; ``related=<article URL or text>`` ranks them by the article instead (see
``listings.related``). ``static/js/embed.js`` inserts the iframe on an article page and sizes
it from the height this page posts to the parent origin it was given (``parent=``), which must
be one of ``settings.ARTICLE_SITE_ORIGINS``. Only those origins may frame it (CSP
``frame-ancestors``); every other page keeps ``frame-ancestors 'none'`` and ``X-Frame-Options:
DENY``. Links carry ``utm_medium=widget``, so views and apply clicks count as widget traffic.
"""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode, urlsplit

from csp.decorators import csp_replace
from django.conf import settings
from django.http import QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_safe

from common.links import absolute_url, on_site
from listings.related import related_vacancies, text_from_reference
from listings.search import (
    cache_anonymous_page,
    keep_page,
    parse_search,
    parse_whole_number,
    search_total,
    search_vacancies,
)

DEFAULT_LIMIT = 5
MAX_LIMIT = 10
MAX_RELATED_LENGTH = 2000
WIDGET_PARAMS = ("limit", "related", "parent", "title")


def frame_ancestors_from_settings(view):
    """Let only the article site's origins frame this view (read per request, not at import)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        origins = list(settings.ARTICLE_SITE_ORIGINS) or ["'none'"]
        return csp_replace({"frame-ancestors": origins})(view)(request, *args, **kwargs)

    return wrapped


def _parent_origin(value: str) -> str:
    """The framing page's origin, if it is one of the article site's; else empty."""
    value = (value or "").strip().rstrip("/")
    return value if value in settings.ARTICLE_SITE_ORIGINS else ""


def _limit(value: str | None) -> int:
    number = parse_whole_number(value) if value else None
    return DEFAULT_LIMIT if number is None or number < 1 else min(number, MAX_LIMIT)


def _tracked(path: str, query: str, utm_source: str) -> str:
    tracking = urlencode(
        {"utm_source": utm_source, "utm_medium": "widget", "utm_campaign": "embed"}
    )
    return on_site(f"{path}?{query + '&' if query else ''}{tracking}")


@xframe_options_exempt
@frame_ancestors_from_settings
@require_safe
@cache_control(max_age=300, public=True)
@cache_anonymous_page
def embed_jobs(request):
    """The widget page: a heading, up to ``limit`` jobs, and a link to the whole search."""
    now = timezone.now()
    search = request.GET.copy()
    for name in WIDGET_PARAMS:
        search.pop(name, None)
    filterset = parse_search(search, now=now)
    limit = _limit(request.GET.get("limit"))
    related = request.GET.get("related", "")[:MAX_RELATED_LENGTH]
    related_text = text_from_reference(related) if related.strip() else ""
    if related_text:
        narrowing = QueryDict(filterset.query_string())
        vacancies = list(related_vacancies(text=related_text, filters=narrowing, limit=limit))
    else:
        vacancies = list(search_vacancies(filterset, depth=limit)[:limit])
    total = search_total(filterset)
    parent = _parent_origin(request.GET.get("parent", ""))
    utm_source = urlsplit(parent).hostname if parent else "widget"
    query = filterset.query_string()
    for vacancy in vacancies:
        vacancy.widget_url = _tracked(vacancy.get_absolute_url(), "", utm_source)
    title = " ".join(request.GET.get("title", "").split())[:80]
    context = {
        "vacancies": vacancies,
        "total": total,
        "heading": title or ("Related jobs" if related_text else filterset.describe()),
        "see_all_url": _tracked(reverse("listings:search"), query, utm_source),
        # A framed page cannot rely on its cookies: the alert sign-up opens in a new tab.
        "alert_url": absolute_url("alerts:subscribe", query=urlencode({"query": query})),
        "parent_origin": parent,
        "now": now,
    }
    response = render(request, "listings/embed.html", context)
    # Kept for the article site's many readers like a search page, never past the first
    # closing time it shows.
    return keep_page(response, shows=vacancies, now=now)
