"""statements, incidents: every entity id becomes opaque (issue #8, writes cannot probe)

Entity ids used to be built from values: ``vessel-imo-<number>``,
``vessel-mmsi-<mmsi>``, ``passport-<number>``, ``phone-<e164>``, and
``<schema>-<sha1 of report id and key>`` whose key often held an identifier
(``extracted:passport:N1234567``, cheap to recover by trying numbers). An id
travels wherever its entity does, so it told readers values they may not see,
and let a writer probe for a number in reports hidden from them. Every id
that is not already opaque (``ent-`` and 32 hex digits) is replaced by a new
random one, everywhere it is stored: ``statements.entity_id`` and
``canonical_id``, values of entity-typed statements (an Ownership's
``owner``), and ``incidents.vessel_entity_id``. A statement's id hashes its
entity id and value, so it is recomputed with the same function
(:func:`portintel.domain.statements.statement_id`, restated here: a
migration does not change when the code does).

The audit log keeps the ids it recorded: it is append-only and hash-chained.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 02:30:00
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterator

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

OPAQUE = re.compile(r"ent-[0-9a-f]{32}")
SEPARATOR = "\x1f"
BATCH = 5_000

statements = sa.table(
    "statements",
    sa.column("id", sa.String),
    sa.column("entity_id", sa.String),
    sa.column("canonical_id", sa.String),
    sa.column("prop_type", sa.String),
    sa.column("prop", sa.String),
    sa.column("value", sa.Text),
    sa.column("dataset", sa.String),
    sa.column("origin", sa.String),
)
incidents = sa.table(
    "incidents", sa.column("id", sa.String), sa.column("vessel_entity_id", sa.String)
)


def statement_id(dataset: str, entity_id: str, prop: str, value: str, origin: str) -> str:
    key = SEPARATOR.join((dataset, entity_id, prop, value, origin))
    return hashlib.sha1(key.encode("utf-8"), usedforsecurity=False).hexdigest()


def _new_ids(connection: sa.Connection) -> dict[str, str]:
    """Every stored entity id that is not opaque -> a fresh opaque id."""
    s = statements.c
    found: set[str] = set()
    for column in (s.entity_id, s.canonical_id):
        found.update(connection.execute(sa.select(column).distinct()).scalars())
    found.update(
        connection.execute(sa.select(s.value).where(s.prop_type == "entity").distinct()).scalars()
    )
    found.update(
        connection.execute(
            sa.select(incidents.c.vessel_entity_id)
            .where(incidents.c.vessel_entity_id.is_not(None))
            .distinct()
        ).scalars()
    )
    return {
        old: "ent-" + secrets.token_hex(16) for old in sorted(found) if not OPAQUE.fullmatch(old)
    }


def _changes(connection: sa.Connection, ids: dict[str, str]) -> Iterator[list[dict[str, str]]]:
    """The rewritten statements, in batches (read fully first: the updates change the ids)."""
    s = statements.c
    rows = connection.execute(
        sa.select(
            s.id, s.entity_id, s.canonical_id, s.prop_type, s.prop, s.value, s.dataset, s.origin
        )
    ).all()
    batch: list[dict[str, str]] = []
    for row in rows:
        entity_id = ids.get(row.entity_id, row.entity_id)
        canonical_id = ids.get(row.canonical_id, row.canonical_id)
        value = ids.get(row.value, row.value) if row.prop_type == "entity" else row.value
        if (entity_id, canonical_id, value) == (row.entity_id, row.canonical_id, row.value):
            continue
        batch.append(
            {
                "old_id": row.id,
                "new_id": statement_id(row.dataset, entity_id, row.prop, value, row.origin),
                "new_entity_id": entity_id,
                "new_canonical_id": canonical_id,
                "new_value": value,
            }
        )
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def upgrade() -> None:
    connection = op.get_bind()
    ids = _new_ids(connection)
    if not ids:
        return
    s = statements.c
    rewrite = (
        sa.update(statements)
        .where(s.id == sa.bindparam("old_id"))
        .values(
            id=sa.bindparam("new_id"),
            entity_id=sa.bindparam("new_entity_id"),
            canonical_id=sa.bindparam("new_canonical_id"),
            value=sa.bindparam("new_value"),
        )
    )
    for batch in _changes(connection, ids):
        connection.execute(rewrite, batch)
    vessel = incidents.c.vessel_entity_id
    renamed = (
        sa.update(incidents)
        .where(vessel == sa.bindparam("old_vessel"))
        .values(vessel_entity_id=sa.bindparam("new_vessel"))
    )
    used = set(
        connection.execute(sa.select(vessel).where(vessel.is_not(None)).distinct()).scalars()
    )
    pairs = [{"old_vessel": old, "new_vessel": ids[old]} for old in sorted(used) if old in ids]
    if pairs:
        connection.execute(renamed, pairs)


def downgrade() -> None:
    """Nothing to undo: the old code reads opaque ids as well, and the derived ids
    are deliberately not recoverable."""
