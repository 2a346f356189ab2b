"""The provider's permission: a received H2 or C report goes onwards only where it is recorded.

Node A sends B reports under every handling code; B evaluates them and
prepares to pass them on to TH-PIU-RNG and ID-PIU-BLW. The dry run withholds
the H2 and C reports, naming the provider whose permission they need; a
supervisor records KH-PIU-SHV's permission for TH-PIU-RNG only; the dry run
then releases them to TH-PIU-RNG (saying by which permission), the package
carries them, and ID-PIU-BLW still gets nothing of them.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from portintel.adapters.database import tables
from portintel.domain.actors import SYSTEM
from portintel.domain.reports import FactDraft
from portintel.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from portintel.services import sharing
from portintel.services.intake import reports
from portintel.services.sharing.receiving import local_report_id
from portintel.services.workspace import Workspace
from tests.services.sharing.two_nodes import A_NODE, disseminate, file_evaluated, link, staff
from tests.services.sharing.two_nodes import node_b as node_b

ONWARD = ("TH-PIU-RNG", "ID-PIU-BLW")


def _received_at_b(a: Workspace, b: Workspace) -> dict[str, str]:
    """Title -> B's id of each report A sent, evaluated at B; onward partners registered."""
    link(a, b)
    people_a = staff(a, "a")
    sent = [
        file_evaluated(a, people_a, "Boat loading at night", "uk-3x5x2:P"),
        file_evaluated(
            a, people_a, "Fees paid in cash", "uk-3x5x2:C", conditions="not to immigration",
            facts=(FactDraft("broker", "Person", "name", "Chan Vuthy"),),
        ),
        file_evaluated(
            a, people_a, "Departure planned for Friday", "europol:H2",
            facts=(FactDraft("ship", "Vessel", "name", "Ocean Pearl"),),
        ),
    ]  # fmt: skip
    document, _ = disseminate(a, people_a, sent)
    people_b = staff(b, "b")
    sharing.import_package(b, people_b.analyst, A_NODE, document)
    for name in ONWARD:
        sharing.add_partner(b, SYSTEM, name=name, kind="PIU", country=name[:2])
        sharing.add_agreement(
            b, SYSTEM, name,
            handling_codes=["europol:H2", "uk-3x5x2:P", "uk-3x5x2:C"],
            tlp_levels=["GREEN", "AMBER", "AMBER+STRICT"], categories=["reports", "entities"],
        )  # fmt: skip
    partner_id = sharing.get_partner(b, SYSTEM, A_NODE).id
    objects = json.loads(document)["bundle"]["objects"]
    ids = {
        o["name"]: local_report_id(partner_id, o["id"]) for o in objects if o["type"] == "report"
    }
    for local in ids.values():
        reports.evaluate_report(b, people_b.supervisor, local)
    return ids


def test_a_permission_releases_a_received_report_to_that_partner_only(
    workspace: Workspace, node_b: Workspace
) -> None:
    a, b = workspace, node_b
    ids = _received_at_b(a, b)
    people = staff(b, "c")
    restricted = {ids["Fees paid in cash"], ids["Departure planned for Friday"]}
    before = sharing.preview_share(b, people.analyst, "TH-PIU-RNG", sorted(ids.values()))
    for item in before.reports:
        assert item.agrees
        if item.id in restricted:
            assert not item.allowed
            (reason,) = item.reasons
            assert reason.code == "received"
            assert reason.message.startswith(f"needs the permission of {A_NODE}, the provider")
        else:
            assert item.allowed
    assert all(not s.allowed for s in before.statements if s.value == "Ocean Pearl")

    granted = b.clock().date() - timedelta(days=1)
    recorded = sharing.record_permission(
        b, people.supervisor, "th-piu-rng", report_id=ids["Departure planned for Friday"],
        reference="KH-PIU-SHV letter 2026/114", granted_on=granted,
    )  # fmt: skip
    assert [(p.partner, p.provider) for p in recorded] == [("TH-PIU-RNG", A_NODE)]
    # a whole delivery: every restricted report it brought (the H2 one is held already)
    with b.engine.connect() as connection:
        receipt = connection.execute(select(tables.receipts.c.id)).scalar_one()
    whole = sharing.record_permission(
        b, people.supervisor, "TH-PIU-RNG", receipt_id=receipt,
        reference="KH-PIU-SHV message 7", granted_on=granted,
    )  # fmt: skip
    assert [p.report_id for p in whole] == [ids["Fees paid in cash"]]

    after = sharing.preview_share(b, people.analyst, "TH-PIU-RNG", sorted(ids.values()))
    assert all(item.allowed and item.agrees for item in after.reports)
    released = next(i for i in after.reports if i.id == ids["Departure planned for Friday"])
    (why,) = released.releases
    assert why.code == "permitted" and "KH-PIU-SHV letter 2026/114" in why.message
    assert all(s.allowed for s in after.statements if s.value == "Ocean Pearl")
    # the package carries exactly what the dry run released
    request = sharing.request_dissemination(b, people.analyst, "TH-PIU-RNG", sorted(ids.values()))
    package = sharing.approve_dissemination(b, people.supervisor, request)
    with b.engine.connect() as connection:
        carried = set(
            connection.execute(
                select(tables.package_items.c.item_id).where(
                    tables.package_items.c.package_id == package,
                    tables.package_items.c.kind == "report",
                )
            ).scalars()
        )
    assert carried == set(ids.values())

    other = sharing.preview_share(b, people.analyst, "ID-PIU-BLW", sorted(ids.values()))
    assert {i.id for i in other.reports if not i.allowed} == restricted
    assert all(i.agrees for i in other.items)

    listed = sharing.list_permissions(b, people.analyst)
    assert {p.report_id for p in listed} == restricted
    with b.engine.connect() as connection:
        actions = list(
            connection.execute(
                select(tables.audit_log.c.action).where(
                    tables.audit_log.c.action == "share.permission"
                )
            ).scalars()
        )
    assert len(actions) == 2


def test_recording_a_permission_is_checked(workspace: Workspace, node_b: Workspace) -> None:
    a, b = workspace, node_b
    ids = _received_at_b(a, b)
    people = staff(b, "c")
    h2 = ids["Departure planned for Friday"]
    today = b.clock().date()
    with pytest.raises(PermissionDenied):
        sharing.record_permission(
            b, people.analyst, "TH-PIU-RNG", report_id=h2, reference="x", granted_on=today
        )
    with pytest.raises(InvalidInput) as missing:
        sharing.record_permission(
            b, people.supervisor, "TH-PIU-RNG", report_id=h2, reference="  ", granted_on=today
        )
    assert missing.value.field == "reference"
    with pytest.raises(InvalidInput) as future:
        sharing.record_permission(
            b, people.supervisor, "TH-PIU-RNG", report_id=h2, reference="x",
            granted_on=today + timedelta(days=3),
        )  # fmt: skip
    assert future.value.field == "granted_on"
    with pytest.raises(InvalidInput, match="needs no provider's permission"):
        sharing.record_permission(
            b, people.supervisor, "TH-PIU-RNG", report_id=ids["Boat loading at night"],
            reference="x", granted_on=today,
        )  # fmt: skip
    with pytest.raises(NotFound):
        sharing.record_permission(
            b, people.supervisor, "TH-PIU-RNG", report_id="RX-nothing", reference="x",
            granted_on=today,
        )  # fmt: skip
    sharing.record_permission(
        b, people.supervisor, "TH-PIU-RNG", report_id=h2, reference="x", granted_on=today
    )
    with pytest.raises(Conflict):
        sharing.record_permission(
            b, people.supervisor, "TH-PIU-RNG", report_id=h2, reference="y", granted_on=today
        )


def test_a_withdrawn_permission_withholds_the_report_again(
    workspace: Workspace, node_b: Workspace
) -> None:
    a, b = workspace, node_b
    ids = _received_at_b(a, b)
    people = staff(b, "c")
    h2 = ids["Departure planned for Friday"]
    today = b.clock().date()
    (permission,) = sharing.record_permission(
        b, people.supervisor, "TH-PIU-RNG", report_id=h2, reference="letter 5", granted_on=today
    )
    assert sharing.preview_share(b, people.analyst, "TH-PIU-RNG", [h2]).reports[0].allowed

    with pytest.raises(PermissionDenied):
        sharing.withdraw_permission(b, people.analyst, permission.id, reason="taken back")
    with pytest.raises(InvalidInput) as blank:
        sharing.withdraw_permission(b, people.supervisor, permission.id, reason="   ")
    assert blank.value.field == "reason"
    with pytest.raises(NotFound):
        sharing.withdraw_permission(b, people.supervisor, "PP-nothing", reason="x")
    withdrawn = sharing.withdraw_permission(
        b, people.supervisor, f" {permission.id} ", reason="KH-PIU-SHV  message 9 takes it back"
    )
    assert (withdrawn.id, withdrawn.report_id, withdrawn.partner) == (
        permission.id, h2, "TH-PIU-RNG",
    )  # fmt: skip

    (again,) = sharing.preview_share(b, people.analyst, "TH-PIU-RNG", [h2]).reports
    assert not again.allowed and again.reasons[0].code == "received"
    assert again.releases == ()
    assert sharing.list_permissions(b, people.analyst) == []
    with pytest.raises(NotFound):  # withdrawn once only
        sharing.withdraw_permission(b, people.supervisor, permission.id, reason="x")
    with b.engine.connect() as connection:
        detail = connection.execute(
            select(tables.audit_log.c.detail).where(
                tables.audit_log.c.action == "share.permission_withdrawn"
            )
        ).scalar_one()
    found = detail if isinstance(detail, dict) else json.loads(detail)
    assert found["reason"] == "KH-PIU-SHV message 9 takes it back"
    assert found["reference"] == "letter 5" and found["permission"] == permission.id
    # recorded afresh, it releases the report again
    sharing.record_permission(
        b, people.supervisor, "TH-PIU-RNG", report_id=h2, reference="letter 6", granted_on=today
    )
    assert sharing.preview_share(b, people.analyst, "TH-PIU-RNG", [h2]).reports[0].allowed


STEPS = st.lists(
    st.tuples(
        st.sampled_from(("Fees paid in cash", "Departure planned for Friday")),
        st.sampled_from(ONWARD),
        st.booleans(),  # True: record, False: withdraw
    ),
    min_size=1,
    max_size=6,
)


def test_recording_and_withdrawing_in_any_order_the_dry_run_follows(
    workspace: Workspace, node_b: Workspace
) -> None:
    """After any sequence of records and withdrawals, a restricted report goes to exactly
    the partners whose permission is held, and the SQL view agrees with the policy."""
    a, b = workspace, node_b
    ids = _received_at_b(a, b)
    people = staff(b, "c")
    today = b.clock().date()

    @settings(
        max_examples=8,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(steps=STEPS)
    def run(steps: list[tuple[str, str, bool]]) -> None:
        held = {
            (p.report_id, p.partner): p.id for p in sharing.list_permissions(b, people.supervisor)
        }
        for title, partner, record in steps:
            key = (ids[title], partner)
            if record and key in held:
                with pytest.raises(Conflict):
                    sharing.record_permission(
                        b, people.supervisor, partner, report_id=ids[title],
                        reference="again", granted_on=today,
                    )  # fmt: skip
            elif record:
                (made,) = sharing.record_permission(
                    b, people.supervisor, partner, report_id=ids[title],
                    reference="letter", granted_on=today,
                )  # fmt: skip
                held[key] = made.id
            elif key in held:
                sharing.withdraw_permission(
                    b, people.supervisor, held.pop(key), reason="taken back"
                )
        for partner in ONWARD:
            preview = sharing.preview_share(b, people.analyst, partner, sorted(ids.values()))
            assert all(item.agrees for item in preview.items)
            for item in preview.reports:
                if item.id in (ids["Fees paid in cash"], ids["Departure planned for Friday"]):
                    assert item.allowed == ((item.id, partner) in held), (item.id, partner)

    run()
