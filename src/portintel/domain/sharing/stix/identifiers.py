"""Deterministic STIX ids and STIX timestamps.

Re-sending the same portintel object must give the same STIX id, so a
receiver sees a new *version* (a later ``modified``), never a duplicate. The
id is therefore a name-based UUID over the sending node's name, the STIX
type and the portintel id: ``UUIDv5(namespace, type|node|id)``.

Its version nibble is then set to 4. STIX 2.1 (section 2.9) says SDOs, SROs,
meta objects and bundles SHOULD use UUIDv4, and ``stix2-validator`` warns on
anything else (check ``uuid-check``), which strict validation turns into an
error. A v4 UUID is 122 bits that must not collide; a SHA-1 name hash gives
exactly that, deterministically, so the id keeps the determinism of v5 and
the form the standard asks for. Nothing else is derived from the id: it
carries no meaning and is never parsed back into node or portintel id (the
portintel id travels in the object's extension).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

SEPARATOR = "\x1f"


def stix_id(namespace: uuid.UUID, object_type: str, node: str, portintel_id: str) -> str:
    """``object_type--UUID``: the same inputs always give the same id."""
    name = SEPARATOR.join((object_type, node, portintel_id))
    digest = uuid.uuid5(namespace, name)
    return f"{object_type}--{uuid.UUID(bytes=digest.bytes, version=4)}"


def timestamp(moment: datetime) -> str:
    """STIX timestamp in UTC with millisecond precision (``2026-11-29T09:46:34.123Z``)."""
    if moment.tzinfo is None:
        raise ValueError(f"{moment!r} has no time zone; STIX timestamps are UTC")
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def parse_timestamp(text: str) -> datetime:
    """A STIX timestamp back to an aware datetime (UTC)."""
    cleaned = text.strip()
    if not cleaned.endswith("Z"):
        raise ValueError(f"{text!r} is not a STIX timestamp (it must end in Z)")
    return datetime.fromisoformat(cleaned[:-1] + "+00:00").astimezone(UTC)


def truncate(moment: datetime) -> datetime:
    """The instant as STIX carries it: UTC, milliseconds."""
    utc = moment.astimezone(UTC)
    return utc.replace(microsecond=utc.microsecond // 1000 * 1000)
