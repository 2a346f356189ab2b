"""The smuggling statistics page and its CSV and Excel downloads (counted in the reader's scope).

The page is server-rendered: the tables are HTML, and the chart's figures
travel in a ``data-`` attribute that ``static/statistics_chart.js`` draws
with the vendored Chart.js (the CSP forbids inline script).
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from portintel.domain.analysis.statistics import (
    COUNTS,
    DIMENSION_LABELS,
    NOT_RECORDED,
    Dimension,
    Period,
    StatisticsTable,
    cell_text,
)
from portintel.errors import InvalidInput
from portintel.services import analysis
from portintel.services.workspace import Workspace
from portintel.web.authentication import Principal, page_principal, workspace_of
from portintel.web.routes.audit.entries import parse_day
from portintel.web.templating import render

router = APIRouter()

PERIOD_LABELS = {Period.MONTH: "Month", Period.QUARTER: "Quarter", Period.YEAR: "Year"}
SERIES_SHOWN = 8
"""Groups drawn as their own series; the rest are summed as "Other"."""

COLUMN_LABELS = {
    "incidents": "Incidents",
    "migrants": "Migrants",
    "minors": "Minors",
    "adults": "Adults",
    "deaths": "Deaths",
    "missing": "Missing",
    "fee_median": "Fee per person, median (USD)",
    "fee_lowest": "lowest",
    "fee_highest": "highest",
}


def _query(
    period: str, dimension: str, since: str, until: str, withhold: str
) -> analysis.StatisticsQuery:
    try:
        chosen_period = Period(period)
        chosen_dimension = Dimension(dimension)
    except ValueError as exc:
        raise InvalidInput(
            "choose a period and a breakdown from the lists", hint="reload the page"
        ) from exc
    if chosen_period is Period.ALL:
        raise InvalidInput("choose a month, quarter or year", field="period")
    return analysis.StatisticsQuery(
        period=chosen_period,
        dimension=chosen_dimension,
        since=parse_day(since, "since"),
        until=parse_day(until, "until"),
        suppress_below=analysis.SHARING_THRESHOLD if withhold else None,
    )


def chart_figures(table: StatisticsTable) -> dict[str, Any]:
    """Incidents by period, one series per group (the largest first; the rest as Other)."""
    periods = table.periods
    by_group: dict[str, dict[str, int]] = defaultdict(dict)
    for row in table.rows:
        by_group[row.group][row.period] = row.incidents or 0
    ranked = sorted(by_group, key=lambda group: (-sum(by_group[group].values()), group))
    series = [
        {"label": group, "data": [by_group[group].get(p, 0) for p in periods]}
        for group in ranked[:SERIES_SHOWN]
    ]
    rest = ranked[SERIES_SHOWN:]
    if rest:
        series.append(
            {
                "label": "Other",
                "data": [sum(by_group[g].get(p, 0) for g in rest) for p in periods],
            }
        )
    return {"labels": periods, "series": series, "title": "Incidents"}


def _rows(table: StatisticsTable) -> list[dict[str, Any]]:
    return [
        {
            "period": "All periods" if row.period == "all" else row.period,
            "group": row.group,
            "cells": {name: cell_text(row, name, table) for name in COLUMN_LABELS},
            "suppressed": row.suppressed,
        }
        for row in table.rows
    ]


@router.get("/statistics")
async def statistics_page(
    request: Request,
    period: str = Query("month", max_length=16),
    dimension: str = Query("route", max_length=32),
    since: str = Query("", max_length=10),
    until: str = Query("", max_length=10),
    withhold: str = Query("", max_length=8),
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    form = {
        "period": period,
        "dimension": dimension,
        "since": since,
        "until": until,
        "withhold": withhold,
    }
    context: dict[str, Any] = {
        "form": form,
        "periods": [(p.value, label) for p, label in PERIOD_LABELS.items()],
        "dimensions": [(d.value, label) for d, label in DIMENSION_LABELS.items()],
        "columns": COLUMN_LABELS,
        "counts": COUNTS,
        "not_recorded": NOT_RECORDED,
        "threshold": analysis.SHARING_THRESHOLD,
        "error": None,
        "page": None,
    }
    try:
        query = _query(period, dimension, since, until, withhold)
        page = await run_in_threadpool(analysis.statistics_page, ws, principal.actor, query)
    except InvalidInput as error:  # the form keeps what was typed; the message says what to fix
        context["error"] = error
        return render(request, "analysis/statistics.html", context, status_code=422)
    context["page"] = page
    context["table"] = _rows(page.table)
    context["total"] = {n: cell_text(page.table.total, n, page.table) for n in COLUMN_LABELS}
    context["dimension_label"] = DIMENSION_LABELS[page.table.dimension]
    context["overview"] = [
        {"label": DIMENSION_LABELS[t.dimension], "rows": _rows(t)} for t in page.overview
    ]
    context["chart"] = json.dumps(chart_figures(page.table), separators=(",", ":"))
    exported = urlencode({k: v for k, v in form.items() if v})
    context["csv_href"] = f"/statistics/export?format=csv&{exported}"
    context["xlsx_href"] = f"/statistics/export?format=xlsx&{exported}"
    return render(request, "analysis/statistics.html", context)


@router.get("/statistics/export")
async def statistics_export(
    format: str = Query("csv", max_length=8),
    period: str = Query("month", max_length=16),
    dimension: str = Query("route", max_length=32),
    since: str = Query("", max_length=10),
    until: str = Query("", max_length=10),
    withhold: str = Query("", max_length=8),
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    """The table as a download (audited by the service)."""
    query = _query(period, dimension, since, until, withhold)
    export = await run_in_threadpool(analysis.export_statistics, ws, principal.actor, query, format)
    return Response(
        export.content,
        media_type=export.media_type,
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(export.filename)}",
            "X-Content-Type-Options": "nosniff",
        },
    )
