"""The dry run always equals what is actually sent, over random worlds and agreements.

The worlds, agreements and stores (SQLite, and PostgreSQL when configured)
are those of ``test_partner_view``. For each drawn world the dry run is
taken first; then a dissemination of the same reports is requested and
approved by a supervisor, and the package is compared with the dry run:
item by item as recorded, and object by object as read back from the signed
bundle (which passes ``stix2-validator`` strict and verifies with the node key).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, example, given, settings
from sqlalchemy import delete, insert, select, update

from portintel.adapters.database import tables
from portintel.adapters.vocabularies import (
    load_grading_schemes,
    load_handling,
    load_stix_vocabulary,
)
from portintel.domain.actors import SYSTEM, Actor, Role
from portintel.domain.sharing import Agreement
from portintel.domain.sharing.stix import BundleReader
from portintel.errors import InvalidInput
from portintel.services import sharing
from portintel.services.events import transaction
from portintel.services.workspace import Workspace
from tests.services.sharing.test_dissemination import strict_problems
from tests.services.sharing.test_partner_view import (
    GENEROUS,
    RECEIVED,
    START,
    World,
    _write,
    agreements,
    store,  # noqa: F401 - the module-scoped store fixture, reused
    worlds,
)

PARTNER = "TH-PIU-RNG"
READER = BundleReader(load_stix_vocabulary(), load_grading_schemes(), load_handling(), "admiralty")


@pytest.fixture(scope="module")
def node(store: Workspace) -> Iterator[tuple[Workspace, Actor]]:  # noqa: F811
    """The store with a node key and a supervisor (who is not the requester)."""
    sharing.init_node(store, SYSTEM)
    agency = store.agency  # type: ignore[attr-defined]
    with transaction(store) as connection:
        connection.execute(
            insert(tables.users).values(
                id="U-2",
                username="boss",
                display_name="Boss",
                agency_id=agency,
                password_hash="not-a-hash",
                active=True,
                failed_logins=0,
                created_at=START,
            )
        )
        connection.execute(insert(tables.user_roles).values(user_id="U-2", role="supervisor"))
    supervisor = Actor(
        user_id="U-2", username="boss", agency_id=agency, roles=frozenset({Role.SUPERVISOR})
    )
    yield store, supervisor


def _clear(ws: Workspace) -> None:
    with transaction(ws) as connection:
        for table in (
            tables.package_feedback,
            tables.package_items,
            tables.taxii_objects,
            tables.outgoing_packages,
            tables.dissemination_reports,
            tables.disseminations,
            tables.report_events,
        ):
            connection.execute(delete(table))


@example(world=RECEIVED, terms=GENEROUS)
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(world=worlds(), terms=agreements())
def test_what_is_sent_is_the_dry_run(
    node: tuple[Workspace, Actor], world: World, terms: Agreement
) -> None:
    ws, supervisor = node
    _clear(ws)
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
        with pytest.raises(InvalidInput, match="nothing of this may go"):
            sharing.request_dissemination(ws, SYSTEM, PARTNER, selected)
        return
    request = sharing.request_dissemination(ws, SYSTEM, PARTNER, selected)
    package_id = sharing.approve_dissemination(ws, supervisor, request)

    with ws.engine.connect() as connection:
        items = connection.execute(
            select(tables.package_items.c.kind, tables.package_items.c.item_id).where(
                tables.package_items.c.package_id == package_id
            )
        ).all()
        titles = dict(connection.execute(select(tables.reports.c.id, tables.reports.c.title)).all())
    assert {i.item_id for i in items if i.kind == "report"} == reports_allowed
    assert {i.item_id for i in items if i.kind == "statement"} == statements_allowed

    document = sharing.package_file(ws, supervisor, package_id)
    assert sharing.verify_package(ws, document).signer == "this node"
    bundle = json.loads(document)["bundle"]
    assert strict_problems(bundle) == []
    received = READER.read(bundle)
    assert sorted(r.title for r in received.reports) == sorted(
        titles[report_id] for report_id in reports_allowed
    )
    drawn = {statement.id: statement for statement in world.statements}
    assert Counter((s.prop, s.value) for s in received.statements) == Counter(
        (drawn[i].prop, drawn[i].value) for i in statements_allowed
    )
