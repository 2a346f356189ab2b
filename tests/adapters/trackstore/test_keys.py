"""The store's row keys hashed in the compiled kernel equal the domain's Python keys."""

from __future__ import annotations

import datetime as dt
import hashlib

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from portintel.adapters.trackstore.store import keyed_rows
from portintel.domain.maritime.row_key import (
    OTHER_KEY_FIELDS,
    POSITION_KEY_FIELDS,
    QUARANTINE_KEY_FIELDS,
    with_keys,
)
from tests.ais.native import require_native

TEXT = st.one_of(st.none(), st.text(max_size=300))
TIMES = st.one_of(
    st.none(),
    st.datetimes(min_value=dt.datetime(1970, 1, 1), max_value=dt.datetime(2100, 1, 1)).map(
        lambda t: t.replace(tzinfo=dt.UTC)
    ),
)


@settings(max_examples=200)
@given(
    st.lists(
        st.tuples(TEXT, TEXT, TIMES, TEXT, st.one_of(st.none(), st.integers(-(2**62), 2**62))),
        max_size=40,
    ),
    st.integers(0, 5),
)
def test_kernel_keys_equal_the_domains_keys(rows: list[tuple[object, ...]], start: int) -> None:
    require_native("row keys")
    frame = pl.DataFrame(
        rows,
        schema={
            "source": pl.Utf8,
            "track_id": pl.Utf8,
            "ts": pl.Datetime("us", "UTC"),
            "raw": pl.Utf8,
            "line": pl.Int64,
        },
        orient="row",
    ).with_columns(pl.col("raw").alias("location"), pl.col("raw").alias("reason"))
    # a slice: the Arrow array of the joined text may start at an offset
    frame = frame.slice(min(start, frame.height))
    for fields in (POSITION_KEY_FIELDS, QUARANTINE_KEY_FIELDS, OTHER_KEY_FIELDS):
        assert (
            keyed_rows(frame, fields)["key"].to_list() == with_keys(frame, fields)["key"].to_list()
        )


def test_kernel_keys_cover_every_block_length() -> None:
    """Texts of 0 to 400 bytes: BLAKE2b's one, two and more 128-byte blocks and their edges."""
    require_native("row keys")
    texts = ["é" * (n // 2) + "x" * (n % 2) for n in range(401)]
    frame = pl.DataFrame({"raw": texts})
    keys = keyed_rows(frame, ("raw",))["key"].to_list()
    assert keys == [hashlib.blake2b(t.encode(), digest_size=16).hexdigest() for t in texts]
