"""User-written text (vacancy descriptions, employer profiles) rendered safely.

Markdown is turned into HTML, then nh3 keeps only a small set of tags and attributes, so a
hostile description can never run a script or break out of its box. Links get
``rel="nofollow noopener"`` and only web and mail schemes.
"""

from __future__ import annotations

import functools
import html
import threading

import markdown as markdown_lib
import nh3
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

ALLOWED_TAGS = {
    "p", "br", "strong", "b", "em", "i", "u", "ul", "ol", "li", "h2", "h3", "h4",
    "blockquote", "a", "hr", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}, "td": set()}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel"}


def normalise_newlines(text: str) -> str:
    """``text`` with every line ending as ``\n``.

    Browsers send a textarea's text with CRLF line endings and API clients usually with LF:
    stored and compared as one, the same words are the same text whichever way they came.
    """
    return text.replace("\r\n", "\n").replace("\r", "\n")


def sanitise_html(html: str) -> str:
    """Keep only safe markup; everything else is removed, scripts with their content."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="nofollow noopener noreferrer",
        clean_content_tags={"script", "style"},
    )


_converters = threading.local()


def _markdown_to_html(text: str) -> str:
    """One ``Markdown`` converter per thread, reset between texts (building one costs more
    than converting a typical description; a converter is not safe to share across threads)."""
    converter = getattr(_converters, "markdown", None)
    if converter is None:
        converter = _converters.markdown = markdown_lib.Markdown(
            extensions=["sane_lists", "tables"]
        )
    return converter.reset().convert(text)


@functools.lru_cache(maxsize=2048)
def render_markdown(text: str | None) -> SafeString:
    """Render Markdown (or limited HTML) to sanitised HTML that is safe to show.

    A pure function of the text, so each process remembers its last 2,048 results: a vacancy
    page renders its description three times (the page, its JSON-LD, its meta description),
    and the same popular vacancies are shown again and again (a few megabytes at most).
    """
    return mark_safe(sanitise_html(_markdown_to_html(text or "")))  # noqa: S308 - sanitised by nh3 just above


def render_markdown_excerpt(text: str | None, *, words: int) -> SafeString:
    """The start of a text rendered as ``render_markdown`` does, cut after ``words`` words.

    Lists, paragraphs and emphasis keep their markup (cut with the tags still balanced), so
    a short card shows "- Free parking" as a list item, not as run-on text.
    """
    excerpt = Truncator(render_markdown(text)).words(words, html=True, truncate="…")
    return mark_safe(sanitise_html(excerpt))  # noqa: S308 - sanitised by nh3 just above


def to_plain_text(text: str | None, *, limit: int | None = None) -> str:
    """Markdown reduced to plain text, for meta descriptions, feeds and JSON-LD.

    Plain means unescaped: "Pay & benefits", not "Pay &amp; benefits". Whoever shows it
    escapes it once for its own format (templates, the feed writer, JSON).
    """
    plain = " ".join(html.unescape(strip_tags(render_markdown(text))).split())
    if limit and len(plain) > limit:
        plain = plain[: limit - 1].rsplit(" ", 1)[0] + "…"
    return plain
