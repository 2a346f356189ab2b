"""``/api/v1/maps/intelligence`` and its exports (#16): GeoJSON and KML, scoped, audited."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import geojson
from lxml import etree
from sqlalchemy import insert, select

from portintel.adapters.database import tables
from portintel.domain.actors import Role
from portintel.domain.reports import ReportDraft
from portintel.services.intake import reports
from portintel.services.workspace import Workspace
from tests.services.staff import SECURITY, make_user
from tests.web.conftest import Person


def _incident(ws: Workspace, handling: str, key: str) -> None:
    author = make_user(ws, f"author-{key}", SECURITY, Role.OFFICER)
    report_id = reports.create_report(
        ws, author,
        ReportDraft(title=f"Interception {key}", text="A boat was stopped.", reliability="B",
                    credibility="2", handling=handling, extract=False),
        submit=True,
    )  # fmt: skip
    reports.evaluate_report(ws, make_user(ws, f"boss-{key}", SECURITY, Role.SUPERVISOR), report_id)
    with ws.engine.begin() as connection:
        connection.execute(
            insert(tables.incidents).values(
                id=key, report_id=report_id, occurred_at=datetime(2026, 2, 27, tzinfo=UTC),
                place="Koh Rong", latitude=10.7, longitude=103.2, kind="intercepted",
                migrants=31, minors=4, deaths=0, missing=0, nationalities={"MM": 31},
                route="Kampot - Trat", departure="Kampot", destination="Trat",
                created_at=datetime(2026, 2, 28, tzinfo=UTC),
            )
        )  # fmt: skip


def test_the_map_api_answers_geojson_of_what_the_caller_may_read(
    ws: Workspace, person: Callable[..., Person]
) -> None:
    _incident(ws, "uk-3x5x2:P", "inc-open")
    _incident(ws, "tlp:RED", "inc-secret")
    analyst = person("ana", "analyst")
    answer = analyst.api("GET", "/api/v1/maps/intelligence")
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/geo+json")
    found = geojson.loads(answer.text)
    assert found.is_valid
    incidents = [f for f in found["features"] if f["properties"]["layer"] == "incidents"]
    assert [f["properties"]["id"] for f in incidents] == ["inc-open"]
    assert "inc-secret" not in answer.text
    assert answer.json()["counts"]["incidents"] == 1 and answer.json()["periods"] == {"2026-02": 1}
    only = analyst.api("GET", "/api/v1/maps/intelligence?layer=landings&period=2026-02")
    assert {f["properties"]["layer"] for f in only.json()["features"]} == {"landings"}
    for wrong in ("period=Feb", "layer=rumours", "since=yesterday"):
        assert analyst.api("GET", f"/api/v1/maps/intelligence?{wrong}").status_code == 422, wrong


def test_the_exports_download_what_is_shown_and_are_audited(
    ws: Workspace, person: Callable[..., Person]
) -> None:
    _incident(ws, "uk-3x5x2:P", "inc-open")
    _incident(ws, "tlp:RED", "inc-secret")
    analyst = person("ana", "analyst")
    kml = analyst.api("GET", "/api/v1/maps/intelligence/export?format=kml&layer=incidents")
    assert kml.status_code == 200, kml.text
    assert kml.headers["content-type"].startswith("application/vnd.google-earth.kml+xml")
    assert kml.headers["content-disposition"].startswith("attachment; filename=")
    document = etree.fromstring(kml.content)
    names = document.findall(".//{http://www.opengis.net/kml/2.2}Placemark")
    assert len(names) == 1 and b"inc-secret" not in kml.content
    as_json = analyst.api("GET", "/api/v1/maps/intelligence/export")
    assert (
        geojson.loads(as_json.text).is_valid
        and ".geojson" in as_json.headers["content-disposition"]
    )
    bad = analyst.api("GET", "/api/v1/maps/intelligence/export?format=shp")
    assert bad.status_code == 422
    with ws.engine.connect() as connection:
        exported = connection.execute(
            select(tables.audit_log.c.action).where(tables.audit_log.c.action == "map.exported")
        ).all()
    assert len(exported) == 2
