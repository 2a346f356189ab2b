"""Publishing: an approved package's objects go into the partner's TAXII collection.

:func:`publish_package` runs inside the approval's transaction
(:func:`portintel.services.sharing.approve_dissemination`), so a package is
available to its partner if and only if it was approved. Each object of the
signed bundle becomes one row of ``taxii_objects`` in the collection of the
package's agreement, its JSON text exactly as in the bundle (a receiver can
check the object against the package's signature, and ``inbox``'s
per-object signatures stay intact); nothing is re-serialised on the way out.

A version already in the collection (same id and ``modified``: the node's
identity, extension and marking definitions recur in every package) is not
published twice. A newer version of an object becomes its last version.

Publishing is serialised (a PostgreSQL advisory lock, SQLite's write lock)
so sequence numbers and ``date_added`` both grow in commit order: neither
the cursor nor ``added_after`` can skip an object that commits late (see
:mod:`portintel.domain.sharing.taxii`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, and_, func, insert, select, text, update

from portintel.adapters.database import tables
from portintel.domain.sharing.taxii import PublishedObject, parse_timestamp, version_of

PUBLISH_LOCK_KEY = 0x706F7274_74617869  # "porttaxi"
"""PostgreSQL advisory lock key taken by every publication."""


def objects_of_bundle(bundle_text: str) -> list[PublishedObject]:
    """The objects of a signed bundle's text, each with its own text as in the bundle."""
    bundle = json.loads(bundle_text)
    found = []
    for obj in bundle.get("objects", []):
        version = version_of(obj)
        found.append(
            PublishedObject(
                id=str(obj["id"]),
                type=str(obj["type"]),
                spec_version=str(obj.get("spec_version", "2.0")),
                version=version,
                version_at=parse_timestamp(version, "modified"),
                # the same settings as bundle_text: the bytes inside the signed text
                text=json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")),
            )
        )
    return found


def _take_publish_lock(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PUBLISH_LOCK_KEY})
        return
    # SQLite: a write that matches nothing still takes the database write lock
    connection.execute(
        update(tables.taxii_objects)
        .where(tables.taxii_objects.c.seq == -1)
        .values(seq=tables.taxii_objects.c.seq)
    )


def publish_package(
    connection: Connection,
    *,
    package_id: str,
    partner_id: str,
    agreement_id: str,
    bundle_text: str,
    at: datetime,
) -> int:
    """Publish the package's objects into its agreement's collection; how many were new."""
    return publish_objects(
        connection,
        package_id=package_id,
        partner_id=partner_id,
        agreement_id=agreement_id,
        objects=objects_of_bundle(bundle_text),
        at=at,
    )


def publish_objects(
    connection: Connection,
    *,
    package_id: str,
    partner_id: str,
    agreement_id: str,
    objects: Iterable[PublishedObject],
    at: datetime,
) -> int:
    """:func:`publish_package` for objects already parsed (the benchmark publishes many)."""
    table = tables.taxii_objects
    _take_publish_lock(connection)
    head = connection.execute(select(func.max(table.c.seq), func.max(table.c.date_added))).one()
    seq = int(head[0] or 0)
    added = at if head[1] is None or at > head[1] else head[1] + timedelta(microseconds=1)
    wanted: dict[tuple[str, datetime], PublishedObject] = {}
    for obj in objects:
        wanted.setdefault((obj.id, obj.version_at), obj)
    if not wanted:
        return 0
    ids = sorted({object_id for object_id, _ in wanted})
    stored: dict[str, list[tuple[datetime, int]]] = {}
    for chunk in _chunks(ids, 500):
        for found in connection.execute(
            select(table.c.object_id, table.c.version_at, table.c.seq).where(
                table.c.agreement_id == agreement_id, table.c.object_id.in_(chunk)
            )
        ):
            stored.setdefault(found.object_id, []).append((found.version_at, found.seq))
    rows: list[dict[str, Any]] = []
    versioned = set(stored)  # objects with a version in the collection already
    for (object_id, version_at), obj in wanted.items():
        known = stored.get(object_id, [])
        if any(instant == version_at for instant, _ in known):
            continue
        seq += 1
        rows.append(
            {
                "seq": seq,
                "agreement_id": agreement_id,
                "partner_id": partner_id,
                "object_id": object_id,
                "object_type": obj.type,
                "spec_version": obj.spec_version,
                "version": obj.version,
                "version_at": version_at,
                "date_added": added,
                "is_last": not any(instant > version_at for instant, _ in known),
                "is_first": not any(instant < version_at for instant, _ in known),
                "object": obj.text,
                "package_id": package_id,
            }
        )
        known.append((version_at, seq))
        stored[object_id] = known
    if not rows:
        return 0
    # several new versions of one object in one package: only the extremes keep their flag
    by_object: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_object.setdefault(row["object_id"], []).append(row)
    for group in by_object.values():
        if len(group) > 1:
            newest = max(row["version_at"] for row in group)
            oldest = min(row["version_at"] for row in group)
            for row in group:
                row["is_last"] = row["is_last"] and row["version_at"] == newest
                row["is_first"] = row["is_first"] and row["version_at"] == oldest
    connection.execute(insert(table), rows)
    _demote_older_versions(
        connection, agreement_id, [row for row in rows if row["object_id"] in versioned]
    )
    return len(rows)


def _demote_older_versions(
    connection: Connection, agreement_id: str, rows: list[dict[str, Any]]
) -> None:
    """Versions stored before that are no longer the last or the first lose their flag."""
    table = tables.taxii_objects
    for row in rows:
        same = and_(
            table.c.agreement_id == agreement_id,
            table.c.object_id == row["object_id"],
            table.c.seq != row["seq"],
        )
        if row["is_last"]:
            connection.execute(
                update(table)
                .where(same, table.c.is_last, table.c.version_at < row["version_at"])
                .values(is_last=False)
            )
        if row["is_first"]:
            connection.execute(
                update(table)
                .where(same, table.c.is_first, table.c.version_at > row["version_at"])
                .values(is_first=False)
            )


def _chunks(values: list[str], size: int) -> Iterable[list[str]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]
