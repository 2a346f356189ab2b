"""The vessel registry: AIS identities as Vessel statements with provenance."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from portintel.adapters.database import tables
from portintel.domain.actors import SYSTEM
from portintel.services.maritime.ingest import ingest_paths
from portintel.services.maritime.registry import list_vessels
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
