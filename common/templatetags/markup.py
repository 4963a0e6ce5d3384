"""Template filters for user-written text: ``{{ text|markdown }}``, ``|markdown_excerpt:40``
and ``|plaintext:160``."""

from django import template

from common.markdown import render_markdown, render_markdown_excerpt, to_plain_text

register = template.Library()


@register.filter
def markdown(value):
    """Markdown to sanitised HTML."""
    return render_markdown(value)


@register.filter
def markdown_excerpt(value, words=40):
    """Markdown to sanitised HTML, cut after ``words`` words with its markup kept."""
    return render_markdown_excerpt(value, words=int(words))


@register.filter
def plaintext(value, limit=None):
    """Markdown to plain text, optionally cut at ``limit`` characters on a word boundary."""
    return to_plain_text(value, limit=int(limit) if limit else None)
