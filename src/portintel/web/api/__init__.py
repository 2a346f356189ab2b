"""The JSON API under ``/api/v1``, one module per resource."""

from __future__ import annotations

from fastapi import APIRouter


def routers() -> list[APIRouter]:
    from portintel.web.api import audit, entities, jobs, me, reports, sources, tokens, users

    return [
        me.router,
        reports.router,
        entities.router,
        sources.router,
        tokens.router,
        users.router,
        jobs.router,
        audit.router,
    ]
