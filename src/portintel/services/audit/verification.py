"""Verify the audit log: the hash chain, its anchor and every signed checkpoint.

Verification only reads. It runs on a workspace opened read-only and
unmigrated (``open_workspace(..., read_only=True)``), so it can check a copy
of a data directory on read-only media, or a schema older than this code
(a schema without the checkpoints table has simply none to check).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection, inspect, text

from portintel.adapters.files.node_key import read_node_key
from portintel.adapters.files.witness import read_checkpoints
from portintel.domain.audit import BreakKind, ChainBreak, StoredEntry, classify_break
from portintel.domain.audit import find_chain_break as find_chain_break
from portintel.domain.audit_checkpoints import WitnessedCheckpoint, first_checkpoint_break
from portintel.services.audit import log
from portintel.services.audit.checkpoints import stored_checkpoints
from portintel.services.workspace import Workspace


@dataclass(frozen=True, slots=True)
class AuditVerification:
    """Outcome of :func:`verify`; ``reason`` starts with the kind of break.

    ``checkpoints`` counts the signed checkpoints (stored and witnessed) held
    against the log; ``first_bad_seq`` is ``None`` when the problem is not one
    entry (a forged checkpoint, a missing key or anchor).
    """

    ok: bool
    checked: int
    first_bad_seq: int | None
    reason: str | None
    checkpoints: int = field(default=0)


class _Walk:
    """The entries as they stream past the chain check, noting what checkpoints need."""

    def __init__(self, entries: Iterable[StoredEntry], wanted: set[int]) -> None:
        self._entries = entries
        self._wanted = wanted
        self.hash_at: dict[int, str] = {}
        self.last_seq = 0
        self.seen = 0

    def __iter__(self) -> Iterator[StoredEntry]:
        for entry in self._entries:
            self.seen += 1
            self.last_seq = entry.seq
            if entry.seq in self._wanted:
                self.hash_at[entry.seq] = entry.hash
            yield entry


def verify(ws: Workspace, witness: Path | None = None) -> AuditVerification:
    """Walk the whole chain, then hold it against every signed checkpoint.

    Checkpoints are those stored in the database and, with ``witness``, those
    in that witness file. The first problem is named: a break in the chain
    first (it is where tampering starts), else a forged checkpoint, else the
    checkpoint that disagrees at the lowest entry. The anchor, rows and
    stored checkpoints are read in one snapshot, so entries appended while
    the walk runs are neither half-seen nor mistaken for tampering.
    """
    witnessed = read_checkpoints(witness) if witness is not None else []
    key = read_node_key(ws.settings.data_dir)
    with _snapshot(ws) as connection:
        checkpoints = [*_stored_checkpoints_if_any(connection), *witnessed]
        walk = _Walk(log._stored_entries(connection), {c.checkpoint.seq for c in checkpoints})
        try:
            anchor = log.read_anchor(connection)
            check = find_chain_break(walk, anchor)
        except log.CorruptEntry as exc:
            return AuditVerification(
                ok=False,
                checked=walk.seen,
                first_bad_seq=exc.seq,
                reason=ChainBreak(exc.seq, BreakKind.CORRUPT, exc.explanation).reason,
                checkpoints=len(checkpoints),
            )
        found = check.first_break
        if found is not None:
            # a row further on may be unreadable: the break found then stands as named
            with suppress(log.CorruptEntry):
                found = classify_break(found, log._stored_entries(connection))
    checked_checkpoints = 0
    if found is None:
        checked_checkpoints, found = first_checkpoint_break(
            key, checkpoints, hash_at=walk.hash_at, last_seq=walk.last_seq
        )
    if found is None:
        return AuditVerification(
            ok=True,
            checked=check.checked,
            first_bad_seq=None,
            reason=None,
            checkpoints=checked_checkpoints,
        )
    return AuditVerification(
        ok=False,
        checked=check.checked,
        first_bad_seq=found.seq,
        reason=found.reason,
        checkpoints=checked_checkpoints,
    )


def _stored_checkpoints_if_any(connection: Connection) -> list[WitnessedCheckpoint]:
    """The database's checkpoints; none on a schema from before they existed."""
    if not inspect(connection).has_table("audit_checkpoints"):
        return []
    return stored_checkpoints(connection)


@contextmanager
def _snapshot(ws: Workspace) -> Iterator[Connection]:
    """A read-only connection whose reads all see one consistent snapshot.

    PostgreSQL: a REPEATABLE READ, READ ONLY transaction. SQLite: an
    explicit deferred transaction (pysqlite opens none for reads), which in
    WAL mode holds one read snapshot while writers carry on.
    """
    with ws.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection = connection.execution_options(
                isolation_level="REPEATABLE READ", postgresql_readonly=True
            )
            connection.execute(text("SELECT 1"))
        else:
            connection.exec_driver_sql("BEGIN")
        try:
            yield connection
        finally:
            connection.rollback()
