"""The audit view with filters (supervisors and administrators; the service decides)."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from portintel.errors import InvalidInput
from portintel.services import audit
from portintel.services.workspace import Workspace
from portintel.web.authentication import Principal, page_principal, workspace_of
from portintel.web.templating import render

router = APIRouter()


def parse_day(value: str, field: str) -> datetime | None:
    """A ``YYYY-MM-DD`` form field as midnight UTC; empty means no bound."""
    if not value.strip():
        return None
    try:
        return datetime.strptime(value.strip(), "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError as exc:
        raise InvalidInput(
            f"{field} {value!r} is not a date", field=field, hint="use YYYY-MM-DD"
        ) from exc


@router.get("/audit")
async def audit_page(
    request: Request,
    actor: str = Query("", max_length=100),
    action: str = Query("", max_length=64),
    object_type: str = Query("", max_length=64),
    object_id: str = Query("", max_length=128),
    since: str = Query("", max_length=10),
    until: str = Query("", max_length=10),
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    filters = audit.AuditFilters(
        actor=actor.strip() or None,
        action=action.strip() or None,
        object_type=object_type.strip() or None,
        object_id=object_id.strip() or None,
        since=parse_day(since, "since"),
        until=parse_day(until, "until"),
        limit=200,
    )
    entries = await run_in_threadpool(audit.list_entries, ws, principal.actor, filters)
    form = {
        "actor": actor,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "since": since,
        "until": until,
    }
    return render(request, "audit/entries.html", {"entries": entries, "form": form})
