"""The scenario's AIS: NMEA it writes decodes to what it meant, lanes at sea, fleets by seed."""

from __future__ import annotations

import hashlib
from itertools import islice, pairwise
from pathlib import Path

import numpy as np
import pytest

from portintel.adapters.ais.land import LandMask
from portintel.adapters.behaviour_config import load_gazetteer
from portintel.ais import decode_lines
from portintel.domain.maritime.behaviour.common import haversine_km
from portintel.scenario.ais_motion import itu_interval_seconds
from portintel.scenario.ais_nmea import (
    PositionReport,
    StaticReport,
    position_lines,
    position_payloads,
    sentences,
)
from portintel.scenario.ais_tracks import FleetSpec, generate_fleet
from portintel.scenario.sea_lanes import AREAS, LANDING_BEACH, LANES

SMALL = FleetSpec(vessels=10, days=1.0)


def test_position_and_static_reports_decode_to_what_was_written() -> None:
    lines = [
        *sentences(
            PositionReport(567123456, 10.6, 103.5, 10.3, 245.5, 12, nav_status=5).payload(),
            unix_time=1_771_027_200,
            station="rx-gulf-1",
        ),
        *sentences(
            PositionReport(514123456, -6.25, -103.125, 0.1, 5.0, 59, class_b=True).payload(),
            unix_time=1_771_027_260,
            station="rx-gulf-2",
        ),
        *sentences(
            StaticReport(567123456, "SEA DRAGON 7", "HSB123", 70, imo=9074729).payload(),
            unix_time=1_771_027_200,
            station="rx-gulf-1",
            sequence=3,
        ),
        *sentences(
            StaticReport(514123456, "KAMPOT STAR", "XUAB12", 30, class_b=True).payload(),
            unix_time=1_771_027_200,
            station="rx-gulf-1",
        ),
    ]
    batch = decode_lines(lines)
    assert batch.rejects.height == 0
    a = batch.messages[1].row(0, named=True)
    assert (a["mmsi"], round(a["lat"], 5), round(a["lon"], 5), a["speed"]) == (
        567123456,
        10.6,
        103.5,
        10.3,
    )
    b = batch.messages[18].row(0, named=True)
    assert (b["mmsi"], round(b["lat"], 5), round(b["lon"], 5)) == (514123456, -6.25, -103.125)
    static = batch.messages[5].row(0, named=True)
    assert (static["shipname"], static["callsign"], static["imo"]) == (
        "SEA DRAGON 7",
        "HSB123",
        9074729,
    )
    assert batch.messages[24].row(0, named=True)["shipname"] == "KAMPOT STAR"
    assert batch.messages[1].row(0, named=True)["station"] == "rx-gulf-1"


def test_bulk_encoding_writes_the_same_lines_as_one_by_one() -> None:
    lat, lon = np.array([10.6, -3.2]), np.array([103.5, -100.1])
    sog, cog = np.array([10.3, 0.0]), np.array([245.5, 3.0])
    for class_b in (False, True):
        payloads, xor = position_payloads(
            567123456, lat, lon, sog, cog, np.array([12, 59]), np.array([0, 5]), class_b=class_b
        )
        bulk = position_lines(payloads, xor, np.array([1_771_027_200, 1_771_027_259]), "rx")
        one = [
            sentences(
                PositionReport(
                    567123456, lat[i], lon[i], sog[i], cog[i], (12, 59)[i], class_b, (0, 5)[i]
                ).payload(),
                unix_time=(1_771_027_200, 1_771_027_259)[i],
                station="rx",
            )[0]
            for i in range(2)
        ]
        assert bulk == one


def test_reporting_intervals_follow_itu_r_m1371() -> None:
    assert itu_interval_seconds(False, 0.1, at_anchor=True) == 180
    assert itu_interval_seconds(False, 10.0, at_anchor=False) == 10
    assert itu_interval_seconds(False, 18.0, at_anchor=False) == 6
    assert itu_interval_seconds(False, 25.0, at_anchor=False) == 2
    assert itu_interval_seconds(True, 1.0, at_anchor=False) == 180
    assert itu_interval_seconds(True, 8.0, at_anchor=False) == 30


def test_lanes_and_areas_lie_at_sea(tmp_path: Path) -> None:
    mask = LandMask(tmp_path)
    for lane in LANES:
        points = np.array(lane.waypoints)
        assert not mask.is_land(points[:, 0], points[:, 1]).any(), lane.name
        # away from the harbours (estuaries and rivers are "land" to the mask), open water
        path = np.array(lane.path())
        f = np.linspace(0.0, 1.0, 40)[:, None]
        along = np.vstack([a * (1 - f) + b * f for a, b in pairwise(path)])
        berths = np.array(lane.berths)
        offshore = (
            np.min(
                [haversine_km(along[:, 0], along[:, 1], lat, lon) for lat, lon in berths], axis=0
            )
            > 8.0
        )
        at_sea = ~mask.is_land(along[offshore, 0], along[offshore, 1])
        assert at_sea.mean() > 0.98, lane.name
    for area in (*AREAS, LANDING_BEACH):
        centre = np.array([sum(area.lat) / 2]), np.array([sum(area.lon) / 2])
        assert not mask.is_land(*centre).any(), area.name


@pytest.fixture(scope="module")
def gazetteer():  # type: ignore[no-untyped-def]
    return load_gazetteer(Path("/nonexistent-node"))


def _digest(seed: int, gazetteer) -> str:  # type: ignore[no-untyped-def]
    scenario = generate_fleet(seed, SMALL, gazetteer)
    text = "\n".join(islice(scenario.nmea_lines(), 5_000))
    return hashlib.sha256(text.encode()).hexdigest()


def test_the_same_seed_gives_the_same_fleet(gazetteer) -> None:  # type: ignore[no-untyped-def]
    assert _digest(3, gazetteer) == _digest(3, gazetteer)
    assert _digest(3, gazetteer) != _digest(4, gazetteer)


def test_a_fleet_has_what_the_issue_asks_of_it(gazetteer) -> None:  # type: ignore[no-untyped-def]
    scenario = generate_fleet(2, FleetSpec(vessels=30, days=2.0), gazetteer)
    vessels = scenario.vessels
    assert any(v.class_b for v in vessels) and any(not v.class_b for v in vessels)
    assert sum(v.spoof is not None for v in vessels) == 3
    assert any(v.holes for v in vessels)
    duplicated = sum(int(v.reports["duplicate"].sum()) for v in vessels)
    assert duplicated > 0
    assert set(scenario.counts()) == {
        "gap",
        "loitering",
        "encounter",
        "port_visit",
        "identity_change",
        "area_entry",
        "area_exit",
        "implausible_jump",
    }
    # lines come in arrival order day by day, two receivers, tag blocks with times
    lines = list(islice(scenario.nmea_lines(), 20_000))
    stations = {line.split(",s:")[1].split("*")[0] for line in lines}
    assert any(s.endswith("-2") for s in stations) and any(s.endswith("-1") for s in stations)
