"""Checks on what people type that every app shares."""

from __future__ import annotations

from urllib.parse import urlsplit

WEB_SCHEMES = ("http", "https")
WEB_ADDRESS_ERROR = "Give a web address starting with https:// (or http://)."


def is_web_address(url: str) -> bool:
    """True for an http(s) address: what a browser opens from a link on our pages.

    Django's URL fields also take ``ftp://``, which no browser opens any more (an apply link
    that fails for every seeker); ``javascript:`` and other schemes are refused by them.
    """
    try:
        return urlsplit(url.strip()).scheme.lower() in WEB_SCHEMES
    except ValueError:
        return False
