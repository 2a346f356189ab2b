"""Entities: assembled with provenance; need-to-know applied to every read, search and list."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest
from sqlalchemy import select, update

from portintel.adapters.database import tables
from portintel.adapters.vocabularies import load_handling
from portintel.domain.access import ReportAccess, may_read_report, may_read_statement
from portintel.domain.actors import Actor, Role
from portintel.domain.reports import FactDraft, ReportDraft, ReportStatus
from portintel.errors import InvalidInput, NotFound
from portintel.services.collation.entities import get_entity, list_entities, search_entities
from portintel.services.intake.reports import (
    create_report,
    evaluate_report,
    get_report,
    list_reports,
)
from portintel.services.workspace import Workspace
from tests.services.staff import IMMIGRATION, MARITIME, SECURITY, make_user

AGENCIES = (IMMIGRATION, MARITIME, SECURITY)
HANDLING = ("uk-3x5x2:P", "uk-3x5x2:C", "europol:H0", "europol:H2", "europol:H3", "tlp:CLEAR",
            "tlp:GREEN", "tlp:AMBER", "tlp:AMBER+STRICT", "tlp:RED")  # fmt: skip


def _draft(title: str, facts: tuple[FactDraft, ...], **changes: object) -> ReportDraft:
    base: dict[str, object] = {
        "title": title,
        "text": "Observation at the pier.",
        "reliability": "B",
        "credibility": "2",
        "handling": "tlp:GREEN",
        "facts": facts,
        "occurred_at": datetime(2026, 2, 1, tzinfo=UTC),
    }
    base.update(changes)
    return ReportDraft(**base)  # type: ignore[arg-type]


def test_two_reports_meet_on_one_vessel_with_provenance(workspace: Workspace) -> None:
    officer = make_user(workspace, "officer", IMMIGRATION, Role.OFFICER)
    supervisor = make_user(workspace, "sup", MARITIME, Role.SUPERVISOR)
    analyst = make_user(workspace, "analyst", SECURITY, Role.ANALYST)
    boat = (
        FactDraft("boat", "Vessel", "name", "SEA DRAGON 7"),
        FactDraft("boat", "Vessel", "imoNumber", "IMO 9074729"),
    )
    first = create_report(workspace, officer, _draft("first", boat), submit=True)
    second = create_report(
        workspace,
        officer,
        _draft(
            "second",
            (*boat, FactDraft("boat", "Vessel", "mmsi", "51412345")),  # 8 digits: invalid
            occurred_at=datetime(2026, 2, 9, tzinfo=UTC),
            handling="tlp:AMBER",
        ),
        submit=True,
    )
    for report_id in (first, second):
        evaluate_report(workspace, supervisor, report_id)
    (vessel_id,) = set(get_report(workspace, analyst, first).entity_ids)
    assert get_report(workspace, analyst, second).entity_ids == (vessel_id,)
    entity = get_entity(workspace, analyst, vessel_id)
    assert entity.schema == "Vessel"
    assert entity.caption == "SEA DRAGON 7"
    assert entity.report_ids == tuple(sorted((first, second)))
    names = [s for s in entity.statements if s.prop == "name"]
    assert {s.report_id for s in names} == {first, second}  # corroboration: two statements
    imo = next(s for s in entity.statements if s.prop == "imoNumber")
    assert imo.value == "IMO9074729" and imo.original_value == "IMO 9074729"
    assert imo.grading is not None and imo.grading.label == "B2" and imo.grading_inherited
    mmsi = next(s for s in entity.statements if s.prop == "mmsi")
    assert mmsi.value == "51412345" and mmsi.invalid_reason
    assert mmsi.handling == "tlp:AMBER" and mmsi.handling_inherited
    assert mmsi.first_seen == datetime(2026, 2, 9, tzinfo=UTC)
    assert entity.values("mmsi") == []
    assert entity.values("mmsi", valid_only=False) == ["51412345"]


def test_invisible_entity_is_not_found(workspace: Workspace) -> None:
    officer = make_user(workspace, "officer", IMMIGRATION, Role.OFFICER)
    analyst = make_user(workspace, "analyst", SECURITY, Role.ANALYST)
    create_report(workspace, officer, _draft("d", (FactDraft("p", "Person", "name", "Sok"),)))
    (summary,) = list_entities(workspace, officer)
    assert summary.caption == "Sok"
    with pytest.raises(NotFound):
        get_entity(workspace, analyst, summary.id)
    assert list_entities(workspace, analyst) == []
    assert search_entities(workspace, analyst, "sok") == []
    with pytest.raises(InvalidInput):
        search_entities(workspace, analyst, "  ")
    with pytest.raises(InvalidInput):
        list_entities(workspace, analyst, schema="Spaceship")


def test_statement_override_narrows_a_value(workspace: Workspace) -> None:
    officer = make_user(workspace, "officer", IMMIGRATION, Role.OFFICER)
    supervisor = make_user(workspace, "sup", MARITIME, Role.SUPERVISOR)
    analyst = make_user(workspace, "analyst", SECURITY, Role.ANALYST)
    facts = (
        FactDraft("p", "Person", "name", "Sok Dara"),
        FactDraft("p", "Person", "phone", "012 345 678", handling="tlp:RED", credibility="4"),
    )
    report_id = create_report(workspace, officer, _draft("r", facts), submit=True)
    evaluate_report(workspace, supervisor, report_id)
    (summary,) = search_entities(workspace, analyst, "sok")
    entity = get_entity(workspace, analyst, summary.id)
    assert [s.prop for s in entity.statements] == ["name"]
    assert search_entities(workspace, analyst, "+85512345678") == []
    full = get_entity(workspace, supervisor, summary.id)
    phone = next(s for s in full.statements if s.prop == "phone")
    assert phone.value == "+85512345678"
    assert phone.handling == "tlp:RED" and not phone.handling_inherited
    assert phone.grading is not None and phone.grading.label == "B4"
    assert not phone.grading_inherited


def test_no_read_returns_a_statement_the_actor_may_not_see(workspace: Workspace) -> None:
    """Random actors x reports x handling codes: every read path agrees with the rules."""
    rng = random.Random(20260301)
    people: list[Actor] = []
    for index in range(16):
        roles = rng.sample(list(Role), rng.randint(1, 2))
        people.append(make_user(workspace, f"user{index}", rng.choice(AGENCIES), *roles))
    authors = [p for p in people if p.roles - {Role.ADMINISTRATOR}]
    for index in range(30):
        author = rng.choice(authors)
        facts = [FactDraft("v", "Vessel", "name", f"BOAT {index % 7}")]
        if rng.random() < 0.4:
            facts.append(
                FactDraft(
                    "v", "Vessel", "callSign", f"XU{index}", handling=rng.choice(HANDLING[2:])
                )
            )
        handling = rng.choice(HANDLING)
        draft = _draft(
            f"report {index}",
            tuple(facts),
            handling=handling,
            handling_conditions="only with the CAU" if handling == "uk-3x5x2:C" else None,
            releasable_to=tuple(rng.sample(AGENCIES, rng.randint(0, 1))),
        )
        create_report(workspace, author, draft)
    statuses = list(ReportStatus)
    with workspace.engine.begin() as connection:  # random lifecycle positions
        for report_id in connection.execute(select(tables.reports.c.id)).scalars().all():
            connection.execute(
                update(tables.reports)
                .where(tables.reports.c.id == report_id)
                .values(status=rng.choice(statuses).value)
            )
    with workspace.engine.connect() as connection:
        rows = connection.execute(
            select(tables.statements, tables.reports.c.author_id, tables.reports.c.agency_id,
                   tables.reports.c.status, tables.reports.c.handling.label("report_handling"))
            .join(tables.reports, tables.reports.c.id == tables.statements.c.origin)
        ).all()  # fmt: skip
        reports = connection.execute(select(tables.reports)).all()
        released: dict[str, set[str]] = {}
        for report_id, agency_id in connection.execute(select(tables.report_releasable_to)):
            released.setdefault(report_id, set()).add(agency_id)
    sizes = set()
    for actor in people:
        allowed = {
            row.id
            for row in rows
            if may_read_statement(
                actor,
                _access(
                    row.origin,
                    row.author_id,
                    row.agency_id,
                    row.status,
                    row.report_handling,
                    released,
                ),
                statement_restrictive=_restrictive(row.handling),
            )
        }
        seen: set[str] = set()
        for summary in list_entities(workspace, actor, limit=1000):
            entity = get_entity(workspace, actor, summary.id)
            seen |= {s.id for s in entity.statements}
        assert seen == allowed, actor
        sizes.add(len(allowed))
        for hit in search_entities(workspace, actor, "boat", limit=1000):
            assert {s.id for s in get_entity(workspace, actor, hit.id).statements} <= allowed
        visible_reports = {s.id for s in list_reports(workspace, actor)}
        expected_reports = {
            r.id
            for r in reports
            if may_read_report(
                actor, _access(r.id, r.author_id, r.agency_id, r.status, r.handling, released)
            )
        }
        assert visible_reports == expected_reports
    assert len(sizes) > 3, "the random cases must give actors different views"


def _restrictive(handling: str | None) -> bool:
    """From the vocabulary, not from the stored flag: the oracle checks the writer too."""
    return handling is not None and load_handling().is_restrictive(handling)


def _access(
    report_id: str,
    author_id: str,
    agency_id: str,
    status: str,
    handling: str,
    released: dict[str, set[str]],
) -> ReportAccess:
    return ReportAccess(
        author_id,
        agency_id,
        ReportStatus(status),
        _restrictive(handling),
        frozenset(released.get(report_id, ())),
    )
