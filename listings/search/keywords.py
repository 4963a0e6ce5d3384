"""The words of a search: how keyword text becomes terms, in one place.

PostgreSQL parses and stems keywords itself (``websearch_to_tsquery('english', q)``); the
portable backend and the related-jobs ranking need terms from plain Python, and read them here:
lower-case words, without the operator words of web-search syntax, with a plural ending
dropped (``stem``).
"""

from __future__ import annotations

import re

MAX_PORTABLE_TERMS = 8
OPERATOR_WORDS = frozenset({"or", "and", "not"})
_WORD = re.compile(r"\w+")


def stem(word: str) -> str:
    """Drop a plural ending ("nurses" → "nurse", "therapies" → "therapy"); keep "-ss", "-us",
    "-is" words ("address", "campus", "analysis") whole."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def keyword_terms(q: str, *, limit: int = MAX_PORTABLE_TERMS) -> list[str]:
    """The distinct stemmed words of ``q``, at most ``limit``, operators left out."""
    words = _WORD.findall(q.lower())
    terms = [stem(word) for word in words if word not in OPERATOR_WORDS]
    return list(dict.fromkeys(terms))[:limit]
