"""Person names: after an honorific, or a name the node already knows.

Honorifics by language (the name follows, in the same script):

========== =====================================================
English    Mr, Mrs, Ms, Miss, Capt, Captain
Bahasa     Bapak, Pak, Ibu, Bu, Sdr, Sdri (Saudara, Saudari)
Thai       Nai, Nang, Nangsao (romanised); นาย, นาง, นางสาว, น.ส., ด.ช., ด.ญ.
Khmer      Lok, Lok Srey (romanised); លោក, លោកស្រី, អ្នកស្រី, កញ្ញា
Burmese    U, Daw, Ko, Maung (romanised); ဦး, ဒေါ်, ကို, မောင်
========== =====================================================

A Latin name is one to four capitalised words; a Thai name the first name
written against the honorific and an optional surname after a space; a
Khmer name one or two words; a Burmese name the run of Burmese letters after
the honorific, without a trailing particle (သည်, က, ၏, ...). These are rules,
not understanding: they are proposed for a person to accept, with lower
confidence than a name from the dictionary (``known_names``: names the node
already holds, passed in by the service), which is found wherever it is
written, in any case.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from portintel.domain.extraction.suggestion import Kind, Rule, Suggestion, found
from portintel.domain.extraction.text import NOT_AFTER_ALNUM

HONORIFIC = Rule("person_name.honorific", 1)
DICTIONARY = Rule("person_name.dictionary", 1)

_LATIN_UPPER = "A-ZÀ-ÖØ-ÞĐƠƯẠ-Ỹ"
_LATIN_WORD = rf"[{_LATIN_UPPER}][A-Za-zÀ-ÖØ-öø-ÿĐđƠơƯưẠ-ỹ'\-]+"
_LATIN_STOP = frozenset(
    {
        "The",
        "And",
        "With",
        "From",
        "Dan",
        "Dari",
        "Yang",
        "Was",
        "Is",
        "Of",
        "On",
        "At",
        "In",
        "IMO",
        "MMSI",
        "KM",
        "MV",
        "Phone",
        "Tel",
        "HP",
        "Passport",
        "Paspor",
    }
)
_LATIN = re.compile(
    NOT_AFTER_ALNUM
    + r"(?P<title>Mrs|Mr|Ms|Miss|Capt|Captain|Bapak|Pak|Ibu|Bu|Sdri|Sdr|Nangsao|Nang|Nai|"
    r"Lok Srey|Lok|Daw|Maung|Ko|U)\.?[ \t]+"
    rf"(?P<name>{_LATIN_WORD}(?:[ \t]+{_LATIN_WORD}){{0,3}})"
)
_THAI = re.compile(
    r"(?P<title>นางสาว|นาง|นาย|น\.ส\.|ด\.ช\.|ด\.ญ\.)[ \t]?"
    r"(?P<name>[\u0E01-\u0E4E]+(?:[ \t][\u0E01-\u0E4E]+)?)"
)
_KHMER = re.compile(
    r"(?P<title>លោកស្រី|អ្នកស្រី|លោក|កញ្ញា)[ \t]?"
    r"(?P<name>[\u1780-\u17DD]+(?:[ \t][\u1780-\u17DD]+)?)"
)
# "ကို" is also the object particle ("... ကို စစ်ဆေး"): as a title it is written against the name
_BURMESE = re.compile(
    r"(?P<title>ဦး[ \t]?|ဒေါ်[ \t]?|ကို|မောင်[ \t]?)(?P<name>[\u1000-\u103F\u1050-\u109F]+)"
)
_BURMESE_PARTICLES = ("နှင့်", "သည်", "ကို", "က", "၏", "မှ")
_THAI_NOT_NAMES = frozenset({"ทะเบียน", "หน้าที่"})


_LATIN_TITLES = frozenset(
    {
        "Mrs",
        "Mr",
        "Ms",
        "Miss",
        "Capt",
        "Captain",
        "Bapak",
        "Pak",
        "Ibu",
        "Bu",
        "Sdri",
        "Sdr",
        "Nangsao",
        "Nang",
        "Nai",
        "Lok",
        "Srey",
        "Daw",
        "Maung",
        "Ko",
        "U",
    }
)


def _latin_words(name: str) -> str:
    words: list[str] = []
    for word in name.split():
        if not words and word.rstrip(".") in _LATIN_TITLES:
            continue  # "Captain Mr Sok": the name starts after the last title
        if word in _LATIN_STOP:
            break
        words.append(word)
    return " ".join(words)


def _burmese_name(name: str) -> str:
    for particle in _BURMESE_PARTICLES:
        if name.endswith(particle) and len(name) > len(particle) + 1:
            return name[: -len(particle)]
    return name


def find_honorific_names(text: str, normal: str) -> Iterator[Suggestion]:
    """Names after an honorific, in Latin, Thai, Khmer and Burmese script."""
    for pattern, confidence in ((_LATIN, 0.7), (_THAI, 0.75), (_KHMER, 0.65), (_BURMESE, 0.6)):
        for match in pattern.finditer(normal):
            name = match.group("name")
            if pattern is _LATIN:
                name = _latin_words(name)
                # a lone "U" or "Ko" is too often not a title: ask for two words after it
                if not name or (match.group("title") in ("U", "Ko") and " " not in name):
                    continue
            elif pattern is _BURMESE:
                name = _burmese_name(name)
            elif pattern is _THAI and name.split()[0] in _THAI_NOT_NAMES:
                continue
            yield found(
                HONORIFIC,
                Kind.PERSON_NAME,
                text,
                _span_of_words(normal, match.start("name"), name.split()),
                " ".join(name.split()),
                confidence=confidence,
                details={"honorific": match.group("title").strip()},
            )


def _span_of_words(normal: str, start: int, words: Sequence[str]) -> tuple[int, int]:
    """Where ``words`` stand in ``normal`` from ``start`` on, whatever the spaces between."""
    first = normal.index(words[0], start)
    end = first
    for word in words:
        end = normal.index(word, end) + len(word)
    return first, end


_TOKEN = re.compile(r"[^\s,.;:()\[\]{}\"“”‘’!?/|<>*]+")
MAX_NAME_WORDS = 5


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


@dataclass(frozen=True, slots=True)
class NameIndex:
    """Known names by their folded form (case and spacing ignored), built once per reader."""

    by_key: dict[str, str]
    longest: int


def index_names(names: Iterable[str]) -> NameIndex:
    """The dictionary of the person-name rule; the first spelling of a folded name wins."""
    by_key: dict[str, str] = {}
    for name in names:
        if name.strip():
            by_key.setdefault(_key(name), " ".join(name.split()))
    longest = max((key.count(" ") + 1 for key in by_key), default=0)
    return NameIndex(by_key, min(longest, MAX_NAME_WORDS))


def find_known_names(text: str, normal: str, names: NameIndex) -> Iterator[Suggestion]:
    """Every occurrence of a name the node knows, whatever its case and spacing.

    The text is cut into words at spaces and punctuation and each run of one
    to :data:`MAX_NAME_WORDS` words is looked up: linear in the text and
    independent of how many names the node knows (a regular expression of
    20,000 alternatives is not). The longest known run wins; the value is the
    name as the node knows it.
    """
    if not names.by_key:
        return
    tokens = [(match.start(), match.end(), match.group(0)) for match in _TOKEN.finditer(normal)]
    index = 0
    while index < len(tokens):
        for size in range(min(names.longest, len(tokens) - index), 0, -1):
            run = tokens[index : index + size]
            known = names.by_key.get(" ".join(token for _, _, token in run).casefold())
            if known is not None:
                yield found(
                    DICTIONARY,
                    Kind.PERSON_NAME,
                    text,
                    (run[0][0], run[-1][1]),
                    known,
                    confidence=0.9,
                    details={"dictionary": "known names"},
                )
                index += size
                break
        else:
            index += 1
