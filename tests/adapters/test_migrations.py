"""Migrations build exactly the schema the code declares, on every backend."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from portintel.adapters.database import create_database_engine, metadata, migrate
from portintel.adapters.database.engine import alembic_config


def test_migrated_schema_matches_metadata(database_url: str) -> None:
    engine = create_database_engine(database_url)
    migrate(engine)
    migrate(engine)  # idempotent
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, metadata)
    engine.dispose()
    assert diff == []


def test_reader_scope_migration_moves_roles_releasability_and_restrictiveness(
    database_url: str,
) -> None:
    """0002_reader_scope turns comma-separated text into rows and flags restrictive
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
    migrate(engine)
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
