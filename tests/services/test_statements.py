"""write_statements: bulk, idempotent, widening first/last seen; facts never lose a value."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from portintel.adapters.database import tables
from portintel.domain.statements import StatementRecord
from portintel.services.events import transaction
from portintel.services.intake.statements import write_statements
from portintel.services.workspace import Workspace

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def _record(value: str, *, origin: str = "R-1", seen: datetime = T0) -> StatementRecord:
    return StatementRecord(
        entity_id="vessel-imo-9074729",
        schema="Vessel",
        prop="name",
        prop_type="name",
        value=value,
        dataset="piu-test",
        origin=origin,
        first_seen=seen,
        last_seen=seen,
    )


def _rows(ws: Workspace) -> list[dict[str, object]]:
    with ws.engine.connect() as connection:
        result = connection.execute(select(tables.statements).order_by(tables.statements.c.id))
        return [dict(row._mapping) for row in result]


def _as_utc(moment: object) -> datetime:
    """The store reads every time back aware, in UTC, on both backends (UtcDateTime)."""
    assert isinstance(moment, datetime)
    assert moment.tzinfo is UTC
    return moment


def test_writes_each_statement_once(workspace: Workspace) -> None:
    records = [_record(f"SEA STAR {i}") for i in range(12)]
    with transaction(workspace) as connection:
        assert write_statements(connection, records, batch_size=5) == 12
    with transaction(workspace) as connection:
        write_statements(connection, records, batch_size=5)
    rows = _rows(workspace)
    assert len(rows) == 12
    assert {row["id"] for row in rows} == {r.id for r in records}
    assert all(row["canonical_id"] == "vessel-imo-9074729" for row in rows)


def test_rewriting_widens_first_and_last_seen(workspace: Workspace) -> None:
    later = T0 + timedelta(days=3)
    earlier = T0 - timedelta(days=2)
    with transaction(workspace) as connection:
        write_statements(connection, [_record("SEA STAR")])
        write_statements(connection, [_record("SEA STAR", seen=later)])
        write_statements(connection, [_record("SEA STAR", seen=earlier)])
    (row,) = _rows(workspace)
    assert _as_utc(row["first_seen"]) == earlier
    assert _as_utc(row["last_seen"]) == later


def test_duplicates_inside_one_batch_are_merged(workspace: Workspace) -> None:
    later = T0 + timedelta(hours=5)
    with transaction(workspace) as connection:
        written = write_statements(connection, [_record("A"), _record("A", seen=later)])
    assert written == 1
    (row,) = _rows(workspace)
    assert _as_utc(row["first_seen"]) == T0
    assert _as_utc(row["last_seen"]) == later


def test_same_fact_from_two_reports_is_two_statements(workspace: Workspace) -> None:
    with transaction(workspace) as connection:
        write_statements(connection, [_record("A", origin="R-1"), _record("A", origin="R-2")])
    assert len(_rows(workspace)) == 2


def test_many_statements_in_several_batches(workspace: Workspace) -> None:
    records = (_record(f"name {i}") for i in range(12_345))
    with transaction(workspace) as connection:
        write_statements(connection, records)
    with workspace.engine.connect() as connection:
        count = connection.execute(select(func.count()).select_from(tables.statements)).scalar()
    assert count == 12_345


def test_every_field_round_trips(workspace: Workspace) -> None:
    record = StatementRecord(
        entity_id="vessel-x",
        schema="Vessel",
        prop="imoNumber",
        prop_type="identifier",
        value="IMO 9074728",
        dataset="piu-test",
        origin="R-7",
        first_seen=T0,
        last_seen=T0 + timedelta(minutes=1),
        original_value="IMO 9074728",
        lang="eng",
        canonical_id="vessel-canonical",
        grading_scheme="admiralty",
        reliability="B",
        credibility="2",
        handling="tlp:RED",
        invalid_reason="bad check digit",
        external=True,
    )
    with transaction(workspace) as connection:
        write_statements(connection, [record])
    (row,) = _rows(workspace)
    assert row["id"] == record.id
    for name in (
        "entity_id", "schema", "prop", "prop_type", "value", "original_value", "lang",
        "dataset", "origin", "grading_scheme", "reliability", "credibility", "handling",
        "invalid_reason",
    ):  # fmt: skip
        assert row[name] == getattr(record, name), name
    assert row["canonical_id"] == "vessel-canonical"
    assert bool(row["external"]) is True
    assert _as_utc(row["last_seen"]) == record.last_seen
