"""Real-world-shaped inputs: every row lands somewhere and is counted once (issue #10).

Each test builds the smallest file in the layout a unit really receives
(MarineCadastre day files, a published movement archive of vessel numbers,
a vendor CSV of every message type, NMEA 4.0 feeds with two receivers) and
checks where each row went.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from portintel.adapters.ais.tabular import NOT_WHOLE_NUMBER
from portintel.adapters.trackstore import TrackStore
from portintel.domain.maritime import quality
from portintel.domain.maritime.normalise import NO_POSITION_NO_IDENTITY
from portintel.domain.maritime.schema import OTHER, POSITIONS, QUARANTINE, STATICS
from portintel.services.maritime.ingest import ingest_paths
from portintel.services.workspace import Workspace
from tests.adapters.ais.nmea_samples import T0, checksum, sentences, static, tag

NOAA_HEADER = (
    "MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,VesselType,Status,"
    "Length,Width,Draft,Cargo,TransceiverClass"
)


def store_of(workspace: Workspace) -> TrackStore:
    return TrackStore(workspace.settings.tracks_dir)


# --- archives whose vessel ids are not MMSIs ------------------------------------------------

SUEZ_HEADER = "ID,ais_pos_timestamp,latitude,longitude,speed"
# vessel numbers 1..3 of a published movement archive; fixes at sea off Port Said, the same
# minutes for several vessels (as two vessels in a convoy are)
SUEZ_ROWS = [
    "1,01/03/2026 07:00,31.50,32.30,9.5",
    "2,01/03/2026 07:00,31.60,32.20,8.0",
    "1,01/03/2026 07:10,31.48,32.31,9.5",
    "3,01/03/2026 07:10,31.55,32.40,0.1",
    "2,01/03/2026 07:20,31.58,32.22,8.0",
    ",01/03/2026 07:20,31.58,32.22,8.0",
]


def test_an_archive_of_vessel_numbers_is_kept_with_track_ids_not_refused(
    workspace: Workspace, tmp_path: Path
) -> None:
    archive = tmp_path / "suez_movements.csv"
    archive.write_text("\n".join([SUEZ_HEADER, *SUEZ_ROWS]) + "\n")
    as_mmsi = ingest_paths(
        workspace,
        [archive],
        column_map="mmsi=ID,timestamp=ais_pos_timestamp,lat=latitude,lon=longitude,sog=speed",
        time_format="%d/%m/%Y %H:%M",
    )
    # the docs' example as it was: every vessel number is an invalid MMSI
    assert as_mmsi.positions == 0
    assert as_mmsi.quarantined[quality.INVALID_MMSI] == 5
    kept = ingest_paths(
        workspace,
        [archive],
        column_map="mmsi=ID,timestamp=ais_pos_timestamp,lat=latitude,lon=longitude,sog=speed",
        time_format="%d/%m/%Y %H:%M",
        id_column="ID",
        reingest=True,
    )
    assert kept.positions == 5 and kept.vessels == 3
    assert kept.quarantined == {"missing vessel id": 1}
    rows = store_of(workspace).scan(POSITIONS).sort("track_id", "ts").collect()
    assert rows["track_id"].to_list() == ["1", "1", "2", "2", "3"]
    assert set(rows["id_kind"]) == {"vessel_id"}
    assert rows["mmsi"].null_count() == 5
    assert set(rows["ts_source"]) == {"archive"}
    # tracks are per vessel number: vessel 1 and 2 far apart at one minute is no "jump"
    assert quality.IMPOSSIBLE_SPEED not in kept.quarantined


def test_track_id_in_the_map_does_the_same_as_id_column(
    workspace: Workspace, tmp_path: Path
) -> None:
    archive = tmp_path / "suez_movements.csv"
    archive.write_text("\n".join([SUEZ_HEADER, *SUEZ_ROWS[:5]]) + "\n")
    summary = ingest_paths(
        workspace,
        [archive],
        column_map="track_id=ID,timestamp=ais_pos_timestamp,lat=latitude,lon=longitude",
        time_format="%d/%m/%Y %H:%M",
    )
    assert summary.positions == 5 and summary.quarantined_total == 0
    scanned = store_of(workspace).scan(POSITIONS, track_id="2").collect()
    assert scanned.height == 2 and set(scanned["id_kind"]) == {"vessel_id"}


# --- numbers, duplicates, rows without a position ------------------------------------------


def test_marinecadastre_float_codes_are_integers_and_fractions_are_refused(
    workspace: Workspace, tmp_path: Path
) -> None:
    # MarineCadastre writes Status, Heading and VesselType as floats in some years
    rows = [
        NOAA_HEADER,
        "574000001,2026-03-01T06:00:00,10.45,103.30,7.5,90.0,88.0,SEA STAR,IMO9074729,XUAB7,"
        "70.0,0.0,100,16,6.1,70,A",
        "574000001,2026-03-01T06:10:00,10.45,103.32,7.5,90.0,511.0,SEA STAR,IMO9074729,XUAB7,"
        "70.0,5.0,100,16,6.1,70,A",
        "574000002,2026-03-01T06:10:00,10.50,103.32,7.5,90.0,88.0,,,,,0.5,,,,,A",
    ]
    archive = tmp_path / "AIS_2026_03_01.csv"
    archive.write_text("\n".join(rows) + "\n")
    summary = ingest_paths(workspace, [archive])
    stored = store_of(workspace).scan(POSITIONS).sort("ts").collect()
    assert stored["nav_status"].to_list() == [0, 5]
    assert stored["heading"].to_list() == [88, None]
    assert store_of(workspace).scan(STATICS).collect()["ship_type"].to_list() == [70]
    refused = store_of(workspace).scan(QUARANTINE).collect()
    assert refused["reason"].to_list() == [f"{NOT_WHOLE_NUMBER}: Status = 0.5"]
    assert refused["line"].to_list() == [4]
    assert summary.positions == 2 and summary.quarantined_total == 1


def test_exact_duplicates_are_counted_and_every_row_lands_somewhere(
    workspace: Workspace, tmp_path: Path
) -> None:
    # a vendor export of every message type: positions, statics without a position, and
    # binary/safety messages with neither (types 6, 8, 12), plus the same row three times
    header = "mmsi,created_at,msg_type,latitude,longitude,name,callsign"
    fix = "574000001,2026-03-01 06:00:00,1,10.45,103.30,,"
    rows = [
        header,
        fix,
        fix,
        fix,
        "574000001,2026-03-01 06:01:00,5,,,SEA STAR,XUAB7",
        "574000001,2026-03-01 06:07:00,5,,,SEA STAR,XUAB7",
        "574000003,2026-03-01 06:02:00,8,,,,",
        "574000004,2026-03-01 06:03:00,6,,,,",
        "574000005,2026-03-01 06:04:00,12,,,,",
        "574000006,2026-03-01 06:05:00,1,10.46,,,",
    ]
    archive = tmp_path / "vendor_export.csv"
    archive.write_text("\n".join(rows) + "\n")
    summary = ingest_paths(
        workspace,
        [archive],
        column_map="mmsi=mmsi,timestamp=created_at,lat=latitude,lon=longitude,name=name,"
        "callsign=callsign",
    )
    assert summary.rows == 9
    assert summary.positions == 1 and summary.duplicates == 2
    assert summary.statics == 2  # a repeated identity without a position is still kept
    assert summary.other == 3
    assert summary.quarantined == {"unparseable position": 1}
    assert (
        summary.positions
        + summary.statics
        + summary.other
        + summary.quarantined_total
        + summary.duplicates
        == summary.rows
    )
    other = store_of(workspace).scan(OTHER).sort("line").collect()
    assert other["line"].to_list() == [7, 8, 9]
    assert set(other["reason"]) == {NO_POSITION_NO_IDENTITY}
    assert other["track_id"].to_list() == ["574000003", "574000004", "574000005"]
    again = ingest_paths(workspace, [archive], reingest=True, column_map=None)
    assert again.failed  # without the map the vendor layout is not known: said, not raised


# --- times ------------------------------------------------------------------------------------


def test_rows_keep_the_best_time_and_say_where_it_came_from(
    workspace: Workspace, tmp_path: Path
) -> None:
    (fix,) = sentences({"msg_type": 1, "mmsi": 574000001, "lat": 10.45, "lon": 103.30})
    (other_fix,) = sentences({"msg_type": 1, "mmsi": 574000002, "lat": 10.46, "lon": 103.31})
    (binary,) = sentences(
        {"msg_type": 8, "mmsi": 574000003, "dac": 1, "fid": 31, "data": b"\x01\x02\x03"}
    )
    stamp = int(T0.timestamp())
    feed = tmp_path / "feed.nmea"
    feed.write_text("\n".join([tag(fix, stamp), other_fix, tag(binary, stamp + 5)]) + "\n")
    ingest_paths(workspace, [feed])
    positions = store_of(workspace).scan(POSITIONS).sort("mmsi").collect()
    assert positions["ts_source"].to_list() == ["receiver", "file"]
    assert positions["ts_estimated"].to_list() == [False, True]
    assert positions["ts"][0] == T0
    other = store_of(workspace).scan(OTHER).collect()
    # a message type kept raw has its tag block time too, not the file's modification time
    assert other["ts"].to_list() == [datetime.fromtimestamp(stamp + 5, tz=UTC)]
    assert other["ts_source"].to_list() == ["receiver"]


# --- the same message from several receivers -----------------------------------------------


def test_the_same_message_from_two_receivers_is_stored_once_with_both_stations(
    workspace: Workspace, tmp_path: Path
) -> None:
    stamp = int(T0.timestamp())
    (fix,) = sentences({"msg_type": 1, "mmsi": 574000001, "lat": 10.45, "lon": 103.30})
    (later,) = sentences({"msg_type": 1, "mmsi": 574000001, "lat": 10.45, "lon": 103.302})
    # the second antenna's logger uses another talker and channel, and its clock is 1 s late
    talker, _, rest = fix[1:].rpartition("*")[0].partition(",")
    assert talker in ("AIVDM", "AIVDO")
    body = "BSVDM," + rest.replace(",A,", ",B,", 1)
    heard_by_b = f"!{body}*{checksum(body)}"
    ship_a = static(574000001, "SEA STAR", 9074729, seconds=30)
    lines = [
        tag(fix, stamp, "rx-north"),
        tag(heard_by_b, stamp + 1, "rx-south"),
        tag(later, stamp + 60, "rx-north"),
        *(tag(part.split("\\")[-1], stamp + 30, "rx-north") for part in ship_a),
        *(tag(part.split("\\")[-1], stamp + 31, "rx-south") for part in ship_a),
    ]
    feed = tmp_path / "two_antennas.nm4"
    feed.write_text("\n".join(lines) + "\n")
    summary = ingest_paths(workspace, [feed])
    assert summary.positions == 2 and summary.statics == 1
    assert summary.merged_receptions == 2
    rows = store_of(workspace).scan(POSITIONS).sort("ts").collect()
    assert rows["receivers"].to_list() == [2, 1]
    assert rows["stations"].to_list() == [["rx-north", "rx-south"], ["rx-north"]]
    assert rows["station"].to_list() == ["rx-north", "rx-north"]
    statics = store_of(workspace).scan(STATICS).collect()
    assert statics["receivers"].to_list() == [2]
    # a second run adds nothing and counts the rows as stored before
    again = ingest_paths(workspace, [feed], reingest=True)
    assert again.positions == 0 and again.already_stored == 3
    assert store_of(workspace).count(POSITIONS) == 2


def test_a_repeat_reception_in_the_next_batch_is_still_one_message(
    workspace: Workspace, tmp_path: Path
) -> None:
    stamp = int(T0.timestamp())
    (fix,) = sentences({"msg_type": 1, "mmsi": 574000001, "lat": 10.45, "lon": 103.30})
    feed = tmp_path / "split.nm4"
    feed.write_text(f"{tag(fix, stamp, 'rx-a')}\n{tag(fix, stamp + 1, 'rx-b')}\n")
    summary = ingest_paths(workspace, [feed], chunk_lines=1)
    assert summary.positions == 1 and summary.merged_receptions == 1
    assert pl.Series(store_of(workspace).scan(POSITIONS).collect()["receivers"]).to_list() == [1]
