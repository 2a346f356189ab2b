"""``/api/v1/entities/{id}/chart`` and ``/api/v1/paths``: link charts in the caller's scope.

A chart is the entity's neighbourhood as the caller may see it: nodes
(entities, phone numbers, shared identifiers) and edges, each edge with the
statements and reports that make it and its best grading, plus the brokers
(betweenness) and communities (Louvain) of the chart. What the caller may
not read is absent: an entity they cannot see answers 404, as one that does
not exist.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from portintel.domain.actors import Actor
from portintel.domain.analysis import EdgeKind
from portintel.services import analysis
from portintel.services.workspace import Workspace
from portintel.web.api.responses import errors
from portintel.web.api.times import IsoDateTime
from portintel.web.authentication import api_actor, workspace_of

router = APIRouter(tags=["analysis"])

Kind = Literal["relationship", "property", "phone", "identifier", "report", "encounter"]
DEFAULT_KINDS: list[Kind] = ["relationship", "property", "phone", "identifier", "encounter"]


class NodeOut(BaseModel):
    id: str
    kind: Literal["entity", "phone", "identifier"]
    type: str = Field(description="the entity type (FtM schema), Phone or Identifier")
    label: str
    hop: int = Field(description="how many steps from the chart's root")
    community: int | None = Field(description="the node's Louvain community, 0 the largest")


class EncounterEventOut(BaseModel):
    event_id: str = Field(description="the behaviour event (GET /api/v1/events)")
    start: datetime
    end: datetime | None
    lat: float | None
    lon: float | None


class EdgeOut(BaseModel):
    id: str = Field(description="stable: the same link has the same id in every chart")
    source: str
    target: str
    kind: Kind
    label: str
    statements: list[str] = Field(description="the statements that make the link")
    reports: list[str] = Field(description="the reports they come from")
    grading: str | None = Field(description="the best grading of the evidence, e.g. B2")
    first_seen: datetime | None
    last_seen: datetime | None
    events: list[EncounterEventOut] = Field(
        description="the AIS encounters behind a `met at sea` edge: when and where"
    )


class BrokerOut(BaseModel):
    id: str
    betweenness: float


class ChartOut(BaseModel):
    root: str
    nodes: list[NodeOut]
    edges: list[EdgeOut]
    brokers: list[BrokerOut]
    truncated: bool = Field(description="the node limit stopped the expansion")


class PathOut(BaseModel):
    nodes: list[str]
    edges: list[str]


class PathsOut(BaseModel):
    chart: ChartOut
    shortest: PathOut | None
    paths: list[PathOut] = Field(description="every simple path up to max_length, shortest first")


def chart_out(chart: analysis.LinkChart) -> ChartOut:
    return ChartOut(
        root=chart.root,
        nodes=[
            NodeOut(
                id=node.id,
                kind=node.kind.value,
                type=node.schema,
                label=node.label,
                hop=node.hop,
                community=chart.communities.get(node.id),
            )
            for node in chart.nodes
        ],
        edges=[
            EdgeOut(
                id=edge.id,
                source=edge.source,
                target=edge.target,
                kind=edge.kind.value,
                label=edge.label,
                statements=list(edge.statements),
                reports=list(edge.reports),
                grading=edge.grading,
                first_seen=edge.first_seen,
                last_seen=edge.last_seen,
                events=[
                    EncounterEventOut(
                        event_id=e.event_id, start=e.start, end=e.end, lat=e.lat, lon=e.lon
                    )
                    for e in edge.events
                ],
            )
            for edge in chart.edges
        ],
        brokers=[BrokerOut(id=node, betweenness=value) for node, value in chart.brokers],
        truncated=chart.truncated,
    )


def chart_options(
    hops: int,
    kind: list[Kind] | None,
    since: datetime | None,
    until: datetime | None,
    min_grading: str | None,
    max_nodes: int,
) -> analysis.ChartOptions:
    return analysis.ChartOptions(
        hops=hops,
        kinds=frozenset(EdgeKind(k) for k in (kind or DEFAULT_KINDS)),
        since=since,
        until=until,
        min_grading=min_grading,
        max_nodes=max_nodes,
    )


Hops = Annotated[int, Query(ge=1, le=4, description="steps from the entity")]
Kinds = Annotated[
    list[Kind] | None,
    Query(description="kinds of link to follow (repeat); default: all but `report`"),
]
Since = Annotated[IsoDateTime | None, Query(description="only facts seen since (ISO 8601)")]
Until = Annotated[IsoDateTime | None, Query(description="only facts seen until (ISO 8601)")]
MinGrading = Annotated[
    str | None,
    Query(
        pattern=r"^[A-Za-z][0-9]$",
        description="only facts graded at least this, e.g. B2 (source B or better, "
        "information 2 or better)",
    ),
]
MaxNodes = Annotated[int, Query(ge=1, le=2000, description="stop expanding past this many")]


@router.get(
    "/entities/{entity_id}/chart",
    response_model=ChartOut,
    responses=errors(404),
)
async def get_chart(
    entity_id: str,
    hops: Hops = 2,
    kind: Kinds = None,
    since: Since = None,
    until: Until = None,
    min_grading: MinGrading = None,
    max_nodes: MaxNodes = 500,
    actor: Actor = Depends(api_actor),
    ws: Workspace = Depends(workspace_of),
) -> ChartOut:
    """The entity's neighbourhood as a link chart, within the caller's scope (audited)."""
    options = chart_options(hops, kind, since, until, min_grading, max_nodes)
    chart = await run_in_threadpool(lambda: analysis.neighbourhood(ws, actor, entity_id, options))
    return chart_out(chart)


@router.get(
    "/paths",
    response_model=PathsOut,
    responses=errors(404),
)
async def get_paths(
    source: Annotated[str, Query(min_length=1, max_length=128)],
    target: Annotated[str, Query(min_length=1, max_length=128)],
    max_length: Annotated[int, Query(ge=1, le=4, description="longest path, in steps")] = 4,
    kind: Kinds = None,
    since: Since = None,
    until: Until = None,
    min_grading: MinGrading = None,
    actor: Actor = Depends(api_actor),
    ws: Workspace = Depends(workspace_of),
) -> PathsOut:
    """The shortest path and every simple path between two entities, in the caller's scope."""
    options = chart_options(max_length, kind, since, until, min_grading, 500)
    found = await run_in_threadpool(
        lambda: analysis.paths_between(
            ws, actor, source, target, max_length=max_length, options=options
        )
    )
    return PathsOut(
        chart=chart_out(found.chart),
        shortest=PathOut(nodes=list(found.shortest.nodes), edges=list(found.shortest.edges))
        if found.shortest
        else None,
        paths=[PathOut(nodes=list(p.nodes), edges=list(p.edges)) for p in found.all_paths],
    )
