"""CSV and Parquet archives: known layouts, a custom map, refusals with row numbers."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest

from portintel.adapters.ais.layouts import parse_column_map
from portintel.adapters.ais.tabular import (
    MISSING_VESSEL_ID,
    NOT_WHOLE_NUMBER,
    UNPARSEABLE_MMSI,
    UNPARSEABLE_POSITION,
    UNPARSEABLE_TIMESTAMP,
    WRONG_COLUMN_COUNT,
    read_archive,
)
from portintel.errors import InvalidInput

# ruff: noqa: E501  (archive rows are long; they are kept as the archives write them)

NOAA = """MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,VesselType,Status,Length,Width,Draft,Cargo,TransceiverClass
367596940,2023-01-01T00:00:06,29.95,-89.95,7.5,360.0,511,JOE T,IMO9074729,WDH6957,31,0,20,7,2.5,31,A
abc,2023-01-01T00:03:06,29.95,-89.95,0.1,20.0,511,JOE T,,,,,,,,,A
367596941,yesterday,29.95,-89.95,0.1,20.0,511,JOE T,,,,,,,,,A
367596942,2023-01-01T00:04:00,north,-89.95,0.1,20.0,511,JOE T,,,,,,,,,A
"""

DMA = """# Timestamp,Type of mobile,MMSI,Latitude,Longitude,Navigational status,ROT,SOG,COG,Heading,IMO,Callsign,Name,Ship type,Cargo type,Width,Length,Type of position fixing device,Draught,Destination,ETA,Data source type,A,B,C,D
01/01/2024 00:00:00,Class A,219000001,55.1,11.2,Moored,0.0,0.0,45.0,44,Unknown,OXAB2,SKAGEN,Cargo,,12,90,GPS,5.4,AARHUS,02/01/2024 06:00:00,AIS,80,10,6,6
"""


def _one(path: Path, fmt: str = "csv", **options: object):
    (batch,) = list(read_archive(path, fmt, **options))  # type: ignore[arg-type]
    return batch


def test_noaa_layout_with_bad_rows_refused_by_line(tmp_path: Path) -> None:
    path = tmp_path / "AIS_2023_01_01.csv"
    path.write_text(NOAA)
    batch = _one(path)
    row = batch.rows.row(0, named=True)
    assert row["mmsi"] == 367596940 and row["ts"] == datetime(2023, 1, 1, 0, 0, 6, tzinfo=UTC)
    assert row["sog"] == 7.5 and row["cog"] is None and row["heading"] is None
    assert row["imo"] == 9074729 and row["callsign"] == "WDH6957" and row["ship_type"] == 31
    assert row["line"] == 2 and row["raw"].startswith("367596940,2023-01-01T00:00:06")
    assert batch.rejects.select("line", "reason").rows() == [
        (3, UNPARSEABLE_MMSI),
        (4, UNPARSEABLE_TIMESTAMP),
        (5, UNPARSEABLE_POSITION),
    ]
    assert batch.rows_done == 4


def test_dma_layout_gzipped_with_labels_for_codes(tmp_path: Path) -> None:
    path = tmp_path / "aisdk-2024-01-01.csv.gz"
    path.write_bytes(gzip.compress(DMA.encode()))
    row = _one(path).rows.row(0, named=True)
    assert row["ts"] == datetime(2024, 1, 1, tzinfo=UTC)
    assert row["nav_status"] == 5  # "Moored"
    assert row["ship_type"] == 70  # "Cargo"
    assert row["imo"] is None  # "Unknown"
    assert row["eta"] == datetime(2024, 1, 2, 6, tzinfo=UTC)
    assert row["destination"] == "AARHUS" and row["length"] == 90.0


def test_custom_map_and_time_format(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(
        "ID,ais_pos_timestamp,latitude,longitude\n574000001,01/03/2026 06:30,10.4,103.3\n"
    )
    mapping = parse_column_map("mmsi=ID,timestamp=ais_pos_timestamp,lat=latitude,lon=longitude")
    batch = _one(path, column_map=mapping, time_format="%d/%m/%Y %H:%M")
    assert batch.rows.select("mmsi", "ts", "lat", "lon").rows() == [
        (574000001, datetime(2026, 3, 1, 6, 30, tzinfo=UTC), 10.4, 103.3)
    ]


def test_parquet_with_the_same_columns_and_native_times(tmp_path: Path) -> None:
    path = tmp_path / "archive.parquet"
    pl.DataFrame(
        {
            "MMSI": [574000001, 574000002],
            "BaseDateTime": [datetime(2026, 3, 1, 6), datetime(2026, 3, 1, 7)],
            "LAT": [10.4, 10.5],
            "LON": [103.3, 103.4],
        }
    ).write_parquet(path)
    batches = list(read_archive(path, "parquet", batch_rows=1))
    assert [b.rows["mmsi"].to_list() for b in batches] == [[574000001], [574000002]]
    assert batches[1].rows["line"].to_list() == [3]
    assert batches[0].rows["ts"].to_list() == [datetime(2026, 3, 1, 6, tzinfo=UTC)]
    resumed = list(read_archive(path, "parquet", start_row=1))
    assert [b.rows["mmsi"].to_list() for b in resumed] == [[574000002]]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("mmsi=ID,lat=a,lon=b", "lacks timestamp"),
        ("mmsi=ID,timestamp=t,lat=a,lon=b,speed=s", "unknown field 'speed'"),
        ("mmsi", "not FIELD=COLUMN"),
    ],
)
def test_column_map_errors_say_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        parse_column_map(text)


def test_unknown_layout_and_missing_mapped_column(tmp_path: Path) -> None:
    path = tmp_path / "odd.csv"
    path.write_text("a,b,c,d\n1,2,3,4\n")
    with pytest.raises(InvalidInput, match="--map"):
        _one(path)
    with pytest.raises(InvalidInput, match="not in the header"):
        _one(path, column_map=parse_column_map("mmsi=a,timestamp=b,lat=c,lon=zzz"))


def test_rows_with_the_wrong_number_of_columns_are_refused_and_lines_stay_true(
    tmp_path: Path,
) -> None:
    path = tmp_path / "ragged.csv"
    path.write_text(
        "MMSI,BaseDateTime,LAT,LON\n"
        "574000001,2026-03-01T00:00:00,10,103\n"
        "574000002,2026-03-01T00:00:00,10\n"
        "574000003,2026-03-01T00:00:00,10,103,extra\n"
        "574000004,2026-03-01T00:00:00,10,103\n"
    )
    (batch,) = list(read_archive(path, "csv"))
    assert batch.rows.select("mmsi", "line").rows() == [(574000001, 2), (574000004, 5)]
    refused = batch.rejects.sort("line")
    assert refused["line"].to_list() == [3, 4]
    assert all(reason.startswith(WRONG_COLUMN_COUNT) for reason in refused["reason"])
    assert refused["raw"].to_list()[1] == "574000003,2026-03-01T00:00:00,10,103,extra"
    (resumed,) = list(read_archive(path, "csv", start_row=1))
    assert resumed.rows.select("mmsi", "line").rows() == [(574000004, 5)]


def test_integer_fields_written_as_floats_are_whole_numbers_and_fractions_refused(
    tmp_path: Path,
) -> None:
    path = tmp_path / "AIS_2023_01_01.csv"
    path.write_text(
        NOAA.splitlines()[0]
        + "\n367596940.0,2023-01-01T00:00:06,29.95,-89.95,7.5,360.0,88.00,JOE T,9074729.0,WDH6957,31.0,0.0,20,7,2.5,31,A"
        + "\n367596940,2023-01-01T00:01:06,29.95,-89.95,7.5,360.0,88.5,JOE T,,,,,,,,,A"
        + "\n367596940,2023-01-01T00:02:06,29.95,-89.95,7.5,360.0,88,JOE T,,,,Under way,,,,,A\n"
    )
    batch = _one(path)
    first, last = batch.rows.row(0, named=True), batch.rows.row(1, named=True)
    assert (first["mmsi"], first["heading"], first["imo"]) == (367596940, 88, 9074729)
    assert (first["ship_type"], first["nav_status"]) == (31, 0)
    assert first["track_id"] == "367596940" and first["id_kind"] == "mmsi"
    assert last["nav_status"] is None  # a label that is no AIS status is null, not refused
    assert batch.rejects["reason"].to_list() == [f"{NOT_WHOLE_NUMBER}: Heading = 88.5"]
    assert batch.rejects["line"].to_list() == [3]


def test_vessel_ids_that_are_not_mmsis(tmp_path: Path) -> None:
    path = tmp_path / "movements.csv"
    path.write_text(
        "ID,t,lat,lon\n17,2026-03-01 07:00:00,31.5,32.3\n,2026-03-01 07:00:00,31.5,32.3\n"
    )
    mapping = parse_column_map("timestamp=t,lat=lat,lon=lon", id_column="ID")
    batch = _one(path, column_map=mapping, id_column="ID")
    assert batch.rows.select("track_id", "id_kind", "mmsi").row(0) == ("17", "vessel_id", None)
    assert batch.rejects["reason"].to_list() == [MISSING_VESSEL_ID]
    assert parse_column_map("track_id=ID,timestamp=t,lat=lat,lon=lon")["track_id"] == "ID"
    with pytest.raises(InvalidInput, match="lacks mmsi"):
        parse_column_map("timestamp=t,lat=lat,lon=lon")
    with pytest.raises(InvalidInput, match="--id-column"):
        _one(path, column_map=mapping, id_column="VESSEL")
