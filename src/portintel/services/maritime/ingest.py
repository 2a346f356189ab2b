"""Ingest AIS files (NMEA, CSV, Parquet; plain, .gz, directories) into the track store.

Resumable and idempotent: each input is identified by its SHA-256 in the
manifest, with the options it was read with. A completed input is skipped
(and when the options now differ, the summary says so: ``reingest=True``
reads it again, adding only rows that are new by key); a partial one
resumes after the last batch recorded; the one batch that may have been
written but not recorded before a crash is absorbed by the store's row keys.

Robust: one bad file never stops a run. A file that cannot be read (a CSV
of no known layout, a vanished file) is reported in the summary with its
reason and the next file goes in; a damaged ``.gz`` gives what is readable
and a quarantine row saying where it broke. Two ingests into one store are
serialised by the store's cross-process lock. Progress goes to a callback
(the CLI draws the bar), so this service knows no UI.
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
from portintel.adapters.ais.layouts import Layout, choose_layout, parse_column_map
from portintel.adapters.ais.nmea_reader import read_nmea_chunks
from portintel.adapters.ais.tabular import archive_header, read_archive
from portintel.adapters.trackstore import IngestManifest, ManifestEntry, TrackStore
from portintel.ais import DecodedBatch, StreamDecoder
from portintel.domain.maritime.normalise import InputContext
from portintel.domain.maritime.quality import QualityThresholds
from portintel.domain.maritime.receptions import DEFAULT_WINDOW_SECONDS
from portintel.domain.maritime.schema import QUARANTINE
from portintel.errors import InvalidInput
from portintel.services.maritime.pipeline import (
    BatchCounts,
    TrackPipeline,
    merge_decoded,
    rejects_frame,
)
from portintel.services.maritime.registry import VesselRegistry
from portintel.services.workspace import Workspace

NMEA_CHUNK_LINES = 50_000
"""Lines a batch: with the working set of its frames, peak memory stays under 500 MB."""


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


@dataclass(frozen=True, slots=True)
class FileProblem:
    """A file that was not read, or not read whole, and why."""

    path: str
    reason: str
    hint: str | None = None


@dataclass(frozen=True, slots=True)
class ChangedOptions:
    """A file already ingested with other options: skipped, and the user told so."""

    path: str
    recorded: str
    now: str


@dataclass(slots=True)
class IngestSummary:
    """What an ingest read and where it went (the CLI prints this as a table).

    Stored rows (``positions``, ``statics``, ``other``) and refusals
    (``quarantined``, rows by reason) are counted apart, and so are input
    rows not stored again: ``duplicates`` (the same row twice in the input),
    ``merged_receptions`` (the same message from another receiver) and
    ``already_stored`` (stored by an earlier run).
    """

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
    """Rows added to quarantine, by reason (each row has one reason)."""
    duplicates: int = 0
    merged_receptions: int = 0
    already_stored: int = 0
    seconds: float = 0.0
    unrecognised: list[str] = field(default_factory=list)
    """Files inside directories that are not NMEA, CSV or Parquet: listed, not read."""
    failed: list[FileProblem] = field(default_factory=list)
    """Files that could not be read (e.g. a CSV of no known layout); the others went in."""
    damaged: list[FileProblem] = field(default_factory=list)
    """Files read up to damage (a truncated .gz); the rest is a quarantine row."""
    changed_options: list[ChangedOptions] = field(default_factory=list)
    """Files skipped as ingested although the options differ now (use ``reingest``)."""

    @property
    def records(self) -> int:
        """Input records: NMEA sentences plus archive rows."""
        return self.sentences + self.rows

    @property
    def stored(self) -> int:
        """Rows added to positions, statics and other."""
        return self.positions + self.statics + self.other

    @property
    def quarantined_total(self) -> int:
        """Rows added to quarantine."""
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
    lines_read: int = 0

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


LAND_CACHE_STEP = "building the land and shore cache (first run only)"


def _land_step(done: int, total: int, file_count: int) -> IngestProgress:
    return IngestProgress(LAND_CACHE_STEP, 0, file_count, done, total, 0)


def ingest_paths(
    ws: Workspace,
    paths: Sequence[Path | str],
    *,
    format: str = "auto",
    column_map: Mapping[str, str] | str | None = None,
    time_format: str | None = None,
    id_column: str | None = None,
    source: str | None = None,
    progress: ProgressCallback | None = None,
    thresholds: QualityThresholds | None = None,
    store: TrackStore | None = None,
    chunk_lines: int = NMEA_CHUNK_LINES,
    archive_batch_rows: int = 200_000,
    verify_tag_checksums: bool = True,
    strict_tag_checksums: bool = False,
    reingest: bool = False,
    reception_window_seconds: float = DEFAULT_WINDOW_SECONDS,
    on_lock_wait: Callable[[], object] | None = None,
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
    the text ``"mmsi=COL,timestamp=COL,..."`` (checked here). ``id_column``
    (or ``track_id=COL`` in the map) names a column of vessel ids that are
    not MMSIs: rows keep them as track ids, flagged ``id_kind=vessel_id``.
    ``reingest`` reads files again even when the manifest says they are done
    (with new options, say); row keys keep it from adding a row twice.
    ``on_lock_wait`` hears when another ingest holds the store's lock.
    """
    if format not in FORMATS:
        raise InvalidInput(
            f"unknown format {format!r}", field="format", hint=f"one of {', '.join(FORMATS)}"
        )
    if isinstance(column_map, str):
        column_map = parse_column_map(column_map, id_column=id_column)
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
    manifest = IngestManifest(tracks.root)
    registry = VesselRegistry(ws)
    land = LandMask(ws.settings.data_dir / "cache")
    if files and not land.cached and progress is not None:
        # the first ingest into a data directory builds the land and shore cache (seconds)
        land.load(lambda done, total: progress(_land_step(done, total, len(files))))
    pipeline = TrackPipeline(
        tracks,
        thresholds=thresholds,
        land_check=land.shore,
        on_accepted=registry.observe,
        reception_window_seconds=reception_window_seconds,
    )
    counts = BatchCounts()
    sizes = [path.stat().st_size for path in files]
    run = _Run(summary, counts, 0, sum(sizes), 0, len(files), progress)
    options = _Options(
        column_map,
        time_format,
        id_column,
        source,
        verify_tag_checksums,
        reingest,
        strict_tag_checksums,
    )
    with tracks.ingest_lock(on_lock_wait):
        tracks.remove_stale_temporaries()
        for index, (path, size, fmt) in enumerate(zip(files, sizes, formats, strict=True), start=1):
            run.file_index, run.bytes_before = index, sum(sizes[: index - 1])
            try:
                _ingest_file(
                    path, fmt, options, pipeline, manifest, run, chunk_lines, archive_batch_rows
                )
            except (InvalidInput, OSError) as exc:
                # one bad file never stops the run: report it, go on with the next
                hint = exc.hint if isinstance(exc, InvalidInput) else None
                summary.failed.append(FileProblem(str(path), str(exc), hint))
            run.report(path, size)
    summary.messages += counts.messages
    summary.positions, summary.statics, summary.other = (
        counts.positions,
        counts.statics,
        counts.other,
    )
    summary.quarantined.update(counts.quarantined)
    summary.duplicates = counts.duplicates
    summary.already_stored = counts.already_stored
    summary.merged_receptions = counts.merged_receptions
    summary.vessels = len(counts.tracks)
    summary.seconds = time.perf_counter() - started
    return summary


@dataclass(frozen=True, slots=True)
class _Options:
    column_map: Mapping[str, str] | None
    time_format: str | None
    id_column: str | None
    source: str | None
    verify_tag_checksums: bool
    reingest: bool
    strict_tag_checksums: bool = False

    def layout(self, path: Path, fmt: str) -> Layout:
        return choose_layout(
            archive_header(path, fmt),
            location=str(path),
            column_map=self.column_map,
            time_format=self.time_format,
            id_column=self.id_column,
        )


def _ingest_file(
    path: Path,
    fmt: str,
    options: _Options,
    pipeline: TrackPipeline,
    manifest: IngestManifest,
    run: _Run,
    chunk_lines: int,
    archive_batch_rows: int,
) -> None:
    summary = run.summary
    layout = options.layout(path, fmt) if fmt != "nmea" else None
    source = options.source or path.name
    recorded = f"{fmt};source={source}" + (f";layout={layout.options}" if layout else "")
    sha = file_sha256(path)
    if fmt == "nmea" and options.strict_tag_checksums:
        sha = f"{sha}-strict-tags"
    elif fmt == "nmea" and not options.verify_tag_checksums:
        sha = f"{sha}-lenient-tags"
    entry = manifest.get(sha)
    changed = entry is not None and bool(entry.options) and entry.options != recorded
    if entry is not None and entry.complete and not options.reingest:
        if changed:
            summary.changed_options.append(ChangedOptions(str(path), entry.options, recorded))
        summary.skipped_files += 1
        return
    if entry is None:
        entry = ManifestEntry(sha, str(path), path.stat().st_size, fmt, source, options=recorded)
    elif options.reingest or changed:
        entry = entry.restarted(recorded)
    context = InputContext(
        source=source,
        location=str(path),
        fallback_time=modified_at(path),
        fallback_is_estimate=True,
    )
    damage: list[str] = []
    if layout is None:
        entry = _ingest_nmea(
            path,
            entry,
            context,
            pipeline,
            manifest,
            run,
            chunk_lines,
            StreamDecoder(
                verify_tag_checksums=options.verify_tag_checksums,
                strict_tag_checksums=options.strict_tag_checksums,
            ),
            damage,
        )
    else:
        entry = _ingest_archive(
            path, fmt, entry, context, pipeline, manifest, run, layout, archive_batch_rows, damage
        )
    for text in damage:
        _quarantine_damage(pipeline, run, context, entry, text)
        summary.damaged.append(FileProblem(str(path), text))
    manifest.save(entry.finished())
    summary.files += 1


def _quarantine_damage(
    pipeline: TrackPipeline, run: _Run, context: InputContext, entry: ManifestEntry, text: str
) -> None:
    """One quarantine row for the unreadable rest of a damaged file, after its last line read."""
    reason = text.partition(":")[0]
    frame = rejects_frame([(entry.completed_units + 1, text, reason)], context)
    result = pipeline.store.write_counted(QUARANTINE, frame)
    run.counts.quarantined.update(result.added["reason"].to_list())
    run.counts.already_stored += result.already_stored


def _ingest_nmea(
    path: Path,
    entry: ManifestEntry,
    context: InputContext,
    pipeline: TrackPipeline,
    manifest: IngestManifest,
    run: _Run,
    chunk_lines: int,
    decoder: StreamDecoder,
    damage: list[str],
) -> ManifestEntry:
    chunks = read_nmea_chunks(
        path,
        start_line=entry.completed_units,
        start_offset=entry.completed_bytes,
        chunk_lines=chunk_lines,
        on_damage=damage.append,
    )
    for chunk in chunks:
        run.lines_read = chunk.end_line
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
    if damage:
        # everything readable is in: the mark covers the lines read before the damage
        entry = entry.advanced(run.lines_read, entry.completed_bytes)
    return entry


def _ingest_archive(
    path: Path,
    fmt: str,
    entry: ManifestEntry,
    context: InputContext,
    pipeline: TrackPipeline,
    manifest: IngestManifest,
    run: _Run,
    layout: Layout,
    batch_rows: int,
    damage: list[str],
) -> ManifestEntry:
    archive_context = InputContext(
        context.source, context.location, context.fallback_time, fallback_is_estimate=False
    )
    batches = read_archive(
        path,
        fmt,
        layout=layout,
        start_row=entry.completed_units,
        batch_rows=batch_rows,
        on_damage=damage.append,
    )
    for batch in batches:
        run.summary.rows += batch.rows.height + batch.rejects.height
        run.counts.add(pipeline.archive(batch, archive_context))
        entry = entry.advanced(batch.rows_done, batch.bytes_done)
        manifest.save(entry)
        run.report(path, batch.bytes_done)
    return entry
