"""``/api/v1/statistics``: non-nominal smuggling statistics in the caller's scope (#16).

The counts are over the incidents of the reports the caller may read; a
cell withheld as small (``withhold=true``) or not recorded for the breakdown
is ``null``, and ``withheld`` names the columns withheld in that row.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from portintel.domain.actors import Actor
from portintel.domain.analysis.statistics import Dimension, Period, StatisticsRow
from portintel.services import analysis
from portintel.services.workspace import Workspace
from portintel.web.api.responses import errors
from portintel.web.api.times import IsoDateTime
from portintel.web.authentication import api_actor, workspace_of

router = APIRouter(tags=["analysis"])


class RowOut(BaseModel):
    period: str = Field(description="2026-03, 2026-Q1, 2026, or all")
    group: str = Field(description="the route, flow, nationality ... (a label)")
    incidents: int | None
    migrants: int | None
    minors: int | None
    adults: int | None
    deaths: int | None
    missing: int | None
    fee_median: int | None = Field(description="fee per person in USD, where stated")
    fee_lowest: int | None
    fee_highest: int | None
    fees_known: int = Field(description="incidents whose fee is known")
    withheld: list[str] = Field(description="columns withheld as small counts")


class StatisticsOut(BaseModel):
    period: Literal["month", "quarter", "year"]
    dimension: Literal["none", "route", "flow", "nationality", "kind", "vessel_type"]
    incidents_counted: int = Field(description="incidents of reports the caller may read")
    withheld_below: int | None = Field(description="counts under this are withheld (null)")
    rows: list[RowOut]
    total: RowOut


def _row(row: StatisticsRow) -> RowOut:
    return RowOut(
        period=row.period, group=row.group, incidents=row.incidents, migrants=row.migrants,
        minors=row.minors, adults=row.adults, deaths=row.deaths, missing=row.missing,
        fee_median=row.fee_median, fee_lowest=row.fee_lowest, fee_highest=row.fee_highest,
        fees_known=row.fees_known, withheld=list(row.withheld),
    )  # fmt: skip


@router.get("/statistics", response_model=StatisticsOut, responses=errors(422))
async def get_statistics(
    period: Annotated[Literal["month", "quarter", "year"], Query()] = "month",
    dimension: Annotated[
        Literal["none", "route", "flow", "nationality", "kind", "vessel_type"], Query()
    ] = "route",
    since: Annotated[IsoDateTime | None, Query(description="incidents since (ISO 8601)")] = None,
    until: Annotated[IsoDateTime | None, Query(description="incidents until (ISO 8601)")] = None,
    withhold: Annotated[bool, Query(description="withhold counts of 1 and 2")] = False,
    actor: Actor = Depends(api_actor),
    ws: Workspace = Depends(workspace_of),
) -> StatisticsOut:
    """Counts by period and one breakdown, over the incidents the caller may read."""
    query = analysis.StatisticsQuery(
        period=Period(period), dimension=Dimension(dimension), since=since, until=until,
        suppress_below=analysis.SHARING_THRESHOLD if withhold else None,
    )  # fmt: skip
    table = await run_in_threadpool(analysis.smuggling_statistics, ws, actor, query)
    return StatisticsOut(
        period=period, dimension=dimension, incidents_counted=table.incidents_counted,
        withheld_below=table.suppressed_below, rows=[_row(row) for row in table.rows],
        total=_row(table.total),
    )  # fmt: skip
