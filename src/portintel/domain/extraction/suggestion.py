"""What extraction proposes: a suggestion, the rule that made it, the kinds.

A suggestion is never a fact: an officer or analyst accepts, edits or
rejects it, and only an accepted one becomes a statement of its report. So
a near miss (an IMO number whose check digit is wrong, an MRZ line with a bad
check digit, coordinates with 75 minutes) is proposed too, flagged invalid
with its reason in words: the person deciding may know better than the check
digit, and a silently dropped number is intelligence lost.

Rules are versioned like nomenklatura's matching algorithms: a released
``(rule_id, version)`` is never edited; a changed rule gets a new version
beside it, and every suggestion records the rule and version that made it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import StrEnum

EXTRACTION_RULES_VERSION = "2026.11.1"
"""Version of the rule set as a whole; each rule carries its own version too."""


class Kind(StrEnum):
    """What a suggestion is."""

    PHONE = "phone"
    IMO = "imo"
    MMSI = "mmsi"
    CALL_SIGN = "call_sign"
    PASSPORT = "passport"
    MRZ = "mrz"
    COORDINATES = "coordinates"
    DATE = "date"
    VESSEL_NAME = "vessel_name"
    PLACE = "place"
    PERSON_NAME = "person_name"


@dataclass(frozen=True, slots=True)
class Rule:
    """One extraction rule: a stable id and the version of its behaviour."""

    id: str
    version: int


@dataclass(frozen=True, slots=True)
class Suggestion:
    """One thing found in a report's text, with where, what, how sure and why.

    ``start``/``end`` index the report's text as given (Python string
    offsets); ``raw`` is ``text[start:end]``. ``value`` is the normalised
    form (``IMO9074729``, ``+85512345678``, ``10.62833,103.50333``,
    ``2026-11-29``), best effort for an invalid one. ``reason`` is set
    exactly when ``valid`` is False. ``details`` are extra normalised facts
    (the MMSI's flag country, each MRZ field, the gazetteer entry) as pairs.
    """

    kind: Kind
    start: int
    end: int
    raw: str
    value: str
    confidence: float
    valid: bool
    reason: str | None
    rule_id: str
    rule_version: int
    details: tuple[tuple[str, str], ...] = ()
    id: str = field(init=False)

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end:
            raise ValueError(f"suggestion span {self.start}..{self.end} is empty or negative")
        if not 0.0 <= self.confidence <= 1.0:
            raise ValueError(f"confidence {self.confidence} is outside 0..1")
        if self.valid == (self.reason is not None):
            raise ValueError("a suggestion has a reason exactly when it is not valid")
        object.__setattr__(self, "id", suggestion_id(self.kind, self.start, self.end, self.raw))

    @property
    def detail(self) -> dict[str, str]:
        return dict(self.details)


def suggestion_id(kind: str, start: int, end: int, raw: str) -> str:
    """Stable id of a suggestion: its kind, span and raw text, not the rule's version.

    A rejected suggestion stays rejected when a newer rule version finds the
    same thing at the same place.
    """
    key = "\x1f".join((str(kind), str(start), str(end), raw))
    return hashlib.sha1(key.encode("utf-8"), usedforsecurity=False).hexdigest()[:20]


def found(
    rule: Rule,
    kind: Kind,
    text: str,
    span: tuple[int, int],
    value: str,
    *,
    confidence: float,
    reason: str | None = None,
    details: dict[str, str] | None = None,
) -> Suggestion:
    """A suggestion of ``rule`` for ``text[span[0]:span[1]]``; invalid when ``reason`` is given."""
    start, end = span
    return Suggestion(
        kind=kind,
        start=start,
        end=end,
        raw=text[start:end],
        value=value,
        confidence=confidence if reason is None else min(confidence, 0.5),
        valid=reason is None,
        reason=reason,
        rule_id=rule.id,
        rule_version=rule.version,
        details=tuple(sorted((details or {}).items())),
    )
