"""The maritime picture on the API and the vessel page: layers, tracks, areas, scoping."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from portintel.services.workspace import Workspace
from tests.web.conftest import Person
from tests.web.maritime_sample import (
    FISHER,
    FIXES_PER_VESSEL,
    FREIGHTER,
    TANKER,
    write_events,
    write_sample,
)
from tests.web.test_reports import REPORT

SQUARE = [[103.0, 10.0], [103.5, 10.0], [103.5, 10.5], [103.0, 10.5]]


@pytest.fixture
def picture(ws: Workspace, tmp_path: Path) -> Workspace:
    write_sample(ws, tmp_path)
    return ws


@pytest.fixture
def team(person: Callable[..., Person]) -> dict[str, Person]:
    return {
        "officer": person("olga", "officer"),
        "analyst": person("ana", "analyst"),
        "supervisor": person("sam", "supervisor"),
        "admin": person("adam", "administrator"),
        "outsider": person("mick", "analyst", agency="maritime-police"),
    }


def test_latest_positions_are_one_compact_row_per_vessel(
    picture: Workspace, team: dict[str, Person]
) -> None:
    response = team["analyst"].api("GET", "/api/v1/maritime/positions/latest")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["count"] == 3
    columns = body["columns"]
    assert set(columns) == {"mmsi", "ts", "lat", "lon", "sog", "cog", "name"}
    assert columns["mmsi"] == [FISHER, FREIGHTER, TANKER]
    assert columns["name"] == ["OCEAN STAR", "MOTHER SHIP", None]  # the latest name
    assert columns["ts"] == ["2026-03-01T15:50:00Z"] * 3  # the last of 60 fixes
    assert body["until"].startswith("2026-03-01T15:50") and body["since"].startswith("2026-02-28")
    # a window that ends early gives each vessel's last fix inside it
    early = (
        team["analyst"]
        .api(
            "GET",
            "/api/v1/maritime/positions/latest",
            params={"since": "2026-03-01T06:00:00Z", "until": "2026-03-01T07:00:00Z"},
        )
        .json()
    )
    assert early["columns"]["ts"] == ["2026-03-01T07:00:00Z"] * 3
    only = (
        team["analyst"]
        .api("GET", "/api/v1/maritime/positions/latest", params={"mmsi": TANKER})
        .json()
    )
    assert only["columns"]["mmsi"] == [TANKER]


def test_the_track_is_simplified_to_the_points_asked_for(
    picture: Workspace, team: dict[str, Person]
) -> None:
    analyst = team["analyst"]
    full = analyst.api("GET", f"/api/v1/vessels/{FISHER}/track").json()
    assert full["type"] == "Feature" and full["geometry"]["type"] == "MultiLineString"
    assert full["properties"]["points_total"] == FIXES_PER_VESSEL
    assert full["properties"]["points_kept"] == FIXES_PER_VESSEL  # the zig-zag is all shape
    assert full["properties"]["tolerance_m"] == 0.0
    small = analyst.api("GET", f"/api/v1/vessels/{FISHER}/track", params={"max_points": 10}).json()
    (part,) = small["geometry"]["coordinates"]
    assert 2 <= len(part) <= 10 and small["properties"]["tolerance_m"] > 0
    assert part[0] == full["geometry"]["coordinates"][0][0]  # the ends stay
    assert len(small["properties"]["times"][0]) == len(part)
    straight = analyst.api("GET", f"/api/v1/vessels/{TANKER}/track", params={"max_points": 10})
    assert straight.json()["properties"]["points_kept"] == 2  # a straight run: its two ends
    window = analyst.api(
        "GET",
        f"/api/v1/vessels/{FISHER}/track",
        params={"since": "2026-03-01T06:00:00Z", "until": "2026-03-01T06:30:00Z"},
    ).json()
    assert window["properties"]["points_total"] == 4
    assert window["properties"]["times"][0][0] == "2026-03-01T06:00:00Z"


def test_track_errors_are_documented_statuses(picture: Workspace, team: dict[str, Person]) -> None:
    analyst = team["analyst"]
    assert analyst.api("GET", "/api/v1/vessels/999999999/track").status_code == 404
    assert analyst.api("GET", "/api/v1/vessels/ent-nothing/track").status_code == 404
    bad = analyst.api(
        "GET",
        f"/api/v1/vessels/{FISHER}/track",
        params={"since": "2026-03-02T00:00:00Z", "until": "2026-03-01T00:00:00Z"},
    )
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "since"
    assert analyst.api("GET", f"/api/v1/vessels/{FISHER}/track?max_points=1").status_code == 422
    analyst.client.cookies.clear()  # no session: no caller
    assert analyst.client.get(f"/api/v1/vessels/{FISHER}/track").status_code == 401


def test_an_administrator_reads_no_maritime_picture(
    picture: Workspace, team: dict[str, Person]
) -> None:
    admin = team["admin"]
    for path in (
        "/api/v1/maritime/positions/latest",
        f"/api/v1/vessels/{FISHER}/track",
        "/api/v1/maritime/events",
        "/api/v1/maritime/ports",
        "/api/v1/maritime/areas",
    ):
        response = admin.api("GET", path)
        assert response.status_code == 403, path
        assert response.json()["error"]["code"] == "permission_denied"
    assert admin.client.get("/map").status_code == 403
    assert admin.client.get(f"/vessels/{FISHER}").status_code == 403
    assert 'href="/map"' not in admin.client.get("/").text
    assert 'href="/map"' in team["officer"].client.get("/").text


def test_events_layer_is_empty_until_detection_stores_events(
    picture: Workspace, team: dict[str, Person]
) -> None:
    analyst = team["analyst"]
    assert analyst.api("GET", "/api/v1/maritime/events").json() == []
    ports = {port["name"]: port for port in analyst.api("GET", "/api/v1/maritime/ports").json()}
    assert "Sihanoukville Autonomous Port" in ports  # the regional gazetteer, shipped
    assert abs(ports["Sihanoukville Autonomous Port"]["lat"] - 10.64) < 0.05
    write_events(picture)
    event, visit = analyst.api("GET", "/api/v1/maritime/events").json()
    assert visit["type"] == "port_visit" and visit["details"] == {"port": "Koh Rong"}
    assert event["type"] == "encounter" and event["label"] == "Encounter at sea"
    assert (event["mmsi"], event["other_mmsi"]) == (FISHER, FREIGHTER)
    assert event["details"] == {"distance_m": 320}
    by_other = analyst.api("GET", "/api/v1/maritime/events", params={"mmsi": FREIGHTER}).json()
    assert [e["type"] for e in by_other] == ["encounter"]
    assert analyst.api("GET", "/api/v1/maritime/events", params={"type": "gap"}).json() == []
    unknown = analyst.api("GET", "/api/v1/maritime/events", params={"type": "party"})
    assert unknown.status_code == 422 and "party" in unknown.json()["error"]["message"]
    later = analyst.api(
        "GET", "/api/v1/maritime/events", params={"since": "2026-03-01T12:00:00Z"}
    ).json()
    assert [e["type"] for e in later] == ["port_visit"]  # ends 15:00, overlaps the window
    after = analyst.api("GET", "/api/v1/maritime/events", params={"since": "2026-03-01T16:00:00Z"})
    assert after.json() == []


def test_areas_are_saved_audited_and_read_within_the_agency(
    picture: Workspace, team: dict[str, Person]
) -> None:
    analyst = team["analyst"]
    geometry = {"type": "Polygon", "coordinates": [SQUARE]}
    created = analyst.api(
        "POST", "/api/v1/maritime/areas", json={"name": "Koh Kong beach", "geometry": geometry}
    )
    assert created.status_code == 201, created.text
    area = created.json()
    assert area["created_by"] == "ana" and area["id"].startswith("area-")
    assert area["geometry"]["coordinates"][0][-1] == SQUARE[0]  # the ring was closed
    assert [a["id"] for a in team["officer"].api("GET", "/api/v1/maritime/areas").json()] == [
        area["id"]
    ]
    assert team["outsider"].api("GET", "/api/v1/maritime/areas").json() == []
    assert len(team["supervisor"].api("GET", "/api/v1/maritime/areas").json()) == 1
    bad = analyst.api(
        "POST",
        "/api/v1/maritime/areas",
        json={
            "name": "x",
            "geometry": {"type": "Polygon", "coordinates": [[[103, 10], [400, 10]]]},
        },
    )
    assert bad.status_code == 422 and "vertex 2" in bad.json()["error"]["message"]
    no_csrf = analyst.client.post(
        "/api/v1/maritime/areas", json={"name": "x", "geometry": geometry}
    )
    assert no_csrf.status_code == 403
    entries = team["supervisor"].api("GET", "/api/v1/audit", params={"action": "area.create"})
    assert entries.status_code == 200, entries.text
    assert any(e["object_id"] == area["id"] for e in entries.json())


def test_vessel_page_shows_identity_history_with_provenance(
    picture: Workspace, team: dict[str, Person]
) -> None:
    officer, analyst = team["officer"], team["analyst"]
    write_events(picture)
    page = analyst.client.get(f"/vessels/{FISHER}")
    assert page.status_code == 200, page.text
    assert "SEA STAR" in page.text and "<h1>OCEAN STAR <" in page.text  # the latest name
    assert "AIS (rx-test)" in page.text and "<td>Vietnam" in page.text  # a label, not "vn"
    assert 'data-prop="callSign"' in page.text and "IMO9074729" in page.text
    assert 'id="event-ev-encounter" class="event" data-type="encounter"' in page.text
    assert 'id="event-ev-visit" class="event" data-type="port_visit"' in page.text
    # each event opens on its measured values, labelled, and its evidence positions
    assert "<dt>Distance (m)</dt><dd>320</dd>" in page.text
    assert "<td>2026-03-01 08:00</td><td>" in page.text  # the first evidence fix
    # identity lanes of the timeline: valid names with their first and last heard
    assert 'data-lane="Name" data-value="SEA STAR" data-first="2026-03-01T06:01:00+00:00"' in (
        page.text
    )
    assert "Koh Rong: Mar 1, 2026 14:00 UTC" in page.text  # the port call, in the node's zone
    # a report on the vessel's entity: its author sees the name it states, with its report
    vessel = analyst.api("GET", f"/api/v1/vessels/{FISHER}/track").json()
    assert vessel["properties"]["mmsi"] == FISHER
    entity_id = _entity_of(page.text)
    fact = {"entity_key": f"entity:{entity_id}", "schema": "Vessel", "prop": "name"}
    filed = officer.api(
        "POST", "/api/v1/reports", json={**REPORT, "facts": [{**fact, "value": "BLUE LOTUS"}]}
    )
    assert filed.status_code == 201, filed.text
    report_id = filed.json()["id"]
    mine = officer.client.get(f"/vessels/{entity_id}")  # by entity id as well as by MMSI
    assert "BLUE LOTUS" in mine.text and f"Report {report_id}" in mine.text
    assert f'href="/reports/{report_id}"' in mine.text
    # the intelligence section names the report by its title (the id is in the tooltip)
    linked = mine.text[mine.text.index('id="vessel-reports"') :]
    assert f'<a href="/reports/{report_id}" title="{report_id}">{REPORT["title"]}</a>' in linked
    # the draft is its author's alone: the analyst's page does not show it
    theirs = analyst.client.get(f"/vessels/{FISHER}")
    assert "BLUE LOTUS" not in theirs.text and report_id not in theirs.text
    assert analyst.client.get("/vessels/999999999").status_code == 404


def _entity_of(html: str) -> str:
    marker = 'href="/entities/'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


def test_openapi_documents_the_error_statuses(client) -> None:  # type: ignore[no-untyped-def]
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    track = paths["/api/v1/vessels/{vessel_id}/track"]["get"]["responses"]
    assert {"200", "401", "403", "404", "422"} <= set(track)
    latest = paths["/api/v1/maritime/positions/latest"]["get"]["responses"]
    assert {"200", "401", "403", "422"} <= set(latest)
    assert {"201", "401", "403", "422"} <= set(paths["/api/v1/maritime/areas"]["post"]["responses"])
