"""The entity profile (#12): support per value, relationships both ways, reports, within scope.

A small world built through the services: two reports on one vessel and its
owner (an Ownership), a person with a passport and a phone, a bare phone
entity sharing that number, and a restricted report that a reader of
another agency may not read. Each figure of the profile is checked against
what the statements say, and the restricted values and ties must not reach
a reader who may not read them, whatever is merged.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from portintel.domain.actors import Actor, Role
from portintel.domain.grading import Grading
from portintel.domain.reports import FactDraft, ReportDraft
from portintel.domain.resolution import Verdict
from portintel.errors import NotFound
from portintel.services.collation import entity_profile, get_entity
from portintel.services.collation.judgements import judge, undo
from portintel.services.intake.reports import create_report, evaluate_report, get_report
from portintel.services.workspace import Workspace
from tests.services.staff import IMMIGRATION, MARITIME, SECURITY, make_user

IMO = "IMO 9074729"
PHONE = "+85512345678"


def _draft(title: str, *facts: FactDraft, grading: str = "B2", days: int = 0,
           handling: str = "tlp:GREEN") -> ReportDraft:  # fmt: skip
    return ReportDraft(
        title=title,
        text="Seen at the pier.",
        reliability=grading[0],
        credibility=grading[1],
        handling=handling,
        facts=facts,
        occurred_at=datetime(2026, 1, 10, tzinfo=UTC) + timedelta(days=days),
    )


def _entity(ws: Workspace, actor: Actor, report_id: str, schema: str, caption: str) -> str:
    for entity_id in get_report(ws, actor, report_id).entity_ids:
        entity = get_entity(ws, actor, entity_id)
        if entity.schema == schema and entity.caption == caption:
            return entity_id
    raise AssertionError(f"no {schema} {caption} in {report_id}")


class World:
    def __init__(self, ws: Workspace) -> None:
        self.officer = make_user(ws, "officer", IMMIGRATION, Role.OFFICER)
        self.supervisor = make_user(ws, "sup", MARITIME, Role.SUPERVISOR)
        self.analyst = make_user(ws, "analyst", SECURITY, Role.ANALYST)
        vessel = [FactDraft("boat", "Vessel", "imoNumber", IMO)]
        self.first = create_report(
            ws,
            self.officer,
            _draft(
                "Boarding of SEA FALCON",
                *vessel,
                FactDraft("boat", "Vessel", "name", "SEA FALCON"),
                FactDraft("owner", "Person", "name", "Sok Chanthy"),
                FactDraft("owner", "Person", "phone", PHONE),
                FactDraft("owner", "Person", "passportNumber", "N1234567"),
                FactDraft("doc", "Passport", "number", "N1234567"),
                FactDraft("doc", "Passport", "holder", "owner"),
                FactDraft("own", "Ownership", "owner", "owner"),
                FactDraft("own", "Ownership", "asset", "boat"),
                FactDraft("own", "Ownership", "role", "registered owner"),
                grading="C3",
            ),
            submit=True,
        )
        self.second = create_report(
            ws,
            self.officer,
            _draft(
                "Patrol sighting",
                *vessel,
                FactDraft("boat", "Vessel", "name", "SEA FALCON"),
                FactDraft("boat", "Vessel", "name", "SEA FALCON 2"),
                FactDraft("tip", "LegalEntity", "phone", PHONE),
                grading="A1",
                days=30,
            ),
            submit=True,
        )
        self.hidden = create_report(
            ws,
            self.officer,
            _draft(
                "Restricted",
                *vessel,
                FactDraft("boat", "Vessel", "name", "NIGHT HERON"),
                grading="B2",
                days=60,
                handling="tlp:RED",
            ),
            submit=True,
        )
        for report_id in (self.first, self.second, self.hidden):
            evaluate_report(ws, self.supervisor, report_id)
        self.vessel = _entity(ws, self.supervisor, self.first, "Vessel", "SEA FALCON")
        self.owner = _entity(ws, self.supervisor, self.first, "Person", "Sok Chanthy")
        self.phone = _entity(ws, self.supervisor, self.second, "LegalEntity", PHONE)


@pytest.fixture
def world(workspace: Workspace) -> World:
    return World(workspace)


def test_each_value_says_what_supports_it(workspace: Workspace, world: World) -> None:
    profile = entity_profile(workspace, world.supervisor, world.vessel)
    assert (profile.schema, profile.schema_label, profile.caption) == (
        "Vessel",
        "Vessel",
        "SEA FALCON",
    )
    names = profile.support("name")
    assert set(names) == {"SEA FALCON", "SEA FALCON 2", "NIGHT HERON"}
    falcon = names["SEA FALCON"]
    assert (falcon.statements, falcon.reports) == (2, 2)
    assert falcon.best_grading == Grading("admiralty", "A", "1")
    assert falcon.latest_grading == Grading("admiralty", "A", "1")
    assert falcon.first_seen <= falcon.last_seen
    imo = profile.support("imoNumber")["IMO9074729"]
    assert (imo.statements, imo.reports) == (3, 3)
    assert imo.latest_grading == Grading("admiralty", "B", "2")  # the restricted report, newest
    assert imo.best_grading == Grading("admiralty", "A", "1")
    labels = {p.prop: p.label for p in profile.properties}
    assert labels["imoNumber"] == "IMO Number" and labels["name"] == "Name"
    assert next(p.prop for p in profile.properties) == "name"  # the caption property first
    assert profile.report_count == 3 and profile.statement_count == 7
    assert [r.id for r in profile.reports] == sorted(
        [world.first, world.second, world.hidden],
        key=lambda rid: get_report(workspace, world.supervisor, rid).reported_at,
        reverse=True,
    )
    assert sum(month.reports for month in profile.timeline) == 3
    assert [m.month for m in profile.timeline] == ["2026-01", "2026-02", "2026-03"]


def test_relationships_both_ways(workspace: Workspace, world: World) -> None:
    vessel = entity_profile(workspace, world.supervisor, world.vessel)
    owners = [r for r in vessel.relationships if r.kind == "link"]
    assert [(r.label, r.entity_id, r.caption, r.role, r.via_schema) for r in owners] == [
        ("Owner", world.owner, "Sok Chanthy", "registered owner", "Ownership")
    ]
    person = entity_profile(workspace, world.supervisor, world.owner)
    by_kind = {(r.kind, r.label): r for r in person.relationships}
    assert by_kind[("link", "Asset")].entity_id == world.vessel
    assert by_kind[("link", "Asset")].caption == "SEA FALCON"
    passport = by_kind[("reference", "Identifications")]
    assert passport.schema == "Passport" and passport.caption == "N1234567"
    phone = by_kind[("phone", "Phone")]
    assert (phone.entity_id, phone.role) == (world.phone, PHONE)
    # stated in the same report, not otherwise tied: the second report's phone entity is
    # tied by its number already, so it is listed once
    assert [r.entity_id for r in person.relationships].count(world.phone) == 1
    # the passport names its holder: the value links to the person's profile
    doc = entity_profile(workspace, world.supervisor, passport.entity_id)
    holder = doc.support("holder")[world.owner]
    assert (holder.link, holder.caption) == (world.owner, "Sok Chanthy")


def test_a_reader_sees_only_what_they_may_read(workspace: Workspace, world: World) -> None:
    profile = entity_profile(workspace, world.analyst, world.vessel)
    assert set(profile.support("name")) == {"SEA FALCON", "SEA FALCON 2"}
    assert profile.support("imoNumber")["IMO9074729"].reports == 2
    assert world.hidden not in {r.id for r in profile.reports}
    assert profile.report_count == 2
    assert profile.statement_count == len(
        get_entity(workspace, world.analyst, world.vessel).statements
    )
    outsider = make_user(workspace, "outsider", MARITIME, Role.OFFICER)
    with pytest.raises(NotFound):
        entity_profile(workspace, outsider, world.vessel)


def test_a_merge_gathers_members_and_a_split_restores_them(
    workspace: Workspace, world: World
) -> None:
    before = entity_profile(workspace, world.supervisor, world.owner)
    judge(workspace, world.supervisor, world.owner, world.phone, Verdict.SAME)
    merged = entity_profile(workspace, world.supervisor, world.phone)
    assert merged.id == min(world.owner, world.phone)
    assert merged.member_ids == tuple(sorted((world.owner, world.phone)))
    assert merged.support("phone")[PHONE].reports == 2
    assert merged.statement_count == before.statement_count + 1
    assert world.phone not in {r.entity_id for r in merged.relationships}
    undo(workspace, world.supervisor, world.owner, world.phone)
    assert entity_profile(workspace, world.supervisor, world.owner) == before
