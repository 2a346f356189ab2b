"""The vessel registry: AIS identities as Vessel statements with provenance."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from portintel.adapters.database import tables
from portintel.domain.actors import SYSTEM
from portintel.domain.maritime.normalise import InputContext
from portintel.domain.statements import StatementRecord
from portintel.services.events import hookimpl, transaction
from portintel.services.intake.statements import (
    _SQLITE_TIME,
    _sqlite_times,
    _utc_times,
    widen_spans_by_id,
    widen_statement_spans,
    write_statements,
)
from portintel.services.maritime.ingest import ingest_paths
from portintel.services.maritime.registry import (
    VesselRegistry,
    heard_ships,
    identity_rows,
    list_vessels,
    vessel_statements,
)
from portintel.services.workspace import Workspace
from tests.adapters.ais.nmea_samples import SEA, position, static


def test_identities_become_statements_with_origin_and_first_last_seen(
    workspace: Workspace, tmp_path: Path
) -> None:
    lines = [
        position(574000001, *SEA, seconds=0),
        *static(574000001, "SEA STAR", 9074729, seconds=60),
        *static(574000001, "SEA STAR", 9074728, seconds=120),  # bad IMO check digit
        *static(574000001, "OCEAN STAR", 9074729, seconds=600),  # renamed
        position(574000001, SEA[0] + 0.01, SEA[1], seconds=900),
        position(2573500, *SEA),  # a coast station: not a vessel
    ]
    path = tmp_path / "feed.nmea"
    path.write_text("\n".join(lines) + "\n")
    ingest_paths(workspace, [path], source="rx-sihanoukville")
    ingest_paths(workspace, [path], source="rx-sihanoukville")  # no-op

    with workspace.engine.connect() as connection:
        rows = connection.execute(
            select(
                tables.statements.c.entity_id,
                tables.statements.c.prop,
                tables.statements.c.value,
                tables.statements.c.origin,
                tables.statements.c.invalid_reason,
            ).where(tables.statements.c.schema == "Vessel")
        ).all()
    (entity_id,) = {row.entity_id for row in rows}
    assert "574000001" not in entity_id and entity_id.startswith("ent-")
    assert {row.origin for row in rows} == {"ais:rx-sihanoukville"}
    values = {(row.prop, row.value, row.invalid_reason is None) for row in rows}
    assert ("mmsi", "574000001", True) in values
    assert ("flag", "vn", True) in values
    assert ("name", "SEA STAR", True) in values and ("name", "OCEAN STAR", True) in values
    assert ("imoNumber", "IMO9074729", True) in values
    assert ("imoNumber", "9074728", False) in values
    assert ("callSign", "XUAB7", True) in values
    assert ("type", "Cargo", True) in values
    assert len(rows) == len(values), "a re-ingest adds no statement"

    (view,) = list_vessels(workspace, SYSTEM)
    assert view.mmsi == "574000001"
    assert view.values["name"] == ["OCEAN STAR", "SEA STAR"] or set(view.values["name"]) == {
        "SEA STAR",
        "OCEAN STAR",
    }
    assert view.invalid["imoNumber"] == ["9074728"]
    assert (view.last_seen - view.first_seen).total_seconds() == 900


def _batch(mmsi: int, minutes: tuple[int, int], name: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Positions and statics of one ship heard from ``minutes[0]`` to ``minutes[1]``."""
    start = datetime(2026, 3, 1, tzinfo=UTC)
    times = [start + timedelta(minutes=m) for m in minutes]
    positions = pl.DataFrame(
        {"mmsi": [mmsi, mmsi], "msg_type": [1, 1], "ts": times},
        schema={"mmsi": pl.Int64, "msg_type": pl.Int64, "ts": pl.Datetime("us", "UTC")},
    )
    statics = pl.DataFrame(
        {
            "mmsi": [mmsi],
            "msg_type": [5],
            "ts": [times[0]],
            "name": [name],
            "callsign": ["XUAB7"],
            "imo": ["9074729"],
            "ship_type": [70],
        },
        schema_overrides={"ts": pl.Datetime("us", "UTC")},
    )
    return positions, statics


def _spans(workspace: Workspace) -> dict[tuple[str, str], tuple[datetime, datetime]]:
    s = tables.statements.c
    with workspace.engine.connect() as connection:
        rows = connection.execute(
            select(s.prop, s.value, s.first_seen, s.last_seen).where(s.schema == "Vessel")
        ).all()
    return {
        (row.prop, row.value): (
            row.first_seen.replace(tzinfo=UTC),
            row.last_seen.replace(tzinfo=UTC),
        )
        for row in rows
    }


def test_a_registry_widens_what_it_wrote_and_ends_as_writing_every_batch_whole(
    workspace: Workspace,
) -> None:
    context = InputContext("rx-ranong", "rx-ranong", datetime.now(UTC), False)
    batches = [
        _batch(574000001, (10, 20), "SEA STAR"),
        _batch(574000001, (30, 40), "SEA STAR"),  # later: spans widen, nothing new
        _batch(574000001, (12, 18), "SEA STAR"),  # inside the span: nothing to write
        _batch(574000001, (0, 50), "OCEAN STAR"),  # renamed, and earlier and later
    ]
    registry = VesselRegistry(workspace)
    recorder = Recorder()
    workspace.hooks.register(recorder)
    try:
        for positions, statics in batches:
            registry.observe(positions, statics, context)
    finally:
        workspace.hooks.unregister(recorder)
    stored = _spans(workspace)

    # what writing every batch's statements whole would leave: each span covers all batches
    whole: dict[tuple[str, str], tuple[datetime, datetime]] = {}
    for positions, statics in batches:
        for record in vessel_statements(
            positions, statics, dataset="n", source="rx-ranong", entity_ids={574000001: "e"}
        ):
            key = (record.prop, record.value)
            first, last = whole.get(key, (record.first_seen, record.last_seen))
            whole[key] = (min(first, record.first_seen), max(last, record.last_seen))
    assert stored == whole

    start = datetime(2026, 3, 1, tzinfo=UTC)
    assert stored[("mmsi", "574000001")] == (start, start + timedelta(minutes=50))
    assert stored[("name", "SEA STAR")] == (
        start + timedelta(minutes=10),
        start + timedelta(minutes=30),
    )
    assert stored[("name", "OCEAN STAR")] == (start, start)
    # a batch is announced when it added or widened statements, not when it changed nothing
    assert recorder.written == 3


class Recorder:
    """Counts the transactions that announced written statements."""

    def __init__(self) -> None:
        self.written = 0

    @hookimpl
    def statements_written(
        self, workspace: Workspace, origins: tuple[str, ...], entity_ids: tuple[str, ...]
    ) -> None:
        self.written += 1


def test_widening_an_unknown_statement_changes_nothing(workspace: Workspace) -> None:
    moment = datetime(2026, 3, 1, tzinfo=UTC)
    with transaction(workspace) as connection:
        record = StatementRecord(
            entity_id="ent-x",
            schema="Vessel",
            prop="name",
            prop_type="name",
            value="SEA STAR",
            dataset="n",
            origin="ais:rx",
            first_seen=moment,
            last_seen=moment,
        )
        assert widen_statement_spans(connection, [(record, moment, moment)]) == 1
        assert widen_statement_spans(connection, []) == 0
    assert _spans(workspace) == {}


@given(
    st.datetimes(
        min_value=datetime(1970, 1, 1), max_value=datetime(2200, 1, 1), timezones=st.just(UTC)
    )
)
def test_times_widened_by_id_are_the_text_sqlalchemy_stores(moment: datetime) -> None:
    # the vectorised form must be byte for byte SQLAlchemy's, or min()/max() on text would lie
    microseconds = (moment - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)
    ((text,),), ((aware,),) = _sqlite_times([microseconds]), _utc_times([microseconds])
    assert text == moment.strftime(_SQLITE_TIME)
    assert aware == moment


def test_widening_by_id_reads_back_as_widening_by_record(workspace: Workspace) -> None:
    start = datetime(2026, 3, 1, 12, 30, 15, 250_001, tzinfo=UTC)
    record = StatementRecord(
        entity_id="ent-x",
        schema="Vessel",
        prop="name",
        prop_type="name",
        value="SEA STAR",
        dataset="n",
        origin="ais:rx",
        first_seen=start,
        last_seen=start,
    )
    recorder = Recorder()
    workspace.hooks.register(recorder)
    try:
        with transaction(workspace) as connection:
            write_statements(connection, [record])
        earlier, later = start - timedelta(hours=3, microseconds=7), start + timedelta(days=2)
        with transaction(workspace) as connection:
            microseconds = [
                (moment - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)
                for moment in (earlier, start)
            ]
            asked = widen_spans_by_id(
                connection,
                [(record.id, *microseconds)],
                origins=["ais:rx"],
                entity_ids=["ent-x"],
            )
            assert asked == 1
        with transaction(workspace) as connection:
            assert widen_statement_spans(connection, [(record, start, later)]) == 1
        with transaction(workspace) as connection:
            assert widen_spans_by_id(connection, [], origins=(), entity_ids=()) == 0
    finally:
        workspace.hooks.unregister(recorder)
    assert _spans(workspace) == {("name", "SEA STAR"): (earlier, later)}
    assert recorder.written == 3  # the write and two widenings; an empty one says nothing


def test_the_ships_of_a_batch_are_those_with_an_mmsi_identity() -> None:
    # observe takes the batch's ships from the identity rows: they must be heard_ships
    frames = [_batch(mmsi, (5, 9), "SEA STAR") for mmsi in (574000002, 2573500, 574000001)]
    positions = pl.concat([p for p, _ in frames])
    statics = pl.concat([s for _, s in frames])
    statics = statics.with_columns(pl.Series("mmsi", [574000002, 2573500, 970000001]))
    rows = identity_rows(positions, statics)
    ships = [row[0] for row in rows if row[1] == "mmsi"]
    assert ships == heard_ships(positions, statics) == [574000001, 574000002]
