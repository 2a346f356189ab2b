"""``/api/v1/entities``: entities with each value's provenance, lists and search.

Only statements the caller may see are returned (``services.entities``
filters them); an entity with none visible is a 404.
"""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from portintel.domain.actors import Actor
from portintel.domain.entities import entity_type_names
from portintel.services.collation import entities
from portintel.services.workspace import Workspace
from portintel.web.api.intake.report_models import GradingOut
from portintel.web.api.responses import errors
from portintel.web.authentication import api_actor, workspace_of
from portintel.web.text_inputs import NON_BLANK

router = APIRouter(tags=["entities"])

ENTITY_TYPES = entity_type_names()
"""What ``schema`` may name; the service refuses any other with 422."""


class StatementOut(BaseModel):
    id: str
    prop: str
    prop_type: str
    value: str
    original_value: str | None
    lang: str | None
    dataset: str
    origin: str
    report_id: str | None
    grading: GradingOut | None
    grading_inherited: bool
    handling: str | None
    handling_inherited: bool
    first_seen: datetime
    last_seen: datetime
    invalid_reason: str | None

    @classmethod
    def of(cls, view: entities.StatementView) -> StatementOut:
        return cls(
            id=view.id,
            prop=view.prop,
            prop_type=view.prop_type,
            value=view.value,
            original_value=view.original_value,
            lang=view.lang,
            dataset=view.dataset,
            origin=view.origin,
            report_id=view.report_id,
            grading=GradingOut.of(view.grading) if view.grading else None,
            grading_inherited=view.grading_inherited,
            handling=view.handling,
            handling_inherited=view.handling_inherited,
            first_seen=view.first_seen,
            last_seen=view.last_seen,
            invalid_reason=view.invalid_reason,
        )


class EntityOut(BaseModel):
    id: str
    schema_name: str
    caption: str
    report_ids: list[str]
    statements: list[StatementOut]

    @classmethod
    def of(cls, view: entities.EntityView) -> EntityOut:
        return cls(
            id=view.id,
            schema_name=view.schema,
            caption=view.caption,
            report_ids=list(view.report_ids),
            statements=[StatementOut.of(s) for s in view.statements],
        )


class EntitySummaryOut(BaseModel):
    id: str
    schema_name: str
    caption: str
    statement_count: int
    report_count: int

    @classmethod
    def of(cls, view: entities.EntitySummary) -> EntitySummaryOut:
        return cls(
            id=view.id,
            schema_name=view.schema,
            caption=view.caption,
            statement_count=view.statement_count,
            report_count=view.report_count,
        )


@router.get("/entities", response_model=list[EntitySummaryOut], responses=errors(403))
async def list_entities(
    schema: str | None = Query(
        None, description="FtM schema, e.g. Vessel", json_schema_extra={"enum": ENTITY_TYPES}
    ),
    limit: int = Query(50, ge=1, le=1000),
    offset: int = Query(0, ge=0),
    actor: Actor = Depends(api_actor),
    ws: Workspace = Depends(workspace_of),
) -> list[EntitySummaryOut]:
    found = await run_in_threadpool(
        lambda: entities.list_entities(ws, actor, schema=schema, limit=limit, offset=offset)
    )
    return [EntitySummaryOut.of(item) for item in found]


@router.get("/search/entities", response_model=list[EntitySummaryOut], responses=errors(403))
async def search_entities(
    q: str = Query(..., max_length=200, pattern=NON_BLANK),
    schema: str | None = Query(None, json_schema_extra={"enum": ENTITY_TYPES}),
    limit: int = Query(50, ge=1, le=500),
    actor: Actor = Depends(api_actor),
    ws: Workspace = Depends(workspace_of),
) -> list[EntitySummaryOut]:
    """Entities with a visible value containing ``q``; the search is audited."""
    found = await run_in_threadpool(
        lambda: entities.search_entities(ws, actor, q, schema=schema, limit=limit)
    )
    return [EntitySummaryOut.of(item) for item in found]


@router.get("/entities/{entity_id}", response_model=EntityOut, responses=errors(403, 404))
async def get_entity(
    entity_id: str, actor: Actor = Depends(api_actor), ws: Workspace = Depends(workspace_of)
) -> EntityOut:
    return EntityOut.of(await run_in_threadpool(entities.get_entity, ws, actor, entity_id))
