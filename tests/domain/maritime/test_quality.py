"""Quality filters: every refused row keeps a reason; accepted rows are untouched."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from portintel.domain.maritime import quality
from portintel.domain.maritime.quality import QualityThresholds, check_positions, valid_mmsi

T0 = datetime(2026, 3, 1, tzinfo=UTC)


def fixes(*rows: tuple[int, int, float, float]) -> pl.DataFrame:
    """(mmsi, minutes after T0, lat, lon) -> a positions-like frame."""
    return pl.DataFrame(
        {
            "mmsi": [r[0] for r in rows],
            "ts": [T0 + timedelta(minutes=r[1]) for r in rows],
            "ts_estimated": [False] * len(rows),
            "lat": [r[2] for r in rows],
            "lon": [r[3] for r in rows],
            "line": list(range(1, len(rows) + 1)),
        },
        schema={
            "mmsi": pl.Int64,
            "ts": pl.Datetime("us", "UTC"),
            "ts_estimated": pl.Boolean,
            "lat": pl.Float64,
            "lon": pl.Float64,
            "line": pl.Int64,
        },
    )


def land_frame(*rows: tuple[bool, float, bool | None]) -> pl.DataFrame:
    """(on_land, distance_to_shore_km, inland_water) per row, as the land adapter gives them."""
    return pl.DataFrame(
        rows,
        schema={
            "on_land": pl.Boolean,
            "distance_to_shore_km": pl.Float64,
            "inland_water": pl.Boolean,
        },
        orient="row",
    )


def test_each_bad_fix_gets_its_reason_and_good_ones_pass() -> None:
    frame = fixes(
        (123, 0, 10.0, 100.0),  # invalid MMSI
        (574000001, 0, 91.0, 181.0),  # not available
        (574000002, 0, 95.0, 100.0),  # latitude out of range
        (574000003, 0, 10.0, 200.0),  # longitude out of range
        (574000004, 0, 47.0, 103.0),  # far inland (central Mongolia), no water near
        (574000005, 0, 10.5, 103.5),  # good
        (574000006, 0, 0.0, 0.0),  # the empty fix
        (574000007, 0, 13.70, 100.57),  # on land in the mask, 22 km up a river: kept
    )
    land = land_frame(
        (False, 0.0, None),
        (False, 0.0, None),
        (False, 0.0, None),
        (False, 0.0, None),
        (True, 1475.0, False),
        (False, 30.0, None),
        (False, 570.0, None),
        (True, 21.6, None),
    )
    result = check_positions(frame, land=land)
    reasons = dict(zip(result.quarantined["line"], result.quarantined["reason"], strict=True))
    assert reasons == {
        1: quality.INVALID_MMSI,
        2: quality.POSITION_NOT_AVAILABLE,
        3: quality.LATITUDE_OUT_OF_RANGE,
        4: quality.LONGITUDE_OUT_OF_RANGE,
        5: quality.POSITION_FAR_INLAND,
        7: quality.POSITION_AT_NULL_ISLAND,
    }
    assert result.accepted["line"].to_list() == [6, 8]
    assert result.accepted["on_land"].to_list() == [False, True]
    assert result.accepted["distance_to_shore_km"].to_list() == [30.0, 21.6]
    assert result.accepted.columns == [*frame.columns, *quality._FLAG_COLUMNS]
    assert result.quarantined.columns == [*frame.columns, "reason"]


def test_far_inland_on_a_listed_inland_water_is_kept_and_the_threshold_is_configurable() -> None:
    frame = fixes((574000001, 0, 53.5, 108.0), (574000002, 0, 47.0, 103.0))  # Baikal, Mongolia
    land = land_frame((True, 1710.0, True), (True, 1475.0, False))
    assert check_positions(frame, land=land).quarantined["line"].to_list() == [2]
    farther = QualityThresholds(far_inland_km=1500.0)
    assert check_positions(frame, land=land, thresholds=farther).quarantined.height == 0


def test_base_stations_aircraft_and_aids_to_navigation_are_not_land_checked() -> None:
    frame = fixes(
        (2573500, 0, 47.0, 103.0),  # a base station (type 4) far inland
        (111257100, 0, 47.0, 103.0),  # a SAR aircraft (type 9) over Mongolia
        (992576001, 0, 47.0, 103.0),  # an aid to navigation (type 21)
        (574000001, 0, 47.0, 103.0),  # a vessel there is refused
        (2573501, 0, 0.0, 0.0),  # 0,0 is an empty fix whoever sends it
    ).with_columns(pl.Series("msg_type", [4, 9, 21, 1, 4], dtype=pl.Int8))
    land = land_frame(*[(True, 1475.0, False)] * 4, (False, 570.0, None))
    result = check_positions(frame, land=land)
    assert dict(zip(result.quarantined["line"], result.quarantined["reason"], strict=True)) == {
        4: quality.POSITION_FAR_INLAND,
        5: quality.POSITION_AT_NULL_ISLAND,
    }
    assert result.accepted["on_land"].to_list() == [None, None, None]
    assert result.accepted["distance_to_shore_km"].to_list() == [1475.0] * 3


def timed(*rows: tuple[int, float, float, float], msg_type: int | None = None) -> pl.DataFrame:
    """(mmsi, seconds after T0, lat, lon) -> a positions-like frame with sub-minute times."""
    frame = fixes(*[(r[0], 0, r[2], r[3]) for r in rows])
    return frame.with_columns(
        pl.Series("ts", [T0 + timedelta(seconds=r[1]) for r in rows]).dt.cast_time_unit("us"),
        pl.lit(msg_type, dtype=pl.Int8).alias("msg_type"),
    )


def test_a_spike_is_quarantined_but_the_fix_after_it_is_not() -> None:
    frame = fixes(
        (574000001, 0, 10.0, 104.0),
        (574000001, 10, 10.02, 104.0),
        (574000001, 20, 12.0, 106.0),  # 170 nm in 10 minutes
        (574000001, 30, 10.06, 104.0),
        (574000002, 20, 12.0, 106.0),  # another vessel there is fine
    )
    result = check_positions(frame)
    assert result.quarantined["line"].to_list() == [3]
    assert result.quarantined["reason"].to_list() == [quality.IMPOSSIBLE_SPEED]
    assert sorted(result.accepted["line"].to_list()) == [1, 2, 4, 5]
    assert result.accepted["speed_flag"].to_list() == [False, False, False, False]


def test_a_40_knot_speedboat_is_kept_and_flagged_for_the_segmenter() -> None:
    # 40 kn along a meridian, a fix every 30 s: fast, not impossible
    step = 40 / 60 / 120  # degrees of latitude in 30 s at 40 kn
    frame = timed(*[(574000001, 30 * i, 10.0 + i * step, 104.0) for i in range(6)])
    result = check_positions(frame)
    assert result.quarantined.height == 0
    assert result.accepted["speed_flag"].to_list() == [False, True, True, True, True, True]
    speeds = result.accepted["implied_speed_knots"].to_list()
    assert speeds[0] is None
    assert all(30 < speed < 40 for speed in speeds[1:])  # a lower bound: 0.1 nm of noise off


def test_the_physical_limit_is_configurable_and_order_is_by_time_not_input() -> None:
    # out 10 nm and back within 4 minutes each way = 150 kn, input out of time order
    frame = timed(
        (574000001, 480, 10.0, 104.0),
        (574000001, 0, 10.0, 104.0),
        (574000001, 240, 10.0 + 10 / 60, 104.0),
    )
    assert check_positions(frame).quarantined["line"].to_list() == [3]
    relaxed = check_positions(frame, thresholds=QualityThresholds(max_vessel_speed_knots=200))
    assert relaxed.quarantined.height == 0
    assert relaxed.accepted["speed_flag"].to_list() == [True, False, True]


def test_a_sar_aircraft_may_do_what_no_ship_can() -> None:
    # out 4 nm and back in a minute each way: 240 kn, a spike for a ship, a pass for an aircraft
    rows = [(111257100, 0, 10.0, 104.0), (111257100, 60, 10.0 + 4 / 60, 104.0)]
    rows.append((111257100, 120, 10.0, 104.0))
    flying = check_positions(timed(*rows, msg_type=9))
    assert flying.quarantined.height == 0
    assert flying.accepted["speed_flag"].to_list() == [False, True, True]
    sailing = check_positions(timed(*[(574000001, *row[1:]) for row in rows], msg_type=1))
    assert sailing.quarantined["line"].to_list() == [2]


def test_a_type_27_fix_next_to_a_type_1_fix_seconds_apart_is_not_impossible() -> None:
    # a vessel at anchor: type 1 exact, type 27 truncated to 1/10 minute (0.099' off each way)
    lat, lon = 10 + 38.899 / 60, 103 + 30.299 / 60
    coarse_lat, coarse_lon = 10 + 38.8 / 60, 103 + 30.2 / 60
    frame = pl.concat(
        [
            timed((574000001, 0, lat, lon), msg_type=1),
            timed((574000001, 2, coarse_lat, coarse_lon), msg_type=27),
            timed((574000001, 4, lat, lon), msg_type=1),
        ]
    ).with_columns(pl.Series("line", [1, 2, 3]))
    result = check_positions(frame)
    assert result.quarantined.height == 0
    assert result.accepted["speed_flag"].to_list() == [False, False, False]
    assert result.accepted["implied_speed_knots"].to_list() == [None, 0.0, 0.0]
    # had both been exact type 1 fixes, 260 m in 2 s would be fast: kept, and flagged
    exact = check_positions(frame.with_columns(pl.lit(1, dtype=pl.Int8).alias("msg_type")))
    assert exact.quarantined.height == 0
    assert exact.accepted["speed_flag"].to_list() == [False, True, True]


def test_two_fixes_in_the_same_minute_of_a_minute_resolution_archive_are_possible() -> None:
    # an archive gives times to the minute: out 0.5 nm and back "at the same time" is
    # possible (they may be up to a minute apart); at second resolution it is a spike
    frame = fixes(
        (574000001, 0, 10.0, 104.0),
        (574000001, 0, 10.0 + 0.5 / 60, 104.0),
        (574000001, 0, 10.0, 104.0),
    )
    assert check_positions(frame).quarantined.height == 0
    precise = frame.with_columns(pl.col("ts") + pl.duration(seconds=pl.col("line")))
    assert check_positions(precise).quarantined["line"].to_list() == [2]


def test_a_steady_fast_vessel_is_not_a_spike() -> None:
    # 30 kn all along, a fix every 2 minutes to the second: kept, flagged for the segmenter
    frame = timed(*[(574000001, 120 * i + 7, 10.0 + i / 60, 104.0) for i in range(5)])
    result = check_positions(frame)
    assert result.quarantined.height == 0
    assert result.accepted["speed_flag"].to_list() == [False, True, True, True, True]
    # the same track in an archive of whole minutes might be 20 kn: kept, not flagged
    minutes = check_positions(fixes(*[(574000001, 2 * i, 10.0 + i / 60, 104.0) for i in range(5)]))
    assert minutes.accepted["speed_flag"].to_list() == [False] * 5


def test_previous_batch_gives_context_for_the_first_fix() -> None:
    previous = fixes((574000001, 0, 10.0, 104.0)).select("mmsi", "ts", "lat", "lon")
    frame = fixes((574000001, 5, 11.0, 104.0))  # 60 nm in 5 minutes
    result = check_positions(frame, previous_fixes=previous)
    assert result.quarantined["reason"].to_list() == [quality.IMPOSSIBLE_SPEED]
    assert check_positions(frame).quarantined.height == 0
    later = fixes((574000001, 60, 10.5, 104.0))  # 30 nm in an hour: kept and flagged
    kept = check_positions(later, previous_fixes=previous).accepted
    assert kept["speed_flag"].to_list() == [True]
    assert kept["implied_speed_knots"][0] == pytest.approx(29.4, abs=0.3)


def test_estimated_times_skip_the_speed_check() -> None:
    frame = fixes((574000001, 0, 10.0, 104.0), (574000001, 0, 11.0, 104.0)).with_columns(
        pl.lit(True).alias("ts_estimated")
    )
    result = check_positions(frame)
    assert result.quarantined.height == 0
    assert result.accepted["implied_speed_knots"].to_list() == [None, None]


def test_same_second_duplicates_within_noise_are_fine() -> None:
    frame = timed((574000001, 0, 10.0, 104.0), (574000001, 0, 10.0005, 104.0))
    assert check_positions(frame).quarantined.height == 0


def test_mmsi_shapes() -> None:
    values = {
        574123456: True,  # ship, Viet Nam
        2573500: True,  # coast station 00257...
        111257100: True,  # SAR aircraft
        992576001: True,  # aid to navigation
        970123456: True,  # AIS-SART
        123456789: False,  # MID 123
        0: False,
        1_000_000_000: False,
        199999999: False,
    }
    frame = pl.DataFrame({"mmsi": list(values)}, schema={"mmsi": pl.Int64})
    assert frame.select(valid_mmsi(pl.col("mmsi")))["mmsi"].to_list() == list(values.values())


@given(
    st.lists(
        st.tuples(st.integers(0, 999_999_999), st.floats(-100, 100), st.floats(-200, 200)),
        max_size=30,
    )
)
def test_partition_is_complete(rows: list[tuple[int, float, float]]) -> None:
    frame = fixes(*[(m, i, lat, lon) for i, (m, lat, lon) in enumerate(rows)])
    result = check_positions(frame)
    assert result.accepted.height + result.quarantined.height == frame.height
    assert (
        sorted(result.accepted["line"].to_list() + result.quarantined["line"].to_list())
        == frame["line"].to_list()
    )
