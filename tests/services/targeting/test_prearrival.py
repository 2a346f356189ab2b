"""The pre-arrival list from AIS as ingested: who is expected, how it was predicted, ranked
by the risk the reader may see."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import insert

from portintel.adapters.database import tables
from portintel.domain.actors import Role
from portintel.errors import InvalidInput, NotFound, PermissionDenied
from portintel.services.targeting import find_port, port_choices, prearrival_list
from portintel.services.workspace import Workspace
from tests.services.staff import IMMIGRATION, MARITIME, make_user
from tests.services.targeting.prearrival_sample import (
    BY_COURSE,
    BY_ETA,
    SENT,
    write_arrivals,
)


def _plant_reason(ws: Workspace, mmsi: int, weight: float, report_id: str | None = None) -> None:
    now = SENT
    cause = f"{mmsi}-{weight}"
    with ws.engine.begin() as connection:
        connection.execute(
            insert(tables.risk_subjects),
            [
                {
                    "mmsi": mmsi,
                    "voyage_id": "",
                    "window_start": now - timedelta(days=30),
                    "window_end": now,
                    "indicator_version": "test",
                    "computed_at": now,
                }
            ],
        )
        connection.execute(
            insert(tables.risk_reasons),
            [
                {
                    "cause_key": cause,
                    "mmsi": mmsi,
                    "voyage_id": "",
                    "indicator_id": "encounter_at_sea",
                    "indicator_version": "test",
                    "description": "Met another vessel at sea",
                    "weight": weight,
                    "observed_at": now,
                    "fired_at": now,
                }
            ],
        )
        connection.execute(
            insert(tables.risk_evidence),
            [
                {
                    "cause_key": cause,
                    "kind": "event",
                    "item_id": "ev-1",
                    "report_id": report_id,
                    "label": "encounter",
                    "area_id": None,
                }
            ],
        )


def test_expected_vessels_with_how_each_was_predicted(workspace: Workspace, tmp_path: Path) -> None:
    write_arrivals(workspace, tmp_path)
    analyst = make_user(workspace, "ana", MARITIME, Role.ANALYST)
    listed = prearrival_list(workspace, analyst, "Sihanoukville", hours=48)
    assert listed.port.id == "KHKOS" and listed.as_of == SENT
    by_mmsi = {line.mmsi: line for line in listed.lines}
    # the stopped boat, the one alongside, the late one and the one bound away are not expected
    assert set(by_mmsi) == {BY_ETA, BY_COURSE}
    eta = by_mmsi[BY_ETA].arrival
    # AIS sent 01-02 03:00 without a year on 31 December: next year's
    assert (eta.method, eta.expected_at) == ("ais_eta", datetime(2027, 1, 2, 3, 0, tzinfo=UTC))
    assert eta.matched_by == "alias" and by_mmsi[BY_ETA].name == "EASTERN GRACE"
    course = by_mmsi[BY_COURSE].arrival
    assert course.method == "course" and course.speed_knots == 10.0
    assert SENT + timedelta(hours=5) < course.expected_at < SENT + timedelta(hours=7)
    assert course.explanation.startswith("projected from course 090 and 10.0 kn")
    # none scored yet: soonest first
    assert [line.mmsi for line in listed.lines] == [BY_COURSE, BY_ETA]
    assert not any(line.scored for line in listed.lines)
    # a window of 24 h leaves the ETA of 2 January 03:00 (31 h away) out
    assert [x.mmsi for x in prearrival_list(workspace, analyst, "KHKOS", hours=24).lines] == [
        BY_COURSE
    ]


def test_ranked_by_the_risk_the_reader_may_see(workspace: Workspace, tmp_path: Path) -> None:
    write_arrivals(workspace, tmp_path)
    _plant_reason(workspace, BY_ETA, 30.0)
    _plant_reason(workspace, BY_COURSE, 5.0)
    analyst = make_user(workspace, "ana", MARITIME, Role.ANALYST)
    listed = prearrival_list(workspace, analyst, "KHKOS", hours=48)
    assert [(x.mmsi, x.score) for x in listed.lines] == [(BY_ETA, 30.0), (BY_COURSE, 5.0)]
    (reason,) = listed.lines[0].reasons
    assert reason.description == "Met another vessel at sea" and reason.evidence[0].id == "ev-1"
    admin = make_user(workspace, "root", IMMIGRATION, Role.ADMINISTRATOR)
    with pytest.raises(PermissionDenied):
        prearrival_list(workspace, admin, "KHKOS")


def test_ports_are_found_by_id_name_alias_and_refused_with_what_to_do(
    workspace: Workspace,
) -> None:
    officer = make_user(workspace, "olga", IMMIGRATION, Role.OFFICER)
    assert find_port(workspace, officer, "khkos").id == "KHKOS"
    assert find_port(workspace, officer, "Kompong Som").id == "KHKOS"
    assert find_port(workspace, officer, "Koh Kong").id == "KH-KKG"
    assert find_port(workspace, officer, "Songkhla").id == "THSGZ"  # the port, not the harbour
    with pytest.raises(InvalidInput) as many:
        find_port(workspace, officer, "Ho Chi Minh")
    assert "VNSGN" in str(many.value) and "VNVIC" in str(many.value)
    assert find_port(workspace, officer, "Kuching").id == "MYKCH"
    with pytest.raises(NotFound):
        find_port(workspace, officer, "Atlantis")
    with pytest.raises(InvalidInput):
        prearrival_list(workspace, officer, "KHKOS", hours=0)
    choices = port_choices(workspace, officer)
    assert any(c.id == "KHKOS" and c.country_label == "Cambodia" for c in choices)
    assert all(c.kind != "landing_site" for c in choices)
