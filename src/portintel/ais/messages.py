"""Decoded AIS payloads as one Polars table per message type.

Columns carry pyais's ``asdict()`` names (enums as integers), so a table can be
compared with pyais row by row, followed by the provenance columns ``line``,
``received_at``, ``station`` and ``raw``. The loop runs over message types and
fields, never over messages.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl

from portintel.ais.armoring import Payloads
from portintel.ais.conversions import POLARS_TYPES, decode_field, field_spec
from portintel.ais.fields import (
    AUXILIARY_CRAFT_MMSI,
    LAYOUTS,
    STATIC_B_PART_A,
    STATIC_B_PART_B,
    STATIC_B_PART_B_AUXILIARY,
    TYPE_24_LAYOUTS,
    Field,
    Kind,
)

I64 = npt.NDArray[np.int64]

BAD_PAYLOAD = "invalid character in payload (outside the 6-bit alphabet)"
BAD_PART_NUMBER = "type 24 part number is 2 or 3 (only 0 = part A and 1 = part B exist)"
PROVENANCE_TYPES: dict[str, pl.DataType] = {
    "line": pl.Int64(),
    "received_at": pl.Datetime("us", "UTC"),
    "station": pl.String(),
    "raw": pl.String(),
}


@dataclass
class Provenance:
    """Where each payload came from: payload row i is entry ``index[i]`` of the columns."""

    index: I64
    line: I64
    received_us: pl.Series
    station: pl.Series
    raw: pl.Series

    def frame(self, rows: I64) -> pl.DataFrame:
        at = self.index[rows]
        received = self.received_us.gather(at).cast(pl.Datetime("us"))
        return pl.DataFrame(
            {
                "line": pl.Series("line", self.line[at], dtype=pl.Int64),
                "received_at": received.dt.replace_time_zone("UTC"),
                "station": self.station.gather(at),
                "raw": self.raw.gather(at),
            }
        )


@dataclass
class Decoded:
    tables: dict[int, pl.DataFrame]
    rejected_rows: I64
    rejected_reasons: list[str]
    unsupported_rows: I64
    unsupported_types: I64


def decode_payloads(payloads: Payloads, provenance: Provenance) -> Decoded:
    """Decode every payload; unknown types and bad payloads are reported by row."""
    message_type = payloads.message_type()
    first_invalid = payloads.invalid_characters().copy()
    tables: dict[int, pl.DataFrame] = {}
    rejected: list[I64] = [np.flatnonzero(first_invalid)]
    reasons: list[str] = [BAD_PAYLOAD] * int(first_invalid.sum())
    unsupported: list[I64] = []
    present = np.bincount(message_type[~first_invalid], minlength=64)  # types are 6 bits
    for value in np.flatnonzero(present).tolist():
        rows = np.flatnonzero((message_type == value) & ~first_invalid)
        if value in LAYOUTS:
            parts = [(rows, LAYOUTS[value])]
        elif value == 24:
            parts, bad_parts = _type_24_parts(payloads, rows)
            rejected.append(bad_parts)
            reasons.extend([BAD_PART_NUMBER] * bad_parts.shape[0])
        else:
            unsupported.append(rows)
            continue
        frames = []
        for part_rows, layout in parts:
            if part_rows.shape[0] == 0:
                continue
            frame, invalid = _table(payloads.subset(part_rows), layout)
            frames.append(pl.concat([frame, provenance.frame(part_rows)], how="horizontal"))
            rejected.append(part_rows[invalid])
            reasons.extend([BAD_PAYLOAD] * int(invalid.sum()))
            if invalid.any():
                frames[-1] = frames[-1].filter(pl.Series(~invalid))
        if frames:
            table = frames[0] if len(frames) == 1 else pl.concat(frames, how="diagonal")
            if len(frames) > 1:
                table = table.sort("line")
            if table.height:  # every payload of the type may have been rejected
                tables[int(value)] = conform(table, int(value))
    unsupported_rows = np.concatenate(unsupported) if unsupported else np.zeros(0, np.int64)
    return Decoded(
        tables=tables,
        rejected_rows=np.concatenate(rejected),
        rejected_reasons=reasons,
        unsupported_rows=unsupported_rows,
        unsupported_types=message_type[unsupported_rows],
    )


def _type_24_parts(
    payloads: Payloads, rows: I64
) -> tuple[list[tuple[I64, tuple[Field, ...]]], I64]:
    subset = payloads.subset(rows)
    part, _ = subset.unsigned(38, 2)
    mmsi, _ = subset.unsigned(8, 30)
    auxiliary = (mmsi >= AUXILIARY_CRAFT_MMSI[0]) & (mmsi <= AUXILIARY_CRAFT_MMSI[1])
    parts = [
        (rows[part == 0], STATIC_B_PART_A),
        (rows[(part == 1) & ~auxiliary], STATIC_B_PART_B),
        (rows[(part == 1) & auxiliary], STATIC_B_PART_B_AUXILIARY),
    ]
    return parts, rows[part > 1]


def _table(
    payloads: Payloads, layout: tuple[Field, ...]
) -> tuple[pl.DataFrame, npt.NDArray[np.bool_]]:
    numeric = [field_spec(f) for f in layout if f.kind not in (Kind.SPARE, Kind.TEXT)]
    payloads.prepare_fields(max(f.offset + f.width for f in layout), numeric)
    columns = [decode_field(payloads, f) for f in layout if f.kind is not Kind.SPARE]
    frame = pl.DataFrame(columns)
    if "name_ext" in frame.columns:  # type 21: pyais's full_name property
        name, extension = pl.col("name"), pl.col("name_ext")
        frame = frame.with_columns(
            full_name=pl.when(name.is_null() | (name == ""))
            .then(pl.lit(""))
            .when(extension.is_null() | (extension == ""))
            .then(name)
            .otherwise(name + extension)
        )
    return frame, payloads.invalid_characters()


def message_schema(message_type: int) -> dict[str, pl.DataType]:
    """Columns and types of the table of a decoded message type, always the same.

    Type 24 holds the union of parts A and B (and B of auxiliary craft), null
    where a part has no such field.
    """
    layouts = TYPE_24_LAYOUTS if message_type == 24 else (LAYOUTS[message_type],)
    schema: dict[str, pl.DataType] = {}
    for layout in layouts:
        for f in layout:
            if f.kind is not Kind.SPARE:
                schema.setdefault(f.name, POLARS_TYPES[f.kind])
    if message_type == 21:
        schema["full_name"] = pl.String()
    schema.update(PROVENANCE_TYPES)
    return schema


def conform(table: pl.DataFrame, message_type: int) -> pl.DataFrame:
    """The table with exactly the columns of :func:`message_schema`, in order."""
    schema = message_schema(message_type)
    if list(table.columns) == list(schema):
        return table
    return table.select(
        [
            pl.col(name) if name in table.columns else pl.lit(None, dtype).alias(name)
            for name, dtype in schema.items()
        ]
    )
