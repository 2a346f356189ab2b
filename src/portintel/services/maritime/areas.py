"""Analyst areas: save and list the polygons analysts draw on the map.

An area belongs to its creator's agency: users of that agency who may see
the maritime picture read it, supervisors read every agency's (as they read
every agency's reports past submission). Saving is audited (``area.create``)
with the area's id and name, never its geometry.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from portintel.adapters.database import tables
from portintel.domain.actors import Actor, Role
from portintel.domain.maritime.areas import clean_name, clean_polygon
from portintel.services import audit
from portintel.services.maritime.picture import require_picture
from portintel.services.workspace import Workspace

AREA_ID_PREFIX = "area-"


@dataclass(frozen=True, slots=True)
class AreaView:
    id: str
    name: str
    geometry: dict[str, Any]
    created_by: str
    agency_id: str
    created_at: datetime


def create_area(ws: Workspace, actor: Actor, *, name: str, geometry: Any) -> AreaView:
    """Validate and store one area; ``InvalidInput`` names what is wrong and where."""
    require_picture(actor)
    view = AreaView(
        id=AREA_ID_PREFIX + secrets.token_hex(12),
        name=clean_name(name),
        geometry=clean_polygon(geometry),
        created_by=actor.username,
        agency_id=actor.agency_id,
        created_at=ws.clock(),
    )
    with ws.engine.begin() as connection:
        connection.execute(
            tables.analyst_areas.insert().values(
                id=view.id,
                name=view.name,
                geometry=view.geometry,
                created_by=actor.user_id,
                agency_id=view.agency_id,
                created_at=view.created_at,
            )
        )
        audit.record(
            connection,
            actor,
            "area.create",
            object_type="area",
            object_id=view.id,
            detail={"name": view.name},
            at=view.created_at,
        )
    return view


def list_areas(ws: Workspace, actor: Actor, *, limit: int = 500) -> list[AreaView]:
    """The areas ``actor`` may read, newest first."""
    require_picture(actor)
    a, u = tables.analyst_areas.c, tables.users.c
    query = (
        select(a.id, a.name, a.geometry, a.agency_id, a.created_at, u.username)
        .join_from(tables.analyst_areas, tables.users, a.created_by == u.id)
        .order_by(a.created_at.desc(), a.id)
        .limit(limit)
    )
    if not (actor.is_system or actor.has(Role.SUPERVISOR)):
        query = query.where(a.agency_id == actor.agency_id)
    with ws.engine.connect() as connection:
        rows = connection.execute(query).all()
    return [
        AreaView(row.id, row.name, row.geometry, row.username, row.agency_id, row.created_at)
        for row in rows
    ]
