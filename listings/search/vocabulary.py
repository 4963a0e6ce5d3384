"""The care sector's vocabulary (``vocabulary.toml``), read once.

Abbreviations with their expansions, groups of synonyms and the words naming each profession.
``Vocabulary.alternatives(phrase)`` is what a seeker may mean by a word or phrase; the query
parser (``keywords``) asks it, longest phrase first.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

VOCABULARY_FILE = Path(__file__).with_name("vocabulary.toml")
# The longest phrase (in words) the parser tries to look up.
MAX_PHRASE_WORDS = 5
_WORDS = re.compile(r"[^\W_]+")


def words_of(text: str) -> tuple[str, ...]:
    """The lower-case words of ``text`` (letters and digits; punctuation splits)."""
    return tuple(_WORDS.findall(text.lower()))


def stem(word: str) -> str:
    """Drop a plural ending ("nurses" → "nurse", "therapies" → "therapy"); keep "-ss", "-us",
    "-is" words ("address", "campus", "analysis") whole."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def stemmed(phrase: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(stem(word) for word in phrase)


@dataclass(frozen=True)
class Vocabulary:
    """Abbreviations (phrase → expansions), synonyms (phrase → its group) and professions
    (phrase → profession slugs), every phrase a tuple of lower-case words; looked up with a
    plural dropped from each word ("carers" is "carer")."""

    abbreviations: dict[tuple[str, ...], tuple[tuple[str, ...], ...]] = field(default_factory=dict)
    synonyms: dict[tuple[str, ...], tuple[tuple[str, ...], ...]] = field(default_factory=dict)
    professions: dict[tuple[str, ...], frozenset[str]] = field(default_factory=dict)

    def _key(self, phrase: tuple[str, ...], table: dict) -> tuple[str, ...]:
        return phrase if phrase in table else stemmed(phrase)

    def is_abbreviation(self, phrase: tuple[str, ...]) -> bool:
        return phrase in self.abbreviations

    def knows(self, phrase: tuple[str, ...]) -> bool:
        """Whether ``phrase`` is a word or phrase of the vocabulary (kept whole when parsed)."""
        return any(
            self._key(phrase, table) in table
            for table in (self.abbreviations, self.synonyms, self.professions)
        )

    def alternatives(self, phrase: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
        """``phrase`` first, then what else a seeker means by it: the expansions of an
        abbreviation, then the synonyms of each (or of the phrase itself)."""
        return tuple(p for p, _direct in self.meanings(phrase))

    def meanings(self, phrase: tuple[str, ...]) -> list[tuple[tuple[str, ...], bool]]:
        """``alternatives`` each with whether it says the same thing (the phrase and an
        abbreviation's expansions) rather than a synonym's near thing."""
        direct = [phrase, *self.abbreviations.get(phrase, ())]
        found = dict.fromkeys(direct, True)
        for known in direct:
            for synonym in self.synonyms.get(self._key(known, self.synonyms), ()):
                found.setdefault(synonym, False)
        typed = stemmed(phrase)
        return [(p, d) for p, d in found.items() if p == phrase or stemmed(p) != typed]

    def professions_for(self, phrase: tuple[str, ...]) -> frozenset[str]:
        """The slugs of the professions ``phrase`` names."""
        return self.professions.get(self._key(phrase, self.professions), frozenset())

    def words(self) -> set[str]:
        """Every word the vocabulary uses (the typo dictionary includes them)."""
        phrases = [*self.abbreviations, *self.synonyms, *self.professions]
        phrases += [p for expansions in self.abbreviations.values() for p in expansions]
        return {word for phrase in phrases for word in phrase}


def parse_vocabulary(text: str) -> Vocabulary:
    """A vocabulary from the TOML text of ``vocabulary.toml``."""
    data = tomllib.loads(text)
    abbreviations = {
        words_of(short): tuple(words_of(long) for long in longs)
        for short, longs in data.get("abbreviations", {}).items()
    }
    synonyms: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
    for group in data.get("synonyms", []):
        phrases = [words_of(phrase) for phrase in group["words"]]
        for phrase in phrases:
            synonyms.setdefault(stemmed(phrase), []).extend(p for p in phrases if p != phrase)
    professions: dict[tuple[str, ...], set[str]] = {}
    for slug, names in data.get("professions", {}).items():
        for name in names:
            professions.setdefault(stemmed(words_of(name)), set()).add(slug)
    return Vocabulary(
        abbreviations=abbreviations,
        synonyms={k: tuple(dict.fromkeys(v)) for k, v in synonyms.items()},
        professions={k: frozenset(v) for k, v in professions.items()},
    )


@functools.cache
def vocabulary() -> Vocabulary:
    """The repository's vocabulary, read on first use."""
    return parse_vocabulary(VOCABULARY_FILE.read_text(encoding="utf-8"))
