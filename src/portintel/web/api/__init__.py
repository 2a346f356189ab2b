"""The JSON API under ``/api/v1``: one package per capability, one module per resource."""

from __future__ import annotations

from fastapi import APIRouter


def routers() -> list[APIRouter]:
    from portintel.web.api import discussion
    from portintel.web.api.admin import jobs, me, tokens, users
    from portintel.web.api.analysis import (
        chart_exports,
        charts,
        maps,
        saved_charts,
        statistics,
        timelines,
    )
    from portintel.web.api.audit import entries as audit
    from portintel.web.api.collation import entities, judgements
    from portintel.web.api.intake import reports, sources, suggestions
    from portintel.web.api.maritime import behaviour_events, edits, picture
    from portintel.web.api.sharing import disseminations, inbox, partners, permissions
    from portintel.web.api.targeting import alerts, prearrival, risk, watchlists
    from portintel.web.api.tasking import tasks

    return [
        me.router,
        reports.router,
        discussion.router,
        suggestions.router,
        entities.router,
        judgements.router,
        sources.router,
        tokens.router,
        users.router,
        jobs.router,
        audit.router,
        behaviour_events.router,
        picture.router,
        edits.router,
        risk.router,
        prearrival.router,
        watchlists.router,
        alerts.router,
        inbox.router,
        partners.router,
        disseminations.router,
        permissions.router,
        charts.router,
        statistics.router,
        timelines.router,
        maps.router,
        saved_charts.router,
        chart_exports.router,
        tasks.router,
    ]
