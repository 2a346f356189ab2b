"""``/api/v1/permissions`` and a partner's push recipient: what lets received intelligence move.

A provider's permission lets a report this node received under a
restrictive code (Europol H2/H3, 3x5x2 C, TLP AMBER+STRICT/RED) go on to one
partner. Analysts and supervisors read the permissions recorded for reports
they may read; a supervisor records one (for a report, or for each report of
a delivery) or withdraws one with a reason: the report is withheld from that
partner again. ``/api/v1/partners/{name}/recipient`` is who receives what a
partner pushes here: administrators choose the person (an active analyst or
supervisor); the people who may receive read it. The services check the
roles and audit every change.
"""

from __future__ import annotations

from datetime import date, datetime

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from portintel.domain.actors import Actor
from portintel.services import sharing
from portintel.services.sharing import PermissionView, PushRecipient
from portintel.services.workspace import Workspace
from portintel.web.api.responses import errors
from portintel.web.authentication import api_actor, workspace_of
from portintel.web.text_inputs import NON_BLANK

router = APIRouter(tags=["sharing"])

MAX_REPORTS = 500


class PermissionOut(BaseModel):
    id: str = Field(description="PP-..., what a withdrawal names")
    report_id: str
    report_title: str
    partner: str = Field(description="the partner the report may go to")
    provider: str = Field(description="the node the report came from")
    reference: str = Field(description="the provider's reference: its letter or message")
    granted_on: date
    recorded_by: str
    recorded_at: datetime
    receipt_id: str | None = Field(description="the delivery, when recorded for a whole one")

    @classmethod
    def of(cls, view: PermissionView) -> PermissionOut:
        return cls(
            id=view.id,
            report_id=view.report_id,
            report_title=view.report_title,
            partner=view.partner,
            provider=view.provider,
            reference=view.reference,
            granted_on=view.granted_on,
            recorded_by=view.recorded_by,
            recorded_at=view.recorded_at,
            receipt_id=view.receipt_id,
        )


class PermissionIn(BaseModel):
    """Name one report or one delivery (each restricted report it brought), not both."""

    model_config = ConfigDict(extra="forbid")

    partner: str = Field(min_length=2, max_length=100, pattern=NON_BLANK, description="TH-PIU-RNG")
    reference: str = Field(
        max_length=200, pattern=NON_BLANK, description="the provider's letter or message"
    )
    granted_on: date = Field(description="the day the provider gave it (not in the future)")
    report: str | None = Field(default=None, max_length=64, description="a received report")
    receipt: str | None = Field(default=None, max_length=64, description="a delivery, RCV-...")


class WithdrawalIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(
        max_length=500, pattern=NON_BLANK, description="why: e.g. the provider took it back"
    )


class PushRecipientOut(BaseModel):
    partner: str
    username: str | None = Field(description="null: nobody, the partner's pushes are refused")
    display_name: str | None
    set_at: datetime | None
    set_by: str | None

    @classmethod
    def of(cls, partner: str, chosen: PushRecipient | None) -> PushRecipientOut:
        if chosen is None:
            return cls(
                partner=partner.strip().upper(),
                username=None,
                display_name=None,
                set_at=None,
                set_by=None,
            )
        return cls(
            partner=chosen.partner,
            username=chosen.username,
            display_name=chosen.display_name,
            set_at=chosen.set_at,
            set_by=chosen.set_by,
        )


class PushRecipientIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str | None = Field(
        max_length=100, description="an active analyst or supervisor; null: nobody"
    )


@router.get("/permissions", response_model=list[PermissionOut], responses=errors(403))
async def list_permissions(
    report: list[str] | None = Query(
        default=None, max_length=MAX_REPORTS, description="only these reports"
    ),
    actor: Actor = Depends(api_actor),
    ws: Workspace = Depends(workspace_of),
) -> list[PermissionOut]:
    """The providers' permissions recorded for reports the caller may read, newest first."""
    found = await run_in_threadpool(lambda: sharing.list_permissions(ws, actor, report_ids=report))
    return [PermissionOut.of(view) for view in found]


@router.post(
    "/permissions",
    response_model=list[PermissionOut],
    status_code=201,
    responses=errors(404, 409, write=True),
)
async def record_permission(
    body: PermissionIn, actor: Actor = Depends(api_actor), ws: Workspace = Depends(workspace_of)
) -> list[PermissionOut]:
    """Record the provider's permission (supervisors): one per report it covers. 409 when
    it is recorded already (for a delivery: for every report of it)."""
    recorded = await run_in_threadpool(
        lambda: sharing.record_permission(
            ws,
            actor,
            body.partner,
            reference=body.reference,
            granted_on=body.granted_on,
            report_id=(body.report or "").strip() or None,
            receipt_id=(body.receipt or "").strip() or None,
        )
    )
    return [PermissionOut.of(view) for view in recorded]


@router.post(
    "/permissions/{permission_id}/withdraw",
    response_model=PermissionOut,
    responses=errors(404, write=True),
)
async def withdraw_permission(
    permission_id: str,
    body: WithdrawalIn,
    actor: Actor = Depends(api_actor),
    ws: Workspace = Depends(workspace_of),
) -> PermissionOut:
    """Withdraw a permission (supervisors, with a reason; audited): the report is withheld
    from that partner again. The answer is the permission withdrawn."""
    withdrawn = await run_in_threadpool(
        lambda: sharing.withdraw_permission(ws, actor, permission_id, reason=body.reason)
    )
    return PermissionOut.of(withdrawn)


@router.get(
    "/partners/{name}/recipient", response_model=PushRecipientOut, responses=errors(403, 404)
)
async def get_push_recipient(
    name: str, actor: Actor = Depends(api_actor), ws: Workspace = Depends(workspace_of)
) -> PushRecipientOut:
    """Who receives what the partner pushes here (received reports are filed under them)."""
    chosen = await run_in_threadpool(sharing.push_recipient, ws, actor, name)
    return PushRecipientOut.of(name, chosen)


@router.put(
    "/partners/{name}/recipient", response_model=PushRecipientOut, responses=errors(404, write=True)
)
async def set_push_recipient(
    name: str,
    body: PushRecipientIn,
    actor: Actor = Depends(api_actor),
    ws: Workspace = Depends(workspace_of),
) -> PushRecipientOut:
    """Choose who receives what the partner pushes (administrators; audited); a null
    username designates nobody, and the partner's pushes are refused."""
    chosen = await run_in_threadpool(
        lambda: sharing.set_push_recipient(ws, actor, name, body.username)
    )
    return PushRecipientOut.of(name, chosen)
