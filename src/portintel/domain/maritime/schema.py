"""The track store schema as data: every column of every dataset, with its Arrow type.

The track store holds three datasets of Parquet files, each partitioned by
UTC day (``<dataset>/day=YYYY-MM-DD/part-*.parquet``):

- ``positions``: one row per position fix (AIS types 1, 2, 3, 4, 9, 18, 19,
  21, 27, and every CSV/Parquet archive row with a position);
- ``statics``: one row per static or voyage report (types 5, 19, 21, 24 A
  and B, and archive rows carrying identity data);
- ``quarantine``: every input that was refused, with the reason, the raw
  text and where it came from; nothing is dropped silently.
- ``other``: decoded messages of the types the store does not model
  (binary, safety text, base-station and interrogation types, ...) with their
  MMSI, time and decoded fields as JSON, and archive rows with neither a
  position nor identity data (with the reason), kept raw so they can be
  queried or re-read later.

Rows belong to a track by ``track_id``: the MMSI as text for AIS, or an
archive's own vessel id when that is not an MMSI (``id_kind`` says which),
so archives of vessel numbers are kept instead of refused as invalid MMSIs.

Keeping the schema here, as data, lets the writer enforce it, the docs
(``docs/track-store.md``) describe it and a test keep both in step. Values
AIS marks "not available" (speed 102.3, course 360, heading 511, draught 0,
IMO 0, empty text) are stored as null, never as the sentinel.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
import pyarrow as pa  # type: ignore[import-untyped]

UTC_TIMESTAMP = pa.timestamp("us", tz="UTC")
_POLARS_SCHEMAS: dict[int, tuple[tuple[Column, ...], pl.Schema]] = {}
"""By the identity of a dataset's columns (held, so the identity is not reused)."""


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a track store dataset; ``description`` goes into the docs."""

    name: str
    type: pa.DataType
    description: str
    nullable: bool = True
    fill: pl.Expr | None = None
    """What :meth:`Dataset.conform` puts in the column when a frame lacks it (default null)."""


@dataclass(frozen=True, slots=True)
class Dataset:
    """A dataset of the track store: its directory name and ordered columns."""

    name: str
    columns: tuple[Column, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)

    @property
    def arrow_schema(self) -> pa.Schema:
        return pa.schema(
            [
                pa.field(column.name, column.type, nullable=column.nullable)
                for column in self.columns
            ]
        )

    @property
    def polars_schema(self) -> pl.Schema:
        """The columns as Polars types (a copy: the caller may change it)."""
        return pl.Schema(self._shared_schema())

    def _shared_schema(self) -> pl.Schema:
        # built once per dataset and shared by the methods below, which only read it: the
        # store conforms every write of every batch, and even copying a schema costs 2 ms
        held = _POLARS_SCHEMAS.get(id(self.columns))
        if held is None or held[0] is not self.columns:
            # empty arrays from pa.nulls: empty_table() and pa.array make pyarrow import pandas
            schema = self.arrow_schema
            empty = pa.Table.from_arrays(
                [pa.nulls(0, field.type) for field in schema], schema=schema
            )
            frame = pl.from_arrow(empty)
            assert isinstance(frame, pl.DataFrame)
            held = _POLARS_SCHEMAS[id(self.columns)] = (self.columns, frame.schema)
        return held[1]

    def empty(self) -> pl.DataFrame:
        return pl.DataFrame(schema=self._shared_schema())

    def conform(self, frame: pl.DataFrame) -> pl.DataFrame:
        """Select and cast ``frame`` to exactly this dataset's columns (missing ones null)."""
        schema = self._shared_schema()
        fills = {column.name: column.fill for column in self.columns}

        def missing(name: str) -> pl.Expr:
            fill = fills[name]
            usable = fill is not None and set(fill.meta.root_names()) <= set(frame.columns)
            return fill if usable and fill is not None else pl.lit(None)

        return frame.select(
            [
                (pl.col(name) if name in frame.columns else missing(name))
                .cast(dtype, strict=False)
                .alias(name)
                for name, dtype in schema.items()
            ]
        )


_KEY = Column(
    "key",
    pa.string(),
    "Deterministic row key: hash of source, track id, timestamp and the raw message or CSV "
    "row (quarantine and other: source, location, line, [reason,] raw). A re-ingest produces "
    "the same keys, so nothing is added twice.",
    nullable=False,
)
_SOURCE = Column("source", pa.string(), "Name of the input: receiver, archive or file.", False)
_LOCATION = Column("location", pa.string(), "File path or stream address the row came from.")
_LINE = Column("line", pa.int64(), "Line (NMEA) or row (CSV, 1 = header) number in the input.")
_STATION = Column("station", pa.string(), "Receiving station from the NMEA 4.0 tag block (s:).")
_RAW = Column("raw", pa.string(), "The sentence(s) or CSV row as received.")
_MMSI = Column(
    "mmsi",
    pa.int64(),
    "Maritime Mobile Service Identity of the transmitter (null when the track id is not an MMSI).",
)
_TRACK_ID = Column(
    "track_id",
    pa.string(),
    "Whose track the row belongs to: the MMSI as text, or an archive's own vessel id "
    "(--id-column). Tracks, speed checks and row keys go by this column.",
    False,
    fill=pl.col("mmsi").cast(pl.Int64).cast(pl.Utf8),
)
_ID_KIND = Column(
    "id_kind",
    pa.string(),
    "What track_id is: mmsi (checked as an ITU-R M.585 MMSI) or vessel_id (an archive's own "
    "vessel number, not an MMSI, never checked as one).",
    False,
    fill=pl.lit("mmsi"),
)
_TS = Column("ts", UTC_TIMESTAMP, "UTC time the message was received (or the archive's time).")
_TS_SOURCE = Column(
    "ts_source",
    pa.string(),
    "Where ts comes from: receiver (NMEA 4.0 tag block c: or a logger's time column), "
    "archive (the archive's time column), arrival (when a live feed delivered the line) or "
    "file (the file's modification time, an estimate).",
    False,
)
_RECEIVERS = Column(
    "receivers",
    pa.int16(),
    "How many receptions of this one message were merged into the row (1 unless several "
    "receivers or antennas heard it).",
    False,
    fill=pl.lit(1),
)
_STATIONS = Column(
    "stations",
    pa.list_(pa.string()),
    "Every receiving station (s:) that heard the message, sorted; empty without tag blocks, "
    "null for archive rows.",
)
_TS_ESTIMATED = Column(
    "ts_estimated",
    pa.bool_(),
    "True when the input carried no time and ts is the file's modification time.",
    False,
)
_MSG_TYPE = Column("msg_type", pa.int8(), "AIS message type (null for archive rows).")
_TAG_UNTRUSTED = Column(
    "tag_untrusted",
    pa.bool_(),
    "True when the sentence's NMEA 4.0 tag block had a wrong checksum: the sentence's own "
    "checksum was right so the row is kept, but the tag's time was not used (ts is then the "
    "fallback) unless the ingest was told to (--ignore-tag-checksums). False otherwise.",
)
_OTHER_REASON = Column(
    "reason",
    pa.string(),
    "Why an archive row is here (it has neither a position nor identity data); "
    "null for decoded messages of types the store does not model.",
)

POSITIONS = Dataset(
    "positions",
    (
        _KEY,
        _TRACK_ID,
        _ID_KIND,
        _MMSI,
        _TS,
        _TS_ESTIMATED,
        _TS_SOURCE,
        Column("lat", pa.float64(), "Latitude, WGS84 degrees, -90..90.", False),
        Column("lon", pa.float64(), "Longitude, WGS84 degrees, -180..180.", False),
        Column("sog", pa.float64(), "Speed over ground, knots."),
        Column("cog", pa.float64(), "Course over ground, degrees 0..359.9."),
        Column("heading", pa.int16(), "True heading, degrees 0..359."),
        Column("nav_status", pa.int8(), "Navigational status code 0..15 (ITU-R M.1371)."),
        _MSG_TYPE,
        _SOURCE,
        _STATION,
        _TAG_UNTRUSTED,
        _RECEIVERS,
        _STATIONS,
        _LOCATION,
        _LINE,
        _RAW,
        Column(
            "on_land",
            pa.bool_(),
            "True when the position falls on land in global-land-mask's 1 km grid, which knows "
            "only the ocean: berths, rivers, lakes and canals are land. A flag, not a refusal. "
            "Null for base stations (4), SAR aircraft (9) and aids to navigation (21).",
        ),
        Column(
            "distance_to_shore_km",
            pa.float64(),
            "Kilometres to the land mask's coastline on either side of it (to about one "
            "1/15 degree cell; 0 = within a cell of the coast).",
        ),
        Column(
            "implied_speed_knots",
            pa.float64(),
            "Lowest speed from the vessel's previous stored fix consistent with both fixes' "
            "position resolution and the source's timestamp resolution (null for a first fix "
            "or an estimated time).",
        ),
        Column(
            "speed_flag",
            pa.bool_(),
            "True when implied_speed_knots is above the segmenting speed (25 kn): kept, and "
            "the track is segmented there.",
        ),
    ),
)

STATICS = Dataset(
    "statics",
    (
        _KEY,
        _TRACK_ID,
        _ID_KIND,
        _MMSI,
        _TS,
        _TS_ESTIMATED,
        _TS_SOURCE,
        Column("name", pa.string(), "Vessel name (or aid-to-navigation name)."),
        Column("callsign", pa.string(), "Radio call sign."),
        Column("imo", pa.int64(), "IMO number as transmitted (check digit not verified here)."),
        Column("ship_type", pa.int16(), "AIS ship and cargo type code 0..99."),
        Column("to_bow", pa.int16(), "GNSS antenna to bow, metres."),
        Column("to_stern", pa.int16(), "GNSS antenna to stern, metres."),
        Column("to_port", pa.int16(), "GNSS antenna to port side, metres."),
        Column("to_starboard", pa.int16(), "GNSS antenna to starboard side, metres."),
        Column("length", pa.float64(), "Length overall, metres (bow + stern)."),
        Column("width", pa.float64(), "Beam, metres (port + starboard)."),
        Column("draught", pa.float64(), "Present static draught, metres."),
        Column("destination", pa.string(), "Destination as typed by the crew."),
        Column("eta", UTC_TIMESTAMP, "Estimated time of arrival, UTC (year inferred)."),
        _MSG_TYPE,
        _SOURCE,
        _STATION,
        _TAG_UNTRUSTED,
        _RECEIVERS,
        _STATIONS,
        _LOCATION,
        _LINE,
        _RAW,
    ),
)

QUARANTINE = Dataset(
    "quarantine",
    (
        _KEY,
        Column("reason", pa.string(), "Why the input was refused.", False),
        Column("mmsi", pa.int64(), "MMSI when it could be read."),
        Column(
            "track_id",
            pa.string(),
            "Track id (MMSI or archive vessel id) when it could be read.",
            fill=pl.col("mmsi").cast(pl.Int64).cast(pl.Utf8),
        ),
        _TS,
        _MSG_TYPE,
        _SOURCE,
        _LOCATION,
        _LINE,
        _RAW,
    ),
)

OTHER = Dataset(
    "other",
    (
        _KEY,
        _MSG_TYPE,
        Column("mmsi", pa.int64(), "MMSI of the transmitter (null for types not decoded)."),
        Column("track_id", pa.string(), "Track id (MMSI or archive vessel id) when known."),
        _TS,
        _TS_SOURCE,
        Column(
            "fields",
            pa.string(),
            "The decoded fields as a JSON object, with pyais's names (binary data as hex); "
            "null for types not decoded (kept raw) and archive rows.",
        ),
        _OTHER_REASON,
        _SOURCE,
        _STATION,
        _TAG_UNTRUSTED,
        _RECEIVERS,
        _STATIONS,
        _LOCATION,
        _LINE,
        _RAW,
    ),
)

DATASETS: tuple[Dataset, ...] = (POSITIONS, STATICS, QUARANTINE, OTHER)
