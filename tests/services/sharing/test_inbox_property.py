"""The inbox lists exactly the received reports need-to-know lets its reader read.

Random received reports (importing user and agency, status, restrictive or
not, withdrawn or not, some quarantined objects beside them) and random
readers: the inbox's reports equal those ``may_read_report`` (the oracle of
``domain/access.py``) admits, its total counts them, and only supervisors
are shown quarantined objects. One store per backend, rows written directly.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert

from portintel.adapters.database import tables
from portintel.domain.access import ReportAccess, may_read_report
from portintel.domain.actors import SYSTEM, Actor, Role
from portintel.domain.reports import ReportStatus
from portintel.errors import PermissionDenied
from portintel.services import sharing
from portintel.services.admin.users import ensure_agencies
from portintel.services.events import transaction
from portintel.services.workspace import Workspace, open_workspace
from portintel.settings import Settings
from tests.conftest import BACKENDS, TickingClock
from tests.services.access_world import world_database

AT = datetime(2026, 5, 1, tzinfo=UTC)
AGENCIES = ("immigration", "maritime-police")
USERS = tuple((f"U-{n}", agency) for n, agency in enumerate(AGENCIES * 2))


@pytest.fixture(scope="module", params=BACKENDS)
def store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Workspace]:
    directory: Path = tmp_path_factory.mktemp("inbox")
    with world_database(request.param, directory) as url:
        ws = open_workspace(Settings(data_dir=directory / "d", database_url=url,
                                     secure_cookies=False))  # fmt: skip
        ws.clock = TickingClock(AT)
        ensure_agencies(ws)
        with transaction(ws) as connection:
            connection.execute(
                insert(tables.users),
                [
                    {"id": user, "username": user.lower(), "display_name": user,
                     "agency_id": agency, "password_hash": "x", "active": True,
                     "failed_logins": 0, "created_at": AT}
                    for user, agency in USERS
                ],
            )  # fmt: skip
        sharing.add_partner(ws, SYSTEM, name="TH-PIU-RNG", kind="PIU", country="TH")
        yield ws
        ws.close()


received = st.lists(
    st.tuples(
        st.sampled_from(USERS),
        st.sampled_from([s for s in ReportStatus if s is not ReportStatus.DRAFT]),
        st.sampled_from(("uk-3x5x2:P", "uk-3x5x2:C", "europol:H2", "tlp:GREEN")),
        st.sampled_from(("imported", "withdrawn", "quarantined")),
        st.frozensets(st.sampled_from(AGENCIES), max_size=1),
    ),
    max_size=8,
)
readers = st.builds(
    Actor,
    user_id=st.sampled_from([user for user, _ in USERS] + ["U-other"]),
    username=st.just("reader"),
    agency_id=st.sampled_from(AGENCIES),
    roles=st.frozensets(st.sampled_from(list(Role)), max_size=2),
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(rows=received, reader=readers)
def test_the_inbox_shows_what_need_to_know_admits(
    store: Workspace, rows: list[tuple], reader: Actor
) -> None:
    ws = store
    partner = sharing.get_partner(ws, SYSTEM, "TH-PIU-RNG", audited=False)
    expected: set[str] = set()
    quarantined = 0
    with transaction(ws) as connection:
        for table in (tables.received_objects, tables.receipts, tables.report_releasable_to,
                      tables.reports):  # fmt: skip
            connection.execute(delete(table))
        connection.execute(
            insert(tables.receipts).values(
                id="RCV-1", partner_id=partner.id, source="p.json", received_at=AT,
                received_by="U-0", objects=len(rows), imported=0, quarantined=0, unchanged=0,
            )
        )  # fmt: skip
        for number, ((author, agency), status, handling, outcome, released) in enumerate(rows):
            restrictive = handling in ("uk-3x5x2:C", "europol:H2")
            report_id = f"RX-{number:04d}"
            if outcome == "quarantined":
                quarantined += 1
                report = None
            else:
                report = report_id
                connection.execute(
                    insert(tables.reports).values(
                        id=report_id, title=f"Received {number}", author_id=author,
                        agency_id=agency, reported_at=AT, text="t", grading_scheme="admiralty",
                        reliability="B", credibility="2", handling=handling,
                        restrictive=restrictive, status=status.value, origin_node="TH-PIU-RNG",
                        created_at=AT, updated_at=AT,
                    )
                )  # fmt: skip
                for other in released:
                    connection.execute(insert(tables.report_releasable_to).values(
                        report_id=report_id, agency_id=other))  # fmt: skip
                access = ReportAccess(author, agency, status, restrictive, frozenset(released))
                if may_read_report(reader, access):
                    expected.add(report_id)
            connection.execute(
                insert(tables.received_objects).values(
                    receipt_id="RCV-1", partner_id=partner.id,
                    stix_id=f"report--{number:08d}-0000-4000-8000-000000000000",
                    stix_type="report", modified="2026-05-01T00:00:00.000Z",
                    sha256=f"{number:064d}", outcome=outcome, report_id=report,
                    reason="the signature does not match" if report is None else None,
                    raw="{}", received_at=AT,
                )
            )  # fmt: skip
    try:
        inbox = sharing.read_inbox(ws, reader, limit=500)
    except PermissionDenied:
        assert not (reader.roles & {Role.OFFICER, Role.ANALYST, Role.SUPERVISOR,
                                    Role.SOURCE_HANDLER})  # fmt: skip
        return
    assert {item.report_id for item in inbox.reports} == expected
    assert inbox.total == len(expected)
    assert inbox.quarantined_total == quarantined
    if reader.has(Role.SUPERVISOR):
        assert len(inbox.quarantined) == quarantined and len(inbox.receipts) == 1
    else:
        assert inbox.quarantined == () and inbox.receipts == ()
