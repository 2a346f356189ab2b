"""Area events within the reader's scope.

Detection is node-wide: it runs every area of the node's areas folder, whoever
drew it, so an ``area_entry`` or ``area_exit`` event names an area (its id in
``parameters``, its name in ``details``) that only the drawing agency and
supervisors may read (:func:`portintel.services.maritime.areas.list_areas`).
Every read of stored events applies :func:`readable_area_events`, so a reader
never learns of another agency's area, nor that it watches a place, through
its events. Areas from the node's own files (not drawn in the app) are the
node's and stay readable by every reader of the picture.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import polars as pl
from sqlalchemy import select

from portintel.adapters.database import tables
from portintel.domain.actors import Actor, Role

if TYPE_CHECKING:
    from portintel.services.workspace import Workspace

AREA_EVENT_TYPES = ("area_entry", "area_exit")


def hidden_area_ids(ws: Workspace, actor: Actor) -> frozenset[str]:
    """Ids of analyst areas ``actor`` may not read (another agency's, for a non-supervisor)."""
    if actor.is_system or actor.has(Role.SUPERVISOR):
        return frozenset()
    a = tables.analyst_areas.c
    with ws.engine.connect() as connection:
        rows = connection.execute(select(a.id).where(a.agency_id != actor.agency_id)).all()
    return frozenset(str(row.id) for row in rows)


def readable_area_events(ws: Workspace, actor: Actor) -> pl.Expr:
    """A filter over stored events: false for the area events of areas ``actor`` may not read."""
    hidden = hidden_area_ids(ws, actor)
    if not hidden:
        return pl.lit(True)
    area_id = pl.col("parameters").str.json_path_match("$.area_id")
    return ~(
        pl.col("type").is_in(AREA_EVENT_TYPES) & area_id.is_in(sorted(hidden)).fill_null(False)
    )
