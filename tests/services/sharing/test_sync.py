"""Sync with a partner: checkpoints, resumption after a crash, push once, against a fake server."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portintel.adapters.database import tables
from portintel.domain.actors import SYSTEM, Actor, Role
from portintel.domain.sharing import Partner
from portintel.errors import PeerRefused, PermissionDenied
from portintel.ports import ObjectPage, PeerCollection
from portintel.services import admin, sharing
from portintel.services.sharing.sync import Received, resume_after, sync_partner
from portintel.services.workspace import Workspace
from tests.services.sharing.test_dissemination import _partners
from tests.services.sharing.test_preview import _file
from tests.services.staff import IMMIGRATION, make_user

BASE = "2026-11-29T10:00:00"
LATE = "2026-11-29T10:00:04.500000Z"


def _object(number: int, *, added: str | None = None) -> dict[str, Any]:
    return {
        "type": "note",
        "id": f"note--00000000-0000-4000-8000-{number:012d}",
        "modified": "2026-11-29T09:00:00.000Z",
        "content": f"object {number}",
        "x_added": added or f"{BASE}.{number:06d}Z",
    }


@dataclass
class FakeServer:
    """A TAXII server's behaviour as the sync sees it: pages by an index cursor.

    Objects may share one ``date_added`` (the bulk-publish case); the cursor
    is the position, as a portintel node's monotonic sequence is.
    """

    objects: list[dict[str, Any]]
    writable: bool = False
    forget_cursors: bool = False
    posted: list[list[dict[str, Any]]] = field(default_factory=list)
    calls: int = 0

    def collections(self) -> list[PeerCollection]:
        found = [PeerCollection("c-1", "For KH-PIU-SHV", can_read=True, can_write=False)]
        if self.writable:
            found.append(PeerCollection("inbox", "Inbox", can_read=False, can_write=True))
        return found

    def objects_page(
        self, collection_id: str, *, added_after: str | None, cursor: str | None, limit: int
    ) -> ObjectPage:
        self.calls += 1
        assert collection_id == "c-1"
        if cursor is not None:
            if self.forget_cursors:
                raise PeerRefused("unknown cursor")
            start = int(cursor)
        else:
            start = next(
                (
                    i
                    for i, item in enumerate(self.objects)
                    if added_after is None or item["x_added"] > added_after
                ),
                len(self.objects),
            )
        page = self.objects[start : start + limit]
        more = start + limit < len(self.objects)
        return ObjectPage(
            objects=[dict(item) for item in page],
            more=more,
            next=str(start + limit) if more else None,
            date_added_last=page[-1]["x_added"] if page else None,
        )

    def add_objects(self, collection_id: str, objects: Sequence[dict[str, object]]) -> str:
        assert collection_id == "inbox"
        self.posted.append([dict(o) for o in objects])
        return f"status-{len(self.posted)}"

    def close(self) -> None:
        pass


@dataclass
class Inbox:
    """An idempotent receiving side: what it holds is a set keyed by (id, modified)."""

    held: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    deliveries: int = 0
    crash_after: int | None = None

    def __call__(
        self, ws: Workspace, actor: Actor, partner: Partner, objects: Sequence[dict[str, Any]]
    ) -> Received:
        if self.crash_after is not None and self.deliveries >= self.crash_after:
            raise KeyboardInterrupt("killed")  # not an Exception: nothing may catch it
        self.deliveries += 1
        imported = unchanged = 0
        for item in objects:
            key = (item["id"], item["modified"])
            if key in self.held:
                unchanged += 1
            else:
                self.held[key] = item
                imported += 1
        return Received(imported=imported, unchanged=unchanged)


def _registered(ws: Workspace, *, delivery: str = "pull") -> None:
    sharing.init_node(ws, SYSTEM)
    sharing.add_partner(
        ws, SYSTEM, name="TH-PIU-RNG", kind="PIU", country="TH",
        taxii_url="http://127.0.0.1:9/taxii2/",
    )  # fmt: skip
    sharing.add_agreement(
        ws, SYSTEM, "TH-PIU-RNG", handling_codes=["uk-3x5x2:P"], tlp_levels=["GREEN"],
        categories=["reports", "entities"], delivery=delivery,
    )  # fmt: skip


@pytest.fixture
def registered(workspace: Workspace) -> Workspace:
    _registered(workspace)
    return workspace


def _receiver(ws: Workspace) -> Actor:
    try:
        return make_user(ws, "rex", IMMIGRATION, Role.ANALYST)
    except IntegrityError:  # made by an earlier sync of the same test
        return admin.get_actor(ws, "U-rex")


def _sync(ws: Workspace, server: FakeServer, inbox: Inbox, page_size: int = 7) -> Any:
    return sync_partner(
        ws, _receiver(ws), "TH-PIU-RNG", receive=inbox,
        peer_factory=lambda _ws, _partner: server, page_size=page_size,
    )  # fmt: skip


def test_a_sync_reads_every_page_once_and_the_next_sync_only_what_is_new(
    workspace: Workspace,
) -> None:
    _registered(workspace)
    server = FakeServer([_object(n) for n in range(30)])
    inbox = Inbox()
    first = _sync(workspace, server, inbox)
    assert first.objects == 30 and first.imported == 30 and first.unchanged == 0
    assert len(inbox.held) == 30
    assert first.collections[0].pages == 5  # 7 + 7 + 7 + 7 + 2

    server.objects += [_object(n) for n in range(30, 34)]
    second = _sync(workspace, server, inbox)
    assert second.imported == 4
    assert len(inbox.held) == 34
    # the overlap re-reads at most the last second's objects, harmlessly
    assert second.objects - second.imported == second.unchanged


def test_objects_sharing_one_date_added_are_all_read(workspace: Workspace) -> None:
    _registered(workspace)
    same = f"{BASE}.000000Z"
    server = FakeServer([_object(n, added=same) for n in range(2_000)])
    inbox = Inbox()
    result = _sync(workspace, server, inbox, page_size=100)
    assert result.imported == 2_000 and len(inbox.held) == 2_000
    assert result.collections[0].pages == 20


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    total=st.integers(min_value=0, max_value=60),
    page_size=st.integers(min_value=1, max_value=13),
    crashes=st.lists(st.integers(min_value=0, max_value=8), max_size=3),
)
def test_a_sync_killed_anywhere_and_run_again_loses_nothing_and_imports_nothing_twice(
    registered: Workspace, total: int, page_size: int, crashes: list[int]
) -> None:
    ws = registered
    with ws.engine.begin() as connection:  # each example starts a partner never synced
        connection.execute(tables.sync_checkpoints.delete())
    server = FakeServer([_object(n) for n in range(total)])
    inbox = Inbox()
    for crash in crashes:
        inbox.crash_after = inbox.deliveries + crash
        with contextlib.suppress(KeyboardInterrupt):
            _sync(ws, server, inbox, page_size=page_size)
    inbox.crash_after = None
    _sync(ws, server, inbox, page_size=page_size)
    assert sorted(key[0] for key in inbox.held) == sorted(o["id"] for o in server.objects)


def test_a_server_that_forgot_its_cursor_is_read_again_from_the_checkpoint(
    workspace: Workspace,
) -> None:
    _registered(workspace)
    server = FakeServer([_object(n) for n in range(20)])
    inbox = Inbox(crash_after=1)
    with pytest.raises(KeyboardInterrupt):
        _sync(workspace, server, inbox)
    server.forget_cursors = True
    inbox.crash_after = None
    result = _sync(workspace, server, inbox, page_size=50)
    assert len(inbox.held) == 20
    assert result.unchanged == 7  # the first page, read again


def test_checkpoints_are_kept_per_partner_and_collection(workspace: Workspace) -> None:
    _registered(workspace)
    _sync(workspace, FakeServer([_object(n) for n in range(9)]), Inbox())
    c = tables.sync_checkpoints.c
    with workspace.engine.connect() as connection:
        row = connection.execute(select(c.collection_id, c.cursor, c.objects, c.pages)).one()
    assert (row.collection_id, row.cursor, row.objects, row.pages) == ("c-1", None, 9, 2)


def test_packages_go_by_push_once_when_the_agreement_says_push(workspace: Workspace) -> None:
    filed = _file(workspace)
    _partners(workspace)  # KH-CAU and ID-PIU-BLW, pull
    sharing.add_partner(
        workspace, SYSTEM, name="TH-PIU-RNG", kind="PIU", country="TH",
        taxii_url="http://127.0.0.1:9/taxii2/",
    )  # fmt: skip
    sharing.add_agreement(
        workspace, SYSTEM, "TH-PIU-RNG", handling_codes=["uk-3x5x2:P"], tlp_levels=["GREEN"],
        categories=["reports", "entities"], delivery="push",
    )  # fmt: skip
    analyst = make_user(workspace, "ana", IMMIGRATION, Role.ANALYST)
    boss = make_user(workspace, "bea", IMMIGRATION, Role.SUPERVISOR)
    for partner in ("TH-PIU-RNG", "KH-CAU"):
        request = sharing.request_dissemination(workspace, analyst, partner, [filed["shared"]])
        sharing.approve_dissemination(workspace, boss, request)

    server = FakeServer([], writable=True)
    first = _sync(workspace, server, Inbox())
    assert first.pushed_packages == 1
    assert len(server.posted) == 1
    with workspace.engine.connect() as connection:
        bundle = connection.execute(
            select(tables.outgoing_packages.c.bundle)
            .join(tables.partners, tables.partners.c.id == tables.outgoing_packages.c.partner_id)
            .where(tables.partners.c.name == "TH-PIU-RNG")
        ).scalar_one()
    assert server.posted[0] == json.loads(bundle)["objects"]
    again = _sync(workspace, server, Inbox())
    assert again.pushed_packages == 0 and len(server.posted) == 1


def test_push_without_a_writable_collection_says_what_to_do(workspace: Workspace) -> None:
    filed = _file(workspace)
    _registered(workspace, delivery="push")
    analyst = make_user(workspace, "ana", IMMIGRATION, Role.ANALYST)
    boss = make_user(workspace, "bea", IMMIGRATION, Role.SUPERVISOR)
    request = sharing.request_dissemination(workspace, analyst, "TH-PIU-RNG", [filed["shared"]])
    sharing.approve_dissemination(workspace, boss, request)
    with pytest.raises(PeerRefused, match="no collection to write to"):
        _sync(workspace, FakeServer([]), Inbox())


def test_only_analysts_and_supervisors_sync_what_is_filed_under_their_name(
    workspace: Workspace,
) -> None:
    _registered(workspace)
    officer = make_user(workspace, "olga", IMMIGRATION, Role.OFFICER)
    administrator = make_user(workspace, "adam", IMMIGRATION, Role.ADMINISTRATOR)
    for actor in (officer, administrator, SYSTEM):
        with pytest.raises(PermissionDenied):
            sync_partner(workspace, actor, "TH-PIU-RNG", receive=Inbox())


def test_a_sync_is_audited_with_its_counts(workspace: Workspace) -> None:
    _registered(workspace)
    _sync(workspace, FakeServer([_object(n) for n in range(3)]), Inbox())
    with workspace.engine.connect() as connection:
        detail = connection.execute(
            select(tables.audit_log.c.detail).where(tables.audit_log.c.action == "partner.synced")
        ).scalar_one()
    recorded = json.loads(detail) if isinstance(detail, str) else detail
    assert recorded["partner"] == "TH-PIU-RNG"
    assert (recorded["objects"], recorded["imported"], recorded["quarantined"]) == (3, 3, 0)


@pytest.mark.parametrize(
    ("previous", "last", "expected"),
    [
        (None, None, None),
        (None, "2026-11-29T10:00:05.000000Z", "2026-11-29T10:00:04.000000Z"),
        (LATE, "2026-11-29T10:00:05.000000Z", LATE),
        ("2026-11-29T09:00:00.000000Z", "not a time", "2026-11-29T09:00:00.000000Z"),
        ("2026-11-29T09:00:00.000000Z", "2026-11-29T10:00:05Z", "2026-11-29T10:00:04.000000Z"),
    ],
)
def test_the_next_pull_starts_one_second_before_the_newest_object(
    previous: str | None, last: str | None, expected: str | None
) -> None:
    assert resume_after(previous, last) == expected
