"""Partner nodes and the agreements that say what each may receive, as plain data.

A **partner** is another node (a PIU, the national CAU, a border liaison
office, an international partner) registered by an administrator. An
**agreement** between this node and one partner names what may go to it:
handling codes and TLP levels, categories, whether personal data of victims
or minors may go, how (pull or push) and until when. Nothing is shared with a
partner outside an agreement in force: no agreement, no delivery.

Credentials for a partner's TAXII server never appear here: the service
stores them sealed (``portintel.ports.CredentialSealer``) and the domain only
knows whether one is set.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class NodeKind(StrEnum):
    """What kind of node this installation or a partner is."""

    PIU = "PIU"  # a port intelligence unit
    CAU = "CAU"  # a national coordination and analysis unit
    BLO = "BLO"  # a border liaison office
    INTERNATIONAL = "international"  # an international partner (e.g. a regional body)


class Category(StrEnum):
    """What kind of intelligence an agreement lets go."""

    REPORTS = "reports"
    ENTITIES = "entities"  # statements about persons, vessels, phones, organisations
    INCIDENTS = "incidents"
    STATISTICS = "statistics"  # non-nominal statistics over incidents (Bali Process categories)


class Delivery(StrEnum):
    """How a partner receives: it pulls from its collection, or this node pushes."""

    PULL = "pull"
    PUSH = "push"


@dataclass(frozen=True, slots=True)
class Partner:
    """A partner node as registered (no credential: only whether one is set)."""

    id: str
    name: str
    kind: NodeKind
    country: str
    taxii_url: str | None
    public_key: str | None
    fingerprint: str | None
    credential_set: bool
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Agreement:
    """What one partner may receive, and how.

    ``handling_codes`` are written ``vocabulary:code`` (``europol:H1``);
    ``tlp_levels`` are TLP 2.0 codes (``AMBER+STRICT``). Both must hold for an
    item: its handling code is listed, and the TLP it would be marked with is
    listed. ``expires_at`` ``None`` is an agreement without end; an agreement
    whose expiry has passed lets nothing go.
    """

    id: str
    partner_id: str
    handling_codes: frozenset[str]
    tlp_levels: frozenset[str]
    categories: frozenset[Category]
    personal_data: bool
    """Whether personal data of victims or minors may go to this partner."""
    delivery: Delivery
    expires_at: datetime | None
    created_at: datetime

    def in_force(self, at: datetime) -> bool:
        return self.expires_at is None or at < self.expires_at
