"""Ingest into the track store: idempotent, resumable, nothing lost (SQLite and PostgreSQL)."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import polars as pl
import pytest

from portintel.adapters.trackstore import TrackStore
from portintel.adapters.trackstore.store import WriteResult
from portintel.domain.maritime import quality
from portintel.domain.maritime.schema import OTHER, POSITIONS, QUARANTINE, STATICS, Dataset
from portintel.services.maritime.ingest import IngestProgress, ingest_paths
from portintel.services.workspace import Workspace
from tests.adapters.ais.nmea_samples import (
    SEA,
    checksum,
    corrupt_checksum,
    position,
    sentences,
    static,
)
from tests.ais_samples import sample_dir


def counts(store: TrackStore) -> dict[str, int]:
    return {d.name: store.count(d) for d in (POSITIONS, STATICS, QUARANTINE, OTHER)}


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="ascii")
    return path


def test_real_samples_ingest_once_and_again_adds_nothing(
    workspace: Workspace, tmp_path: Path
) -> None:
    samples = sample_dir()
    data = tmp_path / "samples"
    shutil.copytree(samples, data)
    seen: list[IngestProgress] = []
    first = ingest_paths(workspace, [data], progress=seen.append)
    store = TrackStore(workspace.settings.tracks_dir)
    after_first = counts(store)
    assert first.files == 2 and first.unrecognised == [str(data / "README.md")]
    assert after_first["positions"] == first.positions > 1000
    expected_lines = sum(
        1
        for sample in samples.glob("*.n*")
        for line in sample.read_text(encoding="utf-8").splitlines()
        if line.strip()
    )
    assert first.sentences == expected_lines
    assert seen[-1].bytes_done == seen[-1].bytes_total
    again = ingest_paths(workspace, [data])
    assert again.skipped_files == 2 and again.positions == 0
    assert counts(store) == after_first
    # even without the manifest, row keys keep a re-ingest from adding anything
    shutil.rmtree(workspace.settings.tracks_dir / "manifest")
    ingest_paths(workspace, [data])
    assert counts(TrackStore(workspace.settings.tracks_dir)) == after_first


class FailingStore(TrackStore):
    """A real store that dies on the n-th positions write, as a killed process would."""

    def __init__(self, root: Path, fail_on: int) -> None:
        super().__init__(root)
        self.fail_on = fail_on
        self.position_writes = 0

    def write_counted(self, dataset: Dataset, frame: pl.DataFrame) -> WriteResult:
        if dataset is POSITIONS:
            self.position_writes += 1
            if self.position_writes == self.fail_on:
                # half the batch reaches the disk before the "crash"
                super().write_counted(dataset, frame.head(frame.height // 2))
                raise RuntimeError("killed")
        return super().write_counted(dataset, frame)


def test_an_ingest_killed_midway_resumes_complete_without_duplicates(
    workspace: Workspace, tmp_path: Path
) -> None:
    lines: list[str] = []
    for i in range(40):
        lines.append(position(574000000 + i % 4, SEA[0] + i / 1000, SEA[1], seconds=60 * i))
        if i % 10 == 5:
            lines.extend(static(574000001, "SEA STAR", 9074729, seconds=60 * i))
    path = write_lines(tmp_path / "feed.nmea", lines)
    root = workspace.settings.tracks_dir
    with pytest.raises(RuntimeError, match="killed"):
        ingest_paths(workspace, [path], store=FailingStore(root, fail_on=3), chunk_lines=7)
    partial = TrackStore(root).count(POSITIONS)
    assert 0 < partial < 40
    ingest_paths(workspace, [path], chunk_lines=7)
    stored = TrackStore(root).scan(POSITIONS).collect()
    assert stored.height == 40
    assert stored["key"].n_unique() == 40
    assert sorted(stored["raw"].to_list()) == sorted(line for line in lines if ",1,1," in line)
    assert TrackStore(root).count(STATICS) == 4
    # and the same input from scratch in another store gives the same rows
    clean = TrackStore(tmp_path / "clean")
    ingest_paths(workspace, [path], store=clean)
    assert sorted(clean.scan(POSITIONS).collect()["key"]) == sorted(stored["key"])


def test_every_bad_line_is_quarantined_with_reason_and_line_and_good_ones_stored(
    workspace: Workspace, tmp_path: Path
) -> None:
    half_static = static(574000009, "HALF", 9074729)[0]
    lines = [
        position(574000001, *SEA),  # 1 good
        corrupt_checksum(position(574000002, *SEA)),  # 2 bad checksum
        "\x00\x01garbage",  # 3 garbage
        position(574000003, *SEA)[:40],  # 4 truncated
        half_static,  # 5 first half of a two-part message only
        position(123456789, *SEA),  # 6 invalid MMSI
        position(574000006, 91.0, 181.0),  # 7 position not available
        position(574000007, 47.0, 103.0),  # 8 far inland, central Mongolia
        position(574000008, *SEA),  # 9 good
    ]
    path = tmp_path / "bad.nmea"
    path.write_bytes(
        ("\n".join(lines[:2]) + "\n").encode()
        + b"\xff\xfe\x00junk\n"
        + ("\n".join(lines[3:]) + "\n").encode()
    )
    summary = ingest_paths(workspace, [path])
    store = TrackStore(workspace.settings.tracks_dir)
    refused = store.scan(QUARANTINE).collect()
    by_line = dict(zip(refused["line"], refused["reason"], strict=True))
    assert set(by_line) == {2, 3, 4, 5, 6, 7, 8}
    assert by_line[6] == quality.INVALID_MMSI
    assert by_line[7] == quality.POSITION_NOT_AVAILABLE
    assert by_line[8] == quality.POSITION_FAR_INLAND
    assert by_line[3] == "undecodable bytes"
    assert all(reason for reason in by_line.values())
    assert refused.filter(pl.col("line") == 5)["raw"].to_list() == [half_static]
    assert all(refused["location"] == str(path))
    assert sorted(store.scan(POSITIONS).collect()["line"].to_list()) == [1, 9]
    assert summary.quarantined_total == 7 and summary.positions == 2
    assert summary.sentences == 9


NOAA_ROWS = (
    "MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,VesselType,Status,"
    "Length,Width,Draft,Cargo,TransceiverClass\n"
    "574000001,2026-03-01T06:00:00,10.45,103.30,7.5,90,88,SEA STAR,IMO9074729,XUAB7,70,0,"
    "100,16,6.1,70,A\n"
    "574000001,2026-03-01T06:10:00,10.45,103.32,7.5,90,88,SEA STAR,IMO9074729,XUAB7,70,0,"
    "100,16,6.1,70,A\n"
    "574000002,not a time,10.45,103.30,7.5,90,88,,,,,,,,,,A\n"
)


def test_archives_gz_and_directories_with_a_custom_map(
    workspace: Workspace, tmp_path: Path
) -> None:
    folder = tmp_path / "archive"
    (folder / "2026").mkdir(parents=True)
    (folder / "2026" / "AIS_2026_03_01.csv.gz").write_bytes(gzip.compress(NOAA_ROWS.encode()))
    (tmp_path / "custom.csv").write_text(
        "ID,ais_pos_timestamp,latitude,longitude\n574000003,01/03/2026 07:00,10.5,103.4\n"
    )
    summary = ingest_paths(workspace, [folder], source="noaa")
    assert summary.rows == 3 and summary.positions == 2 and summary.statics == 1
    assert summary.quarantined == {"unparseable timestamp": 1}
    custom = ingest_paths(
        workspace,
        [tmp_path / "custom.csv"],
        format="csv",
        column_map={
            "mmsi": "ID",
            "timestamp": "ais_pos_timestamp",
            "lat": "latitude",
            "lon": "longitude",
        },
        time_format="%d/%m/%Y %H:%M",
    )
    assert custom.positions == 1
    stored = TrackStore(workspace.settings.tracks_dir).scan(POSITIONS).collect()
    assert sorted(stored["mmsi"].to_list()) == [574000001, 574000001, 574000003]
    assert set(stored["source"]) == {"noaa", "custom.csv"}


def test_tag_blocks_with_a_stale_checksum_can_be_taken_leniently_without_duplicates(
    workspace: Workspace, tmp_path: Path
) -> None:
    # A logger that adds a g: group to a tag block but keeps the checksum of c: alone,
    # as in the Norwegian coastal sample: strict by default, lenient when asked.
    (fix,) = sentences({"msg_type": 1, "mmsi": 514123456, "lat": SEA[0], "lon": SEA[1]})
    ship = sentences(
        {"msg_type": 5, "mmsi": 514123456, "shipname": "KOH RONG STAR", "imo": 9074729}
    )
    assert len(ship) == 2
    clock = "c:1772344800"
    stale = f"*{checksum(clock)}\\"
    lines = [
        f"\\{clock}{stale}{fix}",
        f"\\g:1-2-77,{clock}{stale}{ship[0]}",
        f"\\g:2-2-77,{clock}{stale}{ship[1]}",
    ]
    path = write_lines(tmp_path / "grouped.nm4", lines)
    store = TrackStore(workspace.settings.tracks_dir)
    strict = ingest_paths(workspace, [path])
    assert strict.positions == 1 and strict.statics == 0
    assert strict.quarantined["bad tag block checksum"] == 2
    lenient = ingest_paths(workspace, [path], verify_tag_checksums=False)
    assert lenient.statics == 1
    assert lenient.positions == 0  # stored by the strict pass already: nothing new
    assert counts(store)["positions"] == 1 and counts(store)["statics"] == 1
    again = ingest_paths(workspace, [path], verify_tag_checksums=False)
    assert again.skipped_files == 1
