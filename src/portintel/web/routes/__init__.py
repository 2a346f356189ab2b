"""Server-rendered pages, one module per area."""

from __future__ import annotations

from fastapi import APIRouter


def routers() -> list[APIRouter]:
    from portintel.web.routes import (
        account,
        audit,
        entities,
        health,
        home,
        jobs,
        login,
        reports,
        sources,
        users,
    )

    return [
        health.router,
        login.router,
        home.router,
        reports.router,
        entities.router,
        sources.router,
        users.router,
        jobs.router,
        audit.router,
        account.router,
    ]
