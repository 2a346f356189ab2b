"""``/api/v1/sources``: the source register; identities only ever reach source handlers."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from portintel.domain.actors import Actor
from portintel.services.intake import sources
from portintel.services.workspace import Workspace
from portintel.web.api.responses import errors
from portintel.web.authentication import api_actor, workspace_of
from portintel.web.text_inputs import NON_BLANK

router = APIRouter(tags=["sources"])


class SourceOut(BaseModel):
    id: str
    kind: str
    reference: str
    grading_scheme: str
    reliability: str
    agency_id: str | None
    handler_id: str | None
    active: bool
    notes: str | None
    protected_identity: str | None = Field(None, description="source handlers only")

    @classmethod
    def of(cls, view: sources.SourceView) -> SourceOut:
        return cls(
            id=view.id,
            kind=view.kind,
            reference=view.reference,
            grading_scheme=view.grading_scheme,
            reliability=view.reliability,
            agency_id=view.agency_id,
            handler_id=view.handler_id,
            active=view.active,
            notes=view.notes,
            protected_identity=view.protected_identity,
        )


class SourceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: sources.SourceKind
    reference: str = Field(
        max_length=100, pattern=NON_BLANK, description="codename everyone may see"
    )
    reliability: str = Field(max_length=8, pattern=NON_BLANK)
    grading_scheme: str | None = Field(None, max_length=32)
    protected_identity: str | None = Field(None, max_length=5_000)
    notes: str | None = Field(None, max_length=5_000)


@router.get("/sources", response_model=list[SourceOut], responses=errors(403))
async def list_sources(
    actor: Actor = Depends(api_actor), ws: Workspace = Depends(workspace_of)
) -> list[SourceOut]:
    return [SourceOut.of(v) for v in await run_in_threadpool(sources.list_sources, ws, actor)]


@router.post(
    "/sources", response_model=SourceOut, status_code=201, responses=errors(409, write=True)
)
async def create_source(
    body: SourceIn, actor: Actor = Depends(api_actor), ws: Workspace = Depends(workspace_of)
) -> SourceOut:
    def work() -> SourceOut:
        source_id = sources.create_source(
            ws,
            actor,
            kind=body.kind,
            reference=body.reference,
            reliability=body.reliability,
            grading_scheme=body.grading_scheme,
            protected_identity=body.protected_identity,
            notes=body.notes,
        )
        return SourceOut.of(sources.get_source(ws, actor, source_id))

    return await run_in_threadpool(work)


@router.get("/sources/{source_id}", response_model=SourceOut, responses=errors(403, 404))
async def get_source(
    source_id: str, actor: Actor = Depends(api_actor), ws: Workspace = Depends(workspace_of)
) -> SourceOut:
    return SourceOut.of(await run_in_threadpool(sources.get_source, ws, actor, source_id))
