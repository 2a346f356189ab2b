"""The JSON API under ``/api/v1``: one package per capability, one module per resource."""

from __future__ import annotations

from fastapi import APIRouter


def routers() -> list[APIRouter]:
    from portintel.web.api.admin import jobs, me, tokens, users
    from portintel.web.api.analysis import chart_exports, charts, saved_charts
    from portintel.web.api.audit import entries as audit
    from portintel.web.api.collation import entities, judgements
    from portintel.web.api.intake import reports, sources, suggestions
    from portintel.web.api.maritime import behaviour_events, edits, picture
    from portintel.web.api.sharing import disseminations, inbox, partners
    from portintel.web.api.targeting import risk, watchlists

    return [
        me.router,
        reports.router,
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
        watchlists.router,
        inbox.router,
        partners.router,
        disseminations.router,
        charts.router,
        saved_charts.router,
        chart_exports.router,
    ]
