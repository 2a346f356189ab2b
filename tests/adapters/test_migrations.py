"""Migrations build exactly the schema the code declares, on every backend."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import insert, select, text

from portintel.adapters.database import create_database_engine, metadata, migrate, tables
from portintel.adapters.database.engine import alembic_config
from portintel.adapters.database.fulltext import WORDS_FTS, WORDS_INDEX, WORDS_TABLE, WORDS_VECTOR
from portintel.adapters.database.search import FTS_TABLE, KEYS_FTS, KEYS_INDEX, TRIGRAM_INDEX
from portintel.domain.statements import statement_id


def _declared_or_search_index(
    name: str | None, type_: str, _parent: Mapping[str, str | None]
) -> bool:
    """Compare everything but the search indexes, which live outside the metadata: SQLite's
    FTS5 tables (and their shadow tables), PostgreSQL's GIN indexes and the report words'
    stored tsvector."""
    if type_ == "table" and name is not None:
        return not any(
            name == fts or name.startswith(f"{fts}_") for fts in (FTS_TABLE, KEYS_FTS, WORDS_FTS)
        )
    if type_ == "column" and name == WORDS_VECTOR:
        return _parent.get("table_name") != WORDS_TABLE  # PostgreSQL's stored tsvector
    return not (type_ == "index" and name in (TRIGRAM_INDEX, KEYS_INDEX, WORDS_INDEX))


def test_migrated_schema_matches_metadata(database_url: str) -> None:
    engine = create_database_engine(database_url)
    migrate(engine)
    migrate(engine)  # idempotent
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={"compare_type": True, "include_name": _declared_or_search_index},
        )
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


def test_reader_scope_migration_moves_roles_releasability_and_restrictiveness(
    database_url: str,
) -> None:
    """0004 (the reader scope) turns comma-separated text into rows and flags restrictive
    handling from the vocabulary (unknown codes fail closed), and back on downgrade."""
    engine = create_database_engine(database_url)
    migrate(engine, "0003")
    now = datetime(2026, 1, 1, tzinfo=UTC)
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO agencies (id, name, created_at) VALUES (:id, :id, :at)"),
            [{"id": agency, "at": now} for agency in ("immigration", "maritime-police", "cau")],
        )
        connection.execute(
            text(
                "INSERT INTO users (id, username, display_name, agency_id, roles, password_hash,"
                " active, failed_logins, created_at) VALUES ('U-1', 'ana', 'Ana', 'immigration',"
                " 'analyst,officer', 'x', :yes, 0, :at)"
            ),
            {"yes": True, "at": now},
        )
        for report_id, handling, releasable in (
            ("R-1", "tlp:RED", "maritime-police,cau"),
            ("R-2", "tlp:GREEN", None),
            ("R-3", "partner:SECRET", ""),
        ):
            connection.execute(
                text(
                    "INSERT INTO reports (id, title, author_id, agency_id, reported_at, text,"
                    " grading_scheme, reliability, credibility, reliability_overridden, handling,"
                    " releasable_to, status, created_at, updated_at) VALUES (:id, 't', 'U-1',"
                    " 'immigration', :at, 'x', 'admiralty', 'B', '2', :no, :handling,"
                    " :releasable, 'submitted', :at, :at)"
                ),
                {
                    "id": report_id,
                    "at": now,
                    "no": False,
                    "handling": handling,
                    "releasable": releasable,
                },
            )
        for statement_id, handling in (("S-1", None), ("S-2", "europol:H3"), ("S-3", "tlp:CLEAR")):
            connection.execute(
                text(
                    "INSERT INTO statements (id, entity_id, canonical_id, schema, prop, prop_type,"
                    " value, dataset, origin, external, first_seen, last_seen, handling) VALUES"
                    " (:id, 'e', 'e', 'Vessel', 'name', 'name', :value, 'd', 'R-2', :no, :at, :at,"
                    " :handling)"
                ),
                {
                    "id": statement_id,
                    "value": statement_id,
                    "no": False,
                    "at": now,
                    "handling": handling,
                },
            )
    migrate(engine, "0004")  # this migration alone: the next one renames entities
    with engine.connect() as connection:
        roles = connection.execute(text("SELECT role FROM user_roles ORDER BY role")).scalars()
        assert list(roles) == ["analyst", "officer"]
        released = connection.execute(
            text("SELECT report_id, agency_id FROM report_releasable_to ORDER BY 1, 2")
        ).all()
        assert [tuple(row) for row in released] == [("R-1", "cau"), ("R-1", "maritime-police")]
        flags = connection.execute(text("SELECT id, restrictive FROM reports ORDER BY id")).all()
        assert [(row.id, bool(row.restrictive)) for row in flags] == [
            ("R-1", True),
            ("R-2", False),
            ("R-3", True),
        ]
        flags = connection.execute(text("SELECT id, restrictive FROM statements ORDER BY id"))
        assert [(row.id, bool(row.restrictive)) for row in flags] == [
            ("S-1", False),
            ("S-2", True),
            ("S-3", False),
        ]
    command.downgrade(alembic_config(engine), "0003")
    with engine.connect() as connection:
        assert connection.execute(text("SELECT roles FROM users")).scalar_one() == (
            "analyst,officer"
        )
        releasable = connection.execute(
            text("SELECT id, releasable_to FROM reports ORDER BY id")
        ).all()
        assert [tuple(row) for row in releasable] == [
            ("R-1", "cau,maritime-police"),
            ("R-2", None),
            ("R-3", None),
        ]
    engine.dispose()
