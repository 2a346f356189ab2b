"""Per-type frames shaped like the decoder's ``DecodedBatch.messages``, built with pyais.

Domain tests use pyais (the reference decoder) to build their input, so they
do not depend on portintel's own decoder and check normalisation alone.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from enum import Enum
from typing import Any

import polars as pl
import pyais


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, bytes):
        return value.hex()
    return value


def frames_from_sentences(
    sentences: list[str], *, received_at: datetime | None = None, station: str | None = None
) -> dict[int, pl.DataFrame]:
    """Decode each (single- or multi-part, one per list item joined by newlines) with pyais."""
    rows: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for number, text in enumerate(sentences, start=1):
        parts = text.split("\n")
        decoded = pyais.decode(*parts).asdict()
        row = {key: _plain(value) for key, value in decoded.items()}
        row.update(line=number, received_at=received_at, station=station, raw=text)
        rows[row["msg_type"]].append(row)
    frames = {}
    for msg_type, items in rows.items():
        frame = pl.DataFrame(items, infer_schema_length=None)
        frames[msg_type] = frame.with_columns(
            pl.col("line").cast(pl.Int64),
            pl.col("received_at").cast(pl.Datetime("us", "UTC")),
            pl.col("station").cast(pl.Utf8),
        )
    return frames


def encode(fields: dict[str, Any]) -> str:
    """One sentence (or several joined by newlines) for ``fields`` via pyais's encoder."""
    return "\n".join(pyais.encode_dict(fields, radio_channel="A", talker_id="AI"))
