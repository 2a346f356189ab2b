"""``portintel ais ingest | quarantine | vessels | listen``, run in process on both backends."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from portintel.adapters.trackstore import TrackStore
from portintel.cli.app import app
from portintel.cli.context import built, console
from portintel.domain.maritime.schema import POSITIONS
from portintel.errors import InvalidInput
from portintel.settings import load_settings
from tests.adapters.ais.nmea_samples import SEA, corrupt_checksum, position, static


@pytest.fixture
def data_dir(tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PORTINTEL_DATABASE_URL", database_url)
    monkeypatch.setattr(built(console), "width", 200)  # tables unfolded, so values can be found
    return tmp_path / "node"


def _run(data_dir: Path, *args: str) -> Result:
    return CliRunner().invoke(app, ["--data-dir", str(data_dir), "ais", *args], terminal_width=200)


def _feed(tmp_path: Path) -> Path:
    lines = [
        position(574000001, *SEA),
        *static(574000001, "SEA STAR", 9074729),
        corrupt_checksum(position(574000002, *SEA)),
        position(574000003, 47.0, 103.0),  # far inland, central Mongolia
    ]
    path = tmp_path / "feed.nmea.gz"
    path.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode()))
    return path


def test_ingest_prints_a_summary_and_a_second_run_adds_nothing(
    data_dir: Path, tmp_path: Path
) -> None:
    feed = _feed(tmp_path)
    first = _run(data_dir, "ingest", str(feed), "--source", "rx1")
    assert first.exit_code == 0, first.output
    assert "positions stored" in first.stdout and "position far inland" in first.stdout
    assert "throughput" in first.stdout
    store = TrackStore(load_settings(data_dir).tracks_dir)
    assert store.count(POSITIONS) == 1
    second = _run(data_dir, "ingest", str(feed))
    assert second.exit_code == 0, second.output
    assert store.count(POSITIONS) == 1
    assert "files already ingested (skipped)" in second.stdout


def test_quarantine_lists_rows_with_reason_and_line(data_dir: Path, tmp_path: Path) -> None:
    feed = _feed(tmp_path)
    assert _run(data_dir, "ingest", str(feed)).exit_code == 0
    everything = _run(data_dir, "quarantine")
    assert everything.exit_code == 0, everything.output
    assert "position far inland" in everything.stdout
    only_land = _run(data_dir, "quarantine", "--reason", "land")
    assert "position far inland" in only_land.stdout
    assert "checksum" not in only_land.stdout.replace("quarantined by reason", "")


def test_vessels_lists_the_registry(data_dir: Path, tmp_path: Path) -> None:
    assert _run(data_dir, "ingest", str(_feed(tmp_path))).exit_code == 0
    result = _run(data_dir, "vessels")
    assert result.exit_code == 0, result.output
    assert "574000001" in result.stdout and "SEA STAR" in result.stdout
    assert "IMO9074729" in result.stdout and "vn" in result.stdout


def test_custom_csv_needs_a_valid_map(data_dir: Path, tmp_path: Path) -> None:
    table = tmp_path / "export.csv"
    table.write_text(
        "ID,ais_pos_timestamp,latitude,longitude\n574000001,01/03/2026 07:00,10.45,103.3\n"
    )
    bad = _run(data_dir, "ingest", str(table), "--map", "mmsi=ID")
    assert isinstance(bad.exception, InvalidInput) and "lacks" in str(bad.exception)
    good = _run(
        data_dir,
        "ingest",
        str(table),
        "--map",
        "mmsi=ID,timestamp=ais_pos_timestamp,lat=latitude,lon=longitude",
        "--time-format",
        "%d/%m/%Y %H:%M",
    )
    assert good.exit_code == 0, good.output
    assert TrackStore(load_settings(data_dir).tracks_dir).count(POSITIONS) == 1


def test_listen_needs_exactly_one_feed(data_dir: Path) -> None:
    result = _run(data_dir, "listen")
    assert isinstance(result.exception, InvalidInput)
    result = _run(data_dir, "listen", "--udp", "nonsense")
    assert isinstance(result.exception, InvalidInput) and "HOST:PORT" in str(result.exception)


def test_a_truncated_gz_and_a_stray_csv_are_reported_not_aborted(
    data_dir: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "incoming"
    folder.mkdir()
    lines = [position(574000000 + i % 3, SEA[0] + i / 100_000, SEA[1]) for i in range(3000)]
    packed = gzip.compress(("\n".join(lines) + "\n").encode())
    (folder / "feed.nmea.gz").write_bytes(packed[: len(packed) // 2])
    (folder / "ports.csv").write_text("name,lat,lon,country\nSihanoukville,10.63,103.50,KH\n")
    result = _run(data_dir, "ingest", str(folder))
    assert "Aborted" not in result.output
    assert result.exit_code == 1, result.output  # a file was not read: said, and the exit says so
    assert "read only in part" in result.stdout and "truncated gzip" in result.stdout
    assert "not read:" in result.stdout and "ports.csv" in result.stdout
    assert TrackStore(load_settings(data_dir).tracks_dir).count(POSITIONS) > 0


def test_id_column_and_reingest_options(data_dir: Path, tmp_path: Path) -> None:
    table = tmp_path / "movements.csv"
    table.write_text(
        "ID,ais_pos_timestamp,latitude,longitude\n"
        "17,01/03/2026 07:00,31.50,32.30\n"
        "42,01/03/2026 07:00,31.60,32.20\n"
    )
    mapped = ("--map", "mmsi=ID,timestamp=ais_pos_timestamp,lat=latitude,lon=longitude")
    timed = ("--time-format", "%d/%m/%Y %H:%M")
    first = _run(data_dir, "ingest", str(table), *mapped, *timed)
    assert first.exit_code == 0, first.output
    assert "invalid MMSI" in first.stdout
    told = _run(data_dir, "ingest", str(table), *mapped, *timed, "--id-column", "ID")
    assert "already ingested with other options" in told.stdout and "--reingest" in told.stdout
    kept = _run(data_dir, "ingest", str(table), *mapped, *timed, "--id-column", "ID", "--reingest")
    assert kept.exit_code == 0, kept.output
    rows = TrackStore(load_settings(data_dir).tracks_dir).scan(POSITIONS).collect()
    assert sorted(rows["track_id"]) == ["17", "42"] and set(rows["id_kind"]) == {"vessel_id"}


def test_the_docs_vessel_number_example_ingests(data_dir: Path, tmp_path: Path) -> None:
    archive = tmp_path / "suez_movements.csv"
    archive.write_text(
        "ID,ais_pos_timestamp,latitude,longitude,speed\n"
        "1,01/03/2026 07:00,31.50,32.30,9.5\n"
        "257,01/03/2026 07:00,31.60,32.20,8.0\n"
    )
    docs = (Path(__file__).resolve().parents[2] / "docs" / "track-store.md").read_text()
    assert "portintel ais ingest suez_movements.csv" in docs
    result = _run(
        data_dir,
        "ingest",
        str(archive),
        "--map",
        "timestamp=ais_pos_timestamp,lat=latitude,lon=longitude,sog=speed",
        "--id-column",
        "ID",
        "--time-format",
        "%d/%m/%Y %H:%M",
    )
    assert result.exit_code == 0, result.output
    rows = TrackStore(load_settings(data_dir).tracks_dir).scan(POSITIONS).collect()
    assert sorted(rows["track_id"]) == ["1", "257"] and rows["sog"].to_list() != [None, None]
