"""Server-rendered pages, one module per area."""

from __future__ import annotations

from fastapi import APIRouter


def routers() -> list[APIRouter]:
    from portintel.web.routes import audit, health, home, login, users

    return [health.router, login.router, home.router, users.router, audit.router]
