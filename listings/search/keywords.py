"""The words of a search: how keyword text becomes what the database is asked, in one place.

``parse_keywords(q)`` reads web-search syntax (``"a phrase"``, ``or``, ``-word``) into
groups: everything the seeker asked for, each group a set of alternatives any of which will
do. Runs of plain words are looked up in the care sector's vocabulary (``vocabulary.toml``),
longest phrase first: ``hca night shifts`` is the groups {hca, healthcare assistant, health
care assistant}, {night}, {shift}. An abbreviation matches only as a whole word; the last
plain word of the query may be a partial word (``occupational ther``). Both backends render
the same groups: PostgreSQL as a ``to_tsquery`` text (``tsquery_text``; a phrase of the
vocabulary as its own lexeme when it filters, ``phrases``), the portable one as
regular expressions (``match_pattern``); ranking asks ``title_pattern`` and the professions
the groups name.

``stem`` and ``keyword_terms`` are the plain-Python words the related-jobs ranking uses.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from listings.models import REFERENCE_ALPHABET, REFERENCE_LENGTH
from listings.search.vocabulary import MAX_PHRASE_WORDS, Vocabulary, stem, vocabulary, words_of

MAX_PORTABLE_TERMS = 8
# At most this many groups are searched for (the rest of a pasted paragraph is ignored).
MAX_GROUPS = 8
# A partial last word needs this many letters ("ph" would match half the board).
MIN_PREFIX_LENGTH = 3
OPERATOR_WORDS = frozenset({"or", "and", "not"})
# Plain words that narrow nothing: English stop words (PostgreSQL drops them too) and the
# words seekers add to any search ("nurse jobs").
FILLER_WORDS = frozenset(
    {"a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "into", "is", "it"}
    | {"not", "of", "on", "or", "the", "to", "with", "job", "jobs", "vacancy", "vacancies"}
    | {"role", "roles"}
)
_WORD = re.compile(r"\w+")
# A quoted phrase (the closing quote may be missing) or a bare token, each maybe negated.
_TOKEN = re.compile(r'(-?)"([^"]*)"?|(-?)([^\s"]+)')
_REFERENCE = re.compile(rf"^[{REFERENCE_ALPHABET}]{{{REFERENCE_LENGTH}}}$", re.IGNORECASE)


def keyword_terms(q: str, *, limit: int = MAX_PORTABLE_TERMS) -> list[str]:
    """The distinct stemmed words of ``q``, at most ``limit``, operators left out."""
    words = _WORD.findall(q.lower())
    terms = [stem(word) for word in words if word not in OPERATOR_WORDS]
    return list(dict.fromkeys(terms))[:limit]


def reference_in(q: str) -> str | None:
    """The vacancy reference ``q`` is, upper-cased (``epwhpmz4`` → ``EPWHPMZ4``), or None."""
    text = q.strip()
    return text.upper() if _REFERENCE.match(text) else None


@dataclass(frozen=True)
class Term:
    """A word or phrase to find. ``whole``: an abbreviation, found only as a whole word;
    ``prefix``: the (last) word may be the start of a longer one; ``synonym``: a near
    meaning from the vocabulary, ranked below what was typed and its expansions."""

    words: tuple[str, ...]
    whole: bool = False
    prefix: bool = False
    synonym: bool = False


@dataclass(frozen=True)
class Group:
    """One thing the seeker asked for: a vacancy matches when it holds any of its terms
    (or, ``negated``, none of them). ``professions``: the slugs its terms name."""

    terms: tuple[Term, ...]
    negated: bool = False
    professions: frozenset[str] = frozenset()


@dataclass(frozen=True)
class KeywordQuery:
    """What a keyword search asks for: every positive group, no negated one."""

    groups: tuple[Group, ...]
    reference: str | None = None

    @property
    def positive(self) -> tuple[Group, ...]:
        return tuple(g for g in self.groups if not g.negated)

    @property
    def professions(self) -> frozenset[str]:
        """The slugs of the professions the positive groups name."""
        return frozenset().union(*(g.professions for g in self.positive))

    def __bool__(self) -> bool:
        return bool(self.groups)


def _group(phrase: tuple[str, ...], vocab: Vocabulary, *, prefix: bool = False) -> Group:
    """The group for a plain word or known phrase: itself and what the vocabulary adds."""
    terms, professions = [], set()
    for alternative, direct in vocab.meanings(phrase):
        whole = vocab.is_abbreviation(alternative)
        partial = prefix and alternative == phrase
        terms.append(Term(alternative, whole=whole, prefix=partial, synonym=not direct))
        professions |= vocab.professions_for(alternative)
    return Group(tuple(terms), professions=frozenset(professions))


def _segment(words: list[str], vocab: Vocabulary, *, last: bool) -> list[Group]:
    """Plain words as groups, the longest phrase the vocabulary knows taken first."""
    groups, i = [], 0
    while i < len(words):
        for size in range(min(MAX_PHRASE_WORDS, len(words) - i), 0, -1):
            phrase = tuple(words[i : i + size])
            if size == 1 or vocab.knows(phrase):
                break
        i += size
        if size == 1 and (
            phrase[0] in FILLER_WORDS or (len(phrase[0]) == 1 and not phrase[0].isdigit())
        ):
            continue
        partial = (
            last
            and i == len(words)
            and size == 1
            and not vocab.knows(phrase)
            and len(phrase[0]) >= MIN_PREFIX_LENGTH
            and not phrase[0].isdigit()
        )
        groups.append(_group(phrase, vocab, prefix=partial))
    return groups


def parse_keywords(q: str, *, vocab: Vocabulary | None = None) -> KeywordQuery:
    """The groups of ``q`` (web-search syntax), expanded with the vocabulary."""
    vocab = vocab or vocabulary()
    tokens = []  # ("or",) | ("plain", word) | ("phrase", words, negated)
    for match in _TOKEN.finditer(q):
        quoted_neg, quoted, bare_neg, bare = match.groups()
        if quoted is not None:
            if words := words_of(quoted):
                tokens.append(("phrase", words, bool(quoted_neg)))
        elif bare.lower() == "or":
            tokens.append(("or",))
        elif words := words_of(bare):
            if bare_neg and bare != "-":
                tokens.append(("phrase", words, True))
            else:
                tokens.extend(("plain", word) for word in words)
    groups: list[Group] = []
    join_next = False  # an "or" joins the group before it with the one after it
    run: list[str] = []

    def add(new: list[Group]) -> None:
        nonlocal join_next
        for group in new:
            if join_next and groups and not groups[-1].negated and not group.negated:
                before = groups.pop()
                group = Group(
                    before.terms + group.terms, professions=before.professions | group.professions
                )
            join_next = False
            groups.append(group)

    for token in tokens:
        if token[0] == "plain":
            run.append(token[1])
            continue
        if run:
            add(_segment(run, vocab, last=False))
            run = []
        if token[0] == "or":
            join_next = bool(groups)
        else:
            _kind, words, negated = token
            phrase_professions = vocab.professions_for(words)
            group = Group((Term(words),), negated=negated, professions=phrase_professions)
            add([group])
    if run:
        add(_segment(run, vocab, last=True))
    positive = [g for g in groups if not g.negated][:MAX_GROUPS]
    negative = [g for g in groups if g.negated][:MAX_GROUPS]
    return KeywordQuery(tuple(positive + negative), reference=reference_in(q))


# --- PostgreSQL: a to_tsquery text ------------------------------------------------------------
def _ts_term(term: Term, tokens: Mapping[str, str]) -> str:
    # Words are letters and digits only (``words_of``): quoting them is enough to be safe.
    if len(term.words) > 1 and not term.prefix:
        token = tokens.get(" ".join(term.words))
        if token is not None:
            return f"'{token}'"
    lexemes = [f"'{word}'" for word in term.words]
    if term.prefix:
        lexemes[-1] += ":*"
    return " <-> ".join(lexemes)


def tsquery_text(query: KeywordQuery, *, tokens: Mapping[str, str] | None = None) -> str:
    """``query`` as ``to_tsquery('english', ...)`` input: groups ANDed, terms ORed, phrases
    with ``<->``, a partial word with ``:*``, a negated group with ``!``.

    ``tokens``: a phrase's spelling → the lexeme standing for it in the search vector
    (``phrases.phrase_tokens``); a phrase found there is asked for as that one lexeme, which
    the GIN index answers without reading a row (for filtering: ranking keeps the ``<->``)."""
    tokens = tokens or {}
    parts = []
    for group in query.groups:
        inner = " | ".join(f"({_ts_term(term, tokens)})" for term in group.terms)
        parts.append(f"!({inner})" if group.negated else f"({inner})")
    return " & ".join(parts)


# --- regular expressions (the portable backend; title matches on both) -------------------------
def _word_forms(word: str) -> str:
    """A word and its usual endings, as PostgreSQL's English stemmer would find it
    ("care" → care, cares, caring, cared; "nursing" → nurse, nurses, nursing)."""
    root = stem(word)
    if len(root) > 5 and root.endswith("ing"):
        root = root[:-3]
    elif len(root) > 4 and root.endswith("ed"):
        root = root[:-2]
    if len(root) > 3 and root.endswith("y"):
        return f"{root[:-1]}(y|ies)"
    if root.endswith("e"):
        return f"{root[:-1]}(e|es|ing|ed)"
    return f"{root}(e|es|s|ing|ed)?"


def match_pattern(term: Term, *, boundary: str = r"\b") -> str:
    """A regular expression finding ``term`` in text: an abbreviation as a whole word
    (plural allowed), a partial word as the start of a word, other words with their endings."""
    parts = []
    for index, word in enumerate(term.words):
        if term.whole:
            parts.append(f"{word}s?{boundary}")
        elif term.prefix and index == len(term.words) - 1:
            parts.append(stem(word))
        else:
            parts.append(f"{_word_forms(word)}{boundary}")
    return boundary + r"\W+".join(parts)


def title_pattern(term: Term, *, boundary: str = r"\b") -> str:
    """A regular expression finding ``term`` in a title as typed (a plural allowed): "nurse"
    is in "Staff Nurse" but not in "Nursing Associate"."""
    if term.prefix:
        return match_pattern(term, boundary=boundary)
    words = [f"{stem(word)}(s|es)?" for word in term.words]
    return boundary + r"\W+".join(words) + boundary
