"""How vacancies read on the page: pay, dates and distances in plain British English.

``{% load jobs %}`` then ``{{ vacancy|salary }}`` ("£35,000 – £42,000 a year"),
``{{ vacancy.closes_at|closes:now }}`` ("closes in 3 days"), ``{{ vacancy.published_at|posted:now }}``
("posted yesterday"), ``{{ miles|distance }}`` ("2.4 miles") and ``{{ data|json_ld }}``.
The ``now`` argument is optional; views pass theirs so a page agrees with itself.
"""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from listings.facts import facts
from listings.search import place_label as place_words
from listings.wording import pay_band_text, salary_text

register = template.Library()

# The same escapes as Django's json_script: the JSON can never close its <script> element.
JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def _days_between(moment: datetime, now: datetime | None) -> int:
    """Whole calendar days (in the site's time zone) from ``now`` to ``moment``."""
    now = now or timezone.now()
    return (timezone.localdate(moment) - timezone.localdate(now)).days


def closing_phrase(closes_at: datetime | None, now: datetime | None = None) -> str:
    if closes_at is None:
        return ""
    now = now or timezone.now()
    if closes_at <= now:
        return f"closed on {timezone.localtime(closes_at):%-d %B %Y}"
    days = _days_between(closes_at, now)
    if days <= 0:
        return "closes today"
    if days == 1:
        return "closes tomorrow"
    return f"closes in {days} days"


def posted_phrase(published_at: datetime | None, now: datetime | None = None) -> str:
    if published_at is None:
        return ""
    days = -_days_between(published_at, now)
    if days <= 0:
        return "posted today"
    if days == 1:
        return "posted yesterday"
    return f"posted {days} days ago"


# A card's badges: "New" for a job posted today or yesterday, "Closing soon" for one that
# closes within three days (today, tomorrow or the day after next).
NEW_FOR_DAYS = 2
CLOSING_SOON_DAYS = 3


def is_new_job(published_at: datetime | None, now: datetime | None = None) -> bool:
    return published_at is not None and -_days_between(published_at, now) < NEW_FOR_DAYS


def is_closing_soon(closes_at: datetime | None, now: datetime | None = None) -> bool:
    if closes_at is None or closes_at <= (now or timezone.now()):
        return False
    return _days_between(closes_at, now) < CLOSING_SOON_DAYS


def distance_phrase(miles: float | None) -> str:
    if miles is None:
        return ""
    if miles < 1:
        return "less than 1 mile"
    if miles < 10:
        rounded = round(miles, 1)
        return "1 mile" if rounded == 1 else f"{rounded:g} miles"
    return f"{round(miles):,} miles"


@register.filter
def salary(vacancy) -> str:
    """``{{ vacancy|salary }}``: "£35,000 – £42,000 a year", "£12.60 an hour"."""
    return salary_text(vacancy)


@register.filter
def pay_band(vacancy) -> str:
    """``{{ vacancy|pay_band }}``: "Band 5" or "NJC Grade 7", shown beside the salary."""
    return pay_band_text(vacancy)


@register.filter
def care_facts(vacancy) -> list:
    """``{% for fact in vacancy|care_facts %}``: the stated facts with their labels."""
    return facts(vacancy)


@register.filter
def closes(closes_at, now=None) -> str:
    """``{{ vacancy.closes_at|closes:now }}``: "closes in 3 days", "closes tomorrow"."""
    return closing_phrase(closes_at, now or None)


@register.filter
def posted(published_at, now=None) -> str:
    """``{{ vacancy.published_at|posted:now }}``: "posted today", "posted 4 days ago"."""
    return posted_phrase(published_at, now or None)


@register.filter
def is_new(published_at, now=None) -> bool:
    """``{{ vacancy.published_at|is_new:now }}``: posted today or yesterday."""
    return is_new_job(published_at, now or None)


@register.filter
def closing_soon(closes_at, now=None) -> bool:
    """``{{ vacancy.closes_at|closing_soon:now }}``: still open, closing within three days."""
    return is_closing_soon(closes_at, now or None)


@register.filter
def place_label(place) -> str:
    """``{{ place|place_label }}``: a town as people say it ("Leeds", "Newport, Wales")."""
    return place_words(place) if place is not None else ""


@register.filter
def distance(miles) -> str:
    """``{{ vacancy.distance|distance }}``: "less than 1 mile", "2.4 miles", "12 miles"."""
    return distance_phrase(miles)


@register.filter
def hours(value) -> str:
    """37.5 → "37.5 hours a week"; 16.0 → "16 hours a week"."""
    if value in (None, ""):
        return ""
    return f"{Decimal(str(value)).normalize():f} hours a week"


@register.filter
def json_ld(data) -> SafeString:
    """``{{ data|json_ld }}``: a JSON-LD block, escaped as ``json_script`` escapes."""
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(JSON_ESCAPES)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(payload),  # noqa: S308
    )


@register.simple_tag
def facet_options(facet) -> SafeString:
    """A facet's options as the search form's checkboxes, each with its count if counted.

    Built here rather than in a template loop: a search page shows about ninety options, and
    the template engine's lookups for them cost more than the rest of the page's rendering.
    """
    return format_html_join(
        "", FACET_OPTION_HTML, (_facet_option(facet.name, o) for o in facet.options)
    )


FACET_OPTION_HTML = (
    '<li class="check{}"><input type="checkbox" id="f-{}-{}" name="{}" value="{}"{}>'
    '<label for="f-{}-{}">{}{}</label></li>'
)


def _facet_option(name: str, option) -> tuple:
    count = option.count
    counted = (
        ""
        if count is None
        else format_html(
            ' <span class="facet-count">{}<span class="visually-hidden"> job{}</span></span>',
            f"{count:,}",
            "" if count == 1 else "s",
        )
    )
    empty = " is-empty" if count == 0 and not option.selected else ""
    checked = mark_safe(" checked") if option.selected else ""
    value = option.value
    return (empty, name, value, name, value, checked, name, value, option.label, counted)
