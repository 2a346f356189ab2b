"""``portintel audit verify`` and ``list`` against both backends, tampered and not."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Connection, delete, select, text, update
from typer.testing import CliRunner, Result

from portintel.adapters.database import create_database_engine, migrate
from portintel.adapters.database.tables import audit_checkpoints, audit_log, node_keys
from portintel.cli.app import app
from portintel.domain.actors import SYSTEM
from portintel.services import audit
from portintel.services.workspace import Workspace, open_workspace
from portintel.settings import load_settings

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def node(tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Workspace]:
    """A node whose log holds six entries (report reads of R-1 .. R-6)."""
    monkeypatch.setenv("PORTINTEL_DATABASE_URL", database_url)
    ws = open_workspace(load_settings(tmp_path / "node"))
    for index in range(1, 7):
        with ws.engine.begin() as connection:
            audit.record(
                connection,
                SYSTEM,
                "report.read",
                object_type="report",
                object_id=f"R-{index}",
                detail={"n": index},
                at=T0 + timedelta(minutes=index),
            )
    yield ws
    ws.close()


def _run(ws: Workspace, *args: str) -> Result:
    return CliRunner().invoke(app, ["--data-dir", str(ws.settings.data_dir), *args])


def test_verify_reports_an_intact_chain(node: Workspace) -> None:
    result = _run(node, "audit", "verify")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "6 entries, chain intact"


def _swap_rows(connection: Connection, first: int, second: int) -> None:
    """Exchange two rows' contents and hashes, keeping their seq (a reorder)."""
    columns = ("at", "actor", "action", "object_type", "object_id", "detail", "prev_hash", "hash")
    rows = {
        row.seq: row._mapping
        for row in connection.execute(select(audit_log).where(audit_log.c.seq.in_([first, second])))
    }
    # hash is unique: park one before moving the other into place
    connection.execute(update(audit_log).where(audit_log.c.seq == second).values(hash="x" * 64))
    for target, source in ((first, second), (second, first)):
        connection.execute(
            update(audit_log)
            .where(audit_log.c.seq == target)
            .values({name: rows[source][name] for name in columns})
        )


TAMPERING = {
    "edit": (
        lambda c: c.execute(
            update(audit_log).where(audit_log.c.seq == 3).values(detail='{"n": 30}')
        ),
        "entry 3: altered",
    ),
    "delete-middle": (
        lambda c: c.execute(delete(audit_log).where(audit_log.c.seq == 4)),
        "entry 4: removed",
    ),
    "delete-last": (
        lambda c: c.execute(delete(audit_log).where(audit_log.c.seq == 6)),
        "entry 6: removed",
    ),
    "reorder": (lambda c: _swap_rows(c, 2, 5), "entry 2: reordered"),
}


@pytest.mark.parametrize("how", sorted(TAMPERING))
def test_verify_names_the_first_bad_entry(node: Workspace, how: str) -> None:
    tamper, expected = TAMPERING[how]
    with node.engine.begin() as connection:
        tamper(connection)
    result = _run(node, "audit", "verify")
    assert result.exit_code == 1
    assert expected in " ".join(result.stderr.split())


def test_list_filters_and_shows_a_table(node: Workspace) -> None:
    result = _run(node, "audit", "list", "--object", "report:R-2")
    assert result.exit_code == 0, result.output
    assert "R-2" in result.stdout and "R-3" not in result.stdout
    assert "1 entries shown." in result.stdout
    since = _run(node, "audit", "list", "--since", "2026-03-01T08:05", "--action", "report.read")
    assert "2 entries shown." in since.stdout
    recorded = _run(node, "audit", "list", "--action", "audit.list")
    assert "2 entries shown." in recorded.stdout
    assert _run(node, "audit", "verify").stdout.strip() == "9 entries, chain intact"


def test_list_rejects_a_bad_date(node: Workspace) -> None:
    result = _run(node, "audit", "list", "--since", "yesterday")
    assert result.exit_code == 1
    assert "not a date" in str(result.exception)


def _files(directory: Path) -> dict[str, str]:
    """Every file under ``directory`` with the sha256 of its bytes."""
    return {
        str(path.relative_to(directory)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }


def test_checkpoint_appends_signed_lines_to_the_witness(node: Workspace, tmp_path: Path) -> None:
    witness = tmp_path / "elsewhere" / "witness.jsonl"
    witness.parent.mkdir()
    result = _run(node, "audit", "checkpoint", "--witness", str(witness))
    assert result.exit_code == 0, result.output
    assert "checkpoint of entry 6 (6 entries)" in result.stdout
    printed = _run(node, "audit", "checkpoint", "--witness", "-")
    assert printed.exit_code == 0, printed.output
    line = json.loads(printed.stdout)
    assert (line["seq"], line["entries"], line["node"]) == (6, 6, "piu-sihanoukville")
    (written,) = witness.read_text().splitlines()
    assert json.loads(written)["signature"] != line["signature"]  # another time, signed anew
    verified = _run(node, "audit", "verify", "--witness", str(witness))
    assert verified.exit_code == 0, verified.output
    # one in the witness file, two stored in the database
    assert verified.stdout.strip() == "6 entries, chain intact; 3 signed checkpoints agree"


def test_verify_with_a_witness_shows_a_truncated_tail_with_a_rewritten_anchor(
    node: Workspace, tmp_path: Path
) -> None:
    witness = tmp_path / "witness.jsonl"
    assert _run(node, "audit", "checkpoint", "--witness", str(witness)).exit_code == 0
    with node.engine.begin() as connection:
        connection.execute(delete(audit_log).where(audit_log.c.seq > 4))
        connection.execute(delete(audit_checkpoints))
        head = connection.execute(select(audit_log.c.hash).where(audit_log.c.seq == 4)).one()
        anchor = json.dumps({"seq": 4, "hash": head.hash}).encode()
        connection.execute(update(node_keys).values(value=anchor))
    assert _run(node, "audit", "verify").exit_code == 0  # the chain alone cannot tell
    result = _run(node, "audit", "verify", "--witness", str(witness))
    assert result.exit_code == 1
    message = " ".join(result.stderr.split())
    assert "at entry 5: removed: the checkpoint of" in message
    assert "names entry 6 of 6 entries but the log ends at entry 4" in message


def test_verify_names_a_corrupt_entry_without_a_traceback(node: Workspace) -> None:
    if node.engine.dialect.name != "sqlite":
        pytest.skip("a PostgreSQL timestamptz column cannot hold an unreadable time")
    with node.engine.begin() as connection:
        connection.execute(text("UPDATE audit_log SET at = '2026-13-45' WHERE seq = 4"))
    result = _run(node, "audit", "verify")
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)
    assert "at entry 4: corrupt: entry 4 has an unreadable time '2026-13-45'" in " ".join(
        result.stderr.split()
    )


def test_verify_reads_a_read_only_copy_of_the_data_directory_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PORTINTEL_DATABASE_URL", raising=False)
    original = tmp_path / "node"
    ws = open_workspace(load_settings(original))
    with ws.engine.begin() as connection:
        audit.record(connection, SYSTEM, "report.read", object_id="R-1", at=T0)
    audit.checkpoint_audit(ws)
    ws.close()
    copy = tmp_path / "copy"
    shutil.copytree(original, copy)
    for path in [copy, *copy.rglob("*")]:
        path.chmod(path.stat().st_mode & ~0o222)
    before = _files(copy)
    result = CliRunner().invoke(app, ["--data-dir", str(copy), "audit", "verify"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "1 entries, chain intact; 1 signed checkpoint agrees"
    assert _files(copy) == before  # tests run as root: the check is that nothing changed


def test_verify_does_not_migrate_an_older_schema(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PORTINTEL_DATABASE_URL", raising=False)
    settings = load_settings(tmp_path / "node")
    engine = create_database_engine(settings.effective_database_url)
    migrate(engine, "0003")  # before the checkpoints table existed
    with engine.begin() as connection:
        audit.record(connection, SYSTEM, "report.read", object_id="R-1", at=T0)
    engine.dispose()
    before = _files(settings.data_dir)
    result = CliRunner().invoke(app, ["--data-dir", str(settings.data_dir), "audit", "verify"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "1 entries, chain intact"
    assert _files(settings.data_dir) == before
