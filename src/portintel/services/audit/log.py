"""The audit log: append a hash-chained entry, verify the chain, list entries.

Every service that creates, changes, evaluates, reads, searches, exports or
logs in calls :func:`record` inside its own transaction, so the entry is
written if and only if the thing it records is.

Appends are serialised so the chain never forks: on PostgreSQL by a
transaction-scoped advisory lock, on SQLite by taking the database write lock
(an update of the head anchor) before reading the current head. The anchor
(newest ``seq`` and hash) is kept in ``node_keys`` under
:data:`ANCHOR_KEY`; it is what reveals removal of the newest entries.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Row, bindparam, func, insert, select, text, update

from portintel.adapters.database.tables import audit_log, node_keys
from portintel.domain.actors import Actor, Role
from portintel.domain.audit import (
    GENESIS_HASH,
    ChainHead,
    EntryContent,
    StoredEntry,
    classify_break,
    find_chain_break,
    normalise_detail,
    seal,
)
from portintel.errors import InvalidInput, PermissionDenied
from portintel.services.workspace import Workspace

ANCHOR_KEY = "audit_head"
"""``node_keys.name`` of the chain's head anchor (JSON ``{"seq": n, "hash": h}``)."""

ADVISORY_LOCK_KEY = 0x706F7274_61756474  # "portaudt": one lock for the audit chain
"""PostgreSQL advisory lock key taken by every append."""

_BATCH = 1000

# Built once: record() runs inside many transactions and statement building
# would otherwise cost more than the database round trips.
_HEAD = select(audit_log.c.seq, audit_log.c.hash).order_by(audit_log.c.seq.desc()).limit(1)
_INSERT = insert(audit_log)
_TOUCH_ANCHOR = (
    update(node_keys).where(node_keys.c.name == ANCHOR_KEY).values(name=node_keys.c.name)
)
_UPDATE_ANCHOR = (
    update(node_keys).where(node_keys.c.name == ANCHOR_KEY).values(value=bindparam("anchor_value"))
)


@dataclass(frozen=True, slots=True)
class AuditVerification:
    """Outcome of :func:`verify`; ``reason`` starts with the kind of break."""

    ok: bool
    checked: int
    first_bad_seq: int | None
    reason: str | None


@dataclass(frozen=True, slots=True)
class AuditFilters:
    """What to list: every field narrows; ``limit`` caps the newest entries."""

    actor: str | None = None
    action: str | None = None
    object_type: str | None = None
    object_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    limit: int = 100


@dataclass(frozen=True, slots=True)
class AuditEntryView:
    """One entry as shown to supervisors and administrators."""

    seq: int
    at: datetime
    actor: str
    action: str
    object_type: str | None
    object_id: str | None
    detail: Mapping[str, object]
    hash: str


def _check_text(value: str | None, field: str, limit: int, *, required: bool) -> None:
    if value is None or value == "":
        if required:
            raise InvalidInput(f"audit {field} is empty", field=field)
        return
    if len(value) > limit:
        raise InvalidInput(f"audit {field} is longer than {limit} characters", field=field)


def record(
    connection: Connection,
    actor: Actor,
    action: str,
    *,
    object_type: str | None = None,
    object_id: str | None = None,
    detail: Mapping[str, object] | None = None,
    at: datetime,
) -> None:
    """Append one hash-chained entry inside the caller's transaction.

    ``action`` is a dotted noun (``report.read``, ``login.success``). ``at``
    must be timezone-aware. ``detail`` must be JSON-like and free of secrets
    (keys such as ``password`` or ``token`` are refused).

    Appends hold the chain's lock until the caller commits, so call this as
    the last statement of the transaction: the lock is then held briefly and
    cannot deadlock with row locks taken later.
    """
    _check_text(action, "action", 64, required=True)
    _check_text(object_type, "object_type", 64, required=False)
    _check_text(object_id, "object_id", 128, required=False)
    if at.tzinfo is None:
        raise InvalidInput("audit time must be timezone-aware (UTC)", field="at")
    at = at.astimezone(UTC)
    if actor.operator is not None:  # a console operator acting as a user: name both
        detail = {**(detail or {}), "os_user": actor.operator}
    try:
        clean_detail = normalise_detail(detail)
    except (TypeError, ValueError) as exc:
        raise InvalidInput(f"audit detail refused: {exc}", field="detail") from exc

    _take_append_lock(connection)
    head = connection.execute(_HEAD).first()
    seq, prev_hash = (1, GENESIS_HASH) if head is None else (head.seq + 1, head.hash)
    entry = seal(
        EntryContent(
            seq=seq,
            at=at,
            actor=actor.username,
            action=action,
            object_type=object_type,
            object_id=object_id,
            detail=clean_detail,
        ),
        prev_hash,
    )
    connection.execute(
        _INSERT,
        {
            "seq": seq,
            "at": at,
            "actor": actor.username,
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "detail": json.dumps(clean_detail, sort_keys=True, ensure_ascii=False),
            "prev_hash": prev_hash,
            "hash": entry.hash,
        },
    )
    _write_anchor(connection, ChainHead(seq, entry.hash), at)


def _take_append_lock(connection: Connection) -> None:
    """Serialise appenders before the head is read (see the module docstring)."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK_KEY})
        return
    # SQLite: a write statement takes the database write lock (waiting on the
    # busy timeout) even when it matches no row; from then on no one else can
    # append until this transaction ends, and the head read below is current.
    connection.execute(_TOUCH_ANCHOR)


def _write_anchor(connection: Connection, head: ChainHead, at: datetime) -> None:
    value = json.dumps({"seq": head.seq, "hash": head.hash}).encode("utf-8")
    changed = connection.execute(_UPDATE_ANCHOR, {"anchor_value": value}).rowcount
    if not changed:
        connection.execute(insert(node_keys).values(name=ANCHOR_KEY, value=value, created_at=at))


def read_anchor(connection: Connection) -> ChainHead | None:
    """The stored head anchor, or ``None`` before the first entry."""
    value = connection.execute(
        select(node_keys.c.value).where(node_keys.c.name == ANCHOR_KEY)
    ).scalar_one_or_none()
    if value is None:
        return None
    data = json.loads(bytes(value).decode("utf-8"))
    return ChainHead(seq=int(data["seq"]), hash=str(data["hash"]))


def _stored_entries(connection: Connection) -> Iterator[StoredEntry]:
    """Every row in ``seq`` order, fetched in batches by keyset."""
    after = 0
    while True:
        rows = connection.execute(
            select(audit_log).where(audit_log.c.seq > after).order_by(audit_log.c.seq).limit(_BATCH)
        ).all()
        if not rows:
            return
        for row in rows:
            yield _to_stored(row)
        after = rows[-1].seq


def _to_stored(row: Row[Any]) -> StoredEntry:
    return StoredEntry(
        content=EntryContent(
            seq=row.seq,
            at=row.at,
            actor=row.actor,
            action=row.action,
            object_type=row.object_type,
            object_id=row.object_id,
            detail=_parse_detail(row.detail),
        ),
        prev_hash=row.prev_hash,
        hash=row.hash,
    )


def _parse_detail(stored: str) -> Mapping[str, object]:
    """Stored detail text back to a mapping; unparsable text still gets hashed.

    A row whose detail was replaced by non-JSON text must fail verification
    as *altered*, not crash it, so such text is kept under a marker key.
    """
    try:
        parsed = json.loads(stored)
    except (TypeError, ValueError):
        return {"<unparsable>": str(stored)}
    if not isinstance(parsed, dict):
        return {"<not-an-object>": parsed}
    return parsed


def verify(ws: Workspace) -> AuditVerification:
    """Walk the whole chain and the anchor; name the first bad entry and why.

    The anchor and the rows are read in one snapshot, so entries appended
    while the walk runs are neither half-seen nor mistaken for tampering.
    """
    with _snapshot(ws) as connection:
        anchor = read_anchor(connection)
        check = find_chain_break(_stored_entries(connection), anchor)
        found = check.first_break
        if found is not None:
            found = classify_break(found, _stored_entries(connection))
    if found is None:
        return AuditVerification(ok=True, checked=check.checked, first_bad_seq=None, reason=None)
    return AuditVerification(
        ok=False, checked=check.checked, first_bad_seq=found.seq, reason=found.reason
    )


@contextmanager
def _snapshot(ws: Workspace) -> Iterator[Connection]:
    """A read-only connection whose reads all see one consistent snapshot.

    PostgreSQL: a REPEATABLE READ transaction. SQLite: an explicit deferred
    transaction (pysqlite opens none for reads), which in WAL mode holds one
    read snapshot while writers carry on.
    """
    with ws.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection = connection.execution_options(isolation_level="REPEATABLE READ")
            connection.execute(text("SELECT 1"))
        else:
            connection.exec_driver_sql("BEGIN")
        try:
            yield connection
        finally:
            connection.rollback()


def list_entries(ws: Workspace, actor: Actor, filters: AuditFilters) -> list[AuditEntryView]:
    """Newest entries first, narrowed by ``filters``; supervisors and administrators only.

    Reading the log is itself recorded (``audit.list``).
    """
    if not (actor.has(Role.SUPERVISOR) or actor.has(Role.ADMINISTRATOR)):
        raise PermissionDenied(
            "only supervisors and administrators may read the audit log",
            hint="ask a supervisor",
        )
    if filters.limit < 1 or filters.limit > 10_000:
        raise InvalidInput("limit must be between 1 and 10000", field="limit")
    query = select(audit_log).order_by(audit_log.c.seq.desc()).limit(filters.limit)
    if filters.actor:
        query = query.where(audit_log.c.actor == filters.actor)
    if filters.action:
        if filters.action.endswith(".*"):
            query = query.where(audit_log.c.action.startswith(filters.action[:-1], autoescape=True))
        else:
            query = query.where(audit_log.c.action == filters.action)
    if filters.object_type:
        query = query.where(audit_log.c.object_type == filters.object_type)
    if filters.object_id:
        query = query.where(audit_log.c.object_id == filters.object_id)
    if filters.since:
        query = query.where(audit_log.c.at >= _as_utc(filters.since))
    if filters.until:
        query = query.where(audit_log.c.at < _as_utc(filters.until))
    with ws.engine.begin() as connection:
        rows = connection.execute(query).all()
        record(
            connection,
            actor,
            "audit.list",
            detail={
                key: value
                for key, value in {
                    "actor": filters.actor,
                    "action": filters.action,
                    "object_type": filters.object_type,
                    "object_id": filters.object_id,
                    "since": filters.since,
                    "until": filters.until,
                    "limit": filters.limit,
                }.items()
                if value is not None
            },
            at=ws.clock(),
        )
    return [
        AuditEntryView(
            seq=row.seq,
            at=_as_utc(row.at),
            actor=row.actor,
            action=row.action,
            object_type=row.object_type,
            object_id=row.object_id,
            detail=_parse_detail(row.detail),
            hash=row.hash,
        )
        for row in rows
    ]


def count_entries(ws: Workspace) -> int:
    """How many entries the log holds."""
    with ws.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(audit_log)).scalar_one())


def _as_utc(at: datetime) -> datetime:
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
