"""``/api/v1/maritime/areas/import`` and ``/api/v1/maritime/ports/...``: what analysts enter.

The JSON face of the areas page and the ports pages: a GeoJSON file of
areas (the good features stored, each refused one named by its index and
reason), and additions and corrections to the ports gazetteer with each
entry's history. Statuses: 403 for roles that may not (administrators read
no maritime picture; officers do not change the gazetteer), 404 for an
unknown port id, 422 naming the field at fault.
"""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Body, Depends, File, UploadFile
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from portintel.domain.actors import Actor
from portintel.domain.maritime.port_entries import clean_port_entry
from portintel.services import maritime
from portintel.services.workspace import Workspace
from portintel.web.api.intake.reports import read_upload
from portintel.web.api.maritime.picture import AreaOut
from portintel.web.api.responses import errors
from portintel.web.authentication import api_actor, workspace_of

router = APIRouter(tags=["maritime"])


class RefusedFeatureOut(BaseModel):
    feature: int = Field(description="index in the file's features, from 0")
    reason: str


class AreaImportOut(BaseModel):
    source: str
    imported: list[AreaOut]
    refused: list[RefusedFeatureOut]


@router.post(
    "/maritime/areas/import",
    response_model=AreaImportOut,
    responses=errors(403, write=True),
)
async def import_areas(
    file: UploadFile = File(..., description="GeoJSON: Polygon or MultiPolygon features"),
    actor: Actor = Depends(api_actor),
    ws: Workspace = Depends(workspace_of),
) -> AreaImportOut:
    """Import the valid polygons of a GeoJSON file; each refused feature with its reason."""
    content = await read_upload(ws, file)
    name = file.filename or "upload.geojson"
    result = await run_in_threadpool(lambda: maritime.import_areas(ws, actor, content, source=name))
    return AreaImportOut(
        source=result.source,
        imported=[AreaOut.of(area) for area in result.imported],
        refused=[RefusedFeatureOut(feature=r.feature, reason=r.reason) for r in result.refused],
    )


class PortIn(BaseModel):
    name: str = Field(min_length=1, max_length=200, pattern=r"\S")
    country: str = Field(description="ISO 3166-1 alpha-2", min_length=2, max_length=2)
    kind: str = Field(description="port, anchorage, fishing_harbour or landing_site")
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    source: str = Field(description="where the analyst has it from", max_length=2000)
    licence: str = Field("", max_length=200)
    note: str = Field("", description="why (kept in the history)", max_length=2000)


class PortEditOut(BaseModel):
    id: str
    port_id: str
    action: str
    name: str
    country: str
    kind: str
    lat: float
    lon: float
    source: str
    licence: str
    note: str | None
    created_by: str
    created_at: datetime

    @classmethod
    def of(cls, edit: maritime.PortEdit) -> PortEditOut:
        entry = edit.entry
        return cls(
            id=edit.id,
            port_id=edit.port_id,
            action=edit.action,
            name=entry.name,
            country=entry.country,
            kind=entry.kind,
            lat=entry.lat,
            lon=entry.lon,
            source=entry.source,
            licence=entry.licence,
            note=entry.note,
            created_by=edit.created_by,
            created_at=edit.created_at,
        )


@router.post(
    "/maritime/ports",
    response_model=PortEditOut,
    status_code=201,
    responses=errors(403, write=True),
)
async def add_port(
    body: PortIn = Body(...),
    actor: Actor = Depends(api_actor),
    ws: Workspace = Depends(workspace_of),
) -> PortEditOut:
    """Add a gazetteer entry (analysts, supervisors); audited as ``port.add``."""
    entry = clean_port_entry(**_fields(body))
    return PortEditOut.of(await run_in_threadpool(maritime.add_port, ws, actor, entry))


def _fields(body: PortIn) -> dict[str, str]:
    values = body.model_dump()
    values["lat"], values["lon"] = repr(body.lat), repr(body.lon)
    return values


@router.put(
    "/maritime/ports/{port_id}",
    response_model=PortEditOut,
    responses=errors(403, 404, write=True),
)
async def correct_port(
    port_id: str,
    body: PortIn = Body(...),
    actor: Actor = Depends(api_actor),
    ws: Workspace = Depends(workspace_of),
) -> PortEditOut:
    """Correct an entry in force; its earlier values stay in its history (``port.correct``)."""
    entry = clean_port_entry(**_fields(body))
    edit = await run_in_threadpool(maritime.correct_port, ws, actor, port_id, entry)
    return PortEditOut.of(edit)


class PortHistoryOut(BaseModel):
    id: str
    name: str
    kind: str
    country: str
    lat: float
    lon: float
    source: str
    licence: str
    edits: list[PortEditOut] = Field(description="newest first")
    original_lat: float | None = Field(description="before any analyst's edit (shipped)")
    original_lon: float | None
    original_name: str | None


@router.get("/maritime/ports/{port_id}", response_model=PortHistoryOut, responses=errors(403, 404))
async def port_history(
    port_id: str,
    actor: Actor = Depends(api_actor),
    ws: Workspace = Depends(workspace_of),
) -> PortHistoryOut:
    """One gazetteer entry in force, its values before any edit, and its edits."""
    history = await run_in_threadpool(maritime.port_history, ws, actor, port_id)
    current, original = history.current, history.original
    return PortHistoryOut(
        id=current.id,
        name=current.name,
        kind=current.kind,
        country=current.country,
        lat=current.lat,
        lon=current.lon,
        source=current.source,
        licence=current.licence,
        edits=[PortEditOut.of(edit) for edit in history.edits],
        original_lat=original.lat if original else None,
        original_lon=original.lon if original else None,
        original_name=original.name if original else None,
    )
