"""Sync with a partner node: pull its collections for this node, push what goes by push.

**Pull.** For each collection the partner's TAXII server lets this node read,
objects are read a page at a time from where the last pull stopped
(``sync_checkpoints``: the server's cursor mid-collection, else the
``added_after`` of the newest object read) and handed to the receiving side
(``receive``), which verifies each object's signature, quarantines what fails
and imports the rest idempotently. The checkpoint moves only after a page is
received and committed, so a sync killed at any point and run again reads
the interrupted page again and the receiving side's idempotence makes that
harmless: nothing is lost, nothing is imported twice. A new pull starts one
second before the newest object already read, for the same reason: a server
that adds more objects with that same timestamp later loses none of them.

**Push.** For a partner whose agreement in force says push, every outgoing
package not yet pushed is posted to the first collection of the partner's
server that this node may write, then recorded in ``package_pushes``. A push
interrupted between the post and the record posts again; the partner's
receiving side ignores objects it already has.

Runs from ``portintel sync`` (with progress) and as the ``sharing.sync`` job
(:mod:`portintel.services.sharing.sync_jobs`), whose retries with back-off
cover a partner that is down; the HTTP client also retries within one run.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import insert, select, update

from portintel.adapters.database import tables
from portintel.domain.actors import Actor
from portintel.domain.sharing import Delivery, Partner
from portintel.errors import ConfigurationError, InvalidInput, PeerRefused, PermissionDenied
from portintel.ports import ObjectPage, PeerCollection, TaxiiPeer
from portintel.services import audit
from portintel.services.sharing.partners import (
    current_agreement,
    find_partner,
    partner_credential,
)
from portintel.services.sharing.receiving import may_receive, receive_objects
from portintel.services.workspace import Workspace

PAGE_SIZE = 500
OVERLAP = timedelta(seconds=1)
"""How far before the newest object already read a new pull starts (see the module)."""

Progress = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class Received:
    """What the receiving side did with one page of objects."""

    imported: int = 0
    unchanged: int = 0
    """Objects this node already had in the same version (a re-read page)."""
    quarantined: int = 0


class Receiver(Protocol):
    """The receiving side: verify, quarantine or import the objects a partner sent."""

    def __call__(
        self, ws: Workspace, actor: Actor, partner: Partner, objects: Sequence[dict[str, Any]]
    ) -> Received: ...


@dataclass(slots=True)
class CollectionSync:
    """One collection's pull in one sync."""

    collection_id: str
    title: str
    pages: int = 0
    objects: int = 0
    imported: int = 0
    unchanged: int = 0
    quarantined: int = 0


@dataclass(slots=True)
class SyncResult:
    """What one sync with one partner did."""

    partner: str
    collections: list[CollectionSync] = field(default_factory=list)
    pushed_packages: int = 0
    pushed_objects: int = 0

    @property
    def objects(self) -> int:
        return sum(c.objects for c in self.collections)

    @property
    def imported(self) -> int:
        return sum(c.imported for c in self.collections)

    @property
    def quarantined(self) -> int:
        return sum(c.quarantined for c in self.collections)

    @property
    def unchanged(self) -> int:
        return sum(c.unchanged for c in self.collections)


PeerFactory = Callable[[Workspace, Partner], TaxiiPeer]


def open_peer(ws: Workspace, partner: Partner) -> TaxiiPeer:
    """The partner's TAXII server, with the credential this node holds for it."""
    from portintel.adapters.taxii_peer import HttpTaxiiPeer

    if not partner.taxii_url:
        raise ConfigurationError(
            f"partner {partner.name} has no TAXII URL",
            hint=f"set one with `portintel partner add {partner.name} --taxii-url URL ...`",
        )
    return HttpTaxiiPeer(partner.taxii_url, partner_credential(ws, partner.id))


def _require(actor: Actor) -> None:
    # what a sync pulls is filed as received reports under the acting user and their
    # agency: the receiving side's own rule (analysts and supervisors) decides who may
    if not may_receive(actor) or actor.is_system:
        raise PermissionDenied(
            "only an analyst or a supervisor may sync with partners: what arrives is filed "
            "under their name for evaluation",
            hint="run it as an analyst or supervisor (--as), or queue it with --enqueue",
        )


def _default_receiver() -> Receiver:
    def receive(
        ws: Workspace, actor: Actor, partner: Partner, objects: Sequence[dict[str, Any]]
    ) -> Received:
        receipt = receive_objects(ws, actor, partner.name, objects, source="taxii")
        return Received(
            imported=receipt.imported,
            unchanged=receipt.unchanged,
            quarantined=receipt.quarantined,
        )

    return receive


# -- checkpoints ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Checkpoint:
    added_after: str | None
    cursor: str | None


def _checkpoint(ws: Workspace, partner_id: str, collection_id: str) -> Checkpoint:
    c = tables.sync_checkpoints.c
    with ws.engine.connect() as connection:
        row = connection.execute(
            select(c.added_after, c.cursor).where(
                c.partner_id == partner_id, c.collection_id == collection_id
            )
        ).first()
    return Checkpoint(None, None) if row is None else Checkpoint(row.added_after, row.cursor)


def _save_checkpoint(
    ws: Workspace,
    partner_id: str,
    collection_id: str,
    checkpoint: Checkpoint,
    objects: int,
) -> None:
    c = tables.sync_checkpoints.c
    now = ws.clock()
    with ws.engine.begin() as connection:
        changed = connection.execute(
            update(tables.sync_checkpoints)
            .where(c.partner_id == partner_id, c.collection_id == collection_id)
            .values(
                added_after=checkpoint.added_after,
                cursor=checkpoint.cursor,
                objects=c.objects + objects,
                pages=c.pages + 1,
                updated_at=now,
            )
        ).rowcount
        if not changed:
            connection.execute(
                insert(tables.sync_checkpoints).values(
                    partner_id=partner_id,
                    collection_id=collection_id,
                    added_after=checkpoint.added_after,
                    cursor=checkpoint.cursor,
                    objects=objects,
                    pages=1,
                    updated_at=now,
                )
            )


def _parse_timestamp(text: str) -> datetime | None:
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def taxii_timestamp(value: datetime) -> str:
    """A TAXII/STIX timestamp: UTC, microseconds, ``Z``."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def resume_after(previous: str | None, date_added_last: str | None) -> str | None:
    """Where the next pull starts once a collection was read to its end.

    One :data:`OVERLAP` before the newest object read, never before where this
    pull itself started (a page without the header keeps the old value).
    """
    if date_added_last is None:
        return previous
    newest = _parse_timestamp(date_added_last)
    if newest is None:
        return previous
    start = taxii_timestamp(newest - OVERLAP)
    if previous is not None:
        before = _parse_timestamp(previous)
        if before is not None and before > newest - OVERLAP:
            return previous
    return start


# -- pull -------------------------------------------------------------------------------


def _pull_collection(
    ws: Workspace,
    actor: Actor,
    partner: Partner,
    peer: TaxiiPeer,
    collection: PeerCollection,
    receive: Receiver,
    progress: Progress,
    page_size: int,
) -> CollectionSync:
    outcome = CollectionSync(collection.id, collection.title)
    checkpoint = _checkpoint(ws, partner.id, collection.id)
    while True:
        page = _page(peer, collection.id, checkpoint, page_size, progress)
        received = receive(ws, actor, partner, page.objects) if page.objects else Received()
        if page.more and page.next:
            checkpoint = Checkpoint(checkpoint.added_after, page.next)
        else:
            resume = resume_after(checkpoint.added_after, page.date_added_last)
            checkpoint = Checkpoint(resume, None)
        _save_checkpoint(ws, partner.id, collection.id, checkpoint, len(page.objects))
        outcome.pages += 1
        outcome.objects += len(page.objects)
        outcome.imported += received.imported
        outcome.unchanged += received.unchanged
        outcome.quarantined += received.quarantined
        progress(
            f"{partner.name} / {collection.title}: page {outcome.pages}, "
            f"{outcome.objects:,} objects read, {outcome.imported:,} imported, "
            f"{outcome.unchanged:,} already here, {outcome.quarantined:,} quarantined"
        )
        if not (page.more and page.next):
            return outcome


def _page(
    peer: TaxiiPeer,
    collection_id: str,
    checkpoint: Checkpoint,
    page_size: int,
    progress: Progress,
) -> ObjectPage:
    if checkpoint.cursor is None:
        return peer.objects_page(
            collection_id, added_after=checkpoint.added_after, cursor=None, limit=page_size
        )
    try:
        return peer.objects_page(
            collection_id, added_after=checkpoint.added_after, cursor=checkpoint.cursor,
            limit=page_size,
        )  # fmt: skip
    except PeerRefused:
        # a server may forget its cursors (a restart, an expiry): start again from the
        # last complete pull; what is read again is received again, harmlessly
        progress("the partner's server no longer knows where the last pull stopped; resuming")
        return peer.objects_page(
            collection_id, added_after=checkpoint.added_after, cursor=None, limit=page_size
        )


# -- push -------------------------------------------------------------------------------


def _unpushed_packages(ws: Workspace, partner_id: str) -> list[tuple[str, str]]:
    packages, pushes = tables.outgoing_packages.c, tables.package_pushes.c
    pushed = select(pushes.package_id).where(pushes.partner_id == partner_id)
    with ws.engine.connect() as connection:
        rows = connection.execute(
            select(packages.id, packages.bundle)
            .where(packages.partner_id == partner_id, packages.id.not_in(pushed))
            .order_by(packages.created_at, packages.id)
        ).all()
    return [(row.id, row.bundle) for row in rows]


def _push(
    ws: Workspace,
    actor: Actor,
    partner: Partner,
    peer: TaxiiPeer,
    collections: list[PeerCollection],
    result: SyncResult,
    progress: Progress,
) -> None:
    agreement = current_agreement(ws, partner.id)
    if agreement is None or agreement.delivery is not Delivery.PUSH:
        return
    pending = _unpushed_packages(ws, partner.id)
    if not pending:
        return
    inbox = next((c for c in collections if c.can_write), None)
    if inbox is None:
        raise PeerRefused(
            f"partner {partner.name}'s server offers this node no collection to write to, "
            f"but its agreement says push ({len(pending)} packages waiting)",
            hint="ask the partner for a writable collection, or change the agreement to pull",
        )
    for package_id, bundle in pending:
        objects = json.loads(bundle).get("objects") or []
        status_id = peer.add_objects(inbox.id, objects)
        with ws.engine.begin() as connection:
            connection.execute(
                insert(tables.package_pushes).values(
                    package_id=package_id,
                    partner_id=partner.id,
                    collection_id=inbox.id,
                    status_id=status_id[:200],
                    objects=len(objects),
                    pushed_at=ws.clock(),
                )
            )
            audit.record(
                connection,
                actor,
                "package.pushed",
                object_type="package",
                object_id=package_id,
                detail={"partner": partner.name, "objects": len(objects)},
                at=ws.clock(),
            )
        result.pushed_packages += 1
        result.pushed_objects += len(objects)
        progress(f"{partner.name}: pushed package {package_id} ({len(objects):,} objects)")


# -- the sync ---------------------------------------------------------------------------


@contextmanager
def _opened(peer: TaxiiPeer) -> Iterator[TaxiiPeer]:
    try:
        yield peer
    finally:
        close = getattr(peer, "close", None)
        if callable(close):
            close()


def sync_partner(
    ws: Workspace,
    actor: Actor,
    name: str,
    *,
    receive: Receiver | None = None,
    peer_factory: PeerFactory = open_peer,
    progress: Progress | None = None,
    page_size: int = PAGE_SIZE,
) -> SyncResult:
    """Pull every readable collection of the partner, then push what goes by push."""
    _require(actor)
    if not 1 <= page_size <= 10_000:
        raise InvalidInput(f"page size must be 1 to 10000, got {page_size}", field="page_size")
    partner = find_partner(ws, name)
    say = progress or (lambda _: None)
    receiver = receive or _default_receiver()
    result = SyncResult(partner.name)
    with _opened(peer_factory(ws, partner)) as peer:
        collections = peer.collections()
        for collection in collections:
            if collection.can_read:
                result.collections.append(
                    _pull_collection(ws, actor, partner, peer, collection, receiver, say, page_size)
                )
        _push(ws, actor, partner, peer, collections, result, say)
    with ws.engine.begin() as connection:
        audit.record(
            connection,
            actor,
            "partner.synced",
            object_type="partner",
            object_id=partner.id,
            detail={
                "partner": partner.name,
                "objects": result.objects,
                "imported": result.imported,
                "quarantined": result.quarantined,
                "pushed": result.pushed_objects,
            },
            at=ws.clock(),
        )
    return result


def partners_to_sync(ws: Workspace) -> list[str]:
    """The names of the partners with a TAXII URL, in name order."""
    c = tables.partners.c
    with ws.engine.connect() as connection:
        return list(
            connection.execute(
                select(c.name).where(c.taxii_url.is_not(None)).order_by(c.name)
            ).scalars()
        )


def sync_all(
    ws: Workspace,
    actor: Actor,
    *,
    receive: Receiver | None = None,
    peer_factory: PeerFactory = open_peer,
    progress: Progress | None = None,
) -> list[SyncResult]:
    """Sync with every partner that has a TAXII URL, one after the other."""
    _require(actor)
    return [
        sync_partner(ws, actor, name, receive=receive, peer_factory=peer_factory, progress=progress)
        for name in partners_to_sync(ws)
    ]
