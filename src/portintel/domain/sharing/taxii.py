"""TAXII 2.1 as plain data: a collection's id, the filters of a request, the paging cursor.

The TAXII server (``portintel.web.taxii``) parses a request's query into a
:class:`ObjectQuery` here, and the sharing service renders it as one SQL
query; nothing in this module does I/O.

Why a cursor and not ``added_after`` alone: a package of thousands of
objects is published at one instant, so thousands of objects share one
``date_added``. A client that pages with ``added_after`` either skips the
rest of that instant or asks for it forever (the loop peers are known for).
Every published object gets a monotonic sequence number instead; ``next`` is
the last number of the page (:func:`encode_cursor`), and the next page
starts after it, whatever the dates. A cursor only says where to resume: it
grants nothing (the collection is checked on every request).

Why ``date_added`` is monotonic too: publishing is serialised and a new
publication's instant is never earlier than the one before it (one
microsecond later when the clock says otherwise), so a client that resumes
from ``X-TAXII-Date-Added-Last`` with ``added_after`` misses nothing either.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from portintel.errors import InvalidInput

TAXII_MEDIA_TYPE = "application/taxii+json;version=2.1"
STIX_MEDIA_TYPE = "application/stix+json;version=2.1"
SPEC_VERSION = "2.1"

MAX_PAGE_SIZE = 1000
"""The most objects one page holds; a larger ``limit`` is lowered to it (TAXII allows that)."""

COLLECTION_NAMESPACE = uuid.UUID("6f0b8f5e-2f7d-5c43-9d0e-7a1c1d0a7a13")
"""Namespace of collection ids: a collection's id is derived from its agreement's id."""

_CURSOR = re.compile(r"^c([0-9a-z]{1,14})$")


def collection_id(agreement_id: str) -> str:
    """The TAXII collection of one agreement: stable, and revealing nothing of the agreement."""
    return str(uuid.uuid5(COLLECTION_NAMESPACE, agreement_id))


def format_timestamp(at: datetime) -> str:
    """A TAXII timestamp: UTC, microseconds, ``Z``."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_timestamp(text: str, field: str) -> datetime:
    """An RFC 3339 timestamp (``Z`` or an offset) as aware UTC; InvalidInput otherwise."""
    cleaned = text.strip()
    try:
        parsed = datetime.fromisoformat(cleaned.replace("z", "Z").replace("Z", "+00:00"))
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None or "T" not in cleaned.upper():
        raise InvalidInput(
            f"{text!r} is not an RFC 3339 timestamp",
            field=field,
            hint="e.g. 2026-03-01T08:00:00.000Z",
        )
    return parsed.astimezone(UTC)


def encode_cursor(seq: int) -> str:
    """The ``next`` of a page that ended at sequence number ``seq``."""
    if seq < 0:
        raise ValueError("a sequence number is never negative")
    return "c" + _base36(seq)


def decode_cursor(text: str) -> int:
    """The sequence number a ``next`` stands for; InvalidInput for anything else."""
    match = _CURSOR.fullmatch(text.strip())
    if match is None:
        raise InvalidInput(
            f"{text[:40]!r} is not a next value this server gave",
            field="next",
            hint="send the `next` of the previous page unchanged, or leave it out",
        )
    return int(match.group(1), 36)


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while True:
        number, rest = divmod(number, 36)
        text = digits[rest] + text
        if number == 0:
            return text


class VersionSelection(StrEnum):
    """The keywords of ``match[version]``."""

    LAST = "last"
    FIRST = "first"
    ALL = "all"


@dataclass(frozen=True, slots=True)
class VersionFilter:
    """Which versions of each object: keywords and exact ``modified`` instants (any of them)."""

    keywords: frozenset[VersionSelection] = frozenset({VersionSelection.LAST})
    instants: frozenset[datetime] = frozenset()

    @property
    def everything(self) -> bool:
        return VersionSelection.ALL in self.keywords


@dataclass(frozen=True, slots=True)
class ObjectQuery:
    """What one GET of objects, a manifest or versions asks for, parsed and checked."""

    added_after: datetime | None = None
    limit: int = MAX_PAGE_SIZE
    after_seq: int | None = None
    ids: frozenset[str] = frozenset()
    types: frozenset[str] = frozenset()
    versions: VersionFilter = VersionFilter()
    spec_versions: frozenset[str] = frozenset()


_ID = re.compile(r"^[a-z0-9][a-z0-9-]*--[0-9a-fA-F-]{36}$")
_TYPE = re.compile(r"^[a-z0-9][a-z0-9-]{0,249}$")


def _values(text: str | None) -> list[str]:
    if text is None:
        return []
    return [value.strip() for value in text.split(",") if value.strip()]


def parse_object_query(
    *,
    added_after: str | None = None,
    limit: str | None = None,
    next_value: str | None = None,
    match_id: str | None = None,
    match_type: str | None = None,
    match_version: str | None = None,
    match_spec_version: str | None = None,
    default_versions: VersionFilter | None = None,
) -> ObjectQuery:
    """The query of TAXII parameters as sent; InvalidInput naming the first bad one."""
    after = parse_timestamp(added_after, "added_after") if added_after else None
    size = MAX_PAGE_SIZE
    if limit is not None and limit.strip():
        if not limit.strip().isdigit() or int(limit) < 1:
            raise InvalidInput(f"limit {limit!r} is not a positive whole number", field="limit")
        size = min(int(limit), MAX_PAGE_SIZE)
    ids = _values(match_id)
    for value in ids:
        if not _ID.fullmatch(value):
            raise InvalidInput(f"{value!r} is not a STIX identifier", field="match[id]")
    types = _values(match_type)
    for value in types:
        if not _TYPE.fullmatch(value):
            raise InvalidInput(f"{value!r} is not a STIX object type", field="match[type]")
    versions = default_versions or VersionFilter()
    if match_version is not None and _values(match_version):
        keywords: set[VersionSelection] = set()
        instants: set[datetime] = set()
        for value in _values(match_version):
            if value in VersionSelection._value2member_map_:
                keywords.add(VersionSelection(value))
            else:
                instants.add(parse_timestamp(value, "match[version]"))
        versions = VersionFilter(frozenset(keywords), frozenset(instants))
    spec_versions = _values(match_spec_version)
    for value in spec_versions:
        if value not in ("2.0", "2.1"):
            raise InvalidInput(
                f"{value!r} is not a STIX specification version", field="match[spec_version]"
            )
    return ObjectQuery(
        added_after=after,
        limit=size,
        after_seq=decode_cursor(next_value) if next_value else None,
        ids=frozenset(ids),
        types=frozenset(types),
        versions=versions,
        spec_versions=frozenset(spec_versions),
    )


@dataclass(frozen=True, slots=True)
class PublishedObject:
    """One STIX object as it is published into a collection, taken from a signed bundle."""

    id: str
    type: str
    spec_version: str
    version: str
    """``modified`` as written in the object (``created`` for an object never versioned)."""
    version_at: datetime
    text: str
    """The object's JSON exactly as in the bundle's signed text."""


def version_of(obj: dict[str, object]) -> str:
    """The version of a STIX object: ``modified``, else ``created`` (TAXII 2.1, 3.4.1)."""
    value = obj.get("modified") or obj.get("created")
    if not isinstance(value, str):
        raise InvalidInput(f"STIX object {obj.get('id')!r} has neither modified nor created")
    return value
