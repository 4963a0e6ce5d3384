"""The "Did you mean …?" of a search: the nearest known words for misspelt keywords.

The dictionary (``SearchWord``) is every word of the live vacancies (title, profession,
description) and of the care-sector vocabulary, with how many live vacancies use each; the
beat refreshes it (``refresh_search_words``), a table of a few thousand rows rather than a
materialised view so that SQLite has it too and a refresh is one short transaction. When a
keyword search finds fewer than ``SUGGEST_BELOW`` vacancies (none: a misspelt word in a
search of several words finds nothing, since every word must match, and a search that finds
something costs no query more than it did), each of its words that is not
in the dictionary is replaced by the closest dictionary word (candidates from the backend:
``pg_trgm`` on PostgreSQL, ``difflib`` on SQLite; the pick, in Python, is the same on both),
and the corrected search is offered when it finds something.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction

from listings.models import SearchWord, Vacancy
from listings.search.backends import backend
from listings.search.keywords import FILLER_WORDS, MIN_PREFIX_LENGTH
from listings.search.vocabulary import vocabulary, words_of

if TYPE_CHECKING:
    from listings.search.filterset import BaseVacancyFilterSet

# A search finding fewer vacancies than this is offered a correction.
SUGGEST_BELOW = 1
CANDIDATES = 8
MAX_WORD_LENGTH = 40
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Suggestion:
    """The corrected keywords and the query string of the corrected search."""

    q: str
    query_string: str


def refresh_search_words(*, now=None) -> int:
    """Rebuild the dictionary from the vacancies live at ``now`` and the vocabulary; return
    its size. Running it twice in a row changes nothing."""
    counts = backend().word_counts(Vacancy.objects.live(now=now))
    for word in vocabulary().words():
        counts.setdefault(word, 0)
    rows = [
        SearchWord(word=word, vacancies=n)
        for word, n in counts.items()
        if len(word) <= MAX_WORD_LENGTH and not word.isdigit()
    ]
    with transaction.atomic():
        SearchWord.objects.all().delete()
        SearchWord.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def closest_word(word: str, candidates: list[tuple[str, int]]) -> str | None:
    """The candidate most like ``word`` (``difflib``'s ratio in hundredths), the one more
    vacancies use among equals."""
    if not candidates:
        return None
    scored = [
        (round(difflib.SequenceMatcher(None, word, w).ratio(), 2), n, w) for w, n in candidates
    ]
    ratio, _n, best = max(scored, key=lambda s: (s[0], s[1], [-ord(c) for c in s[2]]))
    return best if ratio >= 0.6 else None


def corrections(q: str) -> dict[str, str]:
    """Each word of ``q`` the dictionary does not hold, with the closest word it does."""
    vocab = vocabulary()
    asked = [
        w
        for w in dict.fromkeys(words_of(q))
        if len(w) >= MIN_PREFIX_LENGTH
        and not any(c.isdigit() for c in w)
        and w not in FILLER_WORDS
        and not vocab.knows((w,))
    ]
    if not asked:
        return {}
    known = set(SearchWord.objects.filter(word__in=asked).values_list("word", flat=True))
    found = {}
    for word in asked:
        if word in known:
            continue
        best = closest_word(word, backend().similar_words(word, limit=CANDIDATES))
        if best and best != word:
            found[word] = best
    return found


def did_you_mean(search: BaseVacancyFilterSet, *, total: int) -> Suggestion | None:
    """A corrected search to offer, when ``search`` (which found ``total``) has keywords
    that look misspelt and the correction finds something."""
    q = search.data.get("q") or ""
    if not q or total >= SUGGEST_BELOW:
        return None
    fixes = corrections(q)
    if not fixes:
        return None
    corrected = _WORD.sub(lambda m: fixes.get(m.group(0).lower(), m.group(0)), q)
    others = search.filtered(exclude=("q",))
    if not backend().matching(others, corrected).exists():
        return None
    return Suggestion(q=corrected, query_string=search.query_string(q=corrected))
