"""``GET /healthz``: liveness and store reachability, without login."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from portintel.services import admin
from portintel.services.workspace import Workspace
from portintel.web.authentication import workspace_of

router = APIRouter()


@router.get("/healthz")
def healthz(ws: Workspace = Depends(workspace_of)) -> JSONResponse:
    """200 when the relational store answers, 503 otherwise (for load balancers)."""
    health = admin.check_health(ws)
    if not health.ok:
        return JSONResponse({"status": "unavailable", "database": "unreachable"}, status_code=503)
    return JSONResponse({"status": "ok", "database": "ok"})
