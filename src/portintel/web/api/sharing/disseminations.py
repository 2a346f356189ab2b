"""``/api/v1/partners/{name}/preview``, ``/api/v1/disseminations`` and ``/api/v1/packages``.

The dry run (what a partner would receive of chosen reports and, for
everything withheld, why), the request, a supervisor's approval (never the
requester's), and what follows: the signed package, its MISP event, the
partner's acknowledgement and feedback. Reads are scoped: a dry run lists
only what the caller may read; a dissemination is seen by its requester and
supervisors. Reasons carry a stable ``code``, the English ``message`` and
its ``params`` (codes, for a client to label).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from portintel.domain.actors import Actor
from portintel.services import sharing
from portintel.services.workspace import Workspace
from portintel.web.api.responses import errors
from portintel.web.authentication import api_actor, workspace_of

router = APIRouter(tags=["sharing"])

MAX_REPORTS = 200


class ReasonOut(BaseModel):
    code: str
    message: str
    params: dict[str, str]


class PreviewItemOut(BaseModel):
    kind: str = Field(description="report, statement, incident or statistics")
    id: str
    label: str
    allowed: bool = Field(description="it would be sent")
    reasons: list[ReasonOut] = Field(description="why it is withheld; empty when it goes")
    handling: str | None
    tlp: str | None
    conditions: str | None = Field(description="the originator's conditions; they travel")
    entity_id: str | None
    entity_schema: str | None = Field(description="a statement's followthemoney schema")
    prop: str | None
    value: str | None
    counted: list[str] = Field(description="statistics: the incidents they would count")


class SanitisedOut(BaseModel):
    field: str
    why: str


class PreviewOut(BaseModel):
    partner: str
    agreement_id: str | None
    at: datetime
    reports: list[PreviewItemOut]
    statements: list[PreviewItemOut]
    incidents: list[PreviewItemOut]
    statistics: list[PreviewItemOut] = Field(description="non-nominal statistics, when any")
    never_sent: list[SanitisedOut]

    @classmethod
    def of(cls, preview: sharing.SharePreview) -> PreviewOut:
        return cls(
            partner=preview.partner,
            agreement_id=preview.agreement_id,
            at=preview.at,
            reports=[_item(item) for item in preview.reports],
            statements=[_item(item) for item in preview.statements],
            incidents=[_item(item) for item in preview.incidents],
            statistics=[_item(item) for item in preview.statistics],
            never_sent=[SanitisedOut(field=f, why=why) for f, why in preview.sanitised],
        )


def _item(item: sharing.PreviewItem) -> PreviewItemOut:
    return PreviewItemOut(
        kind=item.kind,
        id=item.id,
        label=item.label,
        allowed=item.allowed,
        reasons=[
            ReasonOut(code=reason.code, message=reason.message, params=dict(reason.params))
            for reason in item.reasons
        ],
        handling=item.handling,
        tlp=item.tlp,
        conditions=item.conditions,
        entity_id=item.entity_id,
        entity_schema=item.schema,
        prop=item.prop,
        value=item.value,
        counted=list(item.counted),
    )


class FeedbackOut(BaseModel):
    at: datetime
    text: str


class PackageOut(BaseModel):
    id: str
    bundle_id: str
    sha256: str
    fingerprint: str
    created_at: datetime
    reports: list[str]
    statements: int
    incidents: int
    statistics: bool
    acknowledged_at: datetime | None
    feedback: list[FeedbackOut]


class DisseminationOut(BaseModel):
    id: str
    partner: str
    status: sharing.DisseminationStatus
    requested_by: str
    requested_at: datetime
    approved_by: str | None
    approved_at: datetime | None
    note: str | None
    reports: list[str] = Field(description="what was selected; the package holds what went")
    package: PackageOut | None

    @classmethod
    def of(cls, view: sharing.DisseminationView) -> DisseminationOut:
        return cls(
            id=view.id,
            partner=view.partner,
            status=view.status,
            requested_by=view.requested_by,
            requested_at=view.requested_at,
            approved_by=view.approved_by,
            approved_at=view.approved_at,
            note=view.note,
            reports=list(view.reports),
            package=_package(view.package) if view.package else None,
        )


def _package(package: sharing.PackageView) -> PackageOut:
    return PackageOut(
        id=package.id,
        bundle_id=package.bundle_id,
        sha256=package.sha256,
        fingerprint=package.fingerprint,
        created_at=package.created_at,
        reports=list(package.reports),
        statements=package.statements,
        incidents=package.incidents,
        statistics=package.statistics,
        acknowledged_at=package.acknowledged_at,
        feedback=[FeedbackOut(at=at, text=text) for at, text in package.feedback],
    )


class DisseminationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    partner: str = Field(min_length=2, max_length=100)
    reports: list[str] = Field(min_length=1, max_length=MAX_REPORTS)
    note: str | None = Field(default=None, max_length=5000)


class ApprovalIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: str | None = Field(default=None, max_length=5000)


class FeedbackIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=4000)


@router.get("/partners/{name}/preview", response_model=PreviewOut, responses=errors(403, 404))
async def preview(
    name: str,
    report: list[str] = Query(
        default=[], max_length=MAX_REPORTS, description="reports to share (default: the newest)"
    ),
    limit: int = Query(100, ge=1, le=1000, description="without report: how many of the newest"),
    actor: Actor = Depends(api_actor),
    ws: Workspace = Depends(workspace_of),
) -> PreviewOut:
    """The dry run: exactly what the partner would receive and, for the rest, why not."""
    found = await run_in_threadpool(
        lambda: sharing.preview_share(ws, actor, name, report, limit=limit)
    )
    return PreviewOut.of(found)


@router.get("/disseminations", response_model=list[DisseminationOut], responses=errors(403))
async def list_disseminations(
    status: sharing.DisseminationStatus | None = Query(None),
    actor: Actor = Depends(api_actor),
    ws: Workspace = Depends(workspace_of),
) -> list[DisseminationOut]:
    found = await run_in_threadpool(lambda: sharing.list_disseminations(ws, actor, status=status))
    return [DisseminationOut.of(view) for view in found]


@router.post(
    "/disseminations",
    response_model=DisseminationOut,
    status_code=201,
    responses=errors(404, write=True),
)
async def request_dissemination(
    body: DisseminationIn, actor: Actor = Depends(api_actor), ws: Workspace = Depends(workspace_of)
) -> DisseminationOut:
    """Ask to send these reports to the partner; a supervisor other than the caller approves.
    422 when the dry run would send nothing of them."""

    def work() -> DisseminationOut:
        made = sharing.request_dissemination(ws, actor, body.partner, body.reports, note=body.note)
        return DisseminationOut.of(sharing.get_dissemination(ws, actor, made))

    return await run_in_threadpool(work)


@router.get(
    "/disseminations/{dissemination_id}",
    response_model=DisseminationOut,
    responses=errors(403, 404),
)
async def get_dissemination(
    dissemination_id: str,
    actor: Actor = Depends(api_actor),
    ws: Workspace = Depends(workspace_of),
) -> DisseminationOut:
    view = await run_in_threadpool(sharing.get_dissemination, ws, actor, dissemination_id)
    return DisseminationOut.of(view)


@router.post(
    "/disseminations/{dissemination_id}/approve",
    response_model=DisseminationOut,
    responses=errors(404, 409, write=True),
)
async def approve_dissemination(
    dissemination_id: str,
    body: ApprovalIn,
    actor: Actor = Depends(api_actor),
    ws: Workspace = Depends(workspace_of),
) -> DisseminationOut:
    """Release it: the dry run as it stands is sanitised, converted, signed and made available."""

    def work() -> DisseminationOut:
        sharing.approve_dissemination(ws, actor, dissemination_id, note=body.note)
        return DisseminationOut.of(sharing.get_dissemination(ws, actor, dissemination_id))

    return await run_in_threadpool(work)


@router.get("/packages/{package_id}", responses=errors(403, 404))
async def get_package(
    package_id: str, actor: Actor = Depends(api_actor), ws: Workspace = Depends(workspace_of)
) -> dict[str, Any]:
    """The signed package as the partner receives it (audited: it leaves the node)."""
    text = await run_in_threadpool(sharing.package_file, ws, actor, package_id)
    document: dict[str, Any] = json.loads(text)
    return document


@router.get("/packages/{package_id}/misp", responses=errors(403, 404))
async def get_package_misp(
    package_id: str, actor: Actor = Depends(api_actor), ws: Workspace = Depends(workspace_of)
) -> dict[str, Any]:
    """The package as a MISP event (``{"Event": ...}``), for partners that run MISP."""
    text = await run_in_threadpool(sharing.package_misp_event, ws, actor, package_id)
    event: dict[str, Any] = json.loads(text)
    return event


@router.post(
    "/packages/{package_id}/acknowledge",
    response_model=PackageOut,
    responses=errors(404, 409, write=True),
)
async def acknowledge_package(
    package_id: str, actor: Actor = Depends(api_actor), ws: Workspace = Depends(workspace_of)
) -> PackageOut:
    """Record the partner's acknowledgement of receipt; the first one stands (409 after)."""

    def work() -> PackageOut:
        sharing.acknowledge_package(ws, actor, package_id)
        return _package(sharing.get_package(ws, actor, package_id))

    return await run_in_threadpool(work)


@router.post(
    "/packages/{package_id}/feedback",
    response_model=PackageOut,
    status_code=201,
    responses=errors(404, write=True),
)
async def record_feedback(
    package_id: str,
    body: FeedbackIn,
    actor: Actor = Depends(api_actor),
    ws: Workspace = Depends(workspace_of),
) -> PackageOut:
    """Record what the partner did with the package ("used in operation X")."""

    def work() -> PackageOut:
        sharing.record_feedback(ws, actor, package_id, body.text)
        return _package(sharing.get_package(ws, actor, package_id))

    return await run_in_threadpool(work)
