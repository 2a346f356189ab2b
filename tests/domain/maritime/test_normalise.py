"""Normalisation of decoded frames (built by pyais) into the track store schema."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from portintel.domain.maritime.normalise import (
    InputContext,
    normalise_archive_rows,
    normalise_messages,
)
from portintel.domain.maritime.schema import POSITIONS, STATICS
from tests.ais.pyais_frames import encode, frames_from_sentences

FILE_TIME = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
CONTEXT = InputContext("test", "test.nmea", FILE_TIME, fallback_is_estimate=True)


def test_position_report_maps_fields_and_keeps_provenance() -> None:
    sentence = encode(
        {
            "msg_type": 1,
            "mmsi": 211234567,
            "lat": 54.5,
            "lon": 10.25,
            "speed": 12.3,
            "course": 90.5,
            "heading": 91,
            "status": 5,
        }
    )
    received = datetime(2026, 2, 3, 4, 5, 6, tzinfo=UTC)
    frames = frames_from_sentences([sentence], received_at=received, station="rx1")
    out = normalise_messages(frames, None, CONTEXT)
    assert out.positions.schema == POSITIONS.polars_schema
    row = out.positions.row(0, named=True)
    assert row["mmsi"] == 211234567
    assert row["lat"] == 54.5 and row["lon"] == 10.25
    assert row["sog"] == 12.3 and row["cog"] == 90.5 and row["heading"] == 91
    assert row["nav_status"] == 5 and row["msg_type"] == 1
    assert row["ts"] == received and row["ts_estimated"] is False
    assert row["station"] == "rx1" and row["raw"] == sentence and row["line"] == 1
    assert out.statics.height == 0


def test_not_available_sentinels_become_null_and_time_falls_back() -> None:
    sentence = encode(
        {
            "msg_type": 1,
            "mmsi": 211234567,
            "lat": 91,
            "lon": 181,
            "speed": 102.3,
            "course": 360,
            "heading": 511,
        }
    )
    out = normalise_messages(frames_from_sentences([sentence]), None, CONTEXT)
    row = out.positions.row(0, named=True)
    assert row["sog"] is None and row["cog"] is None and row["heading"] is None
    # the position sentinel stays: the quality filter quarantines it with a reason
    assert row["lat"] == 91.0 and row["lon"] == 181.0
    assert row["ts"] == FILE_TIME and row["ts_estimated"] is True


def test_static_voyage_report_with_eta_and_dimensions() -> None:
    sentence = encode(
        {
            "msg_type": 5,
            "mmsi": 211234567,
            "shipname": "NORDIC STAR",
            "callsign": "DABC",
            "imo": 9074729,
            "ship_type": 70,
            "to_bow": 100,
            "to_stern": 20,
            "to_port": 10,
            "to_starboard": 0,
            "draught": 7.5,
            "destination": "HAMBURG",
            "month": 1,
            "day": 4,
            "hour": 12,
            "minute": 30,
        }
    )
    received = datetime(2026, 11, 20, tzinfo=UTC)
    out = normalise_messages(frames_from_sentences([sentence], received_at=received), None, CONTEXT)
    assert out.statics.schema == STATICS.polars_schema
    row = out.statics.row(0, named=True)
    assert row["name"] == "NORDIC STAR" and row["callsign"] == "DABC"
    assert row["imo"] == 9074729 and row["ship_type"] == 70
    assert row["length"] == 120.0 and row["width"] == 10.0 and row["draught"] == 7.5
    assert row["destination"] == "HAMBURG"
    # January is behind a November message: the ETA is next January
    assert row["eta"] == datetime(2027, 1, 4, 12, 30, tzinfo=UTC)


def test_class_b_parts_and_type_19_feed_both_datasets() -> None:
    part_a = encode({"msg_type": 24, "mmsi": 244270489, "partno": 0, "shipname": "SY-LUNDE"})
    part_b = encode(
        {
            "msg_type": 24,
            "mmsi": 244270489,
            "partno": 1,
            "ship_type": 36,
            "callsign": "PH7460",
            "to_bow": 12,
            "to_stern": 0,
            "to_port": 0,
            "to_starboard": 3,
        }
    )
    t19 = encode(
        {
            "msg_type": 19,
            "mmsi": 367059850,
            "lat": 29.5,
            "lon": -89.2,
            "speed": 8.7,
            "course": 180,
            "heading": 511,
            "shipname": "CAPT.J.RIMES",
            "ship_type": 70,
        }
    )
    out = normalise_messages(frames_from_sentences([part_a, part_b, t19]), None, CONTEXT)
    statics = out.statics.sort("line")
    assert statics["name"].to_list() == ["SY-LUNDE", None, "CAPT.J.RIMES"]
    assert statics["callsign"].to_list() == [None, "PH7460", None]
    assert statics["length"].to_list() == [None, 12.0, None]
    assert out.positions["mmsi"].to_list() == [367059850]
    assert out.positions["heading"].to_list() == [None]


def test_unsupported_messages_are_kept_raw() -> None:
    unsupported = pl.DataFrame(
        {"line": [7], "raw": ["!AIVDM,1,1,,A,8...,0*00"], "msg_type": [8]},
        schema={"line": pl.Int64, "raw": pl.Utf8, "msg_type": pl.Int64},
    )
    out = normalise_messages({}, unsupported, CONTEXT)
    assert out.other.select("line", "raw", "msg_type").rows() == [(7, "!AIVDM,1,1,,A,8...,0*00", 8)]


@settings(max_examples=200, deadline=None)
@given(
    mmsi=st.integers(201_000_000, 775_999_999),
    lat=st.integers(-90 * 600_000, 90 * 600_000).map(lambda v: v / 600_000),
    lon=st.integers(-180 * 600_000, 180 * 600_000).map(lambda v: v / 600_000),
    speed=st.integers(0, 1022).map(lambda v: v / 10),
    heading=st.integers(0, 359),
)
def test_round_trip_of_position_reports(
    mmsi: int, lat: float, lon: float, speed: float, heading: int
) -> None:
    sentence = encode(
        {"msg_type": 18, "mmsi": mmsi, "lat": lat, "lon": lon, "speed": speed, "heading": heading}
    )
    row = normalise_messages(frames_from_sentences([sentence]), None, CONTEXT).positions.row(
        0, named=True
    )
    assert row["mmsi"] == mmsi
    assert abs(row["lat"] - lat) < 1e-5 and abs(row["lon"] - lon) < 1e-5
    assert abs(row["sog"] - speed) < 1e-6
    assert row["heading"] == heading


def test_archive_rows_write_statics_only_when_identity_changes() -> None:
    rows = pl.DataFrame(
        {
            "mmsi": [219000001, 219000001, 219000001],
            "ts": [datetime(2026, 1, 1, h, tzinfo=UTC) for h in (1, 2, 3)],
            "lat": [55.0, 55.1, None],
            "lon": [11.0, 11.1, None],
            "name": ["ALPHA", "ALPHA", "BRAVO"],
            "line": [2, 3, 4],
            "raw": ["a", "b", "c"],
        }
    )
    out = normalise_archive_rows(rows, InputContext("dma", "x.csv", FILE_TIME, False))
    assert out.positions["line"].to_list() == [2, 3]
    assert out.statics.sort("line")["name"].to_list() == ["ALPHA", "BRAVO"]
    assert out.positions["ts_estimated"].to_list() == [False, False]


def test_decoded_types_not_modelled_land_in_other_with_mmsi_time_and_json_fields() -> None:
    sentences = [
        encode({"msg_type": 14, "mmsi": 970010001, "text": "SART ACTIVE"}),
        encode({"msg_type": 8, "mmsi": 2655619, "dac": 235, "fid": 10, "data": b"\x01\xff"}),
        encode({"msg_type": 12, "mmsi": 271002099, "dest_mmsi": 271002111, "text": "PILOT"}),
        encode({"msg_type": 20, "mmsi": 2573555, "offset1": 7, "number1": 2}),
    ]
    received = datetime(2026, 2, 3, 4, 5, 6, tzinfo=UTC)
    frames = frames_from_sentences(sentences, received_at=received, station="rx1")
    out = normalise_messages(frames, None, CONTEXT)
    assert out.positions.height == 0 and out.statics.height == 0
    rows = {row["msg_type"]: row for row in out.other.iter_rows(named=True)}
    assert set(rows) == {8, 12, 14, 20}
    assert all(row["ts"] == received for row in rows.values())
    assert rows[14]["mmsi"] == 970010001
    assert json.loads(rows[14]["fields"])["text"] == "SART ACTIVE"
    assert json.loads(rows[12]["fields"])["dest_mmsi"] == 271002111
    binary = json.loads(rows[8]["fields"])
    assert (binary["dac"], binary["fid"], binary["data"]) == (235, 10, "01ff")
    assert json.loads(rows[20]["fields"])["number1"] == 2
    assert [row["line"] for row in out.other.iter_rows(named=True)] == [2, 3, 1, 4]


def test_each_row_of_a_mixed_type_carries_only_its_own_layouts_fields() -> None:
    frame = pl.DataFrame(
        {
            "msg_type": [8, 8],
            "mmsi": [1, 2],
            "dac": [1, 235],
            "fid": [31, 10],
            "wspeed": [12, None],
            "data": [None, b"\x0f"],
            "line": [1, 2],
            "received_at": [None, None],
            "station": [None, None],
            "raw": ["a", "b"],
        },
        schema_overrides={"received_at": pl.Datetime("us", "UTC"), "station": pl.Utf8},
    )
    out = normalise_messages({8: frame}, None, CONTEXT)
    fields = [json.loads(text) for text in out.other["fields"]]
    assert fields == [
        {"msg_type": 8, "mmsi": 1, "dac": 1, "fid": 31, "wspeed": 12},
        {"msg_type": 8, "mmsi": 2, "dac": 235, "fid": 10, "data": "0f"},
    ]
    assert out.other["ts"].to_list() == [FILE_TIME, FILE_TIME]
