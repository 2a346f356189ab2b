"""Behaviour detection as a Spark plan over the track store's Parquet files.

Spark reads the files itself (on a cluster they must be on storage every
worker sees) and runs the domain's kernels in its Python workers, grouped
(``applyInArrow``) as :mod:`portintel.adapters.spark.groups` describes:

1. per vessel: every per-vessel behaviour (gaps, loitering, port visits,
   jumps, two places at once, area crossings);
2. per vessel: the fixes with their segments, and the encounter samples,
   each in every space cell it lies in or within the meeting distance of;
3. per space cell and UTC day of the samples: the close pairs;
4. per pair of vessels close for at least ``encounter.min_hours`` worth of
   samples: the encounter kernel on the two tracks, cut to the time the pair
   was close plus a margin longer than any interpolation (a track cut there
   resamples exactly as the whole track does within the cut);
5. per MMSI and per IMO of the static reports: identity changes.

Steps 3 and 4 only choose which pairs the kernel sees; the kernel decides
what an encounter is, so a meeting across a cell edge, a day boundary or
several cells comes out as one event, as on one machine.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl
import pyarrow as pa  # type: ignore[import-untyped]

from portintel.adapters.spark import groups
from portintel.domain.maritime.behaviour import Area, BehaviourSettings, Gazetteer
from portintel.domain.maritime.behaviour.common import EVENT_SCHEMA
from portintel.domain.maritime.behaviour.identity_change import FIELDS
from portintel.domain.maritime.schema import POSITIONS, STATICS

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

DAY_US = 86_400_000_000

_SPARK_TYPES = {
    pa.int64(): "long",
    pa.int32(): "int",
    pa.int16(): "short",
    pa.int8(): "byte",
    pa.float64(): "double",
    pa.string(): "string",
    pa.bool_(): "boolean",
}


def _grouped(function: Callable[..., pa.Table], *bound: object) -> Callable[[pa.Table], pa.Table]:
    """``function`` with its leading arguments bound, as ``applyInArrow`` takes it.

    Not :func:`functools.partial`: PySpark reads the function's signature to
    choose how to call it, and fails on a partial.
    """

    def grouped(table: pa.Table) -> pa.Table:
        return function(*bound, table)

    return grouped


def _ddl(schema: pa.Schema) -> str:
    """A Spark DDL schema string for an Arrow schema of flat columns."""
    columns = []
    for field in schema:
        kind = "timestamp" if pa.types.is_timestamp(field.type) else _SPARK_TYPES[field.type]
        columns.append(f"`{field.name}` {kind}")
    return ", ".join(columns)


def _read(
    spark: SparkSession, files: Sequence[Path], wanted: Sequence[str], schema: pa.Schema
) -> DataFrame:
    """Columns ``wanted`` of ``files`` (null where a file lacks one) and where each row was read."""
    from pyspark.sql import functions as F

    fields = pa.schema([schema.field(name) for name in wanted])
    frame = spark.read.schema(_ddl(fields)).parquet(*(str(path) for path in files))
    return frame.select(
        *wanted,
        F.col("_metadata.file_path").alias("_file"),
        F.col("_metadata.row_index").alias("_row"),
    )


def detect_events(
    spark: SparkSession,
    position_files: Sequence[Path],
    statics_files: Sequence[Path],
    settings: BehaviourSettings,
    gazetteer: Gazetteer,
    areas: Sequence[Area],
) -> tuple[pl.DataFrame, int, int]:
    """Every event of the files: (events, positions read, vessels)."""
    from pyspark.sql import functions as F

    events_ddl = _ddl(groups.EVENT_ARROW)
    parts: list[DataFrame] = []
    cached: list[DataFrame] = []
    positions_read = vessels = 0
    if position_files:
        columns = ["mmsi", "ts", "lat", "lon", "sog", "distance_to_shore_km", "ts_estimated"]
        wanted = [c for c in columns if c in POSITIONS.names]
        positions = (
            _read(spark, position_files, wanted, POSITIONS.arrow_schema)
            # a time estimated from a file's date says nothing of movement (as the local executor)
            .where(
                F.col("ts").isNotNull()
                & F.col("mmsi").isNotNull()
                & ~F.coalesce(F.col("ts_estimated"), F.lit(False))
            )
            .drop("ts_estimated")
            .cache()
        )
        cached.append(positions)
        counted = positions.agg(F.count("*"), F.countDistinct("mmsi")).first()
        assert counted is not None
        positions_read, vessels = int(counted[0]), int(counted[1])
        by_vessel = positions.groupBy("mmsi")
        parts.append(
            by_vessel.applyInArrow(
                _grouped(groups.vessel_events, settings, gazetteer, tuple(areas)),
                events_ddl,
            )
        )
        parts.append(_encounters(positions, settings, gazetteer, cached))
    if statics_files:
        wanted = ["mmsi", "ts", *(f for f in FIELDS if f in STATICS.names)]
        statics = _read(spark, statics_files, wanted, STATICS.arrow_schema).cache()
        cached.append(statics)
        parts.append(
            statics.groupBy("mmsi").applyInArrow(
                _grouped(groups.vessel_field_changes, settings), events_ddl
            )
        )
        if "imo" in wanted:
            parts.append(
                statics.where(F.col("imo").isNotNull())
                .groupBy("imo")
                .applyInArrow(_grouped(groups.imo_shared, settings), events_ddl)
            )
    if not parts:
        return pl.DataFrame(schema=EVENT_SCHEMA), 0, 0
    union = functools.reduce(lambda a, b: a.unionByName(b), parts)
    try:
        frame = pl.from_arrow(union.toArrow())
    finally:
        for done in cached:
            done.unpersist()
    assert isinstance(frame, pl.DataFrame)
    events = frame.cast(EVENT_SCHEMA).unique(subset="event_id", keep="first")  # type: ignore[arg-type]
    return events.sort(["start", "event_id"]), positions_read, vessels


def _encounters(
    positions: DataFrame,
    settings: BehaviourSettings,
    gazetteer: Gazetteer,
    cached: list[DataFrame],
) -> DataFrame:
    from pyspark.sql import functions as F

    config = settings.encounter
    step_us = int(config.resample_minutes * 60e6)
    # a run of min_hours needs this many consecutive close samples at least
    needed = max(1, math.floor(config.min_hours * 3600e6 / step_us))
    margin_us = int(config.max_interpolation_gap_hours * 3600e6) + 2 * step_us
    tracks = (
        positions.groupBy("mmsi")
        .applyInArrow(
            _grouped(groups.vessel_tracks, settings, gazetteer),
            _ddl(groups.TRACK_ARROW),
        )
        .cache()
    )
    cached.append(tracks)
    samples = tracks.where(F.col("sample")).withColumn("day", F.floor(F.col("t") / DAY_US))
    pairs = samples.groupBy("clat", "clon", "day").applyInArrow(
        _grouped(groups.cell_pairs, settings), _ddl(groups.PAIR_ARROW)
    )
    candidates = (
        pairs.groupBy("mmsi_a", "mmsi_b")
        .agg(
            F.countDistinct("t").alias("close"),
            (F.min("t") - margin_us).alias("from_t"),
            (F.max("t") + margin_us).alias("to_t"),
        )
        .where(F.col("close") >= needed)
    )
    fixes = tracks.where(~F.col("sample")).select("mmsi", "t", "lat", "lon", "sog", "segment")
    sides = [
        fixes.join(candidates, fixes["mmsi"] == candidates[side])
        .where(F.col("t").between(F.col("from_t"), F.col("to_t")))
        .select("mmsi_a", "mmsi_b", "mmsi", "t", "lat", "lon", "sog", "segment")
        for side in ("mmsi_a", "mmsi_b")
    ]
    return (
        sides[0]
        .unionByName(sides[1])
        .groupBy("mmsi_a", "mmsi_b")
        .applyInArrow(
            _grouped(groups.pair_encounters, settings, gazetteer),
            _ddl(groups.EVENT_ARROW),
        )
    )
