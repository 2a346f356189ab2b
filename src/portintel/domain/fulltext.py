"""Words of a text for full-text search: case and accents folded, every script.

Reports are written in English, Bahasa Indonesia, Vietnamese, Khmer, Thai and
Burmese. A word index needs words; this module says what they are, the same
for the text indexed and for the query, and the same on every store (the
index holds these words as they are: SQLite FTS5 and PostgreSQL do no
tokenising or folding of their own, so both find exactly what
:func:`admits` says):

* **Scripts written with spaces** (Latin, Cyrillic, Greek, Arabic...): each
  word transliterated to lower-case ASCII (anyascii), so accents and case
  fold: "Nguyễn" and "NGUYEN" are one word ``wnguyen``. A query word matches
  every word it begins (``boat`` finds "boats"), as a search box is typed.
* **Scripts written without spaces between words** (Thai, Khmer, Lao,
  Burmese, Chinese): there is no word to cut without a dictionary, so a run
  of them is indexed as its overlapping pairs of characters (bigrams, as
  Lucene's CJK analyser does), hex-encoded: ``u`` + the UTF-8 hex of the
  pair. A query run matches a text holding each of its pairs (in any order:
  the stores' word indexes keep no positions here); one character alone
  matches the pairs it begins.

Each word carries a kind letter (``w`` a word, ``u`` a pair), so no query of
one kind finds words of the other ("0" never matches every Thai pair). Every
word is ASCII letters and digits: no store can tokenise it differently.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from portintel.domain.names.romanise import ascii_words
from portintel.domain.names.scripts import Script, char_script

UNSPACED = frozenset({Script.THAI, Script.KHMER, Script.LAO, Script.MYANMAR, Script.HAN})
"""Scripts written without spaces between words: indexed as pairs of characters."""
WORD = "w"
PAIR = "u"
MAX_TERMS = 32
"""Words a query may look for (more say nothing a search box needs)."""


@dataclass(frozen=True, slots=True)
class Term:
    """One word a query asks for: ``word`` itself, or (``prefix``) any word it begins."""

    word: str
    prefix: bool


def _runs(text: str) -> Iterator[tuple[bool, str]]:
    """(unspaced, run) for each run of letters, marks and digits, cut where the script
    changes between spaced and unspaced (marks and digits join the run they are in)."""
    run: list[str] = []
    unspaced = False
    for char in unicodedata.normalize("NFC", text):
        if unicodedata.category(char)[0] not in "LMN":
            if run:
                yield unspaced, "".join(run)
                run = []
            continue
        script = char_script(char)
        if script is not None:
            this = script in UNSPACED
            if run and this != unspaced:
                yield unspaced, "".join(run)
                run = []
            unspaced = this
        elif not run:
            unspaced = False  # a run opened by a digit or mark reads as spaced until a letter
        run.append(char)
    if run:
        yield unspaced, "".join(run)


def _pair(chars: str) -> str:
    return PAIR + chars.encode("utf-8").hex()


def _pairs(run: str) -> list[str]:
    if len(run) == 1:
        return [_pair(run)]
    return [_pair(run[i : i + 2]) for i in range(len(run) - 1)]


def text_words(*texts: str) -> tuple[str, ...]:
    """The distinct words of ``texts`` as the index keeps them, in order of first use."""
    seen: dict[str, None] = {}
    for text in texts:
        for unspaced, run in _runs(text):
            if unspaced:
                seen.update(dict.fromkeys(_pairs(run)))
            else:
                seen.update(dict.fromkeys(WORD + word for word in ascii_words(run).split()))
    return tuple(seen)


def query_terms(query: str) -> tuple[Term, ...]:
    """What a query asks for: every term must match (AND). Empty when ``query`` has no
    letter or digit. At most :data:`MAX_TERMS` (the first ones)."""
    terms: dict[Term, None] = {}
    for unspaced, run in _runs(query):
        if unspaced:
            if len(run) == 1:
                terms[Term(_pair(run), prefix=True)] = None
            else:
                terms.update(dict.fromkeys(Term(pair, prefix=False) for pair in _pairs(run)))
        else:
            terms.update(
                dict.fromkeys(Term(WORD + word, prefix=True) for word in ascii_words(run).split())
            )
    return tuple(terms)[:MAX_TERMS]


def admits(terms: Iterable[Term], words: Iterable[str]) -> bool:
    """Whether a text of ``words`` matches every term: the store's index decides the
    same (a test oracle)."""
    held = set(words)
    for term in terms:
        if term.prefix:
            # a pair's hex prefix must end on a character: the prefix of one whole character
            if not any(word.startswith(term.word) for word in held):
                return False
        elif term.word not in held:
            return False
    return True
