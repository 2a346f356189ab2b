"""Deterministic row keys: the reason a re-ingest adds nothing.

A key is a 128-bit BLAKE2b digest (hex) over the fields that identify a row
in its dataset, joined by the ASCII unit separator. The same input always
gives the same key, on any machine and any Polars version (Polars' own
``hash`` is explicitly not stable across versions, so it is not used).
"""

from __future__ import annotations

import hashlib

import polars as pl

SEPARATOR = "\x1f"

POSITION_KEY_FIELDS = ("source", "track_id", "ts", "raw")
"""For an MMSI, track_id is the MMSI as text: the same keys as when they were built from it."""
QUARANTINE_KEY_FIELDS = ("source", "location", "line", "reason", "raw")
OTHER_KEY_FIELDS = ("source", "location", "line", "raw")


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def with_keys(frame: pl.DataFrame, fields: tuple[str, ...]) -> pl.DataFrame:
    """``frame`` with its ``key`` column (re)computed from ``fields``."""
    if frame.height == 0:
        return frame.with_columns(pl.lit(None, dtype=pl.Utf8).alias("key"))
    joined = frame.select(
        pl.concat_str(
            [pl.col(name).cast(pl.Utf8).fill_null("") for name in fields],
            separator=SEPARATOR,
        ).alias("joined")
    )["joined"]
    keys = pl.Series("key", [_digest(text) for text in joined.to_list()], dtype=pl.Utf8)
    return frame.with_columns(keys)
