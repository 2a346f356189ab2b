"""Which vessels a change touches: the only ones a job rescored (never a full rescan).

* behaviour events name their vessels (``mmsi`` and ``other_mmsi``);
* a statement, a report or a watchlist hit touches its entities, and the
  vessels within two steps of them in the entity graph (a person now on a
  watchlist raises the score of the boat they own), the steps counted as the
  ``watchlist_link`` indicator counts them.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl
from sqlalchemy import select

from portintel.adapters.database import tables
from portintel.domain.maritime.behaviour.common import EVENTS
from portintel.services.targeting.facts import AIS_ORIGIN, MAX_LINK_NODES, is_edge, neighbours
from portintel.services.workspace import Workspace

_S = tables.statements.c
MAX_STEPS = 2


def vessels_of_events(ws: Workspace, event_ids: Sequence[str]) -> list[int]:
    if not event_ids:
        return []
    frame = (
        ws.tracks.scan(EVENTS)
        .filter(pl.col("event_id").is_in([str(e) for e in event_ids]))
        .select("mmsi", "other_mmsi")
        .collect()
    )
    found = set(frame["mmsi"].drop_nulls().to_list()) | set(
        frame["other_mmsi"].drop_nulls().to_list()
    )
    return sorted(int(m) for m in found)


def vessels_near_entities(ws: Workspace, entity_ids: Sequence[str]) -> list[int]:
    """MMSIs of registry vessels that are, or are within two steps of, these entities."""
    if not entity_ids:
        return []
    with ws.engine.connect() as connection:
        rows = connection.execute(
            select(_S.canonical_id)
            .distinct()
            .where(_S.entity_id.in_(list(entity_ids)) | _S.canonical_id.in_(list(entity_ids)))
        ).all()
        steps = {row.canonical_id: 0 for row in rows}
        frontier = list(steps)
        while frontier and len(steps) < MAX_LINK_NODES:
            following: list[str] = []
            for source, target, _statement, _origin, schema in neighbours(connection, frontier):
                total = steps[source] + (0 if is_edge(schema) else 1)
                if total > MAX_STEPS or target in steps:
                    continue
                steps[target] = total
                following.append(target)
            frontier = following
        canonical = sorted(steps)
        mmsis: set[int] = set()
        for start in range(0, len(canonical), 500):
            mmsis.update(
                int(row.value)
                for row in connection.execute(
                    select(_S.value).where(
                        _S.canonical_id.in_(canonical[start : start + 500]),
                        _S.schema == "Vessel",
                        _S.prop == "mmsi",
                        _S.origin.like(f"{AIS_ORIGIN}%"),
                    )
                ).all()
                if str(row.value).isdigit()
            )
    return sorted(mmsis)


def entities_of_reports(ws: Workspace, report_ids: Sequence[str]) -> list[str]:
    if not report_ids:
        return []
    with ws.engine.connect() as connection:
        rows = connection.execute(
            select(_S.canonical_id).distinct().where(_S.origin.in_(list(report_ids)))
        ).all()
        incidents = connection.execute(
            select(tables.incidents.c.vessel_entity_id)
            .distinct()
            .where(
                tables.incidents.c.report_id.in_(list(report_ids)),
                tables.incidents.c.vessel_entity_id.is_not(None),
            )
        ).all()
    return sorted({row.canonical_id for row in rows} | {row[0] for row in incidents})
