"""Server-rendered pages, one module per area."""

from __future__ import annotations

from fastapi import APIRouter


def routers() -> list[APIRouter]:
    from portintel.web.routes import audit, health, home, login, reports, users

    return [
        health.router,
        login.router,
        home.router,
        reports.router,
        users.router,
        audit.router,
    ]
