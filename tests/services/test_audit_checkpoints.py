"""Signed checkpoints against an attacker who can rewrite the whole database.

Each tampering here recomputes what the hash chain can check (hashes, links,
the anchor), so the chain alone verifies as intact; only a checkpoint signed
with the node key, kept in a witness file, can show it.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete, insert, select, text, update

from portintel.adapters.database.tables import audit_checkpoints, audit_log, node_keys
from portintel.adapters.files.node_key import NODE_KEY_FILE
from portintel.domain.actors import Actor, Role
from portintel.domain.audit import GENESIS_HASH, EntryContent, seal
from portintel.errors import ConfigurationError
from portintel.services import audit
from portintel.services.audit.log import ANCHOR_KEY, parse_detail
from portintel.services.workspace import Workspace

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
ANNA = Actor("U-an", "anna", "immigration", frozenset({Role.ANALYST}))
BOB = Actor("U-bo", "bob", "immigration", frozenset({Role.ANALYST}))

Row = dict[str, object]


def _append(ws: Workspace, count: int, *, start: int = 0) -> None:
    """``count`` report reads, alternately by anna and bob."""
    for index in range(start, start + count):
        with ws.engine.begin() as connection:
            audit.record(
                connection,
                (ANNA, BOB)[index % 2],
                "report.read",
                object_type="report",
                object_id=f"R-{index}",
                detail={"n": index},
                at=T0 + timedelta(seconds=index),
            )


def _rewrite(ws: Workspace, change: Callable[[list[Row]], list[Row]]) -> None:
    """What someone with write access to the database can do: rewrite the log
    as ``change`` says, renumber it, recompute every hash and the anchor."""
    with ws.engine.begin() as connection:
        rows = [dict(row._mapping) for row in connection.execute(select(audit_log).order_by("seq"))]
        connection.execute(delete(audit_log))
        connection.execute(delete(node_keys).where(node_keys.c.name == ANCHOR_KEY))
        prev_hash = GENESIS_HASH
        for seq, row in enumerate(change(rows), start=1):
            entry = seal(
                EntryContent(
                    seq=seq,
                    at=row["at"],  # type: ignore[arg-type]
                    actor=str(row["actor"]),
                    action=str(row["action"]),
                    object_type=row["object_type"],  # type: ignore[arg-type]
                    object_id=row["object_id"],  # type: ignore[arg-type]
                    detail=parse_detail(str(row["detail"])),
                ),
                prev_hash,
            )
            connection.execute(
                insert(audit_log).values(
                    {**row, "seq": seq, "prev_hash": prev_hash, "hash": entry.hash}
                )
            )
            prev_hash = entry.hash
            anchor = json.dumps({"seq": seq, "hash": prev_hash}).encode()
            connection.execute(delete(node_keys).where(node_keys.c.name == ANCHOR_KEY))
            connection.execute(
                insert(node_keys).values(name=ANCHOR_KEY, value=anchor, created_at=T0)
            )
        # and the stored checkpoints, which the attacker cannot re-sign
        connection.execute(delete(audit_checkpoints))


def _edit_third(rows: list[Row]) -> list[Row]:
    rows[2] = {**rows[2], "detail": '{"n": 99}'}
    return rows


TAMPERING: dict[str, tuple[Callable[[list[Row]], list[Row]], str, int | None]] = {
    "truncated tail, anchor rewritten": (lambda rows: rows[:4], "removed", 5),
    "edited, chain recomputed": (_edit_third, "rewritten", 6),
    "whole log erased": (lambda rows: [], "removed", 1),
    "one user erased, renumbered": (
        lambda rows: [row for row in rows if row["actor"] != "bob"],
        "removed",
        4,
    ),
}


def test_an_untouched_log_agrees_with_every_checkpoint(
    workspace: Workspace, tmp_path: Path
) -> None:
    witness = tmp_path / "witness.jsonl"
    assert audit.checkpoint_audit(workspace, witness).seq == 0  # an empty log is vouched for too
    _append(workspace, 3)
    first = audit.checkpoint_audit(workspace, witness)
    _append(workspace, 3, start=3)
    second = audit.checkpoint_audit(workspace, witness)
    assert (first.seq, first.entries, second.seq, second.entries) == (3, 3, 6, 6)
    assert len(witness.read_text().splitlines()) == 3
    result = audit.verify(workspace, witness)
    assert (result.ok, result.checked, result.checkpoints) == (True, 6, 6), result.reason


@pytest.mark.parametrize("how", sorted(TAMPERING))
def test_the_chain_alone_misses_a_rewrite_that_the_witness_shows(
    workspace: Workspace, tmp_path: Path, how: str
) -> None:
    change, kind, first_bad = TAMPERING[how]
    witness = tmp_path / "witness.jsonl"
    _append(workspace, 6)
    audit.checkpoint_audit(workspace, witness)
    _rewrite(workspace, change)
    assert audit.verify(workspace).ok  # the recomputed chain holds together
    result = audit.verify(workspace, witness)
    assert not result.ok
    assert result.reason is not None and result.reason.startswith(kind), result.reason
    assert result.first_bad_seq == first_bad
    assert "witness.jsonl line 1" in result.reason


def test_a_rewrite_after_later_appends_is_named_rewritten(
    workspace: Workspace, tmp_path: Path
) -> None:
    witness = tmp_path / "witness.jsonl"
    _append(workspace, 6)
    audit.checkpoint_audit(workspace, witness)
    _append(workspace, 6, start=6)
    _rewrite(workspace, lambda rows: [row for row in rows if row["actor"] != "bob"])
    _append(workspace, 6, start=12)  # the log grows past the checkpoint again
    result = audit.verify(workspace, witness)
    assert (result.ok, result.first_bad_seq) == (False, 6)
    assert result.reason is not None and result.reason.startswith("rewritten")


def test_stored_checkpoints_catch_a_rewrite_that_left_them_in_place(
    workspace: Workspace,
) -> None:
    _append(workspace, 6)
    audit.checkpoint_audit(workspace)
    with workspace.engine.begin() as connection:
        kept = [dict(row._mapping) for row in connection.execute(select(audit_checkpoints))]
    _rewrite(workspace, _edit_third)
    with workspace.engine.begin() as connection:
        connection.execute(insert(audit_checkpoints), kept)
    result = audit.verify(workspace)
    assert (result.ok, result.first_bad_seq) == (False, 6)
    assert result.reason is not None and "stored checkpoint" in result.reason


@pytest.mark.parametrize(
    "field, value",
    [("seq", 4), ("hash", "f" * 64), ("entries", 9)],
)
def test_an_edited_witness_line_is_named_forged(
    workspace: Workspace, tmp_path: Path, field: str, value: object
) -> None:
    witness = tmp_path / "witness.jsonl"
    _append(workspace, 6)
    audit.checkpoint_audit(workspace, witness)
    line = json.loads(witness.read_text())
    witness.write_text(json.dumps({**line, field: value}) + "\n")
    result = audit.verify(workspace, witness)
    assert (result.ok, result.first_bad_seq) == (False, None)
    assert result.reason is not None and result.reason.startswith("forged checkpoint")


def test_a_checkpoint_cannot_be_checked_without_the_key(
    workspace: Workspace, tmp_path: Path
) -> None:
    _append(workspace, 2)
    audit.checkpoint_audit(workspace)
    (workspace.settings.data_dir / NODE_KEY_FILE).unlink()
    result = audit.verify(workspace)
    assert not result.ok
    assert result.reason is not None and result.reason.startswith("unverifiable")
    assert not (workspace.settings.data_dir / NODE_KEY_FILE).exists()  # verify creates nothing


def test_the_node_key_is_a_private_file_made_on_first_use(workspace: Workspace) -> None:
    path = workspace.settings.data_dir / NODE_KEY_FILE
    assert not path.exists()
    first = audit.checkpoint_audit(workspace)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(bytes.fromhex(path.read_text().strip())) == 32
    assert audit.checkpoint_audit(workspace).key_id == first.key_id  # the same key, kept
    os.chmod(path, 0o644)
    with pytest.raises(ConfigurationError, match="chmod 600"):
        audit.checkpoint_audit(workspace)


def test_verify_names_an_entry_whose_time_is_unreadable(workspace: Workspace) -> None:
    if workspace.engine.dialect.name != "sqlite":
        pytest.skip("a PostgreSQL timestamptz column cannot hold an unreadable time")
    _append(workspace, 5)
    with workspace.engine.begin() as connection:
        connection.execute(text("UPDATE audit_log SET at = 'last tuesday' WHERE seq = 3"))
    result = audit.verify(workspace)
    assert (result.ok, result.first_bad_seq, result.checked) == (False, 3, 2)
    assert result.reason == "corrupt: entry 3 has an unreadable time 'last tuesday'"


def test_verify_names_an_unreadable_anchor(workspace: Workspace) -> None:
    _append(workspace, 2)
    with workspace.engine.begin() as connection:
        connection.execute(
            update(node_keys).where(node_keys.c.name == ANCHOR_KEY).values(value=b"\xff{")
        )
    result = audit.verify(workspace)
    assert (result.ok, result.first_bad_seq) == (False, None)
    assert result.reason is not None and result.reason.startswith("corrupt: the head anchor")


def test_a_number_stored_where_a_hash_belongs_is_named_altered(workspace: Workspace) -> None:
    if workspace.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL keeps text columns text")
    _append(workspace, 4)
    with workspace.engine.begin() as connection:
        connection.execute(text("UPDATE audit_log SET prev_hash = 12345 WHERE seq = 2"))
    result = audit.verify(workspace)
    assert (result.ok, result.first_bad_seq) == (False, 2)
    assert result.reason is not None and result.reason.startswith(("altered", "broken link"))
