"""Writes cannot probe (issue #8): a report reaches only entities its author may read.

The oracle this closes: entity ids were built from identifiers
(``passport-<number>``) and a fact's key was reused as an id whenever that id
existed, so an officer of another agency could name ``passport-n1234567``
and learn from the answer whether that number was in a report hidden from
them, and attach a fact to it. Now a write naming an entity the author may
not read is refused exactly as one naming no entity at all; identifiers group
facts only inside the writer's scope; and no id carries a value.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select

from portintel.adapters.database import tables
from portintel.domain.actors import Actor, Role
from portintel.domain.reports import FactDraft, ReportDraft
from portintel.errors import NotFound, PortintelError
from portintel.services.collation.entities import get_entity
from portintel.services.intake.imports import import_reports
from portintel.services.intake.reports import create_report, get_report, submit_report
from portintel.services.workspace import Workspace
from tests.services.staff import IMMIGRATION, MARITIME, make_user

PASSPORT = "N1234567"
COUNTED = (
    tables.reports,
    tables.report_events,
    tables.statements,
    tables.audit_log,
    tables.incidents,
)


def _draft(*facts: FactDraft, text: str = "Seen at the pier.", **changes: Any) -> ReportDraft:
    base: dict[str, Any] = {
        "title": "Boarding",
        "text": text,
        "reliability": "B",
        "credibility": "2",
        "handling": "tlp:GREEN",
        "facts": facts,
    }
    base.update(changes)
    return ReportDraft(**base)


def _passport(key: str = "doc", number: str = PASSPORT) -> FactDraft:
    return FactDraft(key, "Passport", "number", number)


def _counts(ws: Workspace) -> dict[str, int]:
    with ws.engine.connect() as connection:
        return {
            table.name: connection.execute(select(func.count()).select_from(table)).scalar_one()
            for table in COUNTED
        }


def _entity_of(ws: Workspace, actor: Actor, report_id: str, schema: str) -> str:
    ids = [
        entity_id
        for entity_id in get_report(ws, actor, report_id).entity_ids
        if get_entity(ws, actor, entity_id).schema == schema
    ]
    (entity_id,) = ids
    return entity_id


@contextmanager
def _sql_log(ws: Workspace) -> Iterator[list[str]]:
    """The SQL texts the store runs inside the block, in order."""
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    event.listen(ws.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(ws.engine, "before_cursor_execute", record)


@pytest.fixture
def hidden(workspace: Workspace) -> tuple[Actor, str]:
    """A passport in a draft of an immigration officer: an entity no one else may read."""
    author = make_user(workspace, "author", IMMIGRATION, Role.OFFICER)
    report_id = create_report(workspace, author, _draft(_passport()))
    return author, _entity_of(workspace, author, report_id, "Passport")


def _refusal(ws: Workspace, actor: Actor, draft: ReportDraft) -> tuple[type, str, str | None]:
    with pytest.raises(PortintelError) as caught:
        create_report(ws, actor, draft)
    error = caught.value
    return type(error), error.message, error.hint


def test_naming_a_hidden_entity_answers_as_naming_none(
    workspace: Workspace, hidden: tuple[Actor, str]
) -> None:
    author, entity_id = hidden
    prober = make_user(workspace, "prober", MARITIME, Role.OFFICER)
    missing = "ent-" + "0" * 32
    for naming in (
        lambda target: _draft(FactDraft(f"entity:{target}", "Passport", "country", "kh")),
        lambda target: _draft(  # a link to it is a fact about it too
            FactDraft("person", "Person", "name", "Sok Dara"),
            FactDraft("link", "Ownership", "owner", "person"),
            FactDraft("link", "Ownership", "asset", f"entity:{target}"),
        ),
        lambda target: _draft(FactDraft("link", "Ownership", "asset", target)),
    ):
        before = _counts(workspace)
        with _sql_log(workspace) as on_hidden:
            refused_hidden = _refusal(workspace, prober, naming(entity_id))
        with _sql_log(workspace) as on_missing:
            refused_missing = _refusal(workspace, prober, naming(missing))
        assert _counts(workspace) == before, "nothing written, not even an audit entry"
        kind, message, hint = refused_hidden
        assert kind is NotFound
        assert (kind, message.replace(entity_id, "ID"), hint) == (
            refused_missing[0],
            refused_missing[1].replace(missing, "ID"),
            refused_missing[2],
        )
        assert on_hidden and len(on_hidden) == len(on_missing)
        normalise = re.compile(r"'[^']*'|\b\d+\b")  # literal values may differ, never the queries
        assert [normalise.sub("?", q) for q in on_hidden] == [
            normalise.sub("?", q) for q in on_missing
        ], "the same work for a hidden entity as for none"
    # the author, who may read it, does attach to it
    report_id = create_report(
        workspace,
        author,
        _draft(FactDraft(f"entity:{entity_id}", "Passport", "country", "kh")),
    )
    assert get_report(workspace, author, report_id).entity_ids == (entity_id,)
    assert get_entity(workspace, author, entity_id).values("country") == ["kh"]


def test_a_refused_fact_refuses_the_whole_report(
    workspace: Workspace, hidden: tuple[Actor, str]
) -> None:
    _, entity_id = hidden
    prober = make_user(workspace, "prober", MARITIME, Role.OFFICER)
    before = _counts(workspace)
    with pytest.raises(NotFound):
        create_report(
            workspace,
            prober,
            _draft(
                FactDraft("boat", "Vessel", "name", "SEA STAR"),
                FactDraft(f"entity:{entity_id}", "Passport", "country", "kh"),
                text="Boarded SEA STAR, IMO 9074729.",
            ),
            submit=True,
        )
    assert _counts(workspace) == before


def test_identifiers_group_within_the_writers_scope_only(
    workspace: Workspace, hidden: tuple[Actor, str]
) -> None:
    author, first_entity = hidden
    colleague = make_user(workspace, "colleague", IMMIGRATION, Role.OFFICER)
    outsider = make_user(workspace, "outsider", MARITIME, Role.OFFICER)

    again = create_report(workspace, author, _draft(_passport("passport")))
    assert _entity_of(workspace, author, again, "Passport") == first_entity, "own drafts meet"

    draft_only = create_report(workspace, colleague, _draft(_passport()))
    apart = _entity_of(workspace, colleague, draft_only, "Passport")
    assert apart != first_entity, "a colleague may not read the drafts: no grouping"

    submit_report(workspace, author, again)  # now the colleague's agency reads it
    joined = create_report(workspace, colleague, _draft(_passport()))
    # the oldest readable entity that states the number: the author's first one
    assert _entity_of(workspace, colleague, joined, "Passport") == first_entity

    foreign = create_report(workspace, outsider, _draft(_passport(), text=f"Passport {PASSPORT}"))
    own = _entity_of(workspace, outsider, foreign, "Passport")
    assert own not in (first_entity, apart), "no grouping across agencies"
    assert get_entity(workspace, outsider, own).report_ids == (foreign,)
    with pytest.raises(NotFound):
        get_entity(workspace, outsider, first_entity)
    assert foreign not in get_entity(workspace, author, first_entity).report_ids


def test_a_restricted_identifier_groups_nothing(workspace: Workspace) -> None:
    officer = make_user(workspace, "officer", IMMIGRATION, Role.OFFICER)
    first = create_report(workspace, officer, _draft(_passport()))
    restricted = replace(_passport(), handling="tlp:RED")
    second = create_report(workspace, officer, _draft(restricted))
    assert _entity_of(workspace, officer, first, "Passport") != _entity_of(
        workspace, officer, second, "Passport"
    )


def test_no_stored_entity_id_is_built_from_an_identifier(
    workspace: Workspace, tmp_path: Path
) -> None:
    officer = make_user(workspace, "officer", IMMIGRATION, Role.OFFICER)
    values = ("9074729", "514123456", "N1234567", "85512345678", "12345678")
    create_report(
        workspace,
        officer,
        _draft(
            FactDraft("boat", "Vessel", "imoNumber", "IMO 9074729"),
            FactDraft("boat", "Vessel", "mmsi", "514123456"),
            _passport(),
            FactDraft("phone", "LegalEntity", "phone", "+855 12 345 678"),
            FactDraft("captain", "Person", "passportNumber", "N1234567"),
            text="Boarded IMO 9074729, MMSI 514123456; passport no. N1234567, "
            "captain's phone 012 345 678.",
        ),
        submit=True,
    )
    path = tmp_path / "rows.csv"
    path.write_text(
        "title,text,reliability,credibility,handling,vessel.imoNumber,vessel.mmsi,"
        "passport.number,legalentity.phone\n"
        "Row,Seen,B,2,tlp:GREEN,IMO 9074729,514123456,N1234567,012 345 678\n",
        encoding="utf-8",
    )
    assert import_reports(workspace, officer, path).imported == 1
    s = tables.statements.c
    with workspace.engine.connect() as connection:
        rows = connection.execute(select(s.entity_id, s.canonical_id, s.prop_type, s.value)).all()
    ids = {row.entity_id for row in rows} | {row.canonical_id for row in rows}
    ids |= {row.value for row in rows if row.prop_type == "entity"}
    assert len(ids) >= 4
    for entity_id in ids:
        assert re.fullmatch(r"ent-[0-9a-f]{32}", entity_id), entity_id
        assert not any(value.lower() in entity_id.lower() for value in values)
        assert not entity_id.startswith(("passport-", "phone-", "vessel-imo-", "vessel-mmsi-"))
