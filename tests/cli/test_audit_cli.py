"""``portintel audit verify`` and ``list`` against both backends, tampered and not."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Connection, delete, select, update
from typer.testing import CliRunner, Result

from portintel.adapters.database.tables import audit_log
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
