"""What node B imports is exactly what node A's dry run allowed, over random worlds.

Node A is the world store of ``test_partner_view`` (random reports,
statements, handling codes, received items, victims' data) with a random
agreement for TH-PIU-RNG; node B is TH-PIU-RNG itself, with its own
database on the same backend, which registered A's public key. For each
drawn world A takes the dry run, a supervisor approves the dissemination,
and B imports the package file: every object verifies, nothing is
quarantined, B holds one received report per report the dry run allowed
(with A's handling code and grade) and exactly the allowed facts, each with
A as its dataset; a second import changes nothing.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from sqlalchemy import delete, insert, select, update

from portintel.adapters.database import tables
from portintel.domain.actors import SYSTEM, Actor, Role
from portintel.domain.sharing import Agreement
from portintel.errors import InvalidInput
from portintel.services import sharing
from portintel.services.admin.users import ensure_agencies
from portintel.services.events import transaction
from portintel.services.workspace import Workspace, open_workspace
from portintel.settings import Settings
from tests.conftest import TickingClock
from tests.services.access_world import world_database
from tests.services.sharing.test_dissemination_property import _clear, node
from tests.services.sharing.test_partner_view import (
    GENEROUS,
    RECEIVED,
    START,
    World,
    _write,
    agreements,
    store,
    worlds,
)

__all__ = ["node", "store"]  # module-scoped fixtures, reused

PARTNER = "TH-PIU-RNG"


@pytest.fixture(scope="module")
def receiver(
    node: tuple[Workspace, Actor], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Workspace, Actor]]:
    """Node B: TH-PIU-RNG, on the backend node A runs on, knowing A's key."""
    sender, _ = node
    backend = "sqlite" if str(sender.settings.database_url).startswith("sqlite") else "postgresql"
    directory: Path = tmp_path_factory.mktemp("receiver")
    with world_database(backend, directory) as url:
        ws = open_workspace(
            Settings(
                data_dir=directory / "data",
                database_url=url,
                secure_cookies=False,
                node_code=PARTNER,
                node_id="th-piu-rng",
                country="TH",
            )
        )
        ws.clock = TickingClock(START)
        ensure_agencies(ws)
        with transaction(ws) as connection:
            agency = connection.execute(select(tables.agencies.c.id).limit(1)).scalar_one()
            connection.execute(
                insert(tables.users).values(
                    id="U-B", username="bea", display_name="Bea", agency_id=agency,
                    password_hash="not-a-hash", active=True, failed_logins=0, created_at=START,
                )
            )  # fmt: skip
            connection.execute(insert(tables.user_roles).values(user_id="U-B", role="analyst"))
        key = sharing.node_identity(sender).current
        assert key is not None
        sharing.add_partner(
            ws, SYSTEM, name=sender.settings.node_code, kind="PIU", country="KH",
            public_key=key.public_key,
        )  # fmt: skip
        analyst = Actor("U-B", "bea", agency, frozenset({Role.ANALYST}))
        yield ws, analyst
        ws.close()


def _clear_receiver(ws: Workspace) -> None:
    with transaction(ws) as connection:
        for table in (
            tables.received_objects,
            tables.receipts,
            tables.statements,
            tables.report_events,
            tables.report_releasable_to,
            tables.reports,
        ):
            connection.execute(delete(table))


@example(world=RECEIVED, terms=GENEROUS)
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(world=worlds(), terms=agreements())
def test_what_b_imports_is_what_the_dry_run_allowed(
    node: tuple[Workspace, Actor],
    receiver: tuple[Workspace, Actor],
    world: World,
    terms: Agreement,
) -> None:
    ws, supervisor = node
    b, analyst = receiver
    _clear(ws)
    _clear_receiver(b)
    _write(ws, world, terms)
    with transaction(ws) as connection:  # as filing does: 3x5x2 C always states its conditions
        connection.execute(
            update(tables.reports)
            .where(tables.reports.c.handling == "uk-3x5x2:C")
            .values(handling_conditions="not to the destination's immigration authority")
        )
    if not world.reports:
        return
    selected = [report.id for report in world.reports]
    dry_run = sharing.preview_share(ws, SYSTEM, PARTNER, selected)
    reports_allowed = {item.id for item in dry_run.reports if item.allowed}
    statements_allowed = {item.id for item in dry_run.statements if item.allowed}
    if not reports_allowed:
        with pytest.raises(InvalidInput):
            sharing.request_dissemination(ws, SYSTEM, PARTNER, selected)
        return
    request = sharing.request_dissemination(ws, SYSTEM, PARTNER, selected)
    package = sharing.approve_dissemination(ws, supervisor, request)
    document = sharing.package_file(ws, supervisor, package)

    receipt = sharing.import_package(b, analyst, ws.settings.node_code, document)
    assert receipt.quarantined == 0, [item.reason for item in receipt.items]
    assert receipt.package_signature == "valid"
    assert receipt.count(sharing.Outcome.WAITING) == 0

    with ws.engine.connect() as connection:
        sent = {
            row.id: row
            for row in connection.execute(
                select(tables.reports).where(tables.reports.c.id.in_(reports_allowed))
            )
        }
    with b.engine.connect() as connection:
        received = connection.execute(
            select(tables.received_objects.c.sender_ref, tables.reports).join(
                tables.reports, tables.reports.c.id == tables.received_objects.c.report_id
            )
        ).all()
        facts = connection.execute(select(tables.statements)).all()
    assert {row.sender_ref for row in received} == reports_allowed
    for row in received:
        original = sent[row.sender_ref]
        assert (row.handling, row.handling_conditions) == (
            original.handling, original.handling_conditions,
        )  # fmt: skip
        assert (row.grading_scheme, row.reliability, row.credibility) == (
            original.grading_scheme, original.reliability, original.credibility,
        )  # fmt: skip
        assert row.status == "submitted" and row.origin_node == (
            original.origin_node or ws.settings.node_code
        )
    drawn = {statement.id: statement for statement in world.statements}
    assert Counter((fact.prop, fact.value) for fact in facts) == Counter(
        (drawn[i].prop, drawn[i].value) for i in statements_allowed
    )
    assert {fact.dataset for fact in facts} <= {ws.settings.node_code}

    again = sharing.import_package(b, analyst, ws.settings.node_code, document)
    assert again.items == () and again.unchanged == len(json.loads(document)["bundle"]["objects"])
