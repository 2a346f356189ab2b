"""Scoring a candidate pair: features, each with its contribution, summed as log-odds.

Each feature compares one kind of evidence (names, birth dates, identifiers,
nationality, address, phones; for vessels IMO, MMSI, call sign, flag) and
contributes a weight in log-odds: positive when the evidence says "same",
negative when it says "different", nothing when one side does not know. The
score is the logistic of the sum, in [0, 1], and the features are the
explanation. Qualifiers raise or lower a name's score: one birth date and
the same name is far stronger than the name alone; two different birth dates
turn a name match down.

Why weights by hand and not a learnt model: each contribution must be read
and argued with by an analyst, and the same weights must hold on a node
with no labelled data. The weights are this version's (:data:`SCORING_VERSION`);
a change is a new version.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rapidfuzz.distance import Indel, Levenshtein

from portintel.domain.names import best_name_match
from portintel.domain.xref.profiles import Family, Profile, identifier_text

SCORING_VERSION = "xref-score@2"
"""@2 (the weights are @1's; the name comparison changed, see
:mod:`portintel.domain.names.matching`): two name parts the variants table puts in two
groups (Zaw and Swe, Karim and Rahim) are two names, not one by their consonant skeleton
(@1 scored them 1.0); in names of three parts or more, a part unlike its counterpart
scores nothing (Nur Karim Rahman is not Nur Karim Hossain)."""


@dataclass(frozen=True, slots=True)
class Feature:
    """One piece of evidence: its name, its contribution (log-odds) and what it saw."""

    name: str
    contribution: float
    detail: str


def _clip(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))


def name_feature(left: Profile, right: Profile) -> tuple[Feature | None, float]:
    """The name feature and the raw name similarity (0 when a side has no name)."""
    if not left.names or not right.names:
        return None, 0.0
    similarity, a, b = best_name_match(left.names, right.names)
    if left.family == Family.VESSEL:
        weight = _clip(12 * (similarity - 0.88), -4.0, 2.0)
    else:
        weight = _clip(15 * (similarity - 0.85), -6.0, 2.5)
    return Feature("name", weight, f"{a!r} ~ {b!r}: {similarity:.2f}"), similarity


def _shared(left: Sequence[str], right: Sequence[str]) -> list[str]:
    keys = {identifier_text(value) for value in right}
    return [value for value in left if identifier_text(value) in keys]


def date_feature(left: Profile, right: Profile) -> Feature | None:
    """Birth dates: the same day, the same year, one digit apart, or different."""
    a, b = left.any_text("birthDate"), right.any_text("birthDate")
    if not a or not b:
        return None
    if _shared(a, b):
        day = [value for value in _shared(a, b) if len(identifier_text(value)) >= 8]
        if day:
            return Feature("birthDate", 2.5, f"same date of birth {day[0]}")
        return Feature("birthDate", 0.6, f"same partial date of birth {_shared(a, b)[0]}")
    best = min(Levenshtein.distance(identifier_text(x), identifier_text(y)) for x in a for y in b)
    if best == 1:
        return Feature("birthDate", 0.8, "dates of birth one digit apart")
    swapped = {
        identifier_text(x)[:4] + identifier_text(x)[6:8] + identifier_text(x)[4:6] for x in a
    }
    if swapped & {identifier_text(y) for y in b}:
        return Feature("birthDate", 0.8, "day and month swapped")
    if {x[:4] for x in a} & {y[:4] for y in b}:
        return Feature("birthDate", -0.5, "same year of birth, different day")
    return Feature("birthDate", -1.5, f"different dates of birth {a[0]} / {b[0]}")


def _identifier_feature(
    prop: str, exact: float, near: float, different: float
) -> Callable[[Profile, Profile], Feature | None]:
    def feature(left: Profile, right: Profile) -> Feature | None:
        a, b = left.any_text(prop), right.any_text(prop)
        if not a or not b:
            return None
        shared = _shared(a, b)
        if shared:
            return Feature(prop, exact, f"same {prop} {shared[0]}")
        if near:
            for x in a:
                for y in b:
                    tx, ty = identifier_text(x), identifier_text(y)
                    if min(len(tx), len(ty)) >= 5 and Levenshtein.distance(tx, ty) <= 1:
                        return Feature(prop, near, f"{prop} one character apart: {x} / {y}")
        return Feature(prop, different, f"different {prop}")

    return feature


def _shared_feature(
    prop: str, same: float, different: float
) -> Callable[[Profile, Profile], Feature | None]:
    def feature(left: Profile, right: Profile) -> Feature | None:
        a, b = left.get(prop), right.get(prop)
        if not a or not b:
            return None
        shared = sorted(set(a) & set(b))
        if shared:
            return Feature(prop, same, f"same {prop} {shared[0]}")
        if different:
            return Feature(prop, different, f"different {prop}")
        return None

    return feature


def address_feature(left: Profile, right: Profile) -> Feature | None:
    a = [value.lower() for value in left.any_text("address")]
    b = [value.lower() for value in right.any_text("address")]
    if not a or not b:
        return None
    similarity = max(Indel.normalized_similarity(x, y) for x in a for y in b)
    weight = 7.5 * (similarity - 0.6) if similarity > 0.6 else 10 * (similarity - 0.6)
    return Feature("address", _clip(weight, -3.0, 2.25), f"similarity {similarity:.2f}")


FEATURES: dict[str, tuple[Callable[[Profile, Profile], Feature | None], ...]] = {
    Family.PERSON: (
        date_feature,
        _identifier_feature("passportNumber", 5.5, 1.5, -1.0),
        _identifier_feature("idNumber", 5.5, 1.5, -1.0),
        _shared_feature("nationality", 0.4, -1.5),
        _shared_feature("gender", 0.0, -2.0),
        _shared_feature("phone", 2.5, 0.0),
        _shared_feature("email", 2.5, 0.0),
        address_feature,
    ),
    Family.VESSEL: (
        _identifier_feature("imoNumber", 6.0, 0.0, -5.0),
        _identifier_feature("mmsi", 3.5, 0.0, -1.0),
        _identifier_feature("callSign", 2.0, 0.0, -0.5),
        _shared_feature("flag", 0.3, -0.5),
    ),
    Family.PARTY: (
        _identifier_feature("registrationNumber", 4.0, 1.0, -1.0),
        _identifier_feature("taxNumber", 4.0, 1.0, -1.0),
        _shared_feature("phone", 3.0, 0.0),
        _shared_feature("email", 3.0, 0.0),
        _shared_feature("country", 0.3, -0.5),
        address_feature,
    ),
}


@dataclass(frozen=True, slots=True)
class Scored:
    score: float
    name_similarity: float
    features: tuple[Feature, ...]


def score_pair(left: Profile, right: Profile) -> Scored:
    """The score of a pair of one family and the features that make it."""
    name, similarity = name_feature(left, right)
    features = [name] if name is not None else []
    for feature in FEATURES.get(left.family or "", ()):
        found = feature(left, right)
        if found is not None:
            features.append(found)
    total = sum(feature.contribution for feature in features)
    return Scored(1.0 / (1.0 + math.exp(-total)), similarity, tuple(features))
