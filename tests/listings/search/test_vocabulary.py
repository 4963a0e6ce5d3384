"""The care-sector vocabulary file and how it is read."""

from __future__ import annotations

import tomllib

from listings.professions import PROFESSIONS
from listings.search.vocabulary import VOCABULARY_FILE, parse_vocabulary, vocabulary, words_of

ASKED_FOR = [
    "rgn",
    "rmn",
    "rnld",
    "hca",
    "hcsw",
    "csw",
    "ot",
    "ota",
    "salt",
    "odp",
    "ahp",
    "amhp",
    "bia",
    "nqsw",
    "asye",
    "camhs",
    "cmht",
    "cpn",
    "anp",
    "acp",
    "dn",
    "gp",
    "dbs",
    "nvq",
    "qcf",
    "rcw",
    "ssw",
    "pso",
    "po",
]


def test_the_file_has_every_abbreviation_the_sector_uses():
    abbreviations = vocabulary().abbreviations
    assert [a for a in ASKED_FOR if (a,) not in abbreviations] == []
    assert all(abbreviations[(a,)] for a in ASKED_FOR)


def test_profession_aliases_name_real_professions():
    data = tomllib.loads(VOCABULARY_FILE.read_text(encoding="utf-8"))
    slugs = {slug for _name, slug, _pay, _about in PROFESSIONS}
    assert set(data["professions"]) <= slugs
    # every profession is named by at least its own name
    assert vocabulary().professions_for(words_of("Registered Nurse")) == {"registered-nurse"}


def test_synonyms_go_both_ways_and_plurals_are_looked_up():
    vocab = vocabulary()
    assert ("care", "worker") in vocab.alternatives(("carer",))
    assert ("carer",) in vocab.alternatives(("care", "worker"))
    assert ("physiotherapist",) in vocab.alternatives(("physios",))
    assert vocab.knows(("carers",))


def test_an_abbreviation_means_itself_its_expansions_then_their_synonyms():
    vocab = parse_vocabulary(
        """
        [abbreviations]
        hca = ["healthcare assistant"]
        [[synonyms]]
        words = ["healthcare assistant", "nursing assistant"]
        """
    )
    assert vocab.meanings(("hca",)) == [
        (("hca",), True),
        (("healthcare", "assistant"), True),
        (("nursing", "assistant"), False),
    ]
    assert vocab.is_abbreviation(("hca",)) and not vocab.is_abbreviation(("nursing",))


def test_vocabulary_words_feed_the_dictionary():
    assert {"occupational", "therapist", "ot", "physiotherapist"} <= vocabulary().words()
