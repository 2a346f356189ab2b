"""Link charts from the store: expansion hop by hop, paths, and only what the reader may see."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from portintel.adapters.database import tables
from portintel.domain.actors import Actor, Role
from portintel.domain.analysis import EdgeKind
from portintel.domain.statements import StatementRecord
from portintel.errors import InvalidInput, NotFound
from portintel.services.analysis import ChartOptions, neighbourhood, paths_between
from portintel.services.events import transaction
from portintel.services.intake.statements import write_statements
from portintel.services.workspace import Workspace
from tests.services.staff import IMMIGRATION, make_user

SEEN = datetime(2026, 2, 1, tzinfo=UTC)
LATER = datetime(2026, 6, 1, tzinfo=UTC)


def _record(
    entity: str, schema: str, prop: str, prop_type: str, value: str, *,
    handling: str | None = None, seen: datetime = SEEN, reliability: str | None = None,
    credibility: str | None = None,
) -> StatementRecord:  # fmt: skip
    return StatementRecord(
        entity_id=entity, schema=schema, prop=prop, prop_type=prop_type, value=value,
        dataset="registry", origin="registry:test", first_seen=seen, last_seen=seen,
        handling=handling, grading_scheme="admiralty" if reliability else None,
        reliability=reliability, credibility=credibility,
    )  # fmt: skip


NETWORK = [
    # the facilitator, his phone shared with a recruiter, his family, the boat he owns
    _record("p-sok", "Person", "name", "name", "Sok Chanthy"),
    _record("p-sok", "Person", "phone", "phone", "+85512345678", reliability="B", credibility="2"),
    _record("p-vib", "Person", "name", "name", "Chhim Vibol"),
    _record("p-vib", "Person", "phone", "phone", "+85512345678", reliability="E", credibility="5"),
    _record("p-dara", "Person", "name", "name", "Dara Sok"),
    _record("fam-1", "Family", "person", "entity", "p-sok"),
    _record("fam-1", "Family", "relative", "entity", "p-dara"),
    _record("fam-1", "Family", "relationship", "string", "brother"),
    _record("v-boat", "Vessel", "name", "name", "KM Sinar Jaya"),
    _record("v-boat", "Vessel", "imoNumber", "identifier", "IMO9074729"),
    _record("own-1", "Ownership", "owner", "entity", "p-dara", seen=LATER),
    _record("own-1", "Ownership", "asset", "entity", "v-boat", seen=LATER),
    _record("v-twin", "Vessel", "name", "name", "Sinar Jaya II"),
    _record("v-twin", "Vessel", "imoNumber", "identifier", "IMO9074729"),
    # a person the reader may not see at all, who shares the boat's IMO and Sok's phone
    _record("p-hidden", "Person", "name", "name", "zq-secret-name", handling="tlp:RED"),
    _record("p-hidden", "Person", "phone", "phone", "+85512345678", handling="tlp:RED"),
    _record("own-2", "Ownership", "owner", "entity", "p-hidden", handling="tlp:RED"),
    _record("own-2", "Ownership", "asset", "entity", "v-boat", handling="tlp:RED"),
]


@pytest.fixture
def analyst(workspace: Workspace) -> Actor:
    with transaction(workspace) as connection:
        write_statements(connection, NETWORK)
    return make_user(workspace, "ana", IMMIGRATION, Role.ANALYST)


def _edges(chart) -> set[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    return {(e.source, e.target, e.label) for e in chart.edges}


def test_one_hop_shows_the_phone_family_and_nothing_hidden(
    workspace: Workspace, analyst: Actor
) -> None:
    chart = neighbourhood(workspace, analyst, "p-sok", ChartOptions(hops=1))
    assert {n.id: n.hop for n in chart.nodes} == {
        "p-sok": 0, "phone:+85512345678": 1, "p-dara": 1,
    }  # fmt: skip
    assert _edges(chart) == {
        ("p-sok", "phone:+85512345678", "Phone"),
        ("p-sok", "p-dara", "related to"),
    }
    labels = {n.id: n.label for n in chart.nodes}
    assert labels["p-sok"] == "Sok Chanthy"
    assert "zq-secret" not in repr(chart)
    family = next(e for e in chart.edges if e.kind is EdgeKind.RELATIONSHIP)
    assert len(family.statements) == 3  # person, relative and the relationship's kind


def test_two_and_three_hops_reach_the_boat_and_its_twin_by_imo(
    workspace: Workspace, analyst: Actor
) -> None:
    two = neighbourhood(workspace, analyst, "p-sok", ChartOptions(hops=2))
    assert {n.id for n in two.nodes} == {
        "p-sok", "phone:+85512345678", "p-dara", "p-vib", "v-boat",
    }  # fmt: skip
    three = neighbourhood(workspace, analyst, "p-sok", ChartOptions(hops=3))
    assert {"identifier:IMO9074729"} <= {n.id for n in three.nodes}
    assert "p-hidden" not in {n.id for n in three.nodes}
    assert all("p-hidden" not in (e.source, e.target) for e in three.edges)
    four = neighbourhood(workspace, analyst, "p-sok", ChartOptions(hops=4))
    assert "v-twin" in {n.id for n in four.nodes}
    assert four.brokers and four.brokers[0][0] in {"p-sok", "p-dara", "v-boat"}
    assert set(four.communities) == {n.id for n in four.nodes}


def test_filters_by_kind_date_and_grading(workspace: Workspace, analyst: Actor) -> None:
    phones = neighbourhood(
        workspace, analyst, "p-sok", ChartOptions(hops=2, kinds=frozenset({EdgeKind.PHONE}))
    )
    assert {n.id for n in phones.nodes} == {"p-sok", "phone:+85512345678", "p-vib"}
    before = neighbourhood(
        workspace, analyst, "p-sok", ChartOptions(hops=3, until=datetime(2026, 3, 1, tzinfo=UTC))
    )
    assert "v-boat" not in {n.id for n in before.nodes}  # owned only from June
    graded = neighbourhood(workspace, analyst, "p-sok", ChartOptions(hops=2, min_grading="C3"))
    # only graded statements count: Sok's phone (B2) stays, Vibol's (E5) and ungraded go
    assert {n.id for n in graded.nodes} == {"p-sok", "phone:+85512345678"}


def test_paths_between_two_entities_stay_within_scope(workspace: Workspace, analyst: Actor) -> None:
    found = paths_between(workspace, analyst, "p-vib", "v-boat", max_length=4)
    assert found.shortest is not None
    assert found.shortest.nodes == ("p-vib", "phone:+85512345678", "p-sok", "p-dara", "v-boat")
    assert all("p-hidden" not in path.nodes for path in found.all_paths)
    boss = make_user(workspace, "bea", IMMIGRATION, Role.SUPERVISOR)
    del boss  # a supervisor sees no RED handling of another kind either; scope is per reader


def test_an_entity_the_reader_cannot_see_is_not_found_and_the_refusal_audited(
    workspace: Workspace, analyst: Actor
) -> None:
    with pytest.raises(NotFound):
        neighbourhood(workspace, analyst, "p-hidden")
    with pytest.raises(NotFound):
        neighbourhood(workspace, analyst, "no-such-entity")
    with workspace.engine.connect() as connection:
        refused = connection.execute(
            select(tables.audit_denials.c.refused, tables.audit_denials.c.sample).where(
                tables.audit_denials.c.object_type == "entity"
            )
        ).all()
    assert sum(row.refused for row in refused) == 2
    assert any("p-hidden" in row.sample for row in refused)


@pytest.mark.parametrize(
    "options",
    [ChartOptions(hops=0), ChartOptions(hops=9), ChartOptions(min_grading="2B"),
     ChartOptions(max_nodes=0)],
)  # fmt: skip
def test_bad_options_name_the_field(
    workspace: Workspace, analyst: Actor, options: ChartOptions
) -> None:
    with pytest.raises(InvalidInput):
        neighbourhood(workspace, analyst, "p-sok", options)


def test_max_nodes_truncates_and_says_so(workspace: Workspace, analyst: Actor) -> None:
    chart = neighbourhood(workspace, analyst, "p-sok", ChartOptions(hops=3, max_nodes=3))
    assert chart.truncated and len(chart.nodes) <= 3
