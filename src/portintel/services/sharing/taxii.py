"""What the TAXII server reads: a partner's collections and the objects published in them.

The reader is a :class:`~portintel.services.sharing.partner_tokens.PartnerReader`
and its scope is one condition: the partner of the collection's agreement is
the reader. A collection of another partner is looked up with that condition
and so answers exactly like one that does not exist (:class:`NotFound`), and
every object query carries the collection's agreement id. Objects are what
the partner's approved packages carried (:mod:`.publishing`): nothing else
is ever in a collection, so no other scope applies.

A page costs one query whatever its size (the objects, ``limit + 1`` rows
in sequence order: the extra row says whether there is more); finding the
collection is one more, and the audit entry of the read is appended in the
same transaction. No query runs per object.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import ColumnElement, Connection, false, or_, select

from portintel.adapters.database import tables
from portintel.domain.sharing.taxii import (
    ObjectQuery,
    VersionSelection,
    collection_id,
    encode_cursor,
)
from portintel.errors import NotFound
from portintel.services import audit
from portintel.services.events import transaction
from portintel.services.sharing.partner_tokens import PartnerReader
from portintel.services.sharing.publishing import objects_of_bundle
from portintel.services.workspace import Workspace

Endpoint = Literal["objects", "object", "manifest", "versions"]


@dataclass(frozen=True, slots=True)
class CollectionView:
    """One collection of the reader: the objects sent under one of its agreements."""

    id: str
    title: str
    description: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class ObjectRecord:
    seq: int
    id: str
    version: str
    date_added: datetime
    spec_version: str
    text: str
    """The object's JSON as in the signed bundle (empty for a manifest or versions read)."""


@dataclass(frozen=True, slots=True)
class Page:
    records: tuple[ObjectRecord, ...]
    more: bool
    next: str | None

    @property
    def first_added(self) -> datetime | None:
        return min((r.date_added for r in self.records), default=None)

    @property
    def last_added(self) -> datetime | None:
        return max((r.date_added for r in self.records), default=None)


def _agreements(connection: Connection, reader: PartnerReader) -> list[Any]:
    return list(
        connection.execute(
            select(tables.partner_agreements)
            .where(tables.partner_agreements.c.partner_id == reader.partner_id)
            .order_by(tables.partner_agreements.c.created_at, tables.partner_agreements.c.id)
        ).all()
    )


def _view(ws: Workspace, reader: PartnerReader, row: Any) -> CollectionView:
    terms = ", ".join(sorted(row.categories))
    levels = ", ".join(f"TLP:{level}" for level in sorted(row.tlp_levels))
    until = f"; in force until {row.expires_at:%Y-%m-%d}" if row.expires_at else ""
    return CollectionView(
        id=collection_id(row.id),
        title=f"{ws.settings.node_code} for {reader.partner_name} "
        f"(agreement of {row.created_at:%Y-%m-%d})",
        description=f"What {ws.settings.node_code} sends {reader.partner_name} under the "
        f"agreement of {row.created_at:%Y-%m-%d}: {terms}; {levels}{until}.",
        created_at=row.created_at,
    )


def list_collections(ws: Workspace, reader: PartnerReader) -> list[CollectionView]:
    """The reader's collections, oldest agreement first (never another partner's)."""
    with ws.engine.connect() as connection:
        rows = _agreements(connection, reader)
    return [_view(ws, reader, row) for row in rows]


def _agreement_of(connection: Connection, reader: PartnerReader, wanted: str) -> Any:
    for row in _agreements(connection, reader):
        if collection_id(row.id) == wanted:
            return row
    raise NotFound(f"no collection {wanted!r}", hint="list your collections first")


def get_collection(ws: Workspace, reader: PartnerReader, wanted: str) -> CollectionView:
    """One of the reader's collections; NotFound for any other id, another partner's too."""
    with ws.engine.connect() as connection:
        return _view(ws, reader, _agreement_of(connection, reader, wanted))


def _version_condition(query: ObjectQuery) -> ColumnElement[bool] | None:
    table = tables.taxii_objects
    if query.versions.everything:
        return None
    parts: list[ColumnElement[bool]] = []
    if VersionSelection.LAST in query.versions.keywords:
        parts.append(table.c.is_last.is_(True))
    if VersionSelection.FIRST in query.versions.keywords:
        parts.append(table.c.is_first.is_(True))
    if query.versions.instants:
        parts.append(table.c.version_at.in_(sorted(query.versions.instants)))
    return or_(*parts) if parts else false()


def read_objects(
    ws: Workspace,
    reader: PartnerReader,
    wanted_collection: str,
    query: ObjectQuery,
    *,
    endpoint: Endpoint = "objects",
    object_id: str | None = None,
) -> Page:
    """One page of the collection's objects that match ``query``, in the order published.

    ``object_id`` narrows to one object (the object and versions endpoints):
    NotFound when the collection never held it. Audited as ``taxii.read``.
    """
    table = tables.taxii_objects
    with_text = endpoint in ("objects", "object")
    columns = [
        table.c.seq,
        table.c.object_id,
        table.c.version,
        table.c.date_added,
        table.c.spec_version,
    ]
    if with_text:
        columns.append(table.c.object)
    with transaction(ws) as connection:
        agreement = _agreement_of(connection, reader, wanted_collection)
        conditions: list[ColumnElement[bool]] = [table.c.agreement_id == agreement.id]
        if query.after_seq is not None:
            conditions.append(table.c.seq > query.after_seq)
        if query.added_after is not None:
            conditions.append(table.c.date_added > query.added_after)
        if object_id is not None:
            conditions.append(table.c.object_id == object_id)
        if query.ids:
            conditions.append(table.c.object_id.in_(sorted(query.ids)))
        if query.types:
            conditions.append(table.c.object_type.in_(sorted(query.types)))
        if query.spec_versions:
            conditions.append(table.c.spec_version.in_(sorted(query.spec_versions)))
        versions = _version_condition(query)
        if versions is not None:
            conditions.append(versions)
        rows = connection.execute(
            select(*columns).where(*conditions).order_by(table.c.seq).limit(query.limit + 1)
        ).all()
        if object_id is not None and not rows:
            held = connection.execute(
                select(table.c.seq)
                .where(table.c.agreement_id == agreement.id, table.c.object_id == object_id)
                .limit(1)
            ).first()
            if held is None:
                raise NotFound(f"no object {object_id!r} in this collection")
        more = len(rows) > query.limit
        rows = rows[: query.limit]
        page = Page(
            records=tuple(
                ObjectRecord(
                    seq=row.seq,
                    id=row.object_id,
                    version=row.version,
                    date_added=row.date_added,
                    spec_version=row.spec_version,
                    text=row.object if with_text else "",
                )
                for row in rows
            ),
            more=more,
            next=encode_cursor(rows[-1].seq) if more else None,
        )
        audit.record(
            connection,
            reader.actor,
            "taxii.read",
            object_type="taxii_collection",
            object_id=wanted_collection,
            detail={
                "endpoint": endpoint,
                "object": object_id,
                "objects": len(page.records),
                "more": more,
            },
            at=ws.clock(),
        )
    return page


@dataclass(frozen=True, slots=True)
class Publication:
    """The TAXII status of one package's publication into the reader's collection."""

    id: str
    published_at: datetime
    objects: tuple[tuple[str, str], ...]
    """``(id, version)`` of every object the package carried, in bundle order."""


def publication_status(ws: Workspace, reader: PartnerReader, status_id: str) -> Publication:
    """The status whose id is the UUID of a package's bundle id (``bundle--<uuid>``), for
    a package sent to the reader; NotFound otherwise (another partner's package too)."""
    packages = tables.outgoing_packages
    with transaction(ws) as connection:
        row = connection.execute(
            select(packages.c.id, packages.c.bundle, packages.c.created_at)
            .where(
                packages.c.partner_id == reader.partner_id,
                packages.c.bundle_id == f"bundle--{status_id.strip()}",
            )
            .order_by(packages.c.created_at.desc(), packages.c.id.desc())
            .limit(1)
        ).first()
        if row is None:
            raise NotFound(f"no status {status_id!r}")
        audit.record(
            connection,
            reader.actor,
            "taxii.status",
            object_type="package",
            object_id=row.id,
            at=ws.clock(),
        )
    objects = tuple((obj.id, obj.version) for obj in objects_of_bundle(row.bundle))
    return Publication(id=status_id.strip(), published_at=row.created_at, objects=objects)
