"""Ingest AIS files (NMEA, CSV, Parquet; plain, .gz, directories) into the track store.

Resumable and idempotent: each input is identified by its SHA-256 in the
manifest. A completed input is skipped; a partial one resumes after the
last batch recorded; the one batch that may have been written but not
recorded before a crash is absorbed by the store's row keys. Progress goes
to a callback (the CLI draws the bar), so this service knows no UI.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from portintel.adapters.ais.files import (
    FORMATS,
    detect_format,
    expand_paths,
    file_sha256,
    modified_at,
)
from portintel.adapters.ais.land import LandMask
from portintel.adapters.ais.layouts import parse_column_map
from portintel.adapters.ais.nmea_reader import read_nmea_chunks
from portintel.adapters.ais.tabular import read_archive
from portintel.adapters.trackstore import IngestManifest, ManifestEntry, TrackStore
from portintel.ais import DecodedBatch, StreamDecoder
from portintel.domain.maritime.normalise import InputContext
from portintel.domain.maritime.quality import QualityThresholds
from portintel.errors import InvalidInput
from portintel.services.maritime.pipeline import BatchCounts, TrackPipeline, merge_decoded
from portintel.services.maritime.registry import VesselRegistry
from portintel.services.workspace import Workspace

NMEA_CHUNK_LINES = 100_000


@dataclass(frozen=True, slots=True)
class IngestProgress:
    """Where an ingest is: for a progress bar over bytes of all inputs."""

    path: str
    file_index: int
    file_count: int
    bytes_done: int
    bytes_total: int
    records: int


ProgressCallback = Callable[[IngestProgress], None]


@dataclass(slots=True)
class IngestSummary:
    """What an ingest read and where it went (the CLI prints this as a table)."""

    files: int = 0
    skipped_files: int = 0
    sentences: int = 0
    rows: int = 0
    messages: int = 0
    positions: int = 0
    statics: int = 0
    other: int = 0
    vessels: int = 0
    quarantined: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0
    unrecognised: list[str] = field(default_factory=list)
    """Files inside directories that are not NMEA, CSV or Parquet: listed, not read."""

    @property
    def records(self) -> int:
        """Input records: NMEA sentences plus archive rows."""
        return self.sentences + self.rows

    @property
    def quarantined_total(self) -> int:
        return sum(self.quarantined.values())

    @property
    def throughput(self) -> float:
        """Input records per second."""
        return self.records / self.seconds if self.seconds > 0 else 0.0


@dataclass(slots=True)
class _Run:
    summary: IngestSummary
    counts: BatchCounts
    bytes_before: int
    bytes_total: int
    file_index: int
    file_count: int
    progress: ProgressCallback | None

    def report(self, path: Path, bytes_in_file: int) -> None:
        if self.progress is not None:
            self.progress(
                IngestProgress(
                    str(path),
                    self.file_index,
                    self.file_count,
                    self.bytes_before + bytes_in_file,
                    self.bytes_total,
                    self.summary.records,
                )
            )


def ingest_paths(
    ws: Workspace,
    paths: Sequence[Path | str],
    *,
    format: str = "auto",
    column_map: Mapping[str, str] | str | None = None,
    time_format: str | None = None,
    source: str | None = None,
    progress: ProgressCallback | None = None,
    thresholds: QualityThresholds | None = None,
    store: TrackStore | None = None,
    chunk_lines: int = NMEA_CHUNK_LINES,
    archive_batch_rows: int = 200_000,
    verify_tag_checksums: bool = True,
    strict_tag_checksums: bool = False,
) -> IngestSummary:
    """Ingest every file in ``paths``; ``source`` names the input (default: each file's name).

    A sentence behind an NMEA 4.0 tag block with a wrong checksum is kept,
    flagged ``tag_untrusted``, without the tag's time (see
    ``portintel.ais.decode_lines``); ``verify_tag_checksums=False`` uses that
    time anyway (some loggers add a ``g:`` group without updating the
    checksum), ``strict_tag_checksums=True`` quarantines such sentences.
    Sentence checksums are always verified. Each choice is a separate pass in
    the manifest, so a file can be taken again with another: rows already
    stored are not duplicated.

    ``column_map`` names the columns of a custom table, as a mapping or as
    the text ``"mmsi=COL,timestamp=COL,..."`` (checked here).
    """
    if format not in FORMATS:
        raise InvalidInput(
            f"unknown format {format!r}", field="format", hint=f"one of {', '.join(FORMATS)}"
        )
    if isinstance(column_map, str):
        column_map = parse_column_map(column_map)
    started = time.perf_counter()
    summary = IngestSummary()
    files: list[Path] = []
    formats: list[str] = []
    for path, explicit in expand_paths([Path(p) for p in paths]):
        try:
            formats.append(detect_format(path) if format == "auto" else format)
        except InvalidInput:
            if explicit:
                raise
            summary.unrecognised.append(str(path))
            continue
        files.append(path)
    tracks = store or TrackStore(ws.settings.tracks_dir)
    tracks.remove_stale_temporaries()
    manifest = IngestManifest(tracks.root)
    registry = VesselRegistry(ws)
    land = LandMask(ws.settings.data_dir / "cache")
    pipeline = TrackPipeline(
        tracks, thresholds=thresholds, land_check=land.on_land, on_accepted=registry.observe
    )
    counts = BatchCounts()
    sizes = [path.stat().st_size for path in files]
    run = _Run(summary, counts, 0, sum(sizes), 0, len(files), progress)
    for index, (path, size, fmt) in enumerate(zip(files, sizes, formats, strict=True), start=1):
        run.file_index, run.bytes_before = index, sum(sizes[: index - 1])
        sha = file_sha256(path)
        if fmt == "nmea" and strict_tag_checksums:
            sha = f"{sha}-strict-tags"
        elif fmt == "nmea" and not verify_tag_checksums:
            sha = f"{sha}-lenient-tags"
        entry = manifest.get(sha)
        if entry is not None and entry.complete:
            summary.skipped_files += 1
            run.report(path, size)
            continue
        if entry is None:
            entry = ManifestEntry(sha, str(path), size, fmt, source or path.name)
        context = InputContext(
            source=entry.source,
            location=str(path),
            fallback_time=modified_at(path),
            fallback_is_estimate=True,
        )
        if fmt == "nmea":
            entry = _ingest_nmea(
                path,
                entry,
                context,
                pipeline,
                manifest,
                run,
                chunk_lines,
                StreamDecoder(
                    verify_tag_checksums=verify_tag_checksums,
                    strict_tag_checksums=strict_tag_checksums,
                ),
            )
        else:
            entry = _ingest_archive(
                path,
                fmt,
                entry,
                context,
                pipeline,
                manifest,
                run,
                column_map,
                time_format,
                archive_batch_rows,
            )
        manifest.save(entry.finished())
        summary.files += 1
        run.report(path, size)
    summary.messages += counts.messages
    summary.positions, summary.statics, summary.other = (
        counts.positions,
        counts.statics,
        counts.other,
    )
    summary.quarantined.update(counts.quarantined)
    summary.vessels = len(counts.mmsis)
    summary.seconds = time.perf_counter() - started
    return summary


def _ingest_nmea(
    path: Path,
    entry: ManifestEntry,
    context: InputContext,
    pipeline: TrackPipeline,
    manifest: IngestManifest,
    run: _Run,
    chunk_lines: int,
    decoder: StreamDecoder,
) -> ManifestEntry:
    chunks = read_nmea_chunks(
        path,
        start_line=entry.completed_units,
        start_offset=entry.completed_bytes,
        chunk_lines=chunk_lines,
    )
    for chunk in chunks:
        decoded = [decoder.feed(r.lines, r.first_line) for r in chunk.runs] or [DecodedBatch()]
        batch = merge_decoded(decoded)
        run.summary.sentences += chunk.sentences + len(chunk.rejects)
        run.counts.add(pipeline.decoded(batch, context, refused=chunk.rejects))
        # a group still open in the decoder must be re-read after a crash: hold the mark back
        if decoder.pending_lines == 0:
            entry = entry.advanced(chunk.end_line, chunk.end_offset)
            manifest.save(entry)
        run.report(path, chunk.progress_bytes)
    run.counts.add(pipeline.decoded(decoder.flush(), context))
    return entry


def _ingest_archive(
    path: Path,
    fmt: str,
    entry: ManifestEntry,
    context: InputContext,
    pipeline: TrackPipeline,
    manifest: IngestManifest,
    run: _Run,
    column_map: Mapping[str, str] | None,
    time_format: str | None,
    batch_rows: int,
) -> ManifestEntry:
    archive_context = InputContext(
        context.source, context.location, context.fallback_time, fallback_is_estimate=False
    )
    batches = read_archive(
        path,
        fmt,
        column_map=column_map,
        time_format=time_format,
        start_row=entry.completed_units,
        batch_rows=batch_rows,
    )
    for batch in batches:
        run.summary.rows += batch.rows.height + batch.rejects.height
        run.counts.add(pipeline.archive(batch, archive_context))
        entry = entry.advanced(batch.rows_done, batch.bytes_done)
        manifest.save(entry)
        run.report(path, batch.bytes_done)
    return entry
