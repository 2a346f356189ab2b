"""TAXII 2.1 server: published objects of partners' collections, and partners' tokens

``taxii_objects`` holds every object of every approved package, one row per
collection (agreement) and version, with a monotonic sequence number (the
paging cursor). Packages approved before this revision are published here,
in the order they were approved, so a partner's collection starts complete.
``taxii_tokens`` holds the sha256 of the credentials this node issued to its
partners for TAXII. See :mod:`portintel.services.sharing.publishing`.

Revision ID: 0022
Revises: 0021
Create Date: 2026-11-29 12:00:00
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "taxii_objects",
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("agreement_id", sa.String(length=64), nullable=False),
        sa.Column("partner_id", sa.String(length=64), nullable=False),
        sa.Column("object_id", sa.String(length=200), nullable=False),
        sa.Column("object_type", sa.String(length=100), nullable=False),
        sa.Column("spec_version", sa.String(length=8), nullable=False),
        sa.Column("version", sa.String(length=40), nullable=False),
        sa.Column("version_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("date_added", sa.DateTime(timezone=True), nullable=False),
        sa.Column("is_last", sa.Boolean(), nullable=False),
        sa.Column("is_first", sa.Boolean(), nullable=False),
        sa.Column("object", sa.Text(), nullable=False),
        sa.Column("package_id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["package_id"],
            ["outgoing_packages.id"],
            name=op.f("fk_taxii_objects_package_id_outgoing_packages"),
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_taxii_objects_partner_id_partners")
        ),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_taxii_objects")),
    )
    op.create_index(
        "ix_taxii_objects_collection_seq", "taxii_objects", ["agreement_id", "seq"], unique=False
    )
    op.create_index(
        "ix_taxii_objects_collection_object",
        "taxii_objects",
        ["agreement_id", "object_id", "version_at"],
        unique=True,
    )
    op.create_index("ix_taxii_objects_package_id", "taxii_objects", ["package_id"], unique=False)
    op.create_table(
        "taxii_tokens",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("partner_id", sa.String(length=64), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_taxii_tokens_partner_id_partners")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_taxii_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_taxii_tokens_token_hash")),
    )
    op.create_index(
        op.f("ix_taxii_tokens_partner_id"), "taxii_tokens", ["partner_id"], unique=False
    )
    _publish_existing_packages()


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def _aware(value: Any) -> datetime:
    moment: datetime = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _publish_existing_packages() -> None:
    """The objects of packages approved before this revision, as publishing makes them
    (frozen here: the service may change, this revision does not)."""
    bind = op.get_bind()
    packages = bind.execute(
        sa.text(
            "SELECT id, partner_id, agreement_id, bundle, created_at FROM outgoing_packages "
            "WHERE agreement_id IS NOT NULL ORDER BY created_at, id"
        )
    ).all()
    seq = 0
    last_added: datetime | None = None
    versions: dict[tuple[str, str], list[tuple[datetime, int]]] = {}
    rows: list[dict[str, Any]] = []
    for package in packages:
        added = _aware(package.created_at)
        if last_added is not None and added <= last_added:
            added = last_added + timedelta(microseconds=1)
        last_added = added
        for obj in json.loads(package.bundle)["objects"]:
            version = obj.get("modified") or obj["created"]
            key = (package.agreement_id, obj["id"])
            instant = _instant(version)
            if any(at == instant for at, _ in versions.get(key, [])):
                continue
            seq += 1
            versions.setdefault(key, []).append((instant, seq))
            rows.append(
                {
                    "seq": seq,
                    "agreement_id": package.agreement_id,
                    "partner_id": package.partner_id,
                    "object_id": obj["id"],
                    "object_type": obj["type"],
                    "spec_version": obj.get("spec_version", "2.0"),
                    "version": version,
                    "version_at": instant,
                    "date_added": added,
                    "object": json.dumps(
                        obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")
                    ),
                    "package_id": package.id,
                }
            )
    newest = {max(found)[1] for found in versions.values()}
    oldest = {min(found)[1] for found in versions.values()}
    for row in rows:
        row["is_last"] = row["seq"] in newest
        row["is_first"] = row["seq"] in oldest
    if rows:
        typed: dict[str, Any] = {
            "seq": sa.BigInteger(),
            "version_at": sa.DateTime(timezone=True),
            "date_added": sa.DateTime(timezone=True),
            "is_last": sa.Boolean(),
            "is_first": sa.Boolean(),
        }
        table = sa.table(
            "taxii_objects", *(sa.column(name, typed.get(name, sa.Text)) for name in rows[0])
        )
        op.bulk_insert(table, rows)


def downgrade() -> None:
    op.drop_index(op.f("ix_taxii_tokens_partner_id"), table_name="taxii_tokens")
    op.drop_table("taxii_tokens")
    op.drop_index("ix_taxii_objects_package_id", table_name="taxii_objects")
    op.drop_index("ix_taxii_objects_collection_object", table_name="taxii_objects")
    op.drop_index("ix_taxii_objects_collection_seq", table_name="taxii_objects")
    op.drop_table("taxii_objects")
