"""``/api/v1/inbox``: intelligence received from partners, as the reader may see it.

The service scopes everything: received reports through the reader's
need-to-know, quarantined objects and deliveries for supervisors only.
"""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from portintel.domain.actors import Actor
from portintel.services import sharing
from portintel.services.workspace import Workspace
from portintel.web.api.responses import errors
from portintel.web.authentication import api_actor, workspace_of

router = APIRouter(tags=["sharing"])


class GradingOut(BaseModel):
    scheme: str
    reliability: str
    credibility: str
    label: str
    """In words."""


class InboxReportOut(BaseModel):
    report_id: str
    title: str
    partner: str
    origin_node: str | None
    sender_report: str | None
    received_at: datetime
    status: str
    outcome: str
    handling: str
    handling_label: str
    handling_conditions: str | None
    tlp: str | None
    grading: GradingOut
    """As the sender graded it, in the sender's scheme."""
    mapped_grading: GradingOut | None
    """The same grade in this node's scheme."""


class QuarantinedOut(BaseModel):
    stix_id: str
    stix_type: str
    partner: str
    received_at: datetime
    reason: str


class ReceiptOut(BaseModel):
    id: str
    partner: str
    source: str
    received_at: datetime
    objects: int
    imported: int
    quarantined: int
    unchanged: int


class InboxOut(BaseModel):
    total: int
    reports: list[InboxReportOut]
    quarantined_total: int
    quarantined: list[QuarantinedOut]
    """Supervisors only; empty for everyone else."""
    receipts: list[ReceiptOut]
    """Supervisors only."""


@router.get("/inbox", response_model=InboxOut, responses=errors(400, 403))
async def read_inbox(
    partner: str | None = Query(None, max_length=100, description="only this partner's"),
    limit: int = Query(100, ge=1, le=500),
    offset: int = Query(0, ge=0, le=10_000_000),
    actor: Actor = Depends(api_actor),
    ws: Workspace = Depends(workspace_of),
) -> InboxOut:
    """Received reports you may read, newest first; reading is audited."""
    inbox = await run_in_threadpool(
        sharing.read_inbox, ws, actor, partner=partner, limit=limit, offset=offset
    )
    return InboxOut(
        total=inbox.total,
        reports=[
            InboxReportOut(
                report_id=item.report_id,
                title=item.title,
                partner=item.partner,
                origin_node=item.origin_node,
                sender_report=item.sender_report,
                received_at=item.received_at,
                status=item.status,
                outcome=item.outcome,
                handling=item.handling,
                handling_label=item.handling_label,
                handling_conditions=item.handling_conditions,
                tlp=item.tlp,
                grading=GradingOut(
                    scheme=item.grading.scheme,
                    reliability=item.grading.reliability,
                    credibility=item.grading.credibility,
                    label=item.grading_label,
                ),
                mapped_grading=None
                if item.mapped is None
                else GradingOut(
                    scheme=item.mapped.scheme,
                    reliability=item.mapped.reliability,
                    credibility=item.mapped.credibility,
                    label=item.mapped_label or "",
                ),
            )
            for item in inbox.reports
        ],
        quarantined_total=inbox.quarantined_total,
        quarantined=[
            QuarantinedOut(
                stix_id=q.stix_id,
                stix_type=q.stix_type,
                partner=q.partner,
                received_at=q.received_at,
                reason=q.reason,
            )
            for q in inbox.quarantined
        ],
        receipts=[
            ReceiptOut(
                id=r.id,
                partner=r.partner,
                source=r.source,
                received_at=r.received_at,
                objects=r.objects,
                imported=r.imported,
                quarantined=r.quarantined,
                unchanged=r.unchanged,
            )
            for r in inbox.receipts
        ],
    )
