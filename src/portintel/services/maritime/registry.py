"""The vessel registry: each MMSI's identities over time as followthemoney Vessel statements.

AIS says who a transmitter claims to be: a name, a call sign, an IMO
number, a ship type; the MMSI's MID says which flag administration issued
it. Each distinct value becomes a statement on the MMSI's registry entity
(an opaque id, minted when the MMSI is first heard and found again by its
``mmsi`` statement from AIS) with origin ``ais:<source>`` and the first and last
time it was heard, so an AIS identity has provenance like any reported
fact, and a change of name or IMO is visible as two statements. An IMO
number with a bad check digit is kept with its ``invalid_reason``.
Only ship MMSIs (MID 201-775 first) enter the registry; base stations,
aids to navigation and aircraft do not.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import polars as pl
from sqlalchemy import Connection, func, select

from portintel.adapters.database import tables
from portintel.adapters.database.scope import statement_condition, statements_with_reports
from portintel.domain.access import reader_scope
from portintel.domain.actors import Actor
from portintel.domain.identifiers import check_imo, mmsi_country
from portintel.domain.maritime.normalise import InputContext
from portintel.domain.maritime.vocabulary import ship_type_label
from portintel.domain.statements import StatementRecord
from portintel.services.events import announce, transaction
from portintel.services.intake import new_entity_id, widen_spans_by_id, write_statements
from portintel.services.workspace import Workspace

# an ingest meets the same few thousand vessels in every batch: their checks are remembered
_country_of = functools.lru_cache(maxsize=65_536)(mmsi_country)
_imo_check = functools.lru_cache(maxsize=65_536)(check_imo)
_ship_type = functools.lru_cache(maxsize=1_024)(ship_type_label)

SCHEMA = "Vessel"
ORIGIN_PREFIX = "ais:"
NOT_VESSEL_TYPES = (4, 9, 21)
FIRST_SHIP_MMSI, LAST_SHIP_MMSI = 201_000_000, 775_999_999

# track store column -> (followthemoney property, property type)
IDENTITY_PROPERTIES = {
    "name": ("name", "name"),
    "callsign": ("callSign", "identifier"),
    "imo": ("imoNumber", "identifier"),
    "ship_type": ("type", "string"),
}


def registry_entity_ids(connection: Connection, mmsis: Iterable[int]) -> dict[int, str]:
    """MMSI -> the registry entity that AIS already knows it by (the oldest, if several)."""
    wanted = sorted({str(mmsi) for mmsi in mmsis})
    if not wanted:
        return {}
    s = tables.statements.c
    rows = connection.execute(
        select(s.value, s.entity_id, func.min(s.first_seen).label("first"))
        .where(
            s.schema == SCHEMA,
            s.prop == "mmsi",
            s.origin.like(f"{ORIGIN_PREFIX}%"),
            s.value.in_(wanted),
        )
        .group_by(s.value, s.entity_id)
        .order_by(s.value, "first", s.entity_id)
    ).all()
    found: dict[int, str] = {}
    for row in rows:
        found.setdefault(int(row.value), row.entity_id)
    return found


def _ships(frame: pl.DataFrame) -> pl.DataFrame:
    ships = frame.filter(pl.col("mmsi").is_between(FIRST_SHIP_MMSI, LAST_SHIP_MMSI))
    if "msg_type" in ships.columns:
        ships = ships.filter(~pl.col("msg_type").is_in(NOT_VESSEL_TYPES).fill_null(False))
    return ships.filter(pl.col("ts").is_not_null())


def _spans(frame: pl.DataFrame, column: str) -> list[tuple[int, object, int, int]]:
    """(mmsi, value, first seen, last seen) for each distinct non-null value of ``column``;
    times in microseconds since the epoch."""
    if column not in frame.columns:
        return []
    grouped = (
        frame.filter(pl.col(column).is_not_null())
        .group_by("mmsi", column)
        .agg(_first_us(), _last_us())
        .sort("mmsi", column)
    )
    return list(grouped.iter_rows())


def _first_us() -> pl.Expr:
    return pl.col("ts").min().dt.epoch("us").alias("first")


def _last_us() -> pl.Expr:
    return pl.col("ts").max().dt.epoch("us").alias("last")


def heard_ships(positions: pl.DataFrame, statics: pl.DataFrame) -> list[int]:
    """The ship MMSIs of one batch, those the registry keeps."""
    ships = pl.concat(
        [_ships(positions).select("mmsi"), _ships(statics).select("mmsi")],
        how="vertical_relaxed",
    )
    return sorted(int(mmsi) for mmsi in ships.get_column("mmsi").unique().to_list())


IdentityRow = tuple[int, str, str, str, str | None, str | None, datetime, datetime]
"""(mmsi, property, property type, value, original value, invalid reason, first, last)."""
_TimedRow = tuple[int, str, str, str, str | None, str | None, int, int]
"""An identity row with first and last in microseconds since the epoch (UTC)."""
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _moment(microseconds: int) -> datetime:
    return _EPOCH + timedelta(microseconds=microseconds)


def identity_rows(positions: pl.DataFrame, statics: pl.DataFrame) -> list[IdentityRow]:
    """Each ship's identity values of one batch with when they were first and last heard."""
    return [
        (*row[:6], _moment(row[6]), _moment(row[7]))
        for row in _timed_identity_rows(positions, statics)
    ]


def _timed_identity_rows(positions: pl.DataFrame, statics: pl.DataFrame) -> list[_TimedRow]:
    """:func:`identity_rows` with the times as integers: no ``datetime`` built per row."""
    positions, statics = _ships(positions), _ships(statics)
    heard = pl.concat(
        [positions.select("mmsi", "ts"), statics.select("mmsi", "ts")], how="vertical_relaxed"
    )
    rows: list[_TimedRow] = []
    heard_spans = heard.group_by("mmsi").agg(_first_us(), _last_us()).sort("mmsi")
    for mmsi, first, last in heard_spans.iter_rows():
        rows.append((mmsi, "mmsi", "identifier", str(mmsi), None, None, first, last))
        country = _country_of(f"{mmsi:09d}")
        if country:
            rows.append((mmsi, "flag", "country", country.lower(), None, None, first, last))
    for column, (prop, prop_type) in IDENTITY_PROPERTIES.items():
        for mmsi, value, first, last in _spans(statics, column):
            if column == "imo":
                check = _imo_check(str(value))
                if check.valid and check.value:
                    rows.append((mmsi, prop, prop_type, check.value, str(value), None, first, last))
                else:
                    rows.append(
                        (mmsi, prop, prop_type, str(value), None, check.reason, first, last)
                    )
            elif column == "ship_type":
                label = _ship_type(int(str(value)))
                if label:
                    rows.append((mmsi, prop, prop_type, label, str(value), None, first, last))
            else:
                rows.append((mmsi, prop, prop_type, str(value), None, None, first, last))
    return rows


def _record(row: IdentityRow, *, entity_id: str, dataset: str, origin: str) -> StatementRecord:
    _mmsi, prop, prop_type, value, original, invalid_reason, first, last = row
    return StatementRecord(
        entity_id=entity_id,
        schema=SCHEMA,
        prop=prop,
        prop_type=prop_type,
        value=value,
        dataset=dataset,
        origin=origin,
        first_seen=first,
        last_seen=last,
        original_value=original,
        invalid_reason=invalid_reason,
    )


def vessel_statements(
    positions: pl.DataFrame,
    statics: pl.DataFrame,
    *,
    dataset: str,
    source: str,
    entity_ids: Mapping[int, str],
) -> list[StatementRecord]:
    """Statements for the ships heard in one batch (pure: no store touched).

    ``entity_ids`` gives each ship's registry entity (see :func:`heard_ships`).
    """
    origin = f"{ORIGIN_PREFIX}{source}"
    return [
        _record(row, entity_id=entity_ids[row[0]], dataset=dataset, origin=origin)
        for row in identity_rows(positions, statics)
    ]


class VesselRegistry:
    """Writes the registry statements of each accepted batch into the relational store.

    An ingest hears the same vessels in every batch, and most of a batch's
    statements exist already with a narrower span. The registry remembers
    each statement it committed (its id and span), so a batch writes in full
    only the statements new to this object; one it wrote before only has its
    span widened, and only when the batch widens it. The store ends the same
    as if every batch's statements had been written in full, and a batch that
    widened or added statements is announced (``statements_written``) as before.
    """

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.written = 0
        # MMSI -> registry entity, as committed: an ingest meets the same vessels every
        # batch, and only vessels new to this object are looked up in the store
        self._entity_ids: dict[int, str] = {}
        # (entity, property, value, origin) -> (statement, first seen, last seen), committed
        self._spans: dict[tuple[str, str, str, str], tuple[str, int, int]] = {}
        """(entity, property, value, origin) -> (statement id, first, last seen), committed;
        times in microseconds since the epoch (no ``datetime`` per statement and batch)."""

    def observe(
        self, positions: pl.DataFrame, statics: pl.DataFrame, context: InputContext
    ) -> None:
        """Write the batch's registry statements; announce the accepted positions after commit."""
        identities = _timed_identity_rows(positions, statics)
        # every ship heard has its ``mmsi`` row, in MMSI order: the batch's ships (heard_ships)
        ships = [row[0] for row in identities if row[1] == "mmsi"]
        if not ships and positions.height == 0:
            return
        entity_ids: dict[int, str] = {}
        spans: dict[tuple[str, str, str, str], tuple[str, int, int]] = {}
        with transaction(self.ws) as connection:
            if ships:
                unknown = [mmsi for mmsi in ships if mmsi not in self._entity_ids]
                known = {**self._entity_ids, **registry_entity_ids(connection, unknown)}
                entity_ids = {mmsi: known.get(mmsi) or new_entity_id() for mmsi in ships}
                origin = f"{ORIGIN_PREFIX}{context.source}"
                dataset = self.ws.settings.node_id
                new: dict[tuple[str, str, str, str], _TimedRow] = {}
                widened: dict[tuple[str, str, str, str], tuple[str, int, int]] = {}
                for row in identities:
                    entity_id = entity_ids[row[0]]
                    key = (entity_id, row[1], row[3], origin)
                    first, last = row[6], row[7]
                    committed = self._spans.get(key)
                    if committed is None:
                        if key in new:  # two raw values, one statement (IMO 1234567, IMO1234567)
                            was = new[key]
                            first, last = min(first, was[6]), max(last, was[7])
                        new[key] = (*row[:6], first, last)  # the batch's last raw value
                        continue
                    statement_id, was_first, was_last = spans.get(key, committed)
                    if first < was_first or last > was_last:
                        span = (statement_id, min(first, was_first), max(last, was_last))
                        widened[key] = spans[key] = span
                records = [
                    _record(
                        (*row[:6], _moment(row[6]), _moment(row[7])),
                        entity_id=key[0],
                        dataset=dataset,
                        origin=origin,
                    )
                    for key, row in new.items()
                ]
                self.written += write_statements(connection, records)
                for key, record in zip(new, records, strict=True):
                    spans[key] = (record.id, new[key][6], new[key][7])
                self.written += widen_spans_by_id(
                    connection,
                    list(widened.values()),
                    origins=(origin,),
                    entity_ids={key[0] for key in widened},
                )
            if positions.height:
                announce(connection, "positions_accepted", **accepted_summary(positions, context))
        # committed: the ids and spans are the store's now
        self._entity_ids.update(entity_ids)
        self._spans.update(spans)


def accepted_summary(positions: pl.DataFrame, context: InputContext) -> dict[str, Any]:
    """The ``positions_accepted`` arguments of one accepted batch."""
    times = positions["ts"].drop_nulls()
    return {
        "source": context.source,
        "positions": positions.height,
        "mmsis": tuple(sorted(int(m) for m in positions["mmsi"].drop_nulls().unique().to_list())),
        "first_at": times.min() if times.len() else None,
        "last_at": times.max() if times.len() else None,
    }


@dataclass(slots=True)
class VesselView:
    """One vessel of the registry as a person reads it."""

    entity_id: str
    mmsi: str
    first_seen: datetime
    last_seen: datetime
    values: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    invalid: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    sources: set[str] = field(default_factory=set)


def list_vessels(
    ws: Workspace, actor: Actor, *, mmsi: str | None = None, limit: int = 100
) -> list[VesselView]:
    """Vessels known from AIS that ``actor`` may read, most recently heard first."""
    table = tables.statements
    query = (
        select(
            table.c.entity_id,
            table.c.prop,
            table.c.value,
            table.c.origin,
            table.c.first_seen,
            table.c.last_seen,
            table.c.invalid_reason,
        )
        .select_from(statements_with_reports())
        .where(
            table.c.schema == SCHEMA,
            table.c.origin.like(f"{ORIGIN_PREFIX}%"),
            statement_condition(reader_scope(actor).statements),
        )
    )
    registry = (
        select(table.c.entity_id, table.c.value)
        .where(
            table.c.schema == SCHEMA,
            table.c.prop == "mmsi",
            table.c.origin.like(f"{ORIGIN_PREFIX}%"),
        )
        .distinct()
    )
    if mmsi is not None:
        registry = registry.where(table.c.value == str(int(mmsi)))
    views: dict[str, VesselView] = {}
    with ws.engine.connect() as connection:
        mmsi_of = {row.entity_id: row.value for row in connection.execute(registry)}
        query = query.where(table.c.entity_id.in_(select(registry.subquery().c.entity_id)))
        for row in connection.execute(query):
            view = views.get(row.entity_id)
            if view is None:
                view = VesselView(
                    row.entity_id, mmsi_of[row.entity_id], row.first_seen, row.last_seen
                )
                views[row.entity_id] = view
            view.first_seen = min(view.first_seen, row.first_seen)
            view.last_seen = max(view.last_seen, row.last_seen)
            view.sources.add(row.origin.removeprefix(ORIGIN_PREFIX))
            target = view.invalid if row.invalid_reason else view.values
            if row.value not in target[row.prop]:
                target[row.prop].append(row.value)
    ordered = sorted(views.values(), key=lambda v: v.last_seen, reverse=True)
    return ordered[:limit]
