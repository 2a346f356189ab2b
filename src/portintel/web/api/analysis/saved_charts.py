"""``/api/v1/charts``: saved link charts, named and shareable, opened in the caller's scope.

A saved chart stores how it was drawn and the analyst's layout and notes,
never its nodes: ``GET /charts/{id}`` expands it again as the caller may see
it, and drops from the layout every node the caller may not see. Its
handling is at least the most restrictive handling of what it showed its
author; ``floor`` says what the caller's own view of it carries.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from portintel.domain.actors import Actor
from portintel.domain.analysis.saved import Group, Layout, Position
from portintel.services import analysis
from portintel.services.workspace import Workspace
from portintel.web.api.analysis.charts import DEFAULT_KINDS, ChartOut, Kind, chart_out
from portintel.web.api.responses import errors
from portintel.web.authentication import api_actor, workspace_of

router = APIRouter(tags=["analysis"])

MinGrading = Annotated[str | None, Field(pattern=r"^[A-Za-z][0-9]$")]


class OptionsIO(BaseModel):
    hops: int = Field(2, ge=1, le=4)
    kinds: list[Kind] = Field(default_factory=lambda: list(DEFAULT_KINDS))
    since: datetime | None = None
    until: datetime | None = None
    min_grading: MinGrading = None
    max_nodes: int = Field(500, ge=1, le=2000)


class GroupIO(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    members: list[Annotated[str, Field(max_length=200)]] = Field(max_length=2000)


class LayoutIO(BaseModel):
    positions: dict[str, tuple[float, float]] = Field(
        default_factory=dict, description="node id -> [x, y]"
    )
    pinned: list[str] = Field(default_factory=list, max_length=2000)
    hidden: list[str] = Field(default_factory=list, max_length=2000)
    groups: list[GroupIO] = Field(default_factory=list, max_length=200)

    def layout(self) -> Layout:
        return Layout(
            positions={k: Position(x, y) for k, (x, y) in self.positions.items()},
            pinned=tuple(self.pinned),
            hidden=tuple(self.hidden),
            groups=tuple(Group(g.name, tuple(g.members)) for g in self.groups),
        )

    @classmethod
    def of(cls, layout: Layout) -> LayoutIO:
        return cls(
            positions={k: (v.x, v.y) for k, v in layout.positions.items()},
            pinned=list(layout.pinned),
            hidden=list(layout.hidden),
            groups=[GroupIO(name=g.name, members=list(g.members)) for g in layout.groups],
        )


class ChartIn(BaseModel):
    name: str = Field(max_length=400)
    root: str = Field(min_length=1, max_length=128, description="the entity the chart grows from")
    options: OptionsIO = Field(default_factory=OptionsIO)
    layout: LayoutIO = Field(default_factory=LayoutIO)
    notes: str = Field("", max_length=20_000)
    handling: str = Field(
        max_length=64, description="at least the most restrictive handling the chart shows"
    )
    handling_conditions: str | None = Field(None, max_length=2000)
    shared_with_unit: bool = False
    shared_with: list[Annotated[str, Field(max_length=100)]] = Field(
        default_factory=list, max_length=200, description="usernames"
    )


class ChartChange(BaseModel):
    name: str | None = Field(None, max_length=400)
    layout: LayoutIO | None = None
    notes: str | None = Field(None, max_length=20_000)
    handling: str | None = Field(None, max_length=64)
    handling_conditions: str | None = Field(None, max_length=2000)
    shared_with_unit: bool | None = None
    shared_with: list[Annotated[str, Field(max_length=100)]] | None = Field(None, max_length=200)


class SavedChartOut(BaseModel):
    id: str
    name: str
    owner: str
    owner_name: str
    root: str
    options: OptionsIO
    notes: str
    handling: str
    handling_label: str
    handling_conditions: str | None
    shared_with_unit: bool
    shared_with: list[str]
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, saved: analysis.SavedChart) -> SavedChartOut:
        options = saved.options
        return cls(
            id=saved.id,
            name=saved.name,
            owner=saved.owner,
            owner_name=saved.owner_name,
            root=saved.root,
            options=OptionsIO(
                hops=options.hops,
                kinds=sorted(k.value for k in options.kinds),
                since=options.since,
                until=options.until,
                min_grading=options.min_grading,
                max_nodes=options.max_nodes,
            ),
            notes=saved.notes,
            handling=saved.handling,
            handling_label=saved.handling_label,
            handling_conditions=saved.handling_conditions,
            shared_with_unit=saved.shared_with_unit,
            shared_with=list(saved.shared_with),
            created_at=saved.created_at,
            updated_at=saved.updated_at,
        )


class OpenedChartOut(BaseModel):
    saved: SavedChartOut
    chart: ChartOut = Field(description="expanded again in the caller's scope")
    layout: LayoutIO = Field(description="the saved layout, reduced to the nodes the caller sees")
    floor: str | None = Field(
        description="the most restrictive handling of what the caller sees in this chart"
    )
    floor_label: str | None
    mine: bool = Field(description="the caller owns it (may rename, edit, share, delete)")


class FloorOut(BaseModel):
    floor: str | None = Field(description="the most restrictive handling the chart shows")
    floor_label: str | None


def options_of(body: OptionsIO) -> analysis.ChartOptions:
    from portintel.domain.analysis import EdgeKind

    return analysis.ChartOptions(
        hops=body.hops,
        kinds=frozenset(EdgeKind(k) for k in body.kinds) or analysis.ChartOptions().kinds,
        since=body.since,
        until=body.until,
        min_grading=body.min_grading,
        max_nodes=body.max_nodes,
    )


def opened_out(opened: analysis.OpenedChart) -> OpenedChartOut:
    return OpenedChartOut(
        saved=SavedChartOut.of(opened.saved),
        chart=chart_out(opened.chart),
        layout=LayoutIO.of(opened.layout),
        floor=opened.floor,
        floor_label=analysis.handling_label(opened.floor),
        mine=opened.mine,
    )


@router.get("/charts", response_model=list[SavedChartOut], responses=errors())
async def saved_charts(
    whose: Annotated[
        Literal["mine", "shared", "all"],
        Query(description="mine, shared with me, or both"),
    ] = "all",
    actor: Actor = Depends(api_actor),
    ws: Workspace = Depends(workspace_of),
) -> list[SavedChartOut]:
    """The saved charts the caller owns or that are shared with them, last changed first."""
    found = await run_in_threadpool(analysis.list_saved, ws, actor, whose)
    return [SavedChartOut.of(saved) for saved in found]


@router.post(
    "/charts", response_model=SavedChartOut, status_code=201, responses=errors(404, write=True)
)
async def save(
    body: ChartIn, actor: Actor = Depends(api_actor), ws: Workspace = Depends(workspace_of)
) -> SavedChartOut:
    """Save a chart as a named analysis; its handling must cover what it shows (422 if not)."""
    draft = analysis.ChartDraft(
        name=body.name,
        root=body.root,
        options=options_of(body.options),
        layout=body.layout.layout(),
        notes=body.notes,
        handling=body.handling,
        handling_conditions=body.handling_conditions,
        shared_with_unit=body.shared_with_unit,
        shared_with=body.shared_with,
    )
    saved = await run_in_threadpool(analysis.save_chart, ws, actor, draft)
    return SavedChartOut.of(saved)


@router.get("/entities/{entity_id}/chart/handling", response_model=FloorOut, responses=errors(404))
async def chart_floor(
    entity_id: str,
    hops: Annotated[int, Query(ge=1, le=4)] = 2,
    kind: Annotated[list[Kind] | None, Query()] = None,
    since: datetime | None = None,
    until: datetime | None = None,
    min_grading: Annotated[str | None, Query(pattern=r"^[A-Za-z][0-9]$")] = None,
    max_nodes: Annotated[int, Query(ge=1, le=2000)] = 500,
    actor: Actor = Depends(api_actor),
    ws: Workspace = Depends(workspace_of),
) -> FloorOut:
    """The most restrictive handling of what this chart shows the caller: a saved copy's least."""
    options = options_of(
        OptionsIO(
            hops=hops,
            kinds=kind or list(DEFAULT_KINDS),
            since=since,
            until=until,
            min_grading=min_grading,
            max_nodes=max_nodes,
        )
    )

    def work() -> FloorOut:
        chart = analysis.neighbourhood(ws, actor, entity_id, options)
        floor = analysis.handling_floor(ws, actor, chart)
        return FloorOut(floor=floor, floor_label=analysis.handling_label(floor))

    return await run_in_threadpool(work)


@router.get("/charts/{chart_id}", response_model=OpenedChartOut, responses=errors(404))
async def open_saved(
    chart_id: str, actor: Actor = Depends(api_actor), ws: Workspace = Depends(workspace_of)
) -> OpenedChartOut:
    """The saved chart expanded again in the caller's scope (audited)."""
    opened = await run_in_threadpool(analysis.open_chart, ws, actor, chart_id)
    return opened_out(opened)


@router.patch("/charts/{chart_id}", response_model=SavedChartOut, responses=errors(404, write=True))
async def change(
    chart_id: str,
    body: ChartChange,
    actor: Actor = Depends(api_actor),
    ws: Workspace = Depends(workspace_of),
) -> SavedChartOut:
    """Rename, annotate, lay out, re-handle or share the caller's own chart (audited)."""
    draft = analysis.ChartDraft(
        name=body.name,
        layout=body.layout.layout() if body.layout is not None else None,
        notes=body.notes,
        handling=body.handling,
        handling_conditions=body.handling_conditions,
        shared_with_unit=body.shared_with_unit,
        shared_with=body.shared_with,
    )
    saved = await run_in_threadpool(analysis.update_chart, ws, actor, chart_id, draft)
    return SavedChartOut.of(saved)


@router.delete(
    "/charts/{chart_id}",
    status_code=204,
    response_class=Response,
    responses=errors(404, write=True),
)
async def remove(
    chart_id: str, actor: Actor = Depends(api_actor), ws: Workspace = Depends(workspace_of)
) -> Response:
    """Delete the caller's own chart (audited); the entities it showed are untouched."""
    await run_in_threadpool(analysis.delete_chart, ws, actor, chart_id)
    return Response(status_code=204)
