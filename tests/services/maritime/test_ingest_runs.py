"""Robust runs: a bad file never stops a directory, damaged .gz, re-ingest, two ingests at once."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from portintel.adapters.ais.files import TRUNCATED_GZIP
from portintel.adapters.trackstore import TrackStore
from portintel.domain.maritime.schema import POSITIONS, QUARANTINE
from portintel.services.maritime.ingest import ingest_paths
from portintel.services.workspace import Workspace, open_workspace
from portintel.settings import load_settings
from tests.adapters.ais.nmea_samples import SEA, position
from tests.services.maritime.test_ingest import FailingStore

NOAA_HEADER = (
    "MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,VesselType,Status,"
    "Length,Width,Draft,Cargo,TransceiverClass"
)


def noaa_rows(count: int, *, mmsi: int = 574000001) -> list[str]:
    return [
        f"{mmsi},2026-03-01T{6 + i // 60:02d}:{i % 60:02d}:00,{SEA[0] + i / 10000:.5f},"
        f"{SEA[1]:.5f},3.0,90.0,88.0,SEA STAR,IMO9074729,XUAB7,70.0,0.0,100,16,6.1,70,A"
        for i in range(count)
    ]


def feed_lines(count: int) -> list[str]:
    return [
        position(574000000 + i % 5, SEA[0] + i / 100_000, SEA[1], seconds=30 * i)
        for i in range(count)
    ]


def test_a_directory_with_an_unrecognised_csv_ingests_the_rest_and_says_why(
    workspace: Workspace, tmp_path: Path
) -> None:
    folder = tmp_path / "downloads"
    folder.mkdir()
    (folder / "AIS_2026_03_01.csv").write_text("\n".join([NOAA_HEADER, *noaa_rows(3)]) + "\n")
    # a port list that happened to be in the same download folder: a CSV of no AIS layout
    (folder / "ports.csv").write_text("name,lat,lon,country\nSihanoukville,10.63,103.50,KH\n")
    (folder / "zz_feed.nmea").write_text("\n".join(feed_lines(4)) + "\n")
    summary = ingest_paths(workspace, [folder])
    assert summary.files == 2 and summary.positions == 7
    (problem,) = summary.failed
    assert problem.path == str(folder / "ports.csv")
    assert "neither the NOAA MarineCadastre nor the Danish" in problem.reason
    assert problem.hint and "--map" in problem.hint


def _truncated(path: Path, text: str) -> Path:
    packed = gzip.compress(text.encode())
    path.write_bytes(packed[: len(packed) * 2 // 3])
    return path


def test_a_truncated_gz_gives_what_is_readable_and_quarantines_the_rest(
    workspace: Workspace, tmp_path: Path
) -> None:
    lines = feed_lines(3000)
    feed = _truncated(tmp_path / "feed.nmea.gz", "\n".join(lines) + "\n")
    summary = ingest_paths(workspace, [feed])
    store = TrackStore(workspace.settings.tracks_dir)
    assert 0 < summary.positions < 3000
    (damaged,) = summary.damaged
    assert damaged.reason.startswith(TRUNCATED_GZIP)
    refused = store.scan(QUARANTINE).collect()
    assert TRUNCATED_GZIP in refused["reason"].to_list()
    # every readable line is stored or refused: the cut one is a bad sentence, not lost
    assert summary.positions + summary.quarantined_total - 1 == summary.sentences
    assert summary.files == 1 and not summary.failed


def test_a_truncated_csv_gz_gives_what_is_readable(workspace: Workspace, tmp_path: Path) -> None:
    text = "\n".join([NOAA_HEADER, *noaa_rows(2000)]) + "\n"
    archive = _truncated(tmp_path / "AIS_2026_03_01.csv.gz", text)
    summary = ingest_paths(workspace, [archive])
    assert 0 < summary.positions < 2000
    assert summary.quarantined[TRUNCATED_GZIP] == 1 and not summary.failed


def test_reingest_with_a_corrected_map_after_being_told_the_options_differ(
    workspace: Workspace, tmp_path: Path
) -> None:
    export = tmp_path / "export.csv"
    export.write_text(
        "ID,ais_pos_timestamp,latitude,longitude\n"
        "574000001,13/03/2026 07:00,10.45,103.30\n"
        "574000001,13/03/2026 07:10,10.45,103.302\n"
    )
    base = "mmsi=ID,timestamp=ais_pos_timestamp,lat=latitude,lon=longitude"
    wrong = ingest_paths(workspace, [export], column_map=base, time_format="%m/%d/%Y %H:%M")
    assert wrong.positions == 0 and wrong.quarantined == {"unparseable timestamp": 2}
    fixed_format = "%d/%m/%Y %H:%M"
    told = ingest_paths(workspace, [export], column_map=base, time_format=fixed_format)
    assert told.skipped_files == 1 and told.positions == 0
    (changed,) = told.changed_options
    assert "%m/%d/%Y" in changed.recorded and fixed_format in changed.now
    again = ingest_paths(
        workspace, [export], column_map=base, time_format=fixed_format, reingest=True
    )
    assert again.positions == 2 and again.files == 1
    once_more = ingest_paths(
        workspace, [export], column_map=base, time_format=fixed_format, reingest=True
    )
    assert once_more.positions == 0 and once_more.already_stored == 2
    assert TrackStore(workspace.settings.tracks_dir).count(POSITIONS) == 2
    same = ingest_paths(workspace, [export], column_map=base, time_format=fixed_format)
    assert same.skipped_files == 1 and not same.changed_options


INGEST_SCRIPT = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from portintel.services.workspace import open_workspace
    from portintel.settings import load_settings
    from portintel.services.maritime.ingest import ingest_paths

    data_dir, feed, log = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    ws = open_workspace(load_settings(data_dir))
    def waiting():
        with log.open("a") as out:
            out.write("waiting\\n")
    summary = ingest_paths(ws, [feed], chunk_lines=50, on_lock_wait=waiting)
    with log.open("a") as out:
        out.write(f"done {summary.positions} {summary.skipped_files}\\n")
    """
)


def _prepared(data_dir: Path) -> Path:
    """A migrated node, so the processes race for the track store, not for the schema."""
    open_workspace(load_settings(data_dir)).close()
    return data_dir


def _ingest_process(data_dir: Path, feed: Path, log: Path) -> subprocess.Popen[bytes]:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    env.pop("PORTINTEL_DATABASE_URL", None)
    return subprocess.Popen(
        [sys.executable, "-c", INGEST_SCRIPT, str(data_dir), str(feed), str(log)],
        env=env,
        stderr=subprocess.PIPE,
    )


def test_two_ingests_into_one_store_at_once_store_each_row_once(tmp_path: Path) -> None:
    data_dir = _prepared(tmp_path / "node")
    feed = tmp_path / "feed.nmea"
    feed.write_text("\n".join(feed_lines(400)) + "\n")
    logs = [tmp_path / "a.log", tmp_path / "b.log"]
    processes = [_ingest_process(data_dir, feed, log) for log in logs]
    for process in processes:
        _, err = process.communicate(timeout=600)
        assert process.returncode == 0, err.decode()
    store = TrackStore(data_dir / "tracks")
    rows = store.scan(POSITIONS).collect()
    assert rows.height == 400 and rows["key"].n_unique() == 400
    outcomes = sorted(log.read_text().splitlines()[-1] for log in logs)
    # one stored everything; the other, serialised behind it, found the file done
    assert outcomes == ["done 0 1", "done 400 0"]


def test_an_ingest_waits_while_another_holds_the_store(tmp_path: Path) -> None:
    data_dir = _prepared(tmp_path / "node")
    feed = tmp_path / "feed.nmea"
    feed.write_text("\n".join(feed_lines(20)) + "\n")
    log = tmp_path / "waiter.log"
    holder = TrackStore(data_dir / "tracks")
    with holder.ingest_lock():
        process = _ingest_process(data_dir, feed, log)
        try:
            # the waiter says it waits, and writes nothing while the lock is held
            for _ in range(600):
                if log.exists() and "waiting" in log.read_text():
                    break
                if process.poll() is not None:
                    break
                time.sleep(0.2)
            assert log.read_text().splitlines() == ["waiting"]
            assert holder.count(POSITIONS) == 0
        except BaseException:
            process.kill()
            raise
    _, err = process.communicate(timeout=600)
    assert process.returncode == 0, err.decode()
    assert log.read_text().splitlines() == ["waiting", "done 20 0"]
    assert TrackStore(data_dir / "tracks").count(POSITIONS) == 20


@pytest.fixture(autouse=True)
def _no_database_url_leak(monkeypatch: pytest.MonkeyPatch) -> None:
    """Subprocesses use the node's own SQLite file, whatever the outer run's backend."""
    monkeypatch.delenv("PORTINTEL_DATABASE_URL", raising=False)


def test_a_killed_gz_ingest_resumes_after_its_last_batch(
    workspace: Workspace, tmp_path: Path
) -> None:
    lines = feed_lines(60)
    feed = tmp_path / "feed.nmea.gz"
    feed.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode()))
    root = workspace.settings.tracks_dir
    with pytest.raises(RuntimeError, match="killed"):
        ingest_paths(workspace, [feed], store=FailingStore(root, fail_on=3), chunk_lines=10)
    partial = TrackStore(root).count(POSITIONS)
    assert 0 < partial < 60
    resumed = ingest_paths(workspace, [feed], chunk_lines=10)
    assert resumed.sentences < 60  # it skipped the batches recorded before the kill
    assert TrackStore(root).count(POSITIONS) == 60 and not resumed.damaged
