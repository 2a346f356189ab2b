"""Analysts' additions and corrections to the ports gazetteer: stored, audited, in force."""

from __future__ import annotations

from importlib import resources

import pytest
from sqlalchemy import select

from portintel.adapters.database import tables
from portintel.domain.actors import Role
from portintel.domain.maritime.port_entries import UNIT_LICENCE, clean_port_entry
from portintel.errors import InvalidInput, NotFound, PermissionDenied
from portintel.services import maritime
from portintel.services.maritime.behaviours import gazetteer
from portintel.services.workspace import Workspace
from tests.services.staff import IMMIGRATION, make_user

SHIPPED = resources.files("portintel.vocabularies").joinpath("ports.csv").read_text("utf-8")


def _entry(**changes: str):  # type: ignore[no-untyped-def]
    values = {
        "name": "Stung Hav landing beach",
        "country": "kh",
        "kind": "landing_site",
        "lat": "10.7512",
        "lon": "103.6388",
        "source": "Maritime Police patrol, February",
        **changes,
    }
    return clean_port_entry(**values)


def test_an_addition_is_in_force_for_detection_and_the_map(workspace: Workspace) -> None:
    ana = make_user(workspace, "ana", IMMIGRATION, Role.ANALYST)
    edit = maritime.add_port(workspace, ana, _entry())
    assert edit.port_id.startswith("PI-") and edit.action == "add"
    # detection reads the gazetteer through the same loader
    (port,) = [p for p in gazetteer(workspace).ports if p.id == edit.port_id]
    assert (port.name, port.country, port.kind, port.lat) == (
        "Stung Hav landing beach", "KH", "landing_site", 10.7512,
    )  # fmt: skip
    assert port.source.startswith("Maritime Police patrol, February (entered in portintel by ana")
    assert port.licence == UNIT_LICENCE
    layer = {p.id: p for p in maritime.port_layer(workspace, ana)}
    assert layer[edit.port_id].country == "Cambodia"
    assert layer[edit.port_id].kind_label == "Landing site"
    listed = {e.id: e for e in maritime.list_port_entries(workspace, ana)}
    assert listed[edit.port_id].edited_by == "ana"
    assert gazetteer(workspace).refused == ()


def test_a_correction_keeps_the_shipped_entry_and_the_history(workspace: Workspace) -> None:
    ana = make_user(workspace, "ana", IMMIGRATION, Role.ANALYST)
    sam = make_user(workspace, "sam", IMMIGRATION, Role.SUPERVISOR)
    moved = _entry(
        name="Sihanoukville Port",
        kind="port",
        lat="10.65",
        lon="103.51",
        source="Port authority chart 2025",
        note="the berth moved north",
    )
    first = maritime.correct_port(workspace, ana, "KHKOS", moved)
    checked = _entry(
        name="Sihanoukville Autonomous Port",
        kind="port",
        lat="10.651",
        lon="103.51",
        source="Chart check",
    )
    maritime.correct_port(workspace, sam, "KHKOS", checked)
    (port,) = [p for p in gazetteer(workspace).ports if p.id == "KHKOS"]
    assert (port.name, port.lat) == ("Sihanoukville Autonomous Port", 10.651)
    history = maritime.port_history(workspace, ana, "KHKOS")
    assert [e.created_by for e in history.edits] == ["sam", "ana"]  # newest first
    assert history.edits[1].entry.note == "the berth moved north"
    assert history.original is not None and history.original.lat == 10.643
    assert history.current.edited_by == "sam"
    # the shipped file is never edited in place
    text = resources.files("portintel.vocabularies").joinpath("ports.csv").read_text("utf-8")
    assert text == SHIPPED
    with workspace.engine.connect() as connection:
        audited = connection.execute(
            select(tables.audit_log.c.action, tables.audit_log.c.actor).where(
                tables.audit_log.c.object_type == "port", tables.audit_log.c.object_id == "KHKOS"
            )
        ).all()
    assert sorted(audited) == [("port.correct", "ana"), ("port.correct", "sam")]
    assert first.id != history.edits[0].id


def test_who_may_change_the_gazetteer_and_what_is_refused(workspace: Workspace) -> None:
    olga = make_user(workspace, "olga", IMMIGRATION, Role.OFFICER)
    ana = make_user(workspace, "ana", IMMIGRATION, Role.ANALYST)
    with pytest.raises(PermissionDenied, match="analysts and supervisors"):
        maritime.add_port(workspace, olga, _entry())
    assert any(e.id == "KHKOS" for e in maritime.list_port_entries(workspace, olga))
    with pytest.raises(NotFound):
        maritime.correct_port(workspace, ana, "XX-NONE", _entry())
    with pytest.raises(NotFound):
        maritime.port_history(workspace, ana, "XX-NONE")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": "  "}, "name", "needs a name"),
        ({"country": "zz"}, "country", "not a country"),
        ({"kind": "marina"}, "kind", "Landing site"),
        ({"lat": "north"}, "lat", "latitude must be a number"),
        ({"lat": "91"}, "lat", "between -90 and 90"),
        ({"lon": "nan"}, "lon", "between -180 and 180"),
        ({"source": ""}, "source", "where the entry comes from"),
    ],
)
def test_a_bad_entry_names_its_field(changes: dict[str, str], field: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message) as caught:
        _entry(**changes)
    assert caught.value.field == field


def test_a_decimal_comma_is_read() -> None:
    assert _entry(lat="10,5").lat == 10.5
