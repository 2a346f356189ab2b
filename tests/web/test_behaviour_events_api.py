"""``/api/v1/events`` and ``/api/v1/vessels/{id}/events``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from portintel.services.maritime.behaviours import detect_behaviours
from portintel.services.maritime.ingest import ingest_paths
from portintel.services.workspace import Workspace
from tests.adapters.ais.nmea_samples import SEA, position, static
from tests.web.conftest import Person

MMSI = 574000001


def _ingest_a_gap(ws: Workspace, tmp_path: Path) -> None:
    lines = [
        position(MMSI, *SEA, seconds=0),
        *static(MMSI, "SEA STAR", 9074729, seconds=60),
        position(MMSI, SEA[0] + 0.001, SEA[1], seconds=600),
        position(MMSI, SEA[0] + 0.002, SEA[1], seconds=8 * 3600 + 600),
        position(MMSI, SEA[0] + 0.003, SEA[1], seconds=8 * 3600 + 1200),
    ]
    path = tmp_path / "feed.nmea"
    path.write_text("\n".join(lines) + "\n")
    ingest_paths(ws, [path], source="rx")
    detect_behaviours(ws)


def test_events_are_listed_with_their_vessel_entity(
    ws: Workspace, person: Callable[..., Person], tmp_path: Path
) -> None:
    _ingest_a_gap(ws, tmp_path)
    analyst = person("ana", "analyst")
    response = analyst.client.get("/api/v1/events")
    assert response.status_code == 200, response.text
    (event,) = response.json()
    assert event["type"] == "gap" and event["mmsi"] == MMSI
    assert event["entity_id"] and event["entity_id"].startswith("ent-")
    assert event["details"]["hours"] == 8.0
    assert event["parameters"]["min_hours"] == 6
    assert len(event["evidence"]) >= 2

    by_entity = analyst.client.get(f"/api/v1/vessels/{event['entity_id']}/events")
    assert [e["event_id"] for e in by_entity.json()] == [event["event_id"]]
    by_mmsi = analyst.client.get(f"/api/v1/vessels/{MMSI}/events", params={"type": "gap"})
    assert [e["event_id"] for e in by_mmsi.json()] == [event["event_id"]]
    assert analyst.client.get("/api/v1/events", params={"type": "encounter"}).json() == []
    later = analyst.client.get("/api/v1/events", params={"since": "2030-01-01T00:00:00Z"})
    assert later.json() == []


def test_refusals(ws: Workspace, person: Callable[..., Person], tmp_path: Path) -> None:
    _ingest_a_gap(ws, tmp_path)
    analyst = person("ana", "analyst")
    assert analyst.client.get("/api/v1/events", params={"type": "party"}).status_code == 422
    assert analyst.client.get("/api/v1/vessels/ent-nothing/events").status_code == 404
    admin = person("alice", "administrator")
    assert admin.client.get("/api/v1/events").status_code == 403
    anonymous = analyst.client.__class__(analyst.client.app)
    assert anonymous.get("/api/v1/events").status_code == 401
