"""Decoded AIS payloads as one Polars table per message type.

Columns carry pyais's ``asdict()`` names (enums as integers), so a table can be
compared with pyais row by row, followed by the provenance columns ``line``,
``received_at``, ``station``, ``raw`` and ``tag_untrusted`` (the tag block's
checksum is wrong: its time is not used, see decoder.py). The loop runs over
message types and fields, never over messages.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl

from portintel.ais.armoring import Payloads
from portintel.ais.conversions import decode_field, field_spec, polars_type
from portintel.ais.fields import (
    AUXILIARY_CRAFT_MMSI,
    BINARY_ADDRESSED_APPLICATIONS,
    BINARY_BROADCAST_APPLICATIONS,
    LAYOUTS,
    STATIC_B_PART_A,
    STATIC_B_PART_B,
    STATIC_B_PART_B_AUXILIARY,
    VARIANTS,
    Field,
    Kind,
    layouts_of,
)

I64 = npt.NDArray[np.int64]

BAD_PAYLOAD = "invalid character in payload (outside the 6-bit alphabet)"
BAD_PART_NUMBER = "type 24 part number is 2 or 3 (only 0 = part A and 1 = part B exist)"
PROVENANCE_TYPES: dict[str, pl.DataType] = {
    "line": pl.Int64(),
    "received_at": pl.Datetime("us", "UTC"),
    "station": pl.String(),
    "raw": pl.String(),
    "tag_untrusted": pl.Boolean(),
}


@dataclass
class Provenance:
    """Where each payload came from: payload row i is entry ``index[i]`` of the columns."""

    index: I64
    line: I64
    received_us: pl.Series
    station: pl.Series
    raw: pl.Series
    tag_untrusted: npt.NDArray[np.bool_]

    def frame(self, rows: I64) -> pl.DataFrame:
        at = self.index[rows]
        received = self.received_us.gather(at).cast(pl.Datetime("us"))
        return pl.DataFrame(
            {
                "line": pl.Series("line", self.line[at], dtype=pl.Int64),
                "received_at": received.dt.replace_time_zone("UTC"),
                "station": self.station.gather(at),
                "raw": self.raw.gather(at),
                "tag_untrusted": pl.Series("tag_untrusted", self.tag_untrusted[at]),
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
        elif value in VARIANTS:
            parts = _variant_parts(payloads, rows, int(value))
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


def _variant_parts(
    payloads: Payloads, rows: I64, message_type: int
) -> list[tuple[I64, tuple[Field, ...]]]:
    """The rows of each layout of a type with variants, chosen from the bits pyais reads."""
    subset = payloads.subset(rows)
    choice = _VARIANT_CHOICE[message_type](subset)
    return [
        (rows[choice == index], layout)
        for index, layout in enumerate(VARIANTS[message_type])
        if (choice == index).any()
    ]


def _application(
    dac: I64, fid: I64, applications: dict[tuple[int, int], tuple[Field, ...]], first: int
) -> I64:
    """Index of each message's (DAC, FI) layout among the variants (0: raw data)."""
    choice = np.zeros(dac.shape[0], dtype=np.int64)
    for index, (app_dac, app_fid) in enumerate(applications, start=first):
        choice[(dac == app_dac) & (fid == app_fid)] = index
    return choice


def _binary_addressed(payloads: Payloads) -> I64:
    """Type 6: DAC/FI at bits 72/82; a message of 72 bits or fewer reads them at 40/50
    and is the short persons-on-board message for DAC 1 FI 16."""
    short = payloads.bits <= 72
    dac = np.where(short, payloads.unsigned(40, 10)[0], payloads.unsigned(72, 10)[0])
    fid = np.where(short, payloads.unsigned(50, 6)[0], payloads.unsigned(82, 6)[0])
    choice = _application(dac, fid, BINARY_ADDRESSED_APPLICATIONS, 2)
    choice[short & (dac == 1) & (fid == 16)] = 1
    return choice


def _binary_broadcast(payloads: Payloads) -> I64:
    """Type 8: DAC/FI at bits 40/50; DAC 1 FI 21 with the WMO bit (56) set keeps raw data."""
    dac, fid = payloads.unsigned(40, 10)[0], payloads.unsigned(50, 6)[0]
    choice = _application(dac, fid, BINARY_BROADCAST_APPLICATIONS, 1)
    wmo = (dac == 1) & (fid == 21) & (payloads.unsigned(56, 1)[0] == 1)
    choice[wmo] = 0
    return choice


def _slot_binary(payloads: Payloads) -> I64:
    """Types 25 and 26: 2 * addressed (bit 38) + structured (bit 39)."""
    return 2 * payloads.unsigned(38, 1)[0] + payloads.unsigned(39, 1)[0]


_VARIANT_CHOICE = {
    6: _binary_addressed,
    8: _binary_broadcast,
    16: lambda payloads: (payloads.bits > 96).astype(np.int64),  # two stations past 96 bits
    22: lambda payloads: payloads.unsigned(139, 1)[0],  # addressed
    25: _slot_binary,
    26: _slot_binary,
}


def _table(
    payloads: Payloads, layout: tuple[Field, ...]
) -> tuple[pl.DataFrame, npt.NDArray[np.bool_]]:
    numeric = [field_spec(f) for f in layout if f.kind not in (Kind.SPARE, Kind.TEXT, Kind.BYTES)]
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

    A type with several layouts (24's parts, the DAC/FI applications of 6
    and 8, ...) holds the union of their columns, null where a message's
    layout has no such field.
    """
    schema: dict[str, pl.DataType] = {}
    for layout in layouts_of(message_type):
        for f in layout:
            if f.kind is not Kind.SPARE:
                schema.setdefault(f.name, polars_type(f))
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
