"""The audit log: append a hash-chained entry, read the stored chain back.

Every service that creates, changes, evaluates, reads, searches, exports or
logs in calls :func:`record` inside its own transaction, so the entry is
written if and only if the thing it records is.

Appends are serialised so the chain never forks: on PostgreSQL by a
transaction-scoped advisory lock, on SQLite by taking the database write lock
(an update of the head anchor) before reading the current head. The anchor
(newest ``seq`` and hash) is kept in ``node_keys`` under
:data:`ANCHOR_KEY`; it is what reveals removal of the newest entries by
hand. A rewrite of rows and anchor together is shown by signed checkpoints
(:mod:`portintel.services.audit.checkpoints`); verification lives in
:mod:`portintel.services.audit.verification`, reading the log through
:func:`_stored_entries` here.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Connection,
    Row,
    Select,
    String,
    bindparam,
    func,
    insert,
    select,
    text,
    type_coerce,
    update,
)

from portintel.adapters.database.tables import audit_log, node_keys
from portintel.domain.actors import Actor
from portintel.domain.audit import (
    GENESIS_HASH,
    ChainHead,
    EntryContent,
    StoredEntry,
    normalise_detail,
    seal,
)
from portintel.errors import InvalidInput
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
    if actor.operator is not None:  # a console operator acting as a user: name both
        detail = {**(detail or {}), "os_user": actor.operator}
    append_entry(
        connection,
        actor.username,
        action,
        object_type=object_type,
        object_id=object_id,
        detail=detail,
        at=at,
    )


def append_entry(
    connection: Connection,
    username: str,
    action: str,
    *,
    object_type: str | None = None,
    object_id: str | None = None,
    detail: Mapping[str, object] | None = None,
    at: datetime,
) -> None:
    """:func:`record` for an actor known only by username (summaries written later)."""
    _check_text(username, "actor", 100, required=True)
    _check_text(action, "action", 64, required=True)
    _check_text(object_type, "object_type", 64, required=False)
    _check_text(object_id, "object_id", 128, required=False)
    if at.tzinfo is None:
        raise InvalidInput("audit time must be timezone-aware (UTC)", field="at")
    at = at.astimezone(UTC)
    try:
        clean_detail = normalise_detail(detail)
    except (TypeError, ValueError) as exc:
        raise InvalidInput(f"audit detail refused: {exc}", field="detail") from exc

    take_append_lock(connection)
    head = connection.execute(_HEAD).first()
    seq, prev_hash = (1, GENESIS_HASH) if head is None else (head.seq + 1, head.hash)
    entry = seal(
        EntryContent(
            seq=seq,
            at=at,
            actor=username,
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
            "actor": username,
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "detail": json.dumps(clean_detail, sort_keys=True, ensure_ascii=False),
            "prev_hash": prev_hash,
            "hash": entry.hash,
        },
    )
    _write_anchor(connection, ChainHead(seq, entry.hash), at)


def take_append_lock(connection: Connection) -> None:
    """Serialise appenders before the head is read (see the module docstring).

    Also taken by whoever must see the head stand still until it commits
    (a checkpoint, the summary of refused reads).
    """
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
    """The stored head anchor, or ``None`` before the first entry.

    An anchor that is not what :func:`record` writes raises :class:`CorruptEntry`.
    """
    value = connection.execute(
        select(node_keys.c.value).where(node_keys.c.name == ANCHOR_KEY)
    ).scalar_one_or_none()
    if value is None:
        return None
    try:
        data = json.loads(bytes(value).decode("utf-8"))
        return ChainHead(seq=int(data["seq"]), hash=str(data["hash"]))
    except (TypeError, ValueError, KeyError, UnicodeDecodeError) as exc:
        raise CorruptEntry(None, f"the head anchor cannot be read ({exc})") from exc


class CorruptEntry(Exception):
    """A stored row (or the anchor, ``seq`` None) cannot even be read back."""

    def __init__(self, seq: int | None, explanation: str) -> None:
        super().__init__(explanation)
        self.seq = seq
        self.explanation = explanation


def _entry_query(connection: Connection) -> Select[Any]:
    """Every column; on SQLite the time comes back as the stored text.

    SQLite keeps times as text of any shape; letting the column type parse
    them would end a walk with a traceback on the first unreadable one, where
    verification must name the entry instead (:func:`_stored_time`).
    """
    if connection.dialect.name != "sqlite":
        return select(audit_log)
    columns = [
        type_coerce(column, String).label("at") if column.name == "at" else column
        for column in audit_log.c
    ]
    return select(*columns)


def _stored_entries(connection: Connection) -> Iterator[StoredEntry]:
    """Every row in ``seq`` order, fetched in batches by keyset.

    A row that cannot be read raises :class:`CorruptEntry` naming it.
    """
    query = _entry_query(connection)
    after = 0
    while True:
        rows = connection.execute(
            query.where(audit_log.c.seq > after).order_by(audit_log.c.seq).limit(_BATCH)
        ).all()
        if not rows:
            return
        for row in rows:
            yield _to_stored(row)
        after = rows[-1].seq


def _stored_time(seq: int, value: object) -> datetime:
    if isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(str(value))
    except ValueError as exc:
        raise CorruptEntry(seq, f"entry {seq} has an unreadable time {value!r}") from exc


def _to_stored(row: Row[Any]) -> StoredEntry:
    """The row as an entry; text columns are taken as text.

    SQLite will store a number where text belongs; such a row must fail as
    *altered* (its hash no longer matches), not end the walk with a TypeError.
    """
    return StoredEntry(
        content=EntryContent(
            seq=row.seq,
            at=_stored_time(row.seq, row.at),
            actor=str(row.actor),
            action=str(row.action),
            object_type=_text_or_none(row.object_type),
            object_id=_text_or_none(row.object_id),
            detail=parse_detail(row.detail),
        ),
        prev_hash=str(row.prev_hash),
        hash=str(row.hash),
    )


def _text_or_none(value: object) -> str | None:
    return None if value is None else str(value)


def parse_detail(stored: str) -> Mapping[str, object]:
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


def count_entries(ws: Workspace) -> int:
    """How many entries the log holds."""
    with ws.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(audit_log)).scalar_one())


def as_utc(at: datetime) -> datetime:
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
