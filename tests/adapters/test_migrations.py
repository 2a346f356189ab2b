"""Migrations build exactly the schema the code declares, on every backend."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import insert, select

from portintel.adapters.database import create_database_engine, metadata, migrate, tables
from portintel.domain.statements import statement_id


def test_migrated_schema_matches_metadata(database_url: str) -> None:
    engine = create_database_engine(database_url)
    migrate(engine)
    migrate(engine)  # idempotent
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, metadata)
    engine.dispose()
    assert diff == []


_OLD_IDS = (
    "vessel-imo-9074729",
    "vessel-mmsi-514123456",
    "passport-n1234567",
    "phone-85512345678",
    "person-0123456789abcdef0123",  # a hash of a report id and a key such as a passport
)


def _old_statement(entity_id: str, prop: str, value: str, **extra: object) -> dict[str, object]:
    seen = datetime(2026, 2, 1, tzinfo=UTC)
    row: dict[str, object] = {
        "entity_id": entity_id,
        "canonical_id": entity_id,
        "schema": "Vessel",
        "prop": prop,
        "prop_type": "string",
        "value": value,
        "dataset": "piu",
        "origin": "R-1",
        "external": False,
        "first_seen": seen,
        "last_seen": seen,
        **extra,
    }
    row["id"] = statement_id("piu", entity_id, prop, str(row["value"]), "R-1")
    return row


def test_derived_entity_ids_become_opaque(database_url: str) -> None:
    engine = create_database_engine(database_url)
    migrate(engine, "0003")
    opaque = "ent-" + "ab" * 16
    rows = [
        _old_statement("vessel-imo-9074729", "imoNumber", "IMO9074729"),
        _old_statement("vessel-mmsi-514123456", "mmsi", "514123456"),
        _old_statement("passport-n1234567", "number", "N1234567", schema="Passport"),
        _old_statement("phone-85512345678", "phone", "+85512345678", schema="LegalEntity"),
        _old_statement("person-0123456789abcdef0123", "name", "Sok", schema="Person"),
        _old_statement(
            "vessel-mmsi-514123456", "name", "SEA STAR", canonical_id="vessel-imo-9074729"
        ),
        _old_statement(
            "ownership-aaaaaaaaaaaaaaaaaaaa",
            "owner",
            "person-0123456789abcdef0123",
            schema="Ownership",
            prop_type="entity",
        ),
        _old_statement(opaque, "name", "ALREADY OPAQUE"),
    ]
    with engine.begin() as connection:
        connection.execute(insert(tables.statements), rows)
        connection.execute(
            insert(tables.incidents),
            [
                {
                    "id": "I-1",
                    "occurred_at": datetime(2026, 2, 1, tzinfo=UTC),
                    "kind": "intercepted",
                    "vessel_entity_id": "vessel-imo-9074729",
                    "migrants": 40,
                    "nationalities": {},
                    "created_at": datetime(2026, 2, 1, tzinfo=UTC),
                }
            ],
        )
    migrate(engine)
    with engine.connect() as connection:
        stored = {
            (row.prop, row.value): row
            for row in connection.execute(select(tables.statements)).all()
        }
        vessel = connection.execute(select(tables.incidents.c.vessel_entity_id)).scalar_one()
    engine.dispose()
    assert len(stored) == len(rows)
    ids = {row.entity_id for row in stored.values()} | {row.canonical_id for row in stored.values()}
    assert all(re.fullmatch(r"ent-[0-9a-f]{32}", entity_id) for entity_id in ids)
    for row in stored.values():
        assert not any(old in f"{row.id} {row.entity_id} {row.value}" for old in _OLD_IDS)
        assert row.id == statement_id(row.dataset, row.entity_id, row.prop, row.value, row.origin)
    imo = stored[("imoNumber", "IMO9074729")]
    assert vessel == imo.entity_id, "the incident follows its vessel"
    renamed = stored[("name", "SEA STAR")]
    assert renamed.canonical_id == imo.entity_id != renamed.entity_id
    assert renamed.entity_id == stored[("mmsi", "514123456")].entity_id
    owner = next(row for row in stored.values() if row.prop == "owner")
    assert owner.value == stored[("name", "Sok")].entity_id, "links follow their entity"
    assert stored[("name", "ALREADY OPAQUE")].entity_id == opaque
    assert len(ids) == 7, "one new id per old id: nothing merged, nothing split"
