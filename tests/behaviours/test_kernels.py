"""Each behaviour kernel on hand-built tracks whose truth is known."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta

import numpy as np
import polars as pl
import pytest

from portintel.domain.maritime.behaviour import BehaviourSettings, detect
from portintel.domain.maritime.behaviour.area import load_areas
from portintel.domain.maritime.behaviour.common import prepare_positions, tracks_of
from portintel.domain.maritime.behaviour.encounter import detect_encounters
from portintel.domain.maritime.behaviour.ports import Gazetteer, Port
from portintel.domain.maritime.behaviour.segments import assign_segments
from portintel.errors import InvalidInput
from tests.behaviours.tracks import T0, fixes, frame

SETTINGS = BehaviourSettings()
NO_PORTS = Gazetteer(())
PORT = Port("TEST", "Test harbour", "TH", "port", 10.0, 100.0, "test", "CC0-1.0")


def events(positions: pl.DataFrame, kind: str, **kwargs: object) -> list[dict[str, object]]:
    found = detect(positions, None, SETTINGS, kwargs.pop("gazetteer", NO_PORTS), **kwargs)  # type: ignore[arg-type]
    return [
        {**row, "details": json.loads(row["details"])}
        for row in found.events.filter(pl.col("type") == kind).iter_rows(named=True)
    ]


# --- segments ----------------------------------------------------------------------------


def test_two_transmitters_on_one_mmsi_make_two_segments() -> None:
    # one boat off Songkhla, another 200 km away, both every 10 min, interleaved
    a = fixes(1, T0, 10, 30, 7.3, 100.7, knots=8)
    b = fixes(1, T0 + timedelta(minutes=5), 10, 30, 9.1, 100.9, knots=8)
    track = tracks_of(prepare_positions(frame(a, b)))[0]
    segment = assign_segments(track, SETTINGS.segments)
    assert len(set(segment.tolist())) == 2
    # each transmitter's fixes are all in one segment
    north = track.lat > 8
    assert len(set(segment[north].tolist())) == 1
    assert len(set(segment[~north].tolist())) == 1


def test_silence_over_24_hours_starts_a_new_segment() -> None:
    a = fixes(2, T0, 30, 5, 7.0, 100.0)
    b = fixes(2, T0 + timedelta(hours=27), 30, 5, 7.0, 100.0)
    track = tracks_of(prepare_positions(frame(a, b)))[0]
    assert assign_segments(track, SETTINGS.segments).tolist() == [0] * 5 + [1] * 5


def test_out_of_order_and_duplicated_positions_are_sorted_and_counted_once() -> None:
    rows = fixes(3, T0, 10, 20, 7.0, 100.0, knots=5)
    shuffled = frame(rows[::-1], rows[:5])  # reversed, five duplicate receptions
    found = detect(shuffled, None, SETTINGS, NO_PORTS)
    assert found.segments.height == 20
    assert found.segments["segment_id"].n_unique() == 1
    assert found.segments["ts"].is_sorted()


def test_the_first_reception_of_a_fix_is_kept_and_fixes_apart_in_place_are_not_merged() -> None:
    first = fixes(4, T0, 10, 3, 7.0, 100.0, sog=1.0)
    again = [{**row, "sog": 9.0} for row in first]  # the same fixes heard later, other sog
    elsewhere = [{**first[1], "lat": 7.5, "sog": 3.0}]  # same vessel and time, another place
    other_vessel = fixes(3, T0, 10, 3, 7.0, 100.0, sog=2.0)
    prepared = prepare_positions(frame(other_vessel, again[:1], first, again, elsewhere))
    assert prepared["mmsi"].to_list() == [3, 3, 3, 4, 4, 4, 4]
    fours = prepared.filter(pl.col("mmsi") == 4)
    assert fours["ts"].is_sorted()
    # fix 0 was first heard with sog 9 (again[:1] came first), fixes 1 and 2 with sog 1
    assert fours["sog"].to_list() == [9.0, 1.0, 3.0, 1.0]
    assert fours["lat"].to_list() == [7.0, 7.0, 7.5, 7.0]  # same time, both places kept


# --- gap -------------------------------------------------------------------------------


def test_gap_of_seven_hours_with_distance_speed_and_shore() -> None:
    a = fixes(4, T0, 10, 6, 7.0, 100.0, knots=10, shore_km=120.0)
    b = fixes(4, T0 + timedelta(minutes=50, hours=7), 10, 6, 7.5, 100.0, knots=10, shore_km=130.0)
    (gap,) = events(frame(a, b), "gap")
    assert gap["start"] == T0 + timedelta(minutes=50)
    assert gap["end"] == T0 + timedelta(minutes=50, hours=7)
    details = gap["details"]
    assert details["hours"] == pytest.approx(7.0)
    # 50 min east at 10 kn (15.4 km), then 0.5 degree north (55.6 km)
    assert details["distance_km"] == pytest.approx(57.7, abs=0.5)
    assert details["implied_speed_knots"] == pytest.approx(57.7 / 1.852 / 7, rel=0.02)
    assert details["start_distance_to_shore_km"] == 120.0
    # 7 h is under the 12 h of suspected disabling
    assert details["suspected_disabling"] is False


def test_suspected_disabling_needs_12_hours_and_both_ends_beyond_50_nm() -> None:
    far = 50 * 1.852 + 1
    a = fixes(5, T0, 10, 3, 7.0, 99.0, shore_km=far)
    b = fixes(5, T0 + timedelta(hours=13), 10, 3, 7.0, 99.0, shore_km=far)
    near_end = fixes(5, T0 + timedelta(hours=30), 10, 3, 7.0, 99.0, shore_km=20.0)
    gaps = sorted(events(frame(a, b, near_end), "gap"), key=lambda e: e["start"])
    assert [g["details"]["suspected_disabling"] for g in gaps] == [True, False]


def test_gap_without_shore_distances_leaves_disabling_unknown() -> None:
    a = fixes(6, T0, 10, 3, 7.0, 99.0)
    b = fixes(6, T0 + timedelta(hours=14), 10, 3, 7.0, 99.0)
    (gap,) = events(frame(a, b), "gap")
    assert gap["details"]["suspected_disabling"] is None
    assert gap["details"]["start_distance_to_shore_km"] is None


def test_silence_under_six_hours_is_no_gap() -> None:
    a = fixes(7, T0, 10, 3, 7.0, 99.0)
    b = fixes(7, T0 + timedelta(hours=5, minutes=59), 10, 3, 7.0, 99.0)
    assert events(frame(a, b), "gap") == []


def test_gap_across_a_day_boundary() -> None:
    start = T0.replace(hour=21)
    a = fixes(8, start, 10, 3, 7.0, 99.0)
    b = fixes(8, start + timedelta(hours=8), 10, 3, 7.0, 99.0)
    (gap,) = events(frame(a, b), "gap")
    assert gap["start"].day == 1 and gap["end"].day == 2


# --- loitering -------------------------------------------------------------------------


def test_loitering_for_five_hours_between_transits() -> None:
    transit = fixes(9, T0, 10, 12, 7.0, 100.0, knots=10)
    slow_start = T0 + timedelta(hours=2)
    slow = fixes(9, slow_start, 10, 31, 7.0 + 0.001, 100.3, knots=0.5)
    after = fixes(9, slow_start + timedelta(hours=5, minutes=10), 10, 6, 7.0, 100.32, knots=10)
    (loiter,) = events(frame(transit, slow, after), "loitering")
    assert loiter["start"] == slow_start
    assert loiter["end"] == slow_start + timedelta(hours=5)
    assert loiter["details"]["average_speed_knots"] < 2


def test_three_hours_slow_is_not_loitering() -> None:
    slow = fixes(10, T0, 10, 19, 7.0, 100.0, knots=0.5)
    assert events(frame(slow), "loitering") == []


def test_loitering_uses_implied_speed_when_speed_is_not_reported() -> None:
    rows = fixes(11, T0, 10, 40, 7.0, 100.0, knots=0.3)
    positions = frame(rows).with_columns(pl.lit(None, dtype=pl.Float64).alias("sog"))
    assert len(events(positions, "loitering")) == 1


# --- port visits -----------------------------------------------------------------------


def test_port_visit_entry_stop_restart_and_exit() -> None:
    ports = Gazetteer((PORT,))
    # arrive from 10 km west at 6 kn, stop 3 h in port, leave east
    come = fixes(12, T0, 10, 6, 10.0, 100.0 - 10 / 109.5, knots=6, bearing_deg=90)
    stay = fixes(12, T0 + timedelta(hours=1), 10, 24, 10.0, 100.0, knots=0.0)
    go = fixes(12, T0 + timedelta(hours=5), 10, 12, 10.0, 100.0, knots=6, sog=6, bearing_deg=90)
    (visit,) = events(frame(come, stay, go), "port_visit", gazetteer=ports)
    details = visit["details"]
    assert details["port_id"] == "TEST"
    assert details["open"] is False
    assert details["stop"] == (T0 + timedelta(hours=1)).isoformat()
    assert details["restart"] == (T0 + timedelta(hours=5)).isoformat()
    # entry: first fix within 3 km (2.6 km at 40 min); exit: first beyond 4 km (5.6 km at 30 min)
    assert visit["start"] == T0 + timedelta(minutes=40)
    assert visit["end"] == T0 + timedelta(hours=5, minutes=30)


def test_port_visit_still_in_port_is_open() -> None:
    ports = Gazetteer((PORT,))
    stay = fixes(13, T0, 30, 10, 10.0, 100.0)
    (visit,) = events(frame(stay), "port_visit", gazetteer=ports)
    assert visit["details"]["open"] is True
    assert visit["end"] is None


def test_hysteresis_between_3_and_4_km_does_not_end_the_visit() -> None:
    ports = Gazetteer((PORT,))
    lon_per_km = 1 / 109.5
    rows = [
        *fixes(14, T0, 10, 3, 10.0, 100.0 + 2.0 * lon_per_km),
        *fixes(14, T0 + timedelta(minutes=30), 10, 3, 10.0, 100.0 + 3.5 * lon_per_km),
        *fixes(14, T0 + timedelta(minutes=60), 10, 3, 10.0, 100.0 + 2.0 * lon_per_km),
        *fixes(14, T0 + timedelta(minutes=90), 10, 3, 10.0, 100.0 + 6.0 * lon_per_km),
    ]
    (visit,) = events(frame(rows), "port_visit", gazetteer=ports)
    assert visit["end"] == T0 + timedelta(minutes=90)


# --- encounters ------------------------------------------------------------------------


def _pair(lat: float, lon: float, *, hours: float, offset_m: float = 200.0) -> pl.DataFrame:
    count = int(hours * 6) + 1
    a = fixes(101, T0, 10, count, lat, lon, knots=0.5)
    b = fixes(202, T0 + timedelta(minutes=3), 10, count, lat + offset_m / 111195, lon, knots=0.5)
    return frame(a, b)


def test_encounter_of_three_hours_at_sea() -> None:
    (meeting,) = events(_pair(8.0, 101.0, hours=3), "encounter")
    assert (meeting["mmsi"], meeting["other_mmsi"]) == (101, 202)
    assert meeting["details"]["median_distance_m"] == pytest.approx(200, abs=30)
    assert meeting["end"] - meeting["start"] >= timedelta(hours=2)


def test_encounter_across_a_cell_edge_is_found() -> None:
    # cells are 0.5 degree: 8.0 is an edge; one vessel either side of it
    positions = _pair(8.0 - 100 / 111195, 101.25, hours=3, offset_m=200)
    assert positions["lat"].min() < 8.0 < positions["lat"].max()  # type: ignore[operator]
    assert len(events(positions, "encounter")) == 1
    # and a corner: four cells meet at (8.0, 101.0)
    corner = _pair(8.0 - 100 / 111195, 101.0 - 0.001, hours=3, offset_m=200)
    corner = corner.with_columns(
        pl.when(pl.col("mmsi") == 202)
        .then(pl.col("lon") + 0.002)
        .otherwise(pl.col("lon"))
        .alias("lon")
    )
    assert len(events(corner, "encounter")) == 1


def test_short_or_distant_or_fast_meetings_are_not_encounters() -> None:
    assert events(_pair(8.0, 101.2, hours=1.5), "encounter") == []
    assert events(_pair(8.0, 101.2, hours=3, offset_m=800), "encounter") == []
    fast_a = fixes(101, T0, 10, 19, 8.0, 101.2, knots=6)
    fast_b = fixes(202, T0, 10, 19, 8.001, 101.2, knots=6)
    assert events(frame(fast_a, fast_b), "encounter") == []


def test_encounter_near_a_port_is_not_counted() -> None:
    port = Port("NEAR", "Near", "TH", "anchorage", 8.0, 101.25, "test", "CC0-1.0")
    positions = _pair(8.0, 101.2, hours=3)  # ~5.5 km from the anchorage
    assert events(positions, "encounter", gazetteer=Gazetteer((port,))) == []


def test_no_interpolation_across_a_silence_over_one_hour() -> None:
    # both vessels report at the start and end of 3 h only: never interpolated
    a = [
        *fixes(101, T0, 10, 2, 8.0, 101.2),
        *fixes(101, T0 + timedelta(hours=3), 10, 2, 8.0, 101.2),
    ]
    b = [
        *fixes(202, T0, 10, 2, 8.001, 101.2),
        *fixes(202, T0 + timedelta(hours=3), 10, 2, 8.001, 101.2),
    ]
    assert events(frame(a, b), "encounter") == []


def test_encounters_less_than_four_hours_apart_merge() -> None:
    first = _pair(8.0, 101.2, hours=2.5)
    second = _pair(8.0, 101.2, hours=2.5).with_columns(pl.col("ts") + timedelta(hours=5))
    apart = _pair(8.0, 101.2, hours=2.5).with_columns(pl.col("ts") + timedelta(hours=12))
    # between the meetings the vessels are 5 km apart
    between = frame(
        fixes(101, T0 + timedelta(hours=2, minutes=40), 10, 13, 8.0, 101.2),
        fixes(202, T0 + timedelta(hours=2, minutes=40), 10, 13, 8.045, 101.2),
    )
    found = events(pl.concat([first, between, second, apart]), "encounter")
    assert len(found) == 2
    starts = sorted(e["start"] for e in found)
    assert starts[1] - starts[0] >= timedelta(hours=11)


def test_encounter_resampling_keeps_each_pair_once_per_step() -> None:
    positions = _pair(8.0, 101.2, hours=3)
    tracks = tracks_of(prepare_positions(positions))
    for track in tracks:
        assign_segments(track, SETTINGS.segments)
    (row,) = detect_encounters(tracks, SETTINGS, NO_PORTS)
    assert row.details["close_samples"] == 18  # 3 h at 10 min, counted once each


# --- identity --------------------------------------------------------------------------


def _statics(rows: list[tuple[int, int, str | None, int | None, str | None]]) -> pl.DataFrame:
    return pl.DataFrame(
        [
            {
                "mmsi": m,
                "ts": T0 + timedelta(hours=h),
                "name": n,
                "imo": i,
                "callsign": None,
                "flag": f,
            }
            for m, h, n, i, f in rows
        ],
        schema={
            "mmsi": pl.Int64,
            "ts": pl.Datetime("us", "UTC"),
            "name": pl.Utf8,
            "imo": pl.Int64,
            "callsign": pl.Utf8,
            "flag": pl.Utf8,
        },
    )


def test_identity_changes_from_statics() -> None:
    statics = _statics(
        [
            (567000001, 0, "SEA STAR", 9123456, "TH"),
            (567000001, 1, "sea star ", 9123456, "TH"),  # same name, case and spaces
            (567000001, 2, "OCEAN 7", 9123456, "TH"),
            (514000002, 3, "MOTHER", 9123456, "PA"),  # 514 is Cambodia: flag differs
        ]
    )
    found = detect(frame(), statics, SETTINGS, NO_PORTS).events
    details = [json.loads(d) for d in found["details"].to_list()]
    kinds = sorted((d["kind"], d.get("field")) for d in details)
    assert ("field", "name") in kinds and kinds.count(("field", "name")) == 1
    assert ("mid_flag", None) in kinds
    assert kinds.count(("shared_imo", None)) == 2
    name_change = next(d for d in details if d.get("field") == "name")
    assert (name_change["old"], name_change["new"]) == ("SEA STAR", "OCEAN 7")


def test_one_mmsi_in_two_places_at_once() -> None:
    a = fixes(15, T0, 10, 12, 7.3, 100.7, knots=8)
    b = fixes(15, T0 + timedelta(minutes=2), 10, 12, 9.1, 100.9, knots=8)
    (event,) = [
        e for e in events(frame(a, b), "identity_change") if e["details"]["kind"] == "two_places"
    ]
    assert event["details"]["max_distance_km"] > 150


# --- areas and jumps -------------------------------------------------------------------

BEACH = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"id": "beach-1", "name": "Landing beach"},
            "geometry": {
                "type": "Polygon",
                "coordinates": [
                    [[100.0, 7.0], [100.2, 7.0], [100.2, 7.2], [100.0, 7.2], [100.0, 7.0]],
                    [[100.05, 7.05], [100.1, 7.05], [100.1, 7.1], [100.05, 7.1], [100.05, 7.05]],
                ],
            },
        }
    ],
}


def test_area_entry_and_exit() -> None:
    areas = load_areas(json.dumps(BEACH), source="beach.geojson")
    # east along 7.15 N from 99.9 to 100.3 at 10 kn (about 0.03 degree per 10 min)
    rows = fixes(16, T0, 10, 30, 7.15, 99.9, knots=10)
    found = detect(frame(rows), None, SETTINGS, NO_PORTS, areas).events
    kinds = found.sort("start")["type"].to_list()
    assert kinds == ["area_entry", "area_exit"]
    entry_lon = found.filter(pl.col("type") == "area_entry")["lon"][0]
    assert 100.0 <= entry_lon < 100.04


def test_the_hole_of_an_area_is_outside() -> None:
    (area,) = load_areas(json.dumps(BEACH), source="beach.geojson")
    inside = area.contains(np.array([7.15, 7.075, 7.3]), np.array([100.15, 100.075, 100.1]))
    assert inside.tolist() == [True, False, False]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{", "not valid JSON"),
        ('{"type": "Point"}', "expected GeoJSON"),
        ('{"type": "Polygon", "coordinates": [[[0, 0], [1, 1]]]}', "at least 4 positions"),
        (
            '{"type": "Polygon", "coordinates": [[[0, 95], [1, 1], [2, 2], [0, 95]]]}',
            "out of range",
        ),
    ],
)
def test_bad_areas_are_refused_with_the_reason(text: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        load_areas(text, source="areas.geojson")


def test_a_single_far_fix_is_an_implausible_jump() -> None:
    rows = fixes(17, T0, 10, 10, 7.0, 100.0, knots=8)
    rows[5] = {**rows[5], "lat": 7.5}
    (jump,) = events(frame(rows), "implausible_jump")
    assert jump["start"] == T0 + timedelta(minutes=50)
    assert jump["details"]["distance_from_previous_km"] > 50


def test_sparse_single_fixes_give_no_crash_and_no_events() -> None:
    rows = [fixes(18 + i, T0 + timedelta(days=i), 10, 1, 7.0, 100.0)[0] for i in range(5)]
    found = detect(frame(rows), None, SETTINGS, Gazetteer((PORT,)))
    assert found.events.height == 0
    assert found.segments.height == 5


@pytest.mark.parametrize("cell", [0.01, 0.1, 0.5, 2.0])
def test_encounters_do_not_depend_on_where_the_cells_fall(cell: float) -> None:
    # three pairs: one across a 0.5 degree edge, one at a corner of 0.1 cells, one mid-cell
    positions = pl.concat(
        [
            _pair(8.0 - 100 / 111195, 101.25, hours=3),
            _pair(7.5, 100.0 - 0.0005, hours=3).with_columns(pl.col("mmsi") + 1000),
            _pair(6.73, 99.37, hours=3).with_columns(pl.col("mmsi") + 2000),
        ]
    )
    settings = replace(SETTINGS, encounter=replace(SETTINGS.encounter, cell_degrees=cell))
    found = detect(positions, None, settings, NO_PORTS).events.filter(pl.col("type") == "encounter")
    reference = detect(positions, None, SETTINGS, NO_PORTS).events.filter(
        pl.col("type") == "encounter"
    )
    assert found.height == 3
    assert found.drop("parameters").equals(reference.drop("parameters"))


def test_the_whole_array_path_agrees_with_the_fix_by_fix_walk() -> None:
    from portintel.domain.maritime.behaviour.segments import _walk

    rows = [
        *fixes(19, T0, 10, 20, 7.0, 100.0, knots=12),
        *fixes(19, T0 + timedelta(hours=30), 10, 20, 7.2, 100.0, knots=12),
        *fixes(19, T0 + timedelta(hours=60), 0, 3, 7.4, 100.0),  # duplicates in time
    ]
    track = tracks_of(prepare_positions(frame(rows)))[0]
    fast = assign_segments(track, SETTINGS.segments).copy()
    assert fast.tolist() == [0] * 20 + [1] * 20 + [2]  # duplicate fixes counted once
    assert _walk(track, SETTINGS.segments).tolist() == fast.tolist()
