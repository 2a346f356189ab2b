"""No timeline item and no map feature lies outside its reader's scope (#16, property).

Over the seeded access world (reports of several agencies, handling codes and
statuses; statements with their own handling; a feed from no report) with an
incident on every report, for any reader and any few entities: every lane is
an entity the reader can read a statement of, every item rests on a report,
statement or incident the oracle (:mod:`portintel.domain.access` on raw rows)
says they may read, and no marker of anything else appears. The map and its
exports hold the incidents and reports the oracle allows, and all of them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import insert

from portintel.adapters.database import tables
from portintel.errors import NotFound
from portintel.services.analysis import MapRequest, export_map, intelligence_map, timeline
from portintel.settings import Settings
from tests.conftest import BACKENDS
from tests.services.access_world import CASES, World, build_world, cases, world_database

START = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture(scope="module", params=BACKENDS)
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    directory: Path = tmp_path_factory.mktemp("timeline-world")
    with world_database(request.param, directory) as url:
        built = build_world(
            Settings(data_dir=directory / "data", database_url=url, secure_cookies=False),
            backend=request.param,
        )
        rows = [
            dict(
                id=f"inc-{n:03d}",
                report_id=report_id,
                occurred_at=START + timedelta(days=n),
                place=f"Point {n}",
                latitude=10 + n / 100,
                longitude=103 - n / 100,
                kind=("detected", "intercepted", "rescued", "capsized")[n % 4],
                vessel_entity_id=f"vessel-shared-{n % 6}",
                migrants=n,
                minors=n % 3,
                deaths=0,
                missing=0,
                nationalities={"KH": n},
                route="Kampot - Trat",
                departure="Kampot",
                destination="Trat",
                created_at=START,
            )
            for n, report_id in enumerate(built.report_ids)
        ]
        with built.ws.engine.begin() as connection:
            connection.execute(insert(tables.incidents), rows)
        built.incident_reports = {row["id"]: row["report_id"] for row in rows}  # type: ignore[attr-defined]
        yield built
        built.ws.close()


def _incident_report(world: World, incident_id: str) -> str:
    return world.incident_reports[incident_id]  # type: ignore[attr-defined, no-any-return]


@cases(60, at_least=40)
@given(data=st.data())
def test_every_timeline_item_is_in_its_reader_s_scope(world: World, data: st.DataObject) -> None:
    person = data.draw(st.sampled_from(world.people))
    reader = person.actor
    entities = data.draw(
        st.lists(st.sampled_from(world.entity_ids), min_size=1, max_size=4, unique=True)
    )
    visible = [e for e in entities if world.visible_statement_ids(reader, e)]
    if not visible:
        with pytest.raises(NotFound):
            timeline(world.ws, reader, entities)
        CASES[(world.backend, "services.timeline")] += 1
        return
    found = timeline(world.ws, reader, entities)
    statements = {row.id: row for row in world.statement_rows}
    assert found.lanes, person.username
    for lane in found.lanes:
        assert world.visible_statement_ids(reader, lane.id), (person.username, lane)
    for item in found.items:
        if item.evidence_kind == "report":
            assert world.may_read_report(reader, item.evidence_id), (person.username, item)
        elif item.evidence_kind == "statement":
            row = statements[item.evidence_id]
            assert world.may_read_statement(reader, row), (person.username, item)
        elif item.evidence_kind == "incident":
            report = _incident_report(world, item.evidence_id)
            assert world.may_read_report(reader, report), (person.username, item)
        else:
            raise AssertionError(f"no AIS in this world: {item}")
    assert not world.leaked_markers(reader, repr(found)), person.username
    CASES[(world.backend, "services.timeline")] += 1


@cases(30, at_least=10)
@given(data=st.data())
def test_every_map_feature_and_export_is_in_its_reader_s_scope(
    world: World, data: st.DataObject
) -> None:
    person = data.draw(st.sampled_from(world.people))
    reader = person.actor
    period = data.draw(st.sampled_from((None, "2026-01", "2026-Q1", "2026", "2026-03")))
    request = MapRequest(period=period)
    since, until = request.window()
    found = intelligence_map(world.ws, reader, request)
    incidents = {
        f["properties"]["id"] for f in found.features if f["properties"]["layer"] == "incidents"
    }
    expected = {
        incident
        for incident, report in world.incident_reports.items()  # type: ignore[attr-defined]
        if world.may_read_report(reader, report)
        and (since is None or START + timedelta(days=int(incident[4:])) >= since)
        and (until is None or START + timedelta(days=int(incident[4:])) <= until)
    }
    assert incidents == expected, person.username
    for feature in found.features:
        if feature["properties"]["layer"] == "reports":
            assert world.may_read_report(reader, feature["properties"]["id"])
    body = json.dumps(found.collection())
    assert not world.leaked_markers(reader, body), person.username
    exported = export_map(world.ws, reader, "kml", request).content.decode("utf-8")
    assert not world.leaked_markers(reader, exported), person.username
    assert all(f"inc-{n}" not in exported for n in set(world.incident_reports) - expected)  # type: ignore[attr-defined]
    CASES[(world.backend, "services.map")] += 1
