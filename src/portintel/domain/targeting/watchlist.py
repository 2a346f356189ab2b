"""Watchlists: entities of interest, and how a candidate is matched against an entry.

An entry watches a vessel, a person, a phone or an organisation, with a
reason, an owner, a handling code and an expiry. It matches a candidate
entity **exactly** on an identifier (IMO, MMSI, phone in E.164, passport
number: each cleaned the way intake cleans it, so ``+855 12 345 678`` and
``+85512345678`` are one phone) or **fuzzily** on a name with the collation
matcher (:func:`portintel.domain.names.compare_names`, across scripts and
spellings) at :data:`NAME_THRESHOLD` or above.

Each match has a cause key (entry, entity, what matched) so the same hit is
recorded once, however often the entity is seen again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from portintel.domain.identifiers import (
    check_imo,
    check_mmsi,
    check_passport,
    check_phone,
)
from portintel.domain.names import PreparedName, compare_names
from portintel.errors import InvalidInput

KINDS = {
    "vessel": "Vessel",
    "person": "Person",
    "phone": "Phone",
    "organisation": "Organisation",
}
"""Kinds of entries, with the label pages show."""

SCHEMATA = {
    "vessel": ("Vessel",),
    "person": ("Person",),
    "organisation": ("Organization", "Company", "LegalEntity", "PublicBody"),
    "phone": (),  # any entity that states the number
}
"""The followthemoney schemata an entry's names are compared with."""

IDENTIFIER_KINDS = {
    "imo": ("imoNumber",),
    "mmsi": ("mmsi",),
    "phone": ("phone",),
    "passport": ("passportNumber", "number"),
}
"""Identifier kinds an entry may carry -> the statement properties that state them."""

ALLOWED_IDENTIFIERS = {
    "vessel": ("imo", "mmsi"),
    "person": ("passport", "phone"),
    "phone": ("phone",),
    "organisation": ("phone",),
}

NAME_THRESHOLD = 0.9
"""The name similarity at which a name matches (the collation rules' "names agree")."""


def clean_identifier(kind: str, raw: str, *, region: str) -> str:
    """``raw`` cleaned as intake cleans it; InvalidInput naming the field when it is not valid."""
    if kind == "imo":
        check = check_imo(raw)
    elif kind == "mmsi":
        check = check_mmsi(raw)
    elif kind == "phone":
        check = check_phone(raw, region)
    elif kind == "passport":
        check = check_passport(raw)
    else:
        raise InvalidInput(
            f"unknown identifier kind {kind!r}",
            field="identifiers",
            hint=", ".join(IDENTIFIER_KINDS),
        )
    if check.value is None or check.reason:
        raise InvalidInput(
            f"{kind} {raw!r}: {check.reason or 'not valid'}", field=f"identifiers.{kind}"
        )
    return check.value


@dataclass(frozen=True, slots=True)
class WatchEntry:
    id: str
    kind: str
    names: tuple[str, ...]
    identifiers: tuple[tuple[str, str], ...]
    """(kind, cleaned value) pairs."""
    reason: str
    owner_id: str
    agency_id: str
    handling: str
    expires_at: datetime | None
    created_at: datetime
    removed_at: datetime | None = None

    def active(self, now: datetime) -> bool:
        return self.removed_at is None and (self.expires_at is None or self.expires_at > now)


@dataclass(frozen=True, slots=True)
class Candidate:
    """An entity as the matcher sees it: schema, identifiers by property, prepared names."""

    entity_id: str
    schema: str
    identifiers: Mapping[str, frozenset[str]] = field(default_factory=dict)
    names: tuple[PreparedName, ...] = ()


@dataclass(frozen=True, slots=True)
class WatchMatch:
    entry_id: str
    entity_id: str
    method: str
    """``identifier`` or ``name``."""
    matched: str
    """What matched: ``imo 9074729`` or the two names."""
    score: float
    cause_key: str


def hit_key(entry_id: str, entity_id: str, method: str, matched: str) -> str:
    return hashlib.sha256(f"{entry_id}|{entity_id}|{method}|{matched}".encode()).hexdigest()[:32]


def match_entry(
    entry: WatchEntry, candidate: Candidate, prepared: Iterable[PreparedName]
) -> WatchMatch | None:
    """Whether ``candidate`` is what ``entry`` watches (identifiers first, then names).

    ``prepared`` are the entry's names, prepared once by the caller.
    """
    for kind, value in entry.identifiers:
        for prop in IDENTIFIER_KINDS[kind]:
            if value in candidate.identifiers.get(prop, frozenset()):
                matched = f"{kind} {value}"
                return WatchMatch(
                    entry.id,
                    candidate.entity_id,
                    "identifier",
                    matched,
                    1.0,
                    hit_key(entry.id, candidate.entity_id, "identifier", matched),
                )
    schemata = SCHEMATA[entry.kind]
    if not schemata or candidate.schema not in schemata:
        return None
    best = (0.0, "", "")
    for mine in prepared:
        for theirs in candidate.names:
            score = compare_names(mine, theirs)
            if score > best[0]:
                best = (score, mine.text, theirs.text)
    if best[0] < NAME_THRESHOLD:
        return None
    matched = f"{best[1]} ~ {best[2]}"
    return WatchMatch(
        entry.id,
        candidate.entity_id,
        "name",
        matched,
        round(best[0], 3),
        hit_key(entry.id, candidate.entity_id, "name", f"{best[1]}|{best[2]}"),
    )
