"""Exports of a link chart (GraphML, GEXF, i2 ANX, FtM JSON), scoped and audited.

The chart exported is the one the reader sees: it is expanded again in their
scope (an entity's neighbourhood, or a saved chart), so a file can hold only
what they may read. Its handling is the most restrictive handling of what it
shows, and for a saved chart at least the chart's own; every export is
written to the audit log with its format and size.
"""

from __future__ import annotations

from dataclasses import dataclass

from portintel.adapters.vocabularies import load_handling
from portintel.domain.actors import Actor
from portintel.domain.analysis.exports import FORMATS, WRITERS, ChartForExport
from portintel.domain.analysis.saved import strictest
from portintel.errors import InvalidInput
from portintel.services import audit
from portintel.services.analysis.charts import ChartOptions, LinkChart, neighbourhood
from portintel.services.analysis.saved_charts import get_saved, handling_floor, handling_label
from portintel.services.workspace import Workspace

EXPORT_FORMATS = tuple(FORMATS)


@dataclass(frozen=True, slots=True)
class ChartFile:
    filename: str
    media_type: str
    content: bytes
    handling: str | None


def _check(fmt: str) -> None:
    if fmt not in FORMATS:
        raise InvalidInput(
            f"unknown export format {fmt!r}",
            field="format",
            hint=f"choose one of {', '.join(FORMATS)}",
        )


def _write(
    ws: Workspace,
    actor: Actor,
    chart: LinkChart,
    fmt: str,
    *,
    title: str,
    slug: str,
    handling: str | None,
    object_type: str,
    object_id: str,
) -> ChartFile:
    data = ChartForExport(
        title=title,
        root=chart.root,
        handling=handling,
        handling_label=handling_label(handling),
        nodes=chart.nodes,
        edges=chart.edges,
        communities=chart.communities,
        generated_at=ws.clock(),
    )
    content = WRITERS[fmt](data)
    media_type, extension = FORMATS[fmt]
    with ws.engine.begin() as connection:
        audit.record(
            connection,
            actor,
            "chart.exported",
            object_type=object_type,
            object_id=object_id,
            detail={
                "format": fmt,
                "nodes": len(chart.nodes),
                "edges": len(chart.edges),
                "bytes": len(content),
                "handling": handling,
            },
            at=ws.clock(),
        )
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in slug)[:80] or "chart"
    return ChartFile(f"{safe}.{extension}", media_type, content, handling)


def export_neighbourhood(
    ws: Workspace, actor: Actor, entity_id: str, options: ChartOptions, fmt: str
) -> ChartFile:
    """The entity's chart as the reader sees it, in ``fmt``."""
    _check(fmt)
    chart = neighbourhood(ws, actor, entity_id, options)
    caption = next((n.label for n in chart.nodes if n.id == chart.root), chart.root)
    return _write(
        ws,
        actor,
        chart,
        fmt,
        title=f"Link chart: {caption}",
        slug=f"chart-{chart.root}",
        handling=handling_floor(ws, actor, chart),
        object_type="entity",
        object_id=chart.root,
    )


def export_saved(ws: Workspace, actor: Actor, chart_id: str, fmt: str) -> ChartFile:
    """A saved chart expanded in the reader's scope, in ``fmt``; handled at least as saved."""
    _check(fmt)
    saved = get_saved(ws, actor, chart_id)
    chart = neighbourhood(ws, actor, saved.root, saved.options)
    handling = strictest(load_handling(), [saved.handling, handling_floor(ws, actor, chart) or ""])
    return _write(
        ws,
        actor,
        chart,
        fmt,
        title=saved.name,
        slug=saved.name,
        handling=handling,
        object_type="chart",
        object_id=chart_id,
    )
