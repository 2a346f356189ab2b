"""The vessel registry: each MMSI's identities over time as followthemoney Vessel statements.

AIS says who a transmitter claims to be: a name, a call sign, an IMO
number, a ship type; the MMSI's MID says which flag administration issued
it. Each distinct value becomes a statement on the entity
``vessel-mmsi-<mmsi>`` with origin ``ais:<source>`` and the first and last
time it was heard, so an AIS identity has provenance like any reported
fact, and a change of name or IMO is visible as two statements. An IMO
number with a bad check digit is kept with its ``invalid_reason``.
Only ship MMSIs (MID 201-775 first) enter the registry; base stations,
aids to navigation and aircraft do not.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

import polars as pl
from sqlalchemy import select

from portintel.adapters.database import tables
from portintel.adapters.database.scope import statement_condition, statements_with_reports
from portintel.domain.access import reader_scope
from portintel.domain.actors import Actor
from portintel.domain.identifiers import check_imo, mmsi_country
from portintel.domain.maritime.normalise import InputContext
from portintel.domain.maritime.vocabulary import ship_type_label
from portintel.domain.statements import StatementRecord
from portintel.services.intake.statements import write_statements
from portintel.services.workspace import Workspace

SCHEMA = "Vessel"
ENTITY_PREFIX = "vessel-mmsi-"
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


def vessel_entity_id(mmsi: int) -> str:
    return f"{ENTITY_PREFIX}{mmsi}"


def _ships(frame: pl.DataFrame) -> pl.DataFrame:
    ships = frame.filter(pl.col("mmsi").is_between(FIRST_SHIP_MMSI, LAST_SHIP_MMSI))
    if "msg_type" in ships.columns:
        ships = ships.filter(~pl.col("msg_type").is_in(NOT_VESSEL_TYPES).fill_null(False))
    return ships.filter(pl.col("ts").is_not_null())


def _spans(frame: pl.DataFrame, column: str) -> list[tuple[int, object, datetime, datetime]]:
    """(mmsi, value, first seen, last seen) for each distinct non-null value of ``column``."""
    if column not in frame.columns:
        return []
    grouped = (
        frame.filter(pl.col(column).is_not_null())
        .group_by("mmsi", column)
        .agg(pl.col("ts").min().alias("first"), pl.col("ts").max().alias("last"))
        .sort("mmsi", column)
    )
    return list(grouped.iter_rows())


def vessel_statements(
    positions: pl.DataFrame, statics: pl.DataFrame, *, dataset: str, source: str
) -> list[StatementRecord]:
    """Statements for the ships heard in one batch (pure: no store touched)."""
    origin = f"{ORIGIN_PREFIX}{source}"
    positions, statics = _ships(positions), _ships(statics)
    heard = pl.concat(
        [positions.select("mmsi", "ts"), statics.select("mmsi", "ts")], how="vertical_relaxed"
    )
    records: list[StatementRecord] = []

    def add(
        mmsi: int,
        prop: str,
        prop_type: str,
        value: str,
        first: datetime,
        last: datetime,
        invalid_reason: str | None = None,
        original: str | None = None,
    ) -> None:
        records.append(
            StatementRecord(
                entity_id=vessel_entity_id(mmsi),
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
        )

    heard_spans = (
        heard.group_by("mmsi")
        .agg(pl.col("ts").min().alias("first"), pl.col("ts").max().alias("last"))
        .sort("mmsi")
    )
    for mmsi, first, last in heard_spans.iter_rows():
        add(mmsi, "mmsi", "identifier", str(mmsi), first, last)
        country = mmsi_country(f"{mmsi:09d}")
        if country:
            add(mmsi, "flag", "country", country.lower(), first, last)
    for column, (prop, prop_type) in IDENTITY_PROPERTIES.items():
        for mmsi, value, first, last in _spans(statics, column):
            if column == "imo":
                check = check_imo(str(value))
                if check.valid and check.value:
                    add(mmsi, prop, prop_type, check.value, first, last, original=str(value))
                else:
                    add(mmsi, prop, prop_type, str(value), first, last, invalid_reason=check.reason)
            elif column == "ship_type":
                label = ship_type_label(int(str(value)))
                if label:
                    add(mmsi, prop, prop_type, label, first, last, original=str(value))
            else:
                add(mmsi, prop, prop_type, str(value), first, last)
    return records


class VesselRegistry:
    """Writes the registry statements of each accepted batch into the relational store."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.written = 0

    def observe(
        self, positions: pl.DataFrame, statics: pl.DataFrame, context: InputContext
    ) -> None:
        records = vessel_statements(
            positions, statics, dataset=self.ws.settings.node_id, source=context.source
        )
        if not records:
            return
        with self.ws.engine.begin() as connection:
            self.written += write_statements(connection, records)


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
    if mmsi is not None:
        query = query.where(table.c.entity_id == vessel_entity_id(int(mmsi)))
    else:
        query = query.where(table.c.entity_id.like(f"{ENTITY_PREFIX}%"))
    views: dict[str, VesselView] = {}
    with ws.engine.connect() as connection:
        for row in connection.execute(query):
            view = views.get(row.entity_id)
            if view is None:
                view = VesselView(
                    row.entity_id,
                    row.entity_id.removeprefix(ENTITY_PREFIX),
                    row.first_seen,
                    row.last_seen,
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
