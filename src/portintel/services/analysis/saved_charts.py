"""Saved charts: a named, shareable analysis that opens again in its opener's scope.

Saving keeps the chart's parameters, the analyst's layout and notes, and a
handling code at least as restrictive as the most restrictive handling of
what the chart showed its author (:mod:`portintel.domain.analysis.saved`).
Opening expands the chart again as the *opener* may see it: a node or an edge
outside the opener's need-to-know is absent from the chart and from the
layout. Only the owner renames, edits, shares or deletes; everyone it is
shared with opens it. A chart nobody shared with the reader answers NotFound,
as one that does not exist. Every change and every opening is audited.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import Connection, delete, exists, func, insert, or_, select, update

from portintel.adapters.database import tables
from portintel.adapters.database.scope import statement_condition, statements_with_reports
from portintel.adapters.vocabularies import load_handling
from portintel.domain.access import reader_scope
from portintel.domain.actors import Actor
from portintel.domain.analysis import EdgeKind, NodeKind
from portintel.domain.analysis.saved import (
    Group,
    Layout,
    Position,
    check_layout,
    check_name,
    check_notes,
    covers,
    layout_within,
    strictest,
)
from portintel.errors import InvalidInput, NotFound, PermissionDenied, PortintelError
from portintel.services import audit
from portintel.services.analysis.charts import ChartOptions, LinkChart, neighbourhood
from portintel.services.workspace import Workspace

_C = tables.saved_charts.c
_RD = tables.saved_chart_readers.c
_S = tables.statements.c
_R = tables.reports.c
_CHUNK = 500

Whose = Literal["mine", "shared", "all"]


@dataclass(frozen=True, slots=True)
class SavedChart:
    """A saved chart as stored: its parameters and the analyst's work, not its nodes."""

    id: str
    name: str
    owner: str
    """The owner's username."""
    owner_name: str
    root: str
    options: ChartOptions
    layout: Layout
    notes: str
    handling: str
    handling_conditions: str | None
    shared_with_unit: bool
    shared_with: tuple[str, ...]
    """Usernames of the colleagues it is shared with by name."""
    created_at: datetime
    updated_at: datetime

    @property
    def handling_label(self) -> str:
        return handling_label(self.handling) or self.handling


@dataclass(frozen=True, slots=True)
class OpenedChart:
    """A saved chart expanded in its opener's scope, with the layout reduced to what they see."""

    saved: SavedChart
    chart: LinkChart
    layout: Layout
    floor: str | None
    """The most restrictive handling of what this opener sees (may be below the saved one)."""
    mine: bool


@dataclass(frozen=True, slots=True)
class ChartDraft:
    """What the analyst saves (or changes: ``None`` leaves a field as it is)."""

    name: str | None = None
    root: str | None = None
    options: ChartOptions | None = None
    layout: Layout | None = None
    notes: str | None = None
    handling: str | None = None
    handling_conditions: str | None = None
    shared_with_unit: bool | None = None
    shared_with: Sequence[str] | None = None


def handling_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Every handling code by vocabulary name, as (code, "H2: label") for a picker."""
    vocabularies = load_handling()
    return [
        (
            vocabularies.vocabulary(vocabulary).name,
            [(str(code), f"{code.code}: {code.label}") for code in vocabularies.codes(vocabulary)],
        )
        for vocabulary in vocabularies.ids
    ]


def handling_label(code: str | None) -> str | None:
    """The label of a handling code ("Not disseminated without permission"); the code if unknown."""
    if code is None:
        return None
    try:
        return load_handling().label(code)
    except PortintelError:
        return code


def options_to_json(options: ChartOptions) -> dict[str, Any]:
    return {
        "hops": options.hops,
        "kinds": sorted(k.value for k in options.kinds),
        "since": options.since.isoformat() if options.since else None,
        "until": options.until.isoformat() if options.until else None,
        "min_grading": options.min_grading,
        "max_nodes": options.max_nodes,
    }


def options_from_json(data: Mapping[str, Any]) -> ChartOptions:
    def when(value: object) -> datetime | None:
        return datetime.fromisoformat(value) if isinstance(value, str) and value else None

    return ChartOptions(
        hops=int(data.get("hops", 2)),
        kinds=frozenset(EdgeKind(k) for k in data.get("kinds", [])) or ChartOptions().kinds,
        since=when(data.get("since")),
        until=when(data.get("until")),
        min_grading=data.get("min_grading") or None,
        max_nodes=int(data.get("max_nodes", 500)),
    )


def layout_to_json(layout: Layout) -> dict[str, Any]:
    return {
        "positions": {k: [v.x, v.y] for k, v in sorted(layout.positions.items())},
        "pinned": list(layout.pinned),
        "hidden": list(layout.hidden),
        "groups": [{"name": g.name, "members": list(g.members)} for g in layout.groups],
    }


def layout_from_json(data: Mapping[str, Any]) -> Layout:
    positions = data.get("positions") or {}
    return Layout(
        positions={str(k): Position(float(v[0]), float(v[1])) for k, v in positions.items()},
        pinned=tuple(str(n) for n in data.get("pinned") or ()),
        hidden=tuple(str(n) for n in data.get("hidden") or ()),
        groups=tuple(
            Group(str(g["name"]), tuple(str(m) for m in g.get("members") or ()))
            for g in data.get("groups") or ()
        ),
    )


def handling_floor(ws: Workspace, actor: Actor, chart: LinkChart) -> str | None:
    """The most restrictive handling code of the statements the chart shows its reader.

    The statements of its edges and of its entity nodes, read through the
    reader's scope (a statement they cannot read does not raise the floor,
    as it is not shown).
    """
    statement_ids = {s for edge in chart.edges for s in edge.statements}
    entity_ids = {n.id for n in chart.nodes if n.kind is NodeKind.ENTITY}
    scope = statement_condition(reader_scope(actor).statements)
    handling = func.coalesce(_S.handling, _R.handling)
    codes: set[str] = set()
    with ws.engine.connect() as connection:
        for column, values in ((_S.id, statement_ids), (_S.canonical_id, entity_ids)):
            for chunk in _chunks(values):
                codes.update(
                    connection.execute(
                        select(handling)
                        .distinct()
                        .select_from(statements_with_reports())
                        .where(scope, column.in_(chunk), handling.is_not(None))
                    ).scalars()
                )
    return strictest(load_handling(), codes)


def _chunks(values: Iterable[str]) -> Iterable[list[str]]:
    items = sorted(set(values))
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def _checked_handling(code: str, conditions: str | None, floor: str | None) -> str:
    vocabularies = load_handling()
    try:
        parsed = vocabularies.parse(code, conditions)
    except PortintelError as exc:
        raise InvalidInput(f"handling: {exc.message}", field="handling", hint=exc.hint) from exc
    if not covers(vocabularies, str(parsed), floor):
        assert floor is not None
        raise InvalidInput(
            f"this chart shows information handled {vocabularies.label(floor)} ({floor}); "
            f"a saved chart's handling must be at least that restrictive",
            field="handling",
            hint=f"choose {floor} or a stricter code",
        )
    return str(parsed)


def _user_ids(connection: Connection, usernames: Iterable[str], owner: Actor) -> list[str]:
    wanted = sorted({u.strip() for u in usernames if u.strip()} - {owner.username})
    if not wanted:
        return []
    u = tables.users.c
    found = {
        row.username: row.id
        for row in connection.execute(select(u.username, u.id).where(u.username.in_(wanted)))
    }
    missing = [name for name in wanted if name not in found]
    if missing:
        raise InvalidInput(
            f"no user named {', '.join(missing)}",
            field="shared_with",
            hint="give the usernames of colleagues of this node",
        )
    return [found[name] for name in wanted]


def save_chart(ws: Workspace, actor: Actor, draft: ChartDraft) -> SavedChart:
    """Save a new chart; its handling must cover what it shows its author (InvalidInput)."""
    if draft.root is None or draft.handling is None:
        raise InvalidInput("a saved chart needs its entity and a handling code", field="handling")
    name = check_name(draft.name or "")
    notes = check_notes(draft.notes or "")
    options = draft.options or ChartOptions()
    layout = draft.layout or Layout()
    check_layout(layout)
    chart = neighbourhood(ws, actor, draft.root, options)
    handling = _checked_handling(
        draft.handling, draft.handling_conditions, handling_floor(ws, actor, chart)
    )
    chart_id = "chart-" + secrets.token_hex(8)
    now = ws.clock()
    with ws.engine.begin() as connection:
        readers = _user_ids(connection, draft.shared_with or (), actor)
        connection.execute(
            insert(tables.saved_charts).values(
                id=chart_id,
                name=name,
                owner_id=actor.user_id,
                root_entity=chart.root,
                options=options_to_json(options),
                layout=layout_to_json(layout_within(layout, {n.id for n in chart.nodes})),
                notes=notes,
                handling=handling,
                handling_conditions=(draft.handling_conditions or "").strip() or None,
                shared_with_unit=bool(draft.shared_with_unit),
                created_at=now,
                updated_at=now,
            )
        )
        if readers:
            connection.execute(
                insert(tables.saved_chart_readers),
                [{"chart_id": chart_id, "user_id": r} for r in readers],
            )
        audit.record(
            connection,
            actor,
            "chart.saved",
            object_type="chart",
            object_id=chart_id,
            detail={"name": name, "root": chart.root, "handling": handling},
            at=now,
        )
    return get_saved(ws, actor, chart_id)


def _readable(actor: Actor) -> Any:
    shared = exists().where(_RD.chart_id == _C.id, _RD.user_id == actor.user_id)
    return or_(_C.owner_id == actor.user_id, _C.shared_with_unit.is_(True), shared)


def _query() -> Any:
    u = tables.users.c
    return select(
        tables.saved_charts, u.username.label("owner"), u.display_name.label("owner_name")
    ).select_from(tables.saved_charts.join(tables.users, tables.users.c.id == _C.owner_id))


def _saved(connection: Connection, row: Any) -> SavedChart:
    u = tables.users.c
    readers = connection.execute(
        select(u.username)
        .select_from(tables.saved_chart_readers.join(tables.users, u.id == _RD.user_id))
        .where(_RD.chart_id == row.id)
        .order_by(u.username)
    ).scalars()
    return SavedChart(
        id=row.id,
        name=row.name,
        owner=row.owner,
        owner_name=row.owner_name,
        root=row.root_entity,
        options=options_from_json(row.options),
        layout=layout_from_json(row.layout),
        notes=row.notes,
        handling=row.handling,
        handling_conditions=row.handling_conditions,
        shared_with_unit=row.shared_with_unit,
        shared_with=tuple(readers),
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def get_saved(ws: Workspace, actor: Actor, chart_id: str) -> SavedChart:
    """The stored chart if the reader owns it or it is shared with them; NotFound otherwise."""
    with ws.engine.connect() as connection:
        row = connection.execute(_query().where(_C.id == chart_id, _readable(actor))).one_or_none()
        if row is None:
            raise NotFound(
                f"saved chart {chart_id} not found",
                hint="check the link, or ask its owner to share it with you",
            )
        return _saved(connection, row)


def list_saved(ws: Workspace, actor: Actor, whose: Whose = "all") -> list[SavedChart]:
    """The reader's charts (``mine``), those shared with them (``shared``), or both."""
    condition = _readable(actor)
    if whose == "mine":
        condition = _C.owner_id == actor.user_id
    elif whose == "shared":
        condition = (_C.owner_id != actor.user_id) & condition
    with ws.engine.connect() as connection:
        rows = connection.execute(
            _query().where(condition).order_by(_C.updated_at.desc(), _C.id)
        ).all()
        return [_saved(connection, row) for row in rows]


def open_chart(ws: Workspace, actor: Actor, chart_id: str) -> OpenedChart:
    """Expand the saved chart again in the opener's scope (audited)."""
    saved = get_saved(ws, actor, chart_id)
    chart = neighbourhood(ws, actor, saved.root, saved.options)
    with ws.engine.begin() as connection:
        audit.record(
            connection,
            actor,
            "chart.opened",
            object_type="chart",
            object_id=chart_id,
            detail={"nodes": len(chart.nodes), "edges": len(chart.edges)},
            at=ws.clock(),
        )
    return OpenedChart(
        saved=saved,
        chart=chart,
        layout=layout_within(saved.layout, {n.id for n in chart.nodes}),
        floor=handling_floor(ws, actor, chart),
        mine=saved.owner == actor.username,
    )


def _owned(ws: Workspace, actor: Actor, chart_id: str) -> SavedChart:
    saved = get_saved(ws, actor, chart_id)
    if saved.owner != actor.username:
        raise PermissionDenied(
            "only the chart's owner may change or delete it",
            hint="save a copy of your own from the chart page",
        )
    return saved


def update_chart(ws: Workspace, actor: Actor, chart_id: str, draft: ChartDraft) -> SavedChart:
    """Rename, re-annotate, re-lay-out, re-share or re-handle the owner's chart (audited)."""
    saved = _owned(ws, actor, chart_id)
    values: dict[str, Any] = {}
    changed: list[str] = []
    if draft.name is not None:
        values["name"] = check_name(draft.name)
    if draft.notes is not None:
        values["notes"] = check_notes(draft.notes)
    if draft.options is not None or draft.root is not None:
        raise InvalidInput(
            "a saved chart keeps its entity and parameters",
            field="options",
            hint="draw the chart again and save it under a new name",
        )
    chart_nodes: set[str] | None = None
    if draft.layout is not None or draft.handling is not None:
        chart = neighbourhood(ws, actor, saved.root, saved.options)
        chart_nodes = {n.id for n in chart.nodes}
        if draft.handling is not None:
            conditions = draft.handling_conditions
            values["handling"] = _checked_handling(
                draft.handling, conditions, handling_floor(ws, actor, chart)
            )
            values["handling_conditions"] = (conditions or "").strip() or None
    if draft.layout is not None:
        check_layout(draft.layout)
        assert chart_nodes is not None
        # the owner's own layout of nodes they no longer see is kept as it was
        kept = saved.layout
        mine = layout_within(draft.layout, chart_nodes)
        unseen = kept.node_ids() - chart_nodes
        values["layout"] = layout_to_json(_join(mine, layout_within(kept, unseen)))
    if draft.shared_with_unit is not None:
        values["shared_with_unit"] = draft.shared_with_unit
    now = ws.clock()
    with ws.engine.begin() as connection:
        if draft.shared_with is not None:
            readers = _user_ids(connection, draft.shared_with, actor)
            connection.execute(delete(tables.saved_chart_readers).where(_RD.chart_id == chart_id))
            if readers:
                connection.execute(
                    insert(tables.saved_chart_readers),
                    [{"chart_id": chart_id, "user_id": r} for r in readers],
                )
            changed.append("shared_with")
        changed += sorted(values)
        if not changed:
            return saved
        connection.execute(
            update(tables.saved_charts).where(_C.id == chart_id).values(**values, updated_at=now)
        )
        detail: dict[str, object] = {"changed": changed}
        if "name" in values:
            detail["name"] = values["name"]
        if "handling" in values:
            detail["handling"] = values["handling"]
        audit.record(
            connection,
            actor,
            "chart.renamed" if changed == ["name"] else "chart.updated",
            object_type="chart",
            object_id=chart_id,
            detail=detail,
            at=now,
        )
    return get_saved(ws, actor, chart_id)


def _join(first: Layout, second: Layout) -> Layout:
    return Layout(
        positions={**second.positions, **first.positions},
        pinned=tuple(dict.fromkeys((*first.pinned, *second.pinned))),
        hidden=tuple(dict.fromkeys((*first.hidden, *second.hidden))),
        groups=(*first.groups, *second.groups),
    )


def delete_chart(ws: Workspace, actor: Actor, chart_id: str) -> None:
    """Delete the owner's chart and its sharing (audited)."""
    saved = _owned(ws, actor, chart_id)
    with ws.engine.begin() as connection:
        connection.execute(delete(tables.saved_chart_readers).where(_RD.chart_id == chart_id))
        connection.execute(delete(tables.saved_charts).where(_C.id == chart_id))
        audit.record(
            connection,
            actor,
            "chart.deleted",
            object_type="chart",
            object_id=chart_id,
            detail={"name": saved.name},
            at=ws.clock(),
        )
