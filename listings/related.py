"""Related jobs for an article: the live vacancies that best match what an article is about.

The article's most significant terms are its most frequent words once common English and
publishing words are dropped; tags count three times, because an editor chose them. Live
vacancies are then ranked against those terms:

- PostgreSQL: each term becomes ``plainto_tsquery('english', term)``; a vacancy must match
  at least one of them (the OR-ed query, served by the GIN index on ``search_vector``), and
  its score is the sum of ``ts_rank`` for each term, weighted by how often the article uses
  it. Title words weigh most, then profession and employer, then description (the weights
  the search vector's trigger assigns).
- SQLite (local work, first CI pass) has no full text: a term found in the title scores 3,
  in the profession name 2, in the description 1, after dropping a plural ending, with the
  same per-term weights. Good enough to demonstrate; PostgreSQL is what production runs.

Any search filter (``location``, ``radius``, ``profession``...) narrows the candidates first,
through the search itself (``listings.search``), so "near a place" means the same here. The
ranking is the database keyword backend's (``listings.search.backends``).
"""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import unquote, urlsplit

from django.utils import timezone

from listings.models import Vacancy
from listings.search import rank_related, search_matches, stem

MAX_TERMS = 12
TAG_WEIGHT = 3
MAX_TEXT_LENGTH = 100_000

# Common English words and the furniture of an article page, which say nothing about a job.
_STOPWORD_TEXT = """
    a about above after again against all almost also although always am among an and any
    are around as at be became because been before being below between both but by can
    cannot could did do does doing done down during each either else enough even ever every
    few for from further get gets getting give given go goes going gone got had has have
    having he her here hers herself him himself his how however i if in into is it its
    itself just least less like made make makes making many may me might more most much
    must my myself need needs never new no nor not now of off often on once one only or
    other others our ours ourselves out over own part per perhaps put rather really said
    same say says see seen several shall she should show since so some something still such
    take than that the their theirs them themselves then there these they thing things
    this those though through thus to too under until up upon us use used using very want
    was way ways we well were what when where whether which while who whom whose why will
    with within without would year years yet you your yours yourself yourselves
    article articles read reading click share comment comments subscribe newsletter
    week weeks today yesterday tomorrow told tell says according including people
    first second third last next time times day days month months lot lots good better
    best great find found help helps helped look looking back across come comes came
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())
_WORD = re.compile(r"[a-z]+")


def _words(text: str) -> list[str]:
    return [
        stem(word)
        for word in _WORD.findall(text.lower())
        if len(word) >= 3 and word not in STOPWORDS
    ]


def significant_terms(
    text: str, *, tags: list[str] | tuple[str, ...] = (), limit: int = MAX_TERMS
) -> list[tuple[str, int]]:
    """The article's most significant terms with their weights, most significant first."""
    counts: Counter[str] = Counter(_words(text[:MAX_TEXT_LENGTH]))
    for tag in tags:
        for word in _words(tag):
            counts[word] += TAG_WEIGHT
    return counts.most_common(limit)


def text_from_reference(value: str) -> str:
    """Words from ``related=`` on the widget: plain text, or an article URL's slug words.

    ``https://articles.example/practice/probation-officers-caseloads/`` gives
    "practice probation officers caseloads".
    """
    value = value.strip()
    if value.startswith(("http://", "https://", "/")):
        try:
            path = urlsplit(value).path
        except ValueError:
            return ""
        segments = [unquote(s) for s in path.split("/") if s]
        words = []
        for segment in segments:
            segment = re.sub(r"\.[a-z0-9]{2,5}$", "", segment.lower())
            words.extend(w for w in re.split(r"[-_+.\s]+", segment) if w and not w.isdigit())
        return " ".join(words)
    return value


def related_vacancies(
    *,
    text: str,
    tags: list[str] | tuple[str, ...] = (),
    filters=None,
    limit: int = 5,
    now=None,
):
    """Live vacancies ranked by how well they match the article, best first.

    ``filters`` are search parameters (a QueryDict or dict) that narrow the candidates, such as
    ``{"location": "leeds", "radius": "20"}``. Returns a queryset with result-row data loaded;
    empty when the article has no usable words.
    """
    now = now or timezone.now()
    candidates = search_matches(filters or {}, now=now).select_related("employer", "profession")
    terms = significant_terms(text, tags=tags)
    if not terms:
        return Vacancy.objects.none()
    ranked = rank_related(candidates, terms)
    return ranked.order_by("-related_score", "-published_at", "-id").prefetch_related("places")[
        :limit
    ]
