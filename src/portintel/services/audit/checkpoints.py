"""Take signed checkpoints of the audit chain's head (:mod:`portintel.domain.audit_checkpoints`).

:func:`checkpoint_audit` is the periodic job: it summarises refused reads
whose minute has passed (so they are covered), signs the head with the node
key, stores the checkpoint and, when a witness file is configured or given,
appends it there. Run it often (every 15 minutes, say): entries appended
after the newest checkpoint can still be removed without a trace.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection, func, insert, select

from portintel.adapters.database.tables import audit_checkpoints, audit_log
from portintel.adapters.files.node_key import load_or_create_node_key
from portintel.adapters.files.witness import append_checkpoint
from portintel.domain.audit import ChainHead
from portintel.domain.audit_checkpoints import Checkpoint, WitnessedCheckpoint, sign_checkpoint
from portintel.services.audit import denials, log
from portintel.services.workspace import Workspace

_HEAD = select(audit_log.c.seq, audit_log.c.hash).order_by(audit_log.c.seq.desc()).limit(1)


def checkpoint_audit(ws: Workspace, witness: Path | None = None) -> Checkpoint:
    """Sign the chain's head now, store the checkpoint, append it to the witness file.

    ``witness`` defaults to the ``audit_witness`` setting; with neither, the
    checkpoint is only stored in the database (which guards against someone
    who can write the database but not read the node key). The node key is
    created in the data directory on first use.
    """
    denials.flush_denials(ws)
    key = load_or_create_node_key(ws.settings.data_dir)
    now = ws.clock()
    with ws.engine.begin() as connection:
        # the head must not move between reading it and storing its checkpoint
        log.take_append_lock(connection)
        head = connection.execute(_HEAD).first()
        entries = int(connection.execute(select(func.count()).select_from(audit_log)).scalar_one())
        checkpoint = sign_checkpoint(
            key,
            node=ws.settings.node_id,
            head=None if head is None else ChainHead(int(head.seq), str(head.hash)),
            entries=entries,
            at=now,
        )
        connection.execute(
            insert(audit_checkpoints).values(
                node=checkpoint.node,
                seq=checkpoint.seq,
                hash=checkpoint.hash,
                entries=checkpoint.entries,
                at=checkpoint.at,
                key_id=checkpoint.key_id,
                signature=checkpoint.signature,
            )
        )
    target = witness if witness is not None else ws.settings.audit_witness
    if target is not None:
        append_checkpoint(target, checkpoint)
    return checkpoint


def stored_checkpoints(connection: Connection) -> list[WitnessedCheckpoint]:
    """Every checkpoint stored in the database, oldest first."""
    rows = connection.execute(select(audit_checkpoints).order_by(audit_checkpoints.c.id)).all()
    return [
        WitnessedCheckpoint(
            Checkpoint(
                node=row.node,
                seq=int(row.seq),
                hash=row.hash,
                entries=int(row.entries),
                at=log.as_utc(row.at),
                key_id=row.key_id,
                signature=row.signature,
            ),
            f"stored checkpoint {row.id}",
        )
        for row in rows
    ]
