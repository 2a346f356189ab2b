"""``/api/v1/timeline``: every dated fact of some entities on one timeline, in the caller's scope.

Name the entities one of three ways: ``entity`` (repeat it: a lane each, in
that order), ``chart`` (an entity whose link chart gives the entities, with
``hops`` and ``kind`` as for ``/entities/{id}/chart``) or ``report`` (repeat
it: the reports of a case). Each item names its evidence (a report, an
incident, an AIS behaviour event or a statement) and the page that shows it.
A fact the caller may not read is absent; entities they may see none of
answer 404, as ones that do not exist.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from portintel.domain.actors import Actor
from portintel.domain.analysis import EdgeKind
from portintel.domain.analysis.timeline import Timeline
from portintel.domain.entity_labels import schema_label
from portintel.errors import InvalidInput
from portintel.services import analysis
from portintel.services.workspace import Workspace
from portintel.web.api.analysis.charts import DEFAULT_KINDS, Kinds
from portintel.web.api.responses import errors
from portintel.web.api.times import IsoDateTime
from portintel.web.authentication import api_actor, workspace_of

router = APIRouter(tags=["analysis"])

ItemKindName = Literal["report", "incident", "port_call", "ais_event", "identity", "phone"]


class LaneOut(BaseModel):
    id: str
    type: str = Field(description="the entity type (FtM schema)")
    type_label: str
    label: str


class EvidenceOut(BaseModel):
    kind: Literal["report", "incident", "event", "statement"]
    id: str


class ItemOut(BaseModel):
    id: str
    lane: str = Field(description="the id of the lane (entity) it is on")
    kind: ItemKindName
    kind_label: str
    label: str
    start: datetime
    end: datetime | None = Field(description="for what lasts: a gap, a port call, a phone in use")
    evidence: EvidenceOut
    link: str | None = Field(description="the page that shows the evidence")
    detail: str


class TimelineOut(BaseModel):
    lanes: list[LaneOut]
    items: list[ItemOut]
    start: datetime | None
    end: datetime | None
    truncated: bool = Field(description="the item limit cut the oldest items")


def timeline_out(found: Timeline) -> TimelineOut:
    return TimelineOut(
        lanes=[
            LaneOut(
                id=lane.id, type=lane.schema, type_label=schema_label(lane.schema), label=lane.label
            )
            for lane in found.lanes
        ],
        items=[
            ItemOut(
                id=item.id,
                lane=item.lane,
                kind=item.kind.value,
                kind_label=item.kind_label,
                label=item.label,
                start=item.start,
                end=item.end,
                evidence=EvidenceOut(kind=item.evidence_kind, id=item.evidence_id),
                link=item.link,
                detail=item.detail,
            )
            for item in found.items
        ],
        start=found.start,
        end=found.end,
        truncated=found.truncated,
    )


@router.get("/timeline", response_model=TimelineOut, responses=errors(404))
async def get_timeline(
    entity: Annotated[
        list[str], Query(description="an entity (repeat: a lane each, in order)")
    ] = [],  # noqa: B006 (FastAPI copies defaults)
    chart: Annotated[
        str | None, Query(max_length=128, description="the entities of this entity's link chart")
    ] = None,
    hops: Annotated[int, Query(ge=1, le=4, description="the chart's steps")] = 1,
    kind: Kinds = None,
    report: Annotated[list[str], Query(description="the reports of a case (repeat)")] = [],  # noqa: B006
    since: Annotated[IsoDateTime | None, Query(description="facts from then")] = None,
    until: Annotated[IsoDateTime | None, Query(description="facts until then")] = None,
    actor: Actor = Depends(api_actor),
    ws: Workspace = Depends(workspace_of),
) -> TimelineOut:
    """The timeline of the entities named, within the caller's scope (audited)."""
    named = [bool(entity), chart is not None, bool(report)]
    if sum(named) != 1:
        raise InvalidInput(
            "name the entities one way: entity, chart or report",
            field="entity",
            hint="e.g. ?entity=ID&entity=ID2, ?chart=ID&hops=1, or ?report=R-...",
        )
    for values, field in ((entity, "entity"), (report, "report")):
        if len(values) > analysis.MAX_LANES or any(len(v) > 128 for v in values):
            raise InvalidInput(
                f"at most {analysis.MAX_LANES} ids of at most 128 characters", field=field
            )
    window = analysis.TimelineWindow(since=since, until=until)
    if chart is not None:
        options = analysis.ChartOptions(
            hops=hops, kinds=frozenset(EdgeKind(k) for k in (kind or DEFAULT_KINDS))
        )
        found = await run_in_threadpool(
            lambda: analysis.chart_timeline(ws, actor, chart, options, window)
        )
    elif report:
        found = await run_in_threadpool(lambda: analysis.case_timeline(ws, actor, report, window))
    else:
        found = await run_in_threadpool(lambda: analysis.timeline(ws, actor, entity, window))
    return timeline_out(found)
