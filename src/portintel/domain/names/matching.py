"""Comparing person and vessel names across scripts, spellings and word order.

A name is prepared once (:func:`prepare_name`): each romanisation becomes a
:class:`NameForm`, a tuple of tokens, each with a *key*. The key is what two
spellings of one name part share: the group of the variants table when the
table knows the token (Sokh -> sok), else its consonant skeleton
(:func:`skeleton`), a deliberately coarse phonetic code that ignores vowels,
aspiration and doubled letters, so Chanthy, Chanthi and Chanathei (anyascii's
reading of ចាន់ធី) share ``cnt``. Keys are also what blocking groups on.

:func:`compare_names` scores two prepared names in [0, 1]: tokens are
aligned regardless of order (Sok Chanthy = CHANTHY SOK), each pair scored
1.0 for one group, 0.95 for one skeleton (unless the table puts the two in two
groups: Zaw is not Swe), else the Jaro-Winkler similarity of
the spellings; tokens left unmatched in the longer name count half against
it (Aung San is not Aung San Suu Kyi). The joined spelling is compared too,
for names split differently (Chan-o-cha = Chanocha; Burmese syllables).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import Indel, JaroWinkler

from portintel.domain.names.romanise import romanisations
from portintel.domain.names.variants import NameVariants

_DIGRAPHS = (
    ("tch", "C"), ("sch", "C"), ("ch", "C"), ("sh", "C"), ("dj", "C"), ("tj", "C"),
    ("j", "C"), ("ck", "k"), ("c", "k"), ("q", "k"), ("x", "s"), ("z", "s"), ("v", "w"),
    ("ph", "p"), ("f", "p"), ("kh", "k"), ("gh", "g"), ("th", "t"), ("dh", "d"), ("bh", "b"),
)  # fmt: skip
_VOWELS = re.compile(r"[aeiouyhC]")  # h after the digraphs is aspiration; C restored below


@lru_cache(maxsize=65536)
def skeleton(token: str) -> str:
    """A coarse phonetic code of one ASCII token: its first sound, then its consonants,
    doubled letters once. Vowel-initial tokens start with ``a`` (Aung = Ong)."""
    if not token:
        return ""
    text = token.lower()
    for digraph, sound in _DIGRAPHS:
        text = text.replace(digraph, sound)
    first = "a" if text[0] in "aeiouy" else text[0]
    rest = _VOWELS.sub(lambda m: "c" if m.group() == "C" else "", text[1:])
    code = (first if first != "C" else "c") + rest
    collapsed = [code[0]]
    for char in code[1:]:
        if char != collapsed[-1]:
            collapsed.append(char)
    if len(collapsed) == 1:  # a short name (Le, Chea, To): its first vowel tells it apart
        vowel = next((char for char in token.lower()[1:] if char in "aeiou"), "")
        collapsed.append(vowel)
    return "".join(collapsed)


@dataclass(frozen=True, slots=True)
class NameForm:
    """One romanisation of a name: its tokens and their keys, in the name's order."""

    tokens: tuple[str, ...]
    keys: tuple[str, ...]
    grouped: tuple[bool, ...]
    """Whether each key is a group of the variants table (else a skeleton)."""
    joined: str
    groups: tuple[str, ...] = ()
    """Each token's group in the variants table, "" for a token the table does not know."""


@dataclass(frozen=True, slots=True)
class PreparedName:
    """A name as written and the forms it is compared through."""

    text: str
    forms: tuple[NameForm, ...]

    @property
    def keys(self) -> frozenset[str]:
        return frozenset(key for form in self.forms for key in form.keys)


def _form(words: str, variants: NameVariants) -> NameForm:
    tokens = tuple(words.split())
    keys: list[str] = []
    groups: list[str] = []
    for token in tokens:
        group = variants.group(token)
        keys.append(skeleton(group) if group else skeleton(token))
        groups.append(group or "")
    grouped = tuple(bool(group) for group in groups)
    return NameForm(tokens, tuple(keys), grouped, "".join(tokens), tuple(groups))


HONORIFICS = frozenset(
    {"samdech", "oknha", "daw", "khun", "haji", "hajjah", "hj", "bapak", "encik", "datuk", "dato"}
)
"""Regional titles before a person's name (Khmer Samdech and Oknha, Burmese Daw, Thai
Khun, Malay and Indonesian Haji, Datuk, Bapak): dropped when two name words remain.
Titles that are also family names (Tan, Lok, Pak) or name parts (Sri) are not here: the
name without them would meet every namesake."""


def without_titles(name: str) -> str:
    """``name`` without the titles before it: followthemoney's own (rigour, MIT: Mr, Dr,
    Gen, ...) and the region's (:data:`HONORIFICS`), as long as two words remain."""
    if len(name.split()) < 3:  # nothing to drop: two words must remain
        return name
    from rigour.names import remove_person_prefixes  # its tables load only when needed

    words = remove_person_prefixes(name).split()
    while len(words) > 2 and words[0].lower().rstrip(".") in HONORIFICS:
        words = words[1:]
    return " ".join(words) if len(words) >= 2 else name


PATRONYMIC_PARTICLES = frozenset({"bin", "binti", "bte", "b.", "bt.", "a/l", "a/p"})
"""Malay patronymic particles ("son of", "daughter of"), written or left out at will:
Ahmad Faizal bin Osman = Ahmad Faizal b. Osman = Ahmad Faizal Osman."""


def without_particles(name: str) -> str:
    """``name`` without its patronymic particles (:data:`PATRONYMIC_PARTICLES`), when two
    words remain."""
    words = name.split()
    kept = [word for word in words if word.lower() not in PATRONYMIC_PARTICLES]
    return " ".join(kept) if len(kept) >= 2 and len(kept) < len(words) else name


def prepare_name(name: str, variants: NameVariants) -> PreparedName:
    """``name`` in every romanisation, with keys (also without its titles: Samdech Hun
    Sen = Hun Sen; and its patronymic particles); the same name always prepares the same."""
    texts = dict.fromkeys((name, without_titles(name), without_particles(name)))
    forms = tuple(
        _form(words, variants) for text in texts for words in romanisations(text, variants)
    )
    unique = {form.tokens: form for form in forms if form.tokens}
    return PreparedName(name, tuple(unique.values()))


OTHER_GROUP_CAP = 0.3
"""The most two name parts of two groups of the variants table score: the table knows
them as two names, however alike their spellings (Karim and Rahim, Zaw and Swe)."""


def _token_score(a: str, key_a: str, group_a: str, b: str, key_b: str, group_b: str) -> float:
    if a == b:
        return 1.0
    if a.isdigit() or b.isdigit():  # numbers (MITR SAMUT 27 / 28) match exactly or not at all
        return 0.0
    if group_a and group_a == group_b:
        return 1.0
    if key_a == key_b and key_a and not (group_a and group_b):
        # one skeleton; two groups of the table are two name parts (Zaw is not Swe)
        return max(0.95, JaroWinkler.normalized_similarity(a, b))
    if len(a) == 1 or len(b) == 1:  # an initial
        return 0.8 if a[0] == b[0] else 0.0
    # Jaro-Winkler alone is generous to short tokens (An ~ Chanthy): averaged with Indel
    spelling = (JaroWinkler.normalized_similarity(a, b) + Indel.normalized_similarity(a, b)) / 2
    if group_a and group_b:  # the table knows both: two name parts (Karim, Rahim)
        return min(spelling, OTHER_GROUP_CAP)
    return spelling


def _pair_score(short: NameForm, i: int, long: NameForm, j: int) -> float:
    return _token_score(
        short.tokens[i],
        short.keys[i],
        short.groups[i],
        long.tokens[j],
        long.keys[j],
        long.groups[j],
    )


UNLIKE_BELOW = 0.6
"""In names of three parts or more, a part less alike than this to its counterpart is
another name, and scores nothing: two names sharing two common parts (Nur, Abdul, Thi,
Teuku Iskandar) are told apart by the third (Nur Karim Rahman is not Nur Karim Hossain).
Two-part names keep the partial score: the other part and the qualifiers then decide."""


def _floored(score: float, floor: float) -> float:
    return score if score >= floor else 0.0


def _aligned_total(short: NameForm, long: NameForm) -> float:
    """The summed scores of the best one-to-one alignment of ``short``'s tokens
    (exact for up to two tokens, greedy beyond)."""
    n, m = len(short.tokens), len(long.tokens)
    if n == 1:
        return max(_pair_score(short, 0, long, j) for j in range(m))
    if n == 2 and m == 2:
        s00, s11 = _pair_score(short, 0, long, 0), _pair_score(short, 1, long, 1)
        if s00 + s11 >= 2.0:
            return 2.0
        s01, s10 = _pair_score(short, 0, long, 1), _pair_score(short, 1, long, 0)
        return max(s00 + s11, s01 + s10)
    floor = UNLIKE_BELOW if n >= 3 else 0.0
    scored = sorted(
        (
            (_floored(_pair_score(short, i, long, j), floor), i, j)
            for i in range(n)
            for j in range(m)
        ),
        reverse=True,
    )
    used_short: set[int] = set()
    used_long: set[int] = set()
    total = 0.0
    for score, i, j in scored:
        if i in used_short or j in used_long:
            continue
        used_short.add(i)
        used_long.add(j)
        total += score
    return total


def _digits(text: str) -> str:
    return "".join(char for char in text if char.isdigit())


def compare_forms(a: NameForm, b: NameForm) -> float:
    """Token-order-insensitive similarity of two forms in [0, 1]."""
    if a.tokens == b.tokens:
        return 1.0
    short, long = (a, b) if len(a.tokens) <= len(b.tokens) else (b, a)
    extra = len(long.tokens) - len(short.tokens)
    by_tokens = _aligned_total(short, long) / (len(short.tokens) + 0.5 * extra)
    if by_tokens >= 0.97:
        return by_tokens
    if _digits(a.joined) != _digits(b.joined):  # the numbers differ: no spelling makes them one
        return by_tokens
    by_joined = Indel.normalized_similarity(a.joined, b.joined)
    if len(a.tokens) > 1 or len(b.tokens) > 1:  # one of them written the other way round
        by_joined = max(
            by_joined,
            Indel.normalized_similarity("".join(reversed(a.tokens)), b.joined),
            Indel.normalized_similarity(a.joined, "".join(reversed(b.tokens))),
        )
    return max(by_tokens, by_joined * 0.97)


def compare_names(a: PreparedName, b: PreparedName) -> float:
    """The best similarity of any romanisation of ``a`` with any of ``b``."""
    best = 0.0
    for form_a in a.forms:
        for form_b in b.forms:
            best = max(best, compare_forms(form_a, form_b))
            if best >= 1.0:
                return 1.0
    return best


def best_name_match(
    names_a: Iterable[PreparedName], names_b: Iterable[PreparedName]
) -> tuple[float, str, str]:
    """The most similar pair of names of two entities: (score, name of a, name of b)."""
    best = (0.0, "", "")
    listed_b = list(names_b)
    for a in names_a:
        for b in listed_b:
            score = compare_names(a, b)
            if score > best[0]:
                best = (score, a.text, b.text)
    return best
