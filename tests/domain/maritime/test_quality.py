"""Quality filters: every refused row keeps a reason; accepted rows are untouched."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import polars as pl
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


def test_each_bad_fix_gets_its_reason_and_good_ones_pass() -> None:
    frame = fixes(
        (123, 0, 10.0, 100.0),  # invalid MMSI
        (574000001, 0, 91.0, 181.0),  # not available
        (574000002, 0, 95.0, 100.0),  # latitude out of range
        (574000003, 0, 10.0, 200.0),  # longitude out of range
        (574000004, 0, 10.0, 103.0),  # on land (mask given below)
        (574000005, 0, 10.5, 103.5),  # good
    )
    land = pl.Series([False, False, False, False, True, False])
    result = check_positions(frame, on_land=land)
    reasons = dict(zip(result.quarantined["line"], result.quarantined["reason"], strict=True))
    assert reasons == {
        1: quality.INVALID_MMSI,
        2: quality.POSITION_NOT_AVAILABLE,
        3: quality.LATITUDE_OUT_OF_RANGE,
        4: quality.LONGITUDE_OUT_OF_RANGE,
        5: quality.POSITION_ON_LAND,
    }
    assert result.accepted["line"].to_list() == [6]
    assert result.accepted.columns == frame.columns


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


def test_threshold_is_configurable_and_order_is_by_time_not_input() -> None:
    # out 1 nm and back within 2 minutes each way = 30 kn, input out of time order
    frame = fixes(
        (574000001, 4, 10.0, 104.0),
        (574000001, 0, 10.0, 104.0),
        (574000001, 2, 10.0 + 1 / 60, 104.0),
    )
    assert check_positions(frame).quarantined["line"].to_list() == [3]
    relaxed = check_positions(frame, thresholds=QualityThresholds(max_implied_speed_knots=40))
    assert relaxed.quarantined.height == 0


def test_a_steady_fast_vessel_is_not_a_spike() -> None:
    # 30 kn all along: faster than the default limit, but no single fix stands out
    frame = fixes(*[(574000001, 2 * i, 10.0 + i / 60, 104.0) for i in range(5)])
    assert check_positions(frame).quarantined.height == 0


def test_previous_batch_gives_context_for_the_first_fix() -> None:
    previous = fixes((574000001, 0, 10.0, 104.0)).select("mmsi", "ts", "lat", "lon")
    frame = fixes((574000001, 5, 11.0, 104.0))  # 60 nm in 5 minutes
    result = check_positions(frame, previous_fixes=previous)
    assert result.quarantined["reason"].to_list() == [quality.IMPOSSIBLE_SPEED]
    assert check_positions(frame).quarantined.height == 0


def test_estimated_times_skip_the_speed_check() -> None:
    frame = fixes((574000001, 0, 10.0, 104.0), (574000001, 0, 11.0, 104.0)).with_columns(
        pl.lit(True).alias("ts_estimated")
    )
    assert check_positions(frame).quarantined.height == 0


def test_same_second_duplicates_within_noise_are_fine() -> None:
    frame = fixes((574000001, 0, 10.0, 104.0), (574000001, 0, 10.0005, 104.0))
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
