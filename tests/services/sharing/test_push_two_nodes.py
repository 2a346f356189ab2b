"""Two real nodes over HTTP: A pushes what it approved for B into B's inbox collection.

Node B (KH-CAU) is served by uvicorn on 127.0.0.1; its agreement with A says
push, so A has an inbox collection there, and B's administrator chose the
analyst who receives what A pushes. Node A syncs with the real client: what
B receives is A's dry run, each report once, filed under B's recipient; a
second sync pushes nothing, and a push repeated (as after a crash between the
post and its record) changes nothing at B.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import delete, select

from portintel.adapters.database import tables
from portintel.domain.actors import SYSTEM
from portintel.services import sharing
from portintel.services.sharing.sync import sync_partner
from portintel.services.workspace import Workspace
from portintel.settings import Settings
from tests.services.sharing.test_four_nodes import Served, no_proxy, serve
from tests.services.sharing.two_nodes import (
    A_NODE,
    B_HANDLING,
    B_NODE,
    B_TLP,
    disseminate,
    file_evaluated,
    link,
    second_database,
    staff,
)


@pytest.fixture
def served_b(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Served]:
    no_proxy(monkeypatch)
    urls = second_database(settings.database_url or "sqlite", tmp_path)
    b_settings = Settings(
        data_dir=tmp_path / "node-b",
        database_url=next(urls),
        secure_cookies=False,
        node_code=B_NODE,
        node_id="kh-cau",
        node_kind="CAU",
    )
    with serve(b_settings) as served:
        yield served
    for _ in urls:  # drops the PostgreSQL schema
        pass


def _push_terms(ws: Workspace, partner: str) -> None:
    sharing.add_agreement(
        ws,
        SYSTEM,
        partner,
        handling_codes=B_HANDLING,
        tlp_levels=B_TLP,
        categories=["reports", "entities"],
        delivery="push",
    )


def test_a_push_from_a_arrives_in_b_inbox_exactly_once_also_after_a_rerun(
    workspace: Workspace, served_b: Served
) -> None:
    a, b = workspace, served_b.workspace
    link(a, b)
    _push_terms(a, B_NODE)  # A pushes to B ...
    _push_terms(b, A_NODE)  # ... and B takes pushes from A
    token = sharing.issue_partner_token(b, SYSTEM, A_NODE)
    partner = sharing.get_partner(a, SYSTEM, B_NODE)
    sharing.update_partner(
        a,
        SYSTEM,
        B_NODE,
        kind=partner.kind.value,
        country=partner.country,
        taxii_url=f"{served_b.url}/taxii2/",
        credential=token.secret,
    )
    assert sharing.get_partner(a, SYSTEM, B_NODE).fingerprint == partner.fingerprint
    people_a, people_b = staff(a, "a"), staff(b, "b")
    sharing.set_push_recipient(b, SYSTEM, A_NODE, "bana")
    sent = [
        file_evaluated(a, people_a, "Boat seen at Koh Kong", "uk-3x5x2:P"),
        file_evaluated(a, people_a, "Crew list", "europol:H2"),
        file_evaluated(a, people_a, "Informant on the broker", "europol:H3"),  # not agreed
        file_evaluated(a, people_a, "Landing site", "uk-3x5x2:C", conditions="not to police"),
    ]
    _, dry_run = disseminate(a, people_a, sent)
    allowed = {item.id for item in dry_run.reports if item.allowed}
    assert 0 < len(allowed) < len(sent)

    lines: list[str] = []
    first = sync_partner(a, people_a.analyst, B_NODE, progress=lines.append)
    assert (first.pushed_packages, first.imported) == (1, 0)
    assert any("pushed package" in line for line in lines)
    inbox = sharing.read_inbox(b, people_b.analyst)
    assert {report.sender_report for report in inbox.reports} == allowed
    assert all(report.origin_node == A_NODE for report in inbox.reports)
    with b.engine.connect() as connection:
        authors = set(
            connection.execute(
                select(tables.reports.c.author_id).where(tables.reports.c.origin_node == A_NODE)
            ).scalars()
        )
        status = connection.execute(select(tables.push_statuses)).one()
    assert authors == {people_b.analyst.user_id}  # filed under the designated recipient
    assert status.failures == [] and len(status.successes) > len(allowed)
    with a.engine.connect() as connection:
        pushed = connection.execute(select(tables.package_pushes)).one()
    assert pushed.status_id == status.id and pushed.objects == len(status.successes)

    # a second sync pushes nothing; a push repeated changes nothing at B
    assert sync_partner(a, people_a.analyst, B_NODE).pushed_packages == 0
    with a.engine.begin() as connection:
        connection.execute(delete(tables.package_pushes))
    assert sync_partner(a, people_a.analyst, B_NODE).pushed_packages == 1
    again = sharing.read_inbox(b, people_b.analyst)
    assert again.total == len(allowed)
    with b.engine.connect() as connection:
        received = connection.execute(
            select(tables.received_objects.c.stix_id, tables.received_objects.c.outcome)
        ).all()
        receipts = connection.execute(select(tables.receipts.c.unchanged)).scalars().all()
    assert len(received) == len({row.stix_id for row in received})  # each object once
    assert all(row.outcome != "quarantined" for row in received)
    assert receipts[-1] == len(status.successes)  # the repeat: everything held already
