"""AIS encounters as link-chart edges between the vessels' entities, within scope (#16)."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
import pytest

from portintel.adapters.eventstore import STATE_SCHEMA
from portintel.domain.actors import Actor, Role
from portintel.domain.analysis import EdgeKind
from portintel.domain.maritime.behaviour import events_frame
from portintel.domain.maritime.behaviour.common import EventRow
from portintel.domain.statements import StatementRecord
from portintel.services.analysis import ChartOptions, neighbourhood
from portintel.services.events import transaction
from portintel.services.intake.statements import write_statements
from portintel.services.maritime.behaviours import event_store
from portintel.services.workspace import Workspace
from tests.services.analysis.test_charts import NETWORK
from tests.services.staff import IMMIGRATION, make_user

MET = datetime(2026, 3, 1, 2, 0, tzinfo=UTC)
BOAT, MOTHER, GHOST = 574001234, 525009999, 525007777
SEEN_UNTIL = datetime(2026, 6, 1, tzinfo=UTC)  # the registry saw the vessels until June


def _ais(entity: str, prop: str, value: str, *, handling: str | None = None) -> StatementRecord:
    return StatementRecord(
        entity_id=entity, schema="Vessel", prop=prop,
        prop_type="identifier" if prop in ("mmsi", "imoNumber") else "name", value=value,
        dataset="ais", origin="ais:test", first_seen=MET, last_seen=SEEN_UNTIL, handling=handling,
    )  # fmt: skip


REGISTRY = [
    # the AIS registry's vessel of the boat's IMO number carries its MMSI
    _ais("ais-boat", "mmsi", str(BOAT)),
    _ais("ais-boat", "imoNumber", "IMO9074729"),
    _ais("ais-mother", "name", "MOTHER SHIP"),
    _ais("ais-mother", "mmsi", str(MOTHER)),
    # a vessel the analyst may not see (restrictive handling on facts from no report)
    _ais("ais-ghost", "name", "zq-ghost", handling="tlp:RED"),
    _ais("ais-ghost", "mmsi", str(GHOST), handling="tlp:RED"),
]


def _encounter(other: int, hours: int) -> EventRow:
    start = int(MET.timestamp() * 1_000_000) + hours * 3_600_000_000
    return EventRow(
        type="encounter", mmsi=BOAT, other_mmsi=other, start=start,
        end=start + 3 * 3_600_000_000, lat=10.1, lon=103.2,
        parameters={}, details={},
    )  # fmt: skip


@pytest.fixture
def analyst(workspace: Workspace) -> Actor:
    with transaction(workspace) as connection:
        write_statements(connection, [*NETWORK, *REGISTRY])
    events = events_frame([_encounter(MOTHER, 0), _encounter(MOTHER, 30), _encounter(GHOST, 5)])
    event_store(workspace).save(events, pl.DataFrame(schema=STATE_SCHEMA))
    return make_user(workspace, "ana", IMMIGRATION, Role.ANALYST)


def test_an_encounter_links_the_boat_to_the_vessel_it_met_with_its_evidence(
    workspace: Workspace, analyst: Actor
) -> None:
    only = ChartOptions(hops=1, kinds=frozenset({EdgeKind.ENCOUNTER}))
    chart = neighbourhood(workspace, analyst, "v-boat", only)
    assert {n.id: n.label for n in chart.nodes} == {
        "v-boat": "KM Sinar Jaya", "ais-mother": "MOTHER SHIP",
    }  # fmt: skip
    (edge,) = chart.edges
    assert edge.kind is EdgeKind.ENCOUNTER and edge.label == "met at sea"
    assert {edge.source, edge.target} == {"v-boat", "ais-mother"}
    assert [e.start for e in edge.events] == [MET, datetime(2026, 3, 2, 8, 0, tzinfo=UTC)]
    assert (edge.events[0].lat, edge.events[0].lon) == (10.1, 103.2)
    assert edge.first_seen == MET and edge.last_seen == datetime(2026, 3, 2, 11, 0, tzinfo=UTC)
    assert "zq-ghost" not in repr(chart) and "ais-ghost" not in repr(chart)

    boss = make_user(workspace, "bea", IMMIGRATION, Role.SUPERVISOR)
    theirs = neighbourhood(workspace, boss, "v-boat", only)
    assert "ais-ghost" in {n.id for n in theirs.nodes}  # a supervisor may see it


def test_encounters_follow_the_date_filter_and_the_kind_of_link(
    workspace: Workspace, analyst: Actor
) -> None:
    before = ChartOptions(
        hops=1, kinds=frozenset({EdgeKind.ENCOUNTER}), until=datetime(2026, 2, 1, tzinfo=UTC)
    )
    assert [n.id for n in neighbourhood(workspace, analyst, "v-boat", before).nodes] == ["v-boat"]
    first_day = ChartOptions(
        hops=1, kinds=frozenset({EdgeKind.ENCOUNTER}), until=datetime(2026, 3, 1, 12, tzinfo=UTC)
    )
    (edge,) = neighbourhood(workspace, analyst, "v-boat", first_day).edges
    assert len(edge.events) == 1
    without = ChartOptions(hops=2, kinds=frozenset(EdgeKind) - {EdgeKind.ENCOUNTER})
    assert "ais-mother" not in {
        n.id for n in neighbourhood(workspace, analyst, "v-boat", without).nodes
    }
    # from the facilitator, two steps reach the boat, three the vessel it met
    three = neighbourhood(workspace, analyst, "p-dara", ChartOptions(hops=2))
    assert {"v-boat", "ais-mother"} <= {n.id for n in three.nodes}
