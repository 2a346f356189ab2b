"""The audit log as a hash chain: canonical entries, their hashes, and the checks.

Why a chain: the log is append-only by policy, but a database administrator
can still edit, delete or shuffle rows. Each entry's hash covers the previous
entry's hash plus the entry itself (its ``seq`` and time included), so any
change to a stored row, any removed row and any reordering breaks the chain
at a place :func:`find_chain_break` names. Removing the *last* rows leaves a
valid but shorter chain; that is caught by comparing with the head *anchor*
(the last ``seq`` and hash, stored apart from the log on every append).

The anchor lives in the same database, so someone who can write the database
can rewrite the log, its hashes and the anchor together; signed checkpoints
(:mod:`portintel.domain.audit_checkpoints`) are what show that.

Everything here is pure: rows come in as :class:`StoredEntry`, the stores
that hold them live in the services and adapters.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import Enum, StrEnum

from portintel.domain.actors import Role

GENESIS_HASH = "0" * 64
"""The ``prev_hash`` of the first entry."""

FORBIDDEN_DETAIL_KEYS = frozenset(
    {
        "password",
        "new_password",
        "current_password",
        "token",
        "api_token",
        "secret",
        "totp_secret",
        "totp_code",
        "session",
        "session_id",
    }
)
"""Detail keys that would carry a secret into the permanent log; refused."""


OPAQUE_OBJECT_TYPES = frozenset(
    {"report", "attachment", "source", "user", "agency", "token", "import_batch", "audit"}
)
"""Object types whose ids are opaque (random), so they say nothing by themselves.

Entity ids and any type not listed may embed what they name (a passport or
phone number), so they are withheld with the detail; a new object type is
withheld until it is added here.
"""


def may_read_audit_detail(roles: Iterable[Role]) -> bool:
    """Whether a reader of the log sees what was done, not only who and when.

    Administrators read the log to see who did what and when; the detail
    (search terms, filters) and entity ids are intelligence, shown to
    supervisors only.
    """
    return Role.SUPERVISOR in set(roles)


def may_read_audit_log(roles: Iterable[Role]) -> bool:
    """Supervisors and administrators read the log."""
    held = set(roles)
    return Role.SUPERVISOR in held or Role.ADMINISTRATOR in held


class BreakKind(StrEnum):
    """Why the chain is broken at an entry."""

    ALTERED = "altered"
    REMOVED = "removed"
    REORDERED = "reordered"
    BROKEN_LINK = "broken link"
    CORRUPT = "corrupt"
    """A stored row cannot even be read (a time that is not a time)."""
    REWRITTEN = "rewritten"
    """The chain holds but disagrees with a signed checkpoint: hashes were recomputed."""
    FORGED = "forged checkpoint"
    """A checkpoint is not signed by this node's key."""
    UNVERIFIABLE = "unverifiable"
    """A checkpoint cannot be checked (the node key is missing)."""


@dataclass(frozen=True, slots=True)
class EntryContent:
    """What an entry says; hashed together with the previous entry's hash."""

    seq: int
    at: datetime
    actor: str
    action: str
    object_type: str | None
    object_id: str | None
    detail: Mapping[str, object]


@dataclass(frozen=True, slots=True)
class StoredEntry:
    """One row of the log as stored: its content and the two hashes."""

    content: EntryContent
    prev_hash: str
    hash: str

    @property
    def seq(self) -> int:
        return self.content.seq


@dataclass(frozen=True, slots=True)
class ChainHead:
    """The anchor: ``seq`` and hash of the newest entry, kept outside the log."""

    seq: int
    hash: str


@dataclass(frozen=True, slots=True)
class ChainBreak:
    """The first place where the chain does not hold, and why."""

    seq: int | None
    kind: BreakKind
    explanation: str

    @property
    def reason(self) -> str:
        return f"{self.kind.value}: {self.explanation}"


@dataclass(frozen=True, slots=True)
class ChainCheck:
    """Result of walking the chain: how many entries were checked, first break."""

    checked: int
    first_break: ChainBreak | None

    @property
    def ok(self) -> bool:
        return self.first_break is None


def _json_default(value: object) -> object:
    if isinstance(value, datetime):
        return format_time(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, set | frozenset):
        return sorted(str(item) for item in value)
    if isinstance(value, tuple):
        return list(value)
    raise TypeError(f"audit detail value of type {type(value).__name__} is not JSON")


def normalise_detail(detail: Mapping[str, object] | None) -> dict[str, object]:
    """Detail as plain JSON data (what is stored and hashed).

    Dates become ISO text, enums their value, sets sorted lists. Keys that
    would carry a secret are refused, so a careless caller cannot write a
    password into a log that can never be edited.
    """
    if not detail:
        return {}
    for key in detail:
        if not isinstance(key, str):
            raise ValueError(f"audit detail keys must be text, got {key!r}")
        if key.lower() in FORBIDDEN_DETAIL_KEYS:
            raise ValueError(f"audit detail must not contain secrets: key {key!r} refused")
    loaded = json.loads(json.dumps(dict(detail), default=_json_default, ensure_ascii=False))
    if not isinstance(loaded, dict):  # pragma: no cover - a dict always dumps to an object
        raise ValueError("audit detail must be a mapping")
    return loaded


def format_time(at: datetime) -> str:
    """UTC, microseconds, ``Z``: one spelling whatever the backend returns.

    SQLite hands back naive datetimes (stored as UTC); they are read as UTC.
    """
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_json(content: EntryContent) -> str:
    """The entry as canonical JSON: sorted keys, no spaces, UTF-8 text."""
    document = {
        "seq": content.seq,
        "at": format_time(content.at),
        "actor": content.actor,
        "action": content.action,
        "object_type": content.object_type,
        "object_id": content.object_id,
        "detail": normalise_detail(content.detail),
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entry_hash(prev_hash: str, content: EntryContent) -> str:
    """sha256 hex of the previous hash followed by the canonical entry."""
    return hashlib.sha256((prev_hash + canonical_json(content)).encode("utf-8")).hexdigest()


def seal(content: EntryContent, prev_hash: str) -> StoredEntry:
    """The stored form of a new entry appended after ``prev_hash``."""
    return StoredEntry(content=content, prev_hash=prev_hash, hash=entry_hash(prev_hash, content))


def find_chain_break(entries: Iterable[StoredEntry], anchor: ChainHead | None) -> ChainCheck:
    """Walk ``entries`` in ``seq`` order; return the first break, if any.

    Streaming (constant memory). A break found here is classified as
    *altered*, *removed* or *broken link*; :func:`classify_break` refines an
    altered or broken-link entry into *reordered* when its content or link
    belongs elsewhere in the log (that needs a second pass).
    """
    expected_seq = 1
    previous_hash = GENESIS_HASH
    checked = 0
    for entry in entries:
        if entry.seq != expected_seq:
            missing = (
                f"entry {expected_seq} is missing"
                if entry.seq == expected_seq + 1
                else f"entries {expected_seq} to {entry.seq - 1} are missing"
            )
            return ChainCheck(
                checked,
                ChainBreak(
                    expected_seq, BreakKind.REMOVED, f"{missing} (next entry is {entry.seq})"
                ),
            )
        checked += 1
        if entry_hash(entry.prev_hash, entry.content) != entry.hash:
            return ChainCheck(
                checked,
                ChainBreak(
                    entry.seq,
                    BreakKind.ALTERED,
                    f"the content of entry {entry.seq} does not match its stored hash",
                ),
            )
        if entry.prev_hash != previous_hash:
            return ChainCheck(
                checked,
                ChainBreak(
                    entry.seq,
                    BreakKind.BROKEN_LINK,
                    f"entry {entry.seq} does not point to the hash of entry {entry.seq - 1}"
                    if entry.seq > 1
                    else "entry 1 does not start from the genesis hash",
                ),
            )
        previous_hash = entry.hash
        expected_seq += 1
    last_seq = expected_seq - 1
    return ChainCheck(checked, _check_anchor(last_seq, previous_hash, anchor))


def _check_anchor(last_seq: int, last_hash: str, anchor: ChainHead | None) -> ChainBreak | None:
    if anchor is None:
        if last_seq == 0:
            return None
        return ChainBreak(
            None,
            BreakKind.REMOVED,
            f"the log holds {last_seq} entries but its head anchor is missing",
        )
    if anchor.seq > last_seq:
        return ChainBreak(
            last_seq + 1,
            BreakKind.REMOVED,
            f"the anchor records entry {anchor.seq} as the newest but the log ends at "
            f"{last_seq}: the last {anchor.seq - last_seq} entries were removed",
        )
    if anchor.seq < last_seq:
        return ChainBreak(
            anchor.seq + 1,
            BreakKind.BROKEN_LINK,
            f"entries after {anchor.seq} (the anchored head) were not written by portintel",
        )
    if anchor.hash != last_hash:
        return ChainBreak(
            last_seq,
            BreakKind.ALTERED,
            f"entry {last_seq} was rewritten: its hash differs from the anchored head hash",
        )
    return None


def classify_break(found: ChainBreak, entries: Iterable[StoredEntry]) -> ChainBreak:
    """Refine an *altered* or *broken link* break into *reordered* when it is one.

    An entry moved to another position still carries either its own hashes
    (its ``prev_hash`` is then the hash of some other entry) or the hashes of
    its new position (its content then verifies at another entry's ``seq``
    and ``prev_hash``). ``entries`` is the whole log, walked once.
    """
    if found.kind not in (BreakKind.ALTERED, BreakKind.BROKEN_LINK) or found.seq is None:
        return found
    all_entries = list(entries)
    suspect = next((entry for entry in all_entries if entry.seq == found.seq), None)
    if suspect is None:
        return found
    for other in all_entries:
        if other.seq == suspect.seq:
            continue
        moved_link = suspect.prev_hash == other.hash and other.seq != suspect.seq - 1
        moved_content = (
            entry_hash(other.prev_hash, _at_seq(suspect.content, other.seq)) == other.hash
        )
        if moved_link or moved_content:
            return ChainBreak(
                suspect.seq,
                BreakKind.REORDERED,
                f"entry {suspect.seq} holds an entry that belongs near position {other.seq}",
            )
    if suspect.prev_hash == GENESIS_HASH and suspect.seq != 1:
        return ChainBreak(
            suspect.seq,
            BreakKind.REORDERED,
            f"entry {suspect.seq} holds the first entry of the log",
        )
    return found


def _at_seq(content: EntryContent, seq: int) -> EntryContent:
    return EntryContent(
        seq=seq,
        at=content.at,
        actor=content.actor,
        action=content.action,
        object_type=content.object_type,
        object_id=content.object_id,
        detail=content.detail,
    )
