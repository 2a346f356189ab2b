"""Saved charts: handling at least what they show, opened again in the opener's scope (#16)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portintel.adapters.database import tables
from portintel.domain.actors import Actor, Role
from portintel.domain.analysis.saved import Group, Layout, Position
from portintel.errors import InvalidInput, NotFound, PermissionDenied
from portintel.services.analysis import (
    ChartDraft,
    ChartOptions,
    delete_chart,
    list_saved,
    open_chart,
    save_chart,
    update_chart,
)
from portintel.services.events import transaction
from portintel.services.intake.statements import write_statements
from portintel.services.workspace import Workspace
from tests.services.analysis.test_charts import NETWORK
from tests.services.staff import IMMIGRATION, MARITIME, make_user

LAYOUT = Layout(
    positions={"p-sok": Position(0, 0), "p-hidden": Position(50, 80), "v-boat": Position(120, 9)},
    pinned=("p-sok", "p-hidden"),
    hidden=("phone:+85512345678",),
    groups=(Group("Sok family", ("p-sok", "p-dara")), Group("zq-secret cell", ("p-hidden",))),
)


@pytest.fixture
def people(workspace: Workspace) -> dict[str, Actor]:
    with transaction(workspace) as connection:
        write_statements(connection, NETWORK)
    return {
        "bea": make_user(workspace, "bea", IMMIGRATION, Role.SUPERVISOR),
        "ana": make_user(workspace, "ana", IMMIGRATION, Role.ANALYST),
        "cho": make_user(workspace, "cho", MARITIME, Role.ANALYST),
    }


def _draft(**changes: object) -> ChartDraft:
    values: dict[str, object] = {
        "name": "  Sok   network ",
        "root": "p-sok",
        "options": ChartOptions(hops=2),
        "layout": LAYOUT,
        "notes": "Dara owns the boat; the hidden partner shares the phone.",
        "handling": "tlp:RED",
        "shared_with": ["ana"],
    }
    values.update(changes)
    return ChartDraft(**values)  # type: ignore[arg-type]


def test_the_handling_must_be_at_least_the_strictest_of_what_the_chart_shows(
    workspace: Workspace, people: dict[str, Actor]
) -> None:
    with pytest.raises(InvalidInput) as refused:
        save_chart(workspace, people["bea"], _draft(handling="europol:H1"))
    assert refused.value.field == "handling"
    assert "tlp:RED" in str(refused.value) and "at least" in str(refused.value)
    # the analyst sees nothing handled RED in the same chart: a lower code will do
    mine = save_chart(workspace, people["ana"], _draft(handling="europol:H1", shared_with=[]))
    assert mine.handling == "europol:H1"
    with pytest.raises(InvalidInput, match="requires the originator's conditions"):
        save_chart(workspace, people["ana"], _draft(handling="uk-3x5x2:C"))


def test_a_shared_chart_opens_in_the_opener_s_scope_layout_included(
    workspace: Workspace, people: dict[str, Actor]
) -> None:
    saved = save_chart(workspace, people["bea"], _draft())
    assert saved.name == "Sok network" and saved.shared_with == ("ana",)
    own = open_chart(workspace, people["bea"], saved.id)
    assert "p-hidden" in {n.id for n in own.chart.nodes}
    assert "p-hidden" in own.layout.positions and own.floor == "tlp:RED" and own.mine

    theirs = open_chart(workspace, people["ana"], saved.id)
    assert "p-hidden" not in {n.id for n in theirs.chart.nodes}
    assert not theirs.mine
    assert set(theirs.layout.positions) == {"p-sok", "v-boat"}
    assert theirs.layout.pinned == ("p-sok",)
    assert [g.name for g in theirs.layout.groups] == ["Sok family"]  # the hidden cell is gone
    assert "zq-secret" not in repr(theirs.chart) + repr(theirs.layout)
    assert theirs.saved.handling == "tlp:RED"  # the chart's own handling stays as saved

    with pytest.raises(NotFound):
        open_chart(workspace, people["cho"], saved.id)  # not shared with him
    assert [c.id for c in list_saved(workspace, people["ana"], "shared")] == [saved.id]
    assert list_saved(workspace, people["ana"], "mine") == []
    assert [c.id for c in list_saved(workspace, people["bea"], "mine")] == [saved.id]
    assert list_saved(workspace, people["cho"]) == []

    update_chart(workspace, people["bea"], saved.id, ChartDraft(shared_with_unit=True))
    assert [c.id for c in list_saved(workspace, people["cho"], "shared")] == [saved.id]


def test_only_the_owner_renames_edits_and_deletes_and_each_change_is_audited(
    workspace: Workspace, people: dict[str, Actor]
) -> None:
    saved = save_chart(workspace, people["bea"], _draft())
    with pytest.raises(PermissionDenied):
        update_chart(workspace, people["ana"], saved.id, ChartDraft(name="mine now"))
    with pytest.raises(PermissionDenied):
        delete_chart(workspace, people["ana"], saved.id)
    renamed = update_chart(workspace, people["bea"], saved.id, ChartDraft(name="Sok, March"))
    assert renamed.name == "Sok, March"
    with pytest.raises(InvalidInput):
        update_chart(workspace, people["bea"], saved.id, ChartDraft(name="   "))
    with pytest.raises(InvalidInput, match="at least"):
        update_chart(workspace, people["bea"], saved.id, ChartDraft(handling="tlp:AMBER"))
    moved = update_chart(
        workspace,
        people["bea"],
        saved.id,
        ChartDraft(layout=Layout(positions={"p-dara": Position(1, 2)}), notes="moved"),
    )
    assert set(moved.layout.positions) == {"p-dara"} and moved.notes == "moved"
    delete_chart(workspace, people["bea"], saved.id)
    with pytest.raises(NotFound):
        open_chart(workspace, people["bea"], saved.id)
    with workspace.engine.connect() as connection:
        actions = (
            connection.execute(
                select(tables.audit_log.c.action).where(tables.audit_log.c.object_id == saved.id)
            )
            .scalars()
            .all()
        )
    assert actions == ["chart.saved", "chart.renamed", "chart.updated", "chart.deleted"]


def test_a_layout_the_owner_no_longer_sees_is_kept_when_they_move_other_nodes(
    workspace: Workspace, people: dict[str, Actor]
) -> None:
    saved = save_chart(workspace, people["ana"], _draft(handling="tlp:AMBER", shared_with=[]))
    assert "p-hidden" not in saved.layout.positions  # never stored: she never saw it
    with pytest.raises(InvalidInput, match="keeps its entity"):
        update_chart(workspace, people["ana"], saved.id, ChartDraft(options=ChartOptions(hops=1)))
    with pytest.raises(InvalidInput, match="no user named"):
        update_chart(workspace, people["ana"], saved.id, ChartDraft(shared_with=["nobody"]))
