"""Statements: one fact (entity, property, value) with its provenance.

portintel follows followthemoney's statement model. A statement names the
entity it describes, the property and value, the node that holds it
(``dataset``), and the report it comes from (``origin``). Its id is a hash of
exactly those five, so:

- re-running an import or a report's extraction yields the same ids and adds
  nothing (writers only widen ``first_seen``/``last_seen``);
- the same fact stated by two reports is two statements: corroboration stays
  visible instead of being collapsed into one row.

Grading and handling columns are *overrides*: ``None`` means the statement
inherits them from its report. A value followthemoney cannot clean (an IMO
number with a bad check digit, a phone number that parses in no region) is
never dropped: it is kept raw with ``invalid_reason`` saying why.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

SEPARATOR = "\x1f"
"""Unit separator: cannot occur in normalised ids, so joined keys never collide."""


def statement_id(dataset: str, entity_id: str, prop: str, value: str, origin: str) -> str:
    """The deterministic id of a statement: sha1 hex over its five key fields."""
    key = SEPARATOR.join((dataset, entity_id, prop, value, origin))
    return hashlib.sha1(key.encode("utf-8"), usedforsecurity=False).hexdigest()


@dataclass(frozen=True, slots=True)
class StatementRecord:
    """One statement as stored; ``id`` is derived, never chosen."""

    entity_id: str
    schema: str
    prop: str
    prop_type: str
    value: str
    dataset: str
    origin: str
    first_seen: datetime
    last_seen: datetime
    original_value: str | None = None
    lang: str | None = None
    canonical_id: str | None = None
    grading_scheme: str | None = None
    reliability: str | None = None
    credibility: str | None = None
    handling: str | None = None
    invalid_reason: str | None = None
    external: bool = False
    id: str = field(init=False)

    def __post_init__(self) -> None:
        if not self.value:
            raise ValueError(f"statement {self.entity_id}.{self.prop} has an empty value")
        if self.last_seen < self.first_seen:
            raise ValueError(
                f"statement {self.entity_id}.{self.prop}: last_seen {self.last_seen} "
                f"is before first_seen {self.first_seen}"
            )
        object.__setattr__(
            self,
            "id",
            statement_id(self.dataset, self.entity_id, self.prop, self.value, self.origin),
        )

    @property
    def valid(self) -> bool:
        return self.invalid_reason is None

    @property
    def resolved_canonical_id(self) -> str:
        """The canonical entity this statement belongs to (itself until merged)."""
        return self.canonical_id or self.entity_id
