"""Decode batches of NMEA AIS lines into typed tables, vectorised end to end.

The whole batch lives in one byte buffer; lines, sentences, tag blocks,
multi-part groups and payload fields are read with array operations over
that buffer (see the modules named in the imports). Python loops run over
message types, fields and fragment offsets, never over lines or messages.

Every non-blank input line ends up in exactly one place: a decoded message
(multi-part messages under the line of their last fragment), ``unsupported``
(a message type portintel does not decode, kept raw), or ``rejects`` with the
reason. Bad checksums are rejects, unlike pyais's default.

Multi-sentence messages are put together per NMEA 4.0 when their tag blocks
carry a group (``g:n-m-id``): by group id within the batch or stream,
whatever else the later fragments' tag blocks say (often only the first
fragment has ``s:`` and ``c:``). Fragments without a group go together by
station, sequence id and channel. A group's receive time and station are
those of the first fragment that has them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import polars as pl

from portintel.ais.armoring import PackedPayloads, Payloads
from portintel.ais.assembly import assemble
from portintel.ais.byte_ranges import gather_ranges
from portintel.ais.framing import REASON_TEXT, Engine, TagMode, count_lines, frame, resolve
from portintel.ais.messages import Decoded, Provenance, decode_payloads
from portintel.ais.sentences import Lines

U8 = npt.NDArray[np.uint8]
I64 = npt.NDArray[np.int64]

INCOMPLETE = "incomplete multipart group"
REJECTS_SCHEMA = {"line": pl.Int64, "raw": pl.String, "reason": pl.String}
UNSUPPORTED_SCHEMA = {"line": pl.Int64, "raw": pl.String, "msg_type": pl.Int64}


def _empty_rejects() -> pl.DataFrame:
    return pl.DataFrame(schema=REJECTS_SCHEMA)


def _empty_unsupported() -> pl.DataFrame:
    return pl.DataFrame(schema=UNSUPPORTED_SCHEMA)


@dataclass(frozen=True)
class DecodedBatch:
    """Decoded messages by type, plus the lines that could not be decoded."""

    messages: dict[int, pl.DataFrame] = field(default_factory=dict)
    rejects: pl.DataFrame = field(default_factory=_empty_rejects)
    unsupported: pl.DataFrame = field(default_factory=_empty_unsupported)

    @property
    def message_count(self) -> int:
        return sum(frame.height for frame in self.messages.values())


def tag_mode(*, verify_tag_checksums: bool = True, strict_tag_checksums: bool = False) -> TagMode:
    """What a wrong tag block checksum does (see decode_lines)."""
    if strict_tag_checksums:
        return "strict"
    return "flag" if verify_tag_checksums else "trust"


def decode_lines(
    lines: Sequence[str],
    *,
    first_line: int = 1,
    verify_tag_checksums: bool = True,
    strict_tag_checksums: bool = False,
    engine: Engine = "auto",
) -> DecodedBatch:
    """Decode a batch of lines; ``first_line`` is the number of ``lines[0]``.

    Sentence checksums are always verified. A sentence whose own checksum is
    right is kept even when its tag block's checksum is wrong (some feeds, the
    Kystverket sample among them, prepend ``g:`` to a tag block without
    updating its checksum): its row says ``tag_untrusted`` and the tag's time
    is not used (``received_at`` is null) unless ``verify_tag_checksums=False``
    says to use it anyway. ``strict_tag_checksums=True`` rejects such lines
    ("bad tag block checksum") instead.

    ``engine`` picks how lines are framed and payloads de-armoured: ``native``
    (the compiled kernel), ``numpy`` (pure NumPy, the reference) or ``auto``
    (native when built). Both give the same result.
    """
    buffer = _buffer_of_lines(lines)
    numbers = np.arange(first_line, first_line + len(lines), dtype=np.int64)
    mode = tag_mode(
        verify_tag_checksums=verify_tag_checksums, strict_tag_checksums=strict_tag_checksums
    )
    batch, _, _ = _decode(buffer, numbers, keep_open=False, tags=mode, engine=engine)
    return batch


def decode_bytes(
    data: bytes,
    *,
    first_line: int = 1,
    verify_tag_checksums: bool = True,
    strict_tag_checksums: bool = False,
    engine: Engine = "auto",
) -> DecodedBatch:
    """Decode the content of an NMEA file (lines separated by newlines); see decode_lines."""
    text = _normalised_bytes(data)
    buffer = np.frombuffer(text, dtype=np.uint8)
    count = count_lines(text, engine)
    numbers = np.arange(first_line, first_line + count, dtype=np.int64)
    mode = tag_mode(
        verify_tag_checksums=verify_tag_checksums, strict_tag_checksums=strict_tag_checksums
    )
    batch, _, _ = _decode(buffer, numbers, keep_open=False, tags=mode, engine=engine)
    return batch


class StreamDecoder:
    """Decodes a stream batch after batch, holding multi-part groups that span batches.

    A group still missing fragments at the end of a batch waits for the next
    ``feed``; ``flush`` reports whatever is still waiting as incomplete.
    """

    def __init__(
        self,
        *,
        verify_tag_checksums: bool = True,
        strict_tag_checksums: bool = False,
        engine: Engine = "auto",
    ) -> None:
        self._tags = tag_mode(
            verify_tag_checksums=verify_tag_checksums, strict_tag_checksums=strict_tag_checksums
        )
        self._engine: Engine = resolve(engine)
        self._pending = np.zeros(0, dtype=np.uint8)
        self._pending_numbers = np.zeros(0, dtype=np.int64)

    def feed(self, lines: Sequence[str], first_line: int) -> DecodedBatch:
        new = _buffer_of_lines(lines)
        numbers = np.arange(first_line, first_line + len(lines), dtype=np.int64)
        buffer = np.concatenate([self._pending, new])
        all_numbers = np.concatenate([self._pending_numbers, numbers])
        batch, self._pending, self._pending_numbers = _decode(
            buffer, all_numbers, keep_open=True, tags=self._tags, engine=self._engine
        )
        return batch

    def flush(self) -> DecodedBatch:
        buffer, numbers = self._pending, self._pending_numbers
        self._pending = np.zeros(0, dtype=np.uint8)
        self._pending_numbers = np.zeros(0, dtype=np.int64)
        if numbers.shape[0] == 0:
            return DecodedBatch()
        batch, _, _ = _decode(
            buffer, numbers, keep_open=False, tags=self._tags, engine=self._engine
        )
        return batch

    @property
    def pending_lines(self) -> int:
        return int(self._pending_numbers.shape[0])


def _buffer_of_lines(lines: Sequence[str]) -> U8:
    if len(lines) == 0:
        return np.zeros(0, dtype=np.uint8)
    data = ("\n".join(lines) + "\n").encode("utf-8", errors="replace")
    if data.count(b"\n") != len(lines):  # a line holds a newline: keep numbering right
        cleaned = [line.replace("\n", " ") for line in lines]
        data = ("\n".join(cleaned) + "\n").encode("utf-8", errors="replace")
    return np.frombuffer(data, dtype=np.uint8)


def _normalised_bytes(data: bytes) -> bytes:
    """``data`` as valid UTF-8 (bad sequences replaced) ending with a newline."""
    if not data.isascii():
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            data = data.decode("utf-8", errors="replace").encode("utf-8")
    if data and not data.endswith(b"\n"):
        data += b"\n"
    return data


def _decode(
    buffer: U8, numbers: I64, *, keep_open: bool, tags: TagMode, engine: Engine
) -> tuple[DecodedBatch, U8, I64]:
    if buffer.shape[0] == 0:
        return DecodedBatch(), buffer, numbers
    framed = frame(buffer, numbers, tag_mode=tags, engine=engine)
    reader = PackedPayloads if framed.packed is not None else Payloads
    size = len(framed)
    raw = framed.raw
    good = (framed.reason == 0) & (framed.lines.end > framed.lines.start)

    results: list[tuple[Decoded, I64]] = []
    single = good & (framed.count == 1)
    singles = np.flatnonzero(single)
    every_line = singles.shape[0] == size  # every line holds a whole message: no gathers
    start = framed.payload_start if every_line else framed.payload_start[singles]
    length = (framed.payload_end if every_line else framed.payload_end[singles]) - start
    bits = 6 * length - (framed.fill if every_line else framed.fill[singles])
    payloads: Payloads
    if framed.packed is None:
        payloads = Payloads(buffer, start, length, bits)
    else:
        packed = framed.packed
        payloads = PackedPayloads(
            buffer,
            start,
            length,
            bits,
            _first_invalid=packed.first_invalid if every_line else packed.first_invalid[singles],
            _words=packed.words if every_line else np.take(packed.words, singles, axis=1),
            _packed=packed.characters,
        )
    provenance = Provenance(
        singles, numbers, framed.received_us, framed.station, raw, framed.tag_untrusted
    )
    results.append((decode_payloads(payloads, provenance), singles))

    multis = np.flatnonzero(good & (framed.count > 1))
    group = framed.group[multis]
    station_code = (
        framed.station.gather(multis).fill_null("").rank("dense").to_numpy().astype(np.int64)
    )
    key = ((station_code * 11 + framed.sequence[multis] + 1) * 256 + framed.channel[multis]) * 10
    key += framed.count[multis]
    # NMEA 4.0 groups (g:): by group id alone, in a key range of their own.
    key = np.where(group >= 0, -(group * 10 + framed.count[multis]) - 1, key)
    groups = assemble(
        multis,
        key,
        framed.count[multis],
        framed.index[multis],
        keep_open=keep_open,
        batch_size=size,
    )
    if groups.group_start.shape[0] > 1:
        members = groups.members
        arena, arena_offsets = gather_ranges(
            buffer, framed.payload_start[members], framed.payload_end[members]
        )
        first, last = members[groups.group_start[:-1]], members[groups.group_start[1:] - 1]
        start = arena_offsets[groups.group_start[:-1]]
        length = arena_offsets[groups.group_start[1:]] - start
        payloads = reader(arena, start, length, 6 * length - framed.fill[last])
        group_of = np.repeat(np.arange(first.shape[0]), np.diff(groups.group_start))
        # The time and station of the first fragment that has them.
        joined = (
            pl.DataFrame(
                {
                    "group": group_of,
                    "raw": raw.gather(members),
                    "received": framed.received_us.gather(members),
                    "station": framed.station.gather(members),
                    "untrusted": framed.tag_untrusted[members],
                }
            )
            .group_by("group", maintain_order=True)
            .agg(
                pl.col("raw").str.join("\n"),
                pl.col("received").drop_nulls().first(),
                pl.col("station").drop_nulls().first(),
                pl.col("untrusted").any(),
            )
        )
        identity = np.arange(first.shape[0], dtype=np.int64)
        group_provenance = Provenance(
            identity,
            numbers[last],
            joined["received"],
            joined["station"],
            joined["raw"],
            joined["untrusted"].to_numpy(),
        )
        results.append((decode_payloads(payloads, group_provenance), last))

    batch = _collect(results, raw, numbers, framed.reason, groups.incomplete)
    return batch, *_pending(framed.lines, groups.open)


def _collect(
    results: list[tuple[Decoded, I64]],
    raw: pl.Series,
    numbers: I64,
    reason: I64,
    incomplete: I64,
) -> DecodedBatch:
    tables: dict[int, list[pl.DataFrame]] = {}
    reject_rows: list[I64] = [np.flatnonzero(reason)]
    reject_reasons: list[npt.NDArray[np.object_]] = [REASON_TEXT[reason[reject_rows[0]]]]
    reject_rows.append(incomplete)
    reject_reasons.append(np.full(incomplete.shape[0], INCOMPLETE, dtype=np.object_))
    unsupported_rows: list[I64] = []
    unsupported_types: list[I64] = []
    for decoded, line_rows in results:
        for message_type, table in decoded.tables.items():
            tables.setdefault(message_type, []).append(table)
        reject_rows.append(line_rows[decoded.rejected_rows])
        reject_reasons.append(np.array(decoded.rejected_reasons, dtype=np.object_))
        unsupported_rows.append(line_rows[decoded.unsupported_rows])
        unsupported_types.append(decoded.unsupported_types)
    messages = {
        message_type: frames[0]
        if len(frames) == 1
        else pl.concat(frames, how="diagonal").sort("line")
        for message_type, frames in sorted(tables.items())
    }
    rows = np.concatenate(reject_rows)
    order = np.argsort(rows, kind="stable")
    rows = rows[order]
    rejects = pl.DataFrame(
        {
            "line": pl.Series(numbers[rows], dtype=pl.Int64),
            "raw": raw.gather(rows),
            "reason": pl.Series(np.concatenate(reject_reasons)[order].tolist(), dtype=pl.String),
        }
    )
    rows = np.concatenate(unsupported_rows)
    kinds = np.concatenate(unsupported_types)
    order = np.argsort(rows, kind="stable")
    unsupported = pl.DataFrame(
        {
            "line": pl.Series(numbers[rows[order]], dtype=pl.Int64),
            "raw": raw.gather(rows[order]),
            "msg_type": pl.Series(kinds[order], dtype=pl.Int64),
        }
    )
    return DecodedBatch(messages=messages, rejects=rejects, unsupported=unsupported)


def _pending(lines: Lines, rows: I64) -> tuple[U8, I64]:
    """The raw lines (with newlines) of groups that wait for the next batch."""
    if rows.shape[0] == 0:
        return np.zeros(0, dtype=np.uint8), np.zeros(0, dtype=np.int64)
    starts = np.where(rows > 0, lines.next_start[rows - 1], 0)
    data, _ = gather_ranges(lines.buffer, starts, lines.next_start[rows])
    return data, lines.number[rows]
