"""Analyst areas: save, import and list the polygons analysts draw on the map.

An area belongs to its creator's agency: users of that agency who may see
the maritime picture read it, supervisors read every agency's (as they read
every agency's reports past submission). Saving is audited (``area.create``)
with the area's id and name, never its geometry.

Detection is node-wide (AIS positions belong to no report): after each
change every area is written to ``<data_dir>/areas/analyst-areas.geojson``,
which the behaviour detector reads beside the node's own area files, so an
area drawn or imported gives ``area_entry`` and ``area_exit`` events from the
next detection run on.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from portintel.adapters.behaviour_config import write_analyst_areas
from portintel.adapters.database import tables
from portintel.domain.actors import Actor, Role
from portintel.domain.maritime.areas import (
    ImportedArea,
    RefusedFeature,
    clean_name,
    clean_polygon,
    parse_area_file,
)
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


@dataclass(frozen=True, slots=True)
class AreaImport:
    """What one import file gave: the areas stored and the features refused with their reason."""

    source: str
    imported: list[AreaView] = field(default_factory=list)
    refused: list[RefusedFeature] = field(default_factory=list)


_EXPORT = threading.Lock()
"""One export at a time in this process, so the file always follows the last commit."""


def _insert(
    connection: Connection,
    actor: Actor,
    name: str,
    geometry: dict[str, Any],
    at: datetime,
    detail: dict[str, Any] | None = None,
) -> AreaView:
    view = AreaView(
        id=AREA_ID_PREFIX + secrets.token_hex(12),
        name=name,
        geometry=geometry,
        created_by=actor.username,
        agency_id=actor.agency_id,
        created_at=at,
    )
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
        detail={"name": view.name, **(detail or {})},
        at=view.created_at,
    )
    return view


def export_areas(ws: Workspace) -> None:
    """Write every stored area where detection reads areas (after each change, or to repair)."""
    a = tables.analyst_areas.c
    with _EXPORT:
        with ws.engine.connect() as connection:
            rows = connection.execute(
                select(a.id, a.name, a.geometry).order_by(a.created_at, a.id)
            ).all()
        features = [
            {
                "type": "Feature",
                "id": row.id,
                "geometry": row.geometry,
                "properties": {"id": row.id, "name": row.name},
            }
            for row in rows
        ]
        write_analyst_areas(ws.settings.data_dir, features)


def create_area(ws: Workspace, actor: Actor, *, name: str, geometry: Any) -> AreaView:
    """Validate and store one area; ``InvalidInput`` names what is wrong and where."""
    require_picture(actor)
    cleaned_name, cleaned = clean_name(name), clean_polygon(geometry)
    with ws.engine.begin() as connection:
        view = _insert(connection, actor, cleaned_name, cleaned, ws.clock())
    export_areas(ws)
    return view


def import_areas(ws: Workspace, actor: Actor, content: bytes | str, *, source: str) -> AreaImport:
    """Store every valid polygon of a GeoJSON file, in one transaction.

    A file that is not GeoJSON raises ``InvalidInput``; a feature that is not
    a valid polygon is refused with its index (from 0) and reason while the
    others are stored. Each area is audited as ``area.create`` with the file
    it was imported from.
    """
    require_picture(actor)
    name = source.replace("\\", "/").rsplit("/", 1)[-1][:200] or "upload"
    found: list[ImportedArea]
    found, refused = parse_area_file(content, source=name)
    result = AreaImport(source=name, refused=refused)
    if not found:
        return result
    at = ws.clock()
    with ws.engine.begin() as connection:
        for area in found:
            detail = {"imported_from": name, "feature": area.feature}
            result.imported.append(_insert(connection, actor, area.name, area.geometry, at, detail))
    export_areas(ws)
    return result


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
