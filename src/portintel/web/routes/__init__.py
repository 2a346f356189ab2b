"""Server-rendered pages: one package per capability, one module per area."""

from __future__ import annotations

from fastapi import APIRouter


def routers() -> list[APIRouter]:
    from portintel.web.routes import health, home
    from portintel.web.routes.admin import account, jobs, login, users
    from portintel.web.routes.alerts import pages as alerts
    from portintel.web.routes.analysis import charts, products, statistics, timelines
    from portintel.web.routes.audit import entries as audit
    from portintel.web.routes.collation import entities, review
    from portintel.web.routes.discussion import pages as discussion
    from portintel.web.routes.intake import reports, sources, suggestions, tips
    from portintel.web.routes.maritime import map as maritime_map
    from portintel.web.routes.sharing import disseminations, inbox, partners, permissions
    from portintel.web.routes.targeting import prearrival
    from portintel.web.routes.tasking import pages as tasks

    return [
        health.router,
        login.router,
        home.router,
        suggestions.router,
        discussion.router,
        reports.router,
        entities.router,
        review.router,
        sources.router,
        tips.router,
        users.router,
        jobs.router,
        audit.router,
        account.router,
        maritime_map.router,
        prearrival.router,
        inbox.router,
        partners.router,
        disseminations.router,
        permissions.router,
        charts.router,
        alerts.router,
        statistics.router,
        products.router,
        timelines.router,
        tasks.router,
    ]
