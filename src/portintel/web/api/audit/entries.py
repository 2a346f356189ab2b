"""``/api/v1/audit``: the audit log, for supervisors and administrators (decided by the service).

What an administrator may not see (detail, entity ids, hashes) comes back as
``null`` with ``detail_withheld`` / ``object_id_withheld`` set, decided by the
service.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from portintel.domain.actors import Actor
from portintel.services import audit
from portintel.services.workspace import Workspace
from portintel.web.api.responses import errors
from portintel.web.api.times import IsoDateTime
from portintel.web.authentication import api_actor, workspace_of

router = APIRouter(tags=["audit"])


class AuditEntry(BaseModel):
    seq: int
    at: datetime
    actor: str
    action: str
    object_type: str | None
    object_id: str | None
    detail: dict[str, Any] | None
    hash: str | None
    detail_withheld: bool
    object_id_withheld: bool


def audit_filters(
    actor: str | None = Query(None, max_length=100, description="username"),
    action: str | None = Query(None, max_length=64, description="e.g. report.read or report.*"),
    object_type: str | None = Query(None, max_length=64),
    object_id: str | None = Query(None, max_length=128),
    since: IsoDateTime | None = Query(None, description="ISO 8601, inclusive"),
    until: IsoDateTime | None = Query(None, description="ISO 8601, exclusive"),
    limit: int = Query(100, ge=1, le=10_000),
) -> audit.AuditFilters:
    return audit.AuditFilters(
        actor=actor or None,
        action=action or None,
        object_type=object_type or None,
        object_id=object_id or None,
        since=since,
        until=until,
        limit=limit,
    )


@router.get("/audit", response_model=list[AuditEntry], responses=errors(403))
async def list_audit_entries(
    filters: audit.AuditFilters = Depends(audit_filters),
    actor: Actor = Depends(api_actor),
    ws: Workspace = Depends(workspace_of),
) -> list[AuditEntry]:
    """Newest first. Reading the log is itself audited."""
    entries = await run_in_threadpool(audit.list_entries, ws, actor, filters)
    return [
        AuditEntry(
            seq=entry.seq,
            at=entry.at,
            actor=entry.actor,
            action=entry.action,
            object_type=entry.object_type,
            object_id=entry.object_id,
            detail=None if entry.detail is None else dict(entry.detail),
            hash=entry.hash,
            detail_withheld=entry.detail_withheld,
            object_id_withheld=entry.object_id_withheld,
        )
        for entry in entries
    ]
