"""Two real nodes over HTTP: B pulls what A approved for it from A's TAXII server, exactly once.

Node A (KH-PIU-SHV) is served by uvicorn on 127.0.0.1 with its TAXII 2.1
server; node B (KH-CAU) holds the token A issued to it and syncs with the
real client (``HttpTaxiiPeer``), the real signature checks and the real
receiving side. What arrives is what A's dry run allowed, nothing else; a
second sync imports nothing; the checkpoint resumes where the first stopped.
"""

from __future__ import annotations

from portintel.domain.actors import SYSTEM
from portintel.services import sharing
from portintel.services.sharing.sync import sync_partner
from portintel.services.workspace import Workspace
from tests.services.sharing.test_four_nodes import Served, node_a  # noqa: F401 (fixture)
from tests.services.sharing.two_nodes import (  # noqa: F401 (fixture)
    A_NODE,
    B_NODE,
    disseminate,
    file_evaluated,
    link,
    node_b,
    staff,
)


def test_b_pulls_exactly_what_a_approved_for_it_and_a_second_sync_imports_nothing(
    node_a: Served,  # noqa: F811
    node_b: Workspace,  # noqa: F811
) -> None:
    a, b = node_a.workspace, node_b
    link(a, b)
    token = sharing.issue_partner_token(a, SYSTEM, B_NODE)
    partner = sharing.get_partner(b, SYSTEM, A_NODE)
    sharing.update_partner(
        b,
        SYSTEM,
        A_NODE,
        kind=partner.kind.value,
        country=partner.country,
        taxii_url=f"{node_a.url}/taxii2/",
        public_key=partner.public_key,
        expected_fingerprint=partner.fingerprint,
        credential=token.secret,
    )
    people_a, people_b = staff(a, "a"), staff(b, "b")
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
    first = sync_partner(b, people_b.analyst, A_NODE, page_size=3, progress=lines.append)
    assert first.quarantined == 0 and first.imported > 0
    assert first.collections and first.collections[0].pages > 1  # paged, cursor followed
    inbox = sharing.read_inbox(b, people_b.supervisor)
    assert {report.sender_report for report in inbox.reports} == allowed
    assert all(report.origin_node == A_NODE for report in inbox.reports)
    assert lines and "imported" in lines[-1]

    again = sync_partner(b, people_b.analyst, A_NODE, page_size=3)
    assert again.imported == 0 and again.quarantined == 0
    assert sharing.read_inbox(b, people_b.supervisor).total == len(allowed)

    # a later dissemination arrives on the next sync, and only it
    later = file_evaluated(a, people_a, "Second boat", "uk-3x5x2:P")
    disseminate(a, people_a, [later])
    third = sync_partner(b, people_b.analyst, A_NODE, page_size=50)
    assert third.imported > 0
    assert {r.sender_report for r in sharing.read_inbox(b, people_b.supervisor).reports} == (
        allowed | {later}
    )
