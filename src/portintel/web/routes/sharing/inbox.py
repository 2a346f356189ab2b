"""The inbox page: intelligence received from partners (the service scopes what is shown)."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from portintel.services import sharing
from portintel.services.workspace import Workspace
from portintel.web.authentication import Principal, page_principal, workspace_of
from portintel.web.templating import render

router = APIRouter()

PAGE_SIZE = 50


@router.get("/inbox")
async def inbox_page(
    request: Request,
    partner: str = Query("", max_length=100),
    page: int = Query(1, ge=1, le=100_000),
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    inbox = await run_in_threadpool(
        sharing.read_inbox,
        ws,
        principal.actor,
        partner=partner.strip() or None,
        limit=PAGE_SIZE,
        offset=(page - 1) * PAGE_SIZE,
    )
    recipients = (
        await run_in_threadpool(sharing.push_recipients, ws, principal.actor)
        if sharing.may_receive(principal.actor)
        else []
    )
    query = urlencode({"partner": partner.strip()}) + "&" if partner.strip() else ""
    return render(
        request,
        "sharing/inbox.html",
        {
            "inbox": inbox,
            "recipients": recipients,
            "form": {"partner": partner},
            "page": page,
            "has_next": page * PAGE_SIZE < inbox.total,
            "page_query": query,
        },
    )
