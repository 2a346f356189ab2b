"""The search index finds exactly what a scan with ILIKE finds, and follows the statements."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, delete, insert, select, update

from portintel.adapters.database import create_database_engine, migrate, tables
from portintel.adapters.database.search import FTS_TABLE, TRIGRAM_INDEX, escaped, value_contains
from portintel.domain.statements import statement_id

VALUES = (
    "SEA STAR 7",
    "sea star",
    "Golden Wave",
    "École du port",
    "ÉCOLE DU PORT",
    "50%_off",
    "500 off",
    'say "hi" there',
    "back\\slash",
    "Ng",
    "ng ho",
)
QUERIES = (
    "star",
    "STAR 7",
    "a s",
    "école",
    "ÉCOLE",
    "cole du",
    "50%_",
    "0%",
    "_of",
    '"hi"',
    'y "h',
    "k\\s",
    "ng",
    "ng ",
    "wave",
    "nothing here",
    "ar",
    "s",
)


def _row(number: int, value: str) -> dict[str, object]:
    seen = datetime(2026, 2, 1, tzinfo=UTC)
    entity = f"ent-{number:032x}"
    return {
        "id": statement_id("piu", entity, "name", value, "R-1"),
        "entity_id": entity,
        "canonical_id": entity,
        "schema": "Vessel",
        "prop": "name",
        "prop_type": "name",
        "value": value,
        "dataset": "piu",
        "origin": "R-1",
        "external": False,
        "first_seen": seen,
        "last_seen": seen,
        "restrictive": False,
    }


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = create_database_engine(database_url)
    migrate(engine)
    with engine.begin() as connection:
        connection.execute(
            insert(tables.statements), [_row(n, value) for n, value in enumerate(VALUES)]
        )
    yield engine
    engine.dispose()


def _found(engine: Engine, text: str, *, indexed: bool) -> set[str]:
    s = tables.statements
    condition = (
        value_contains(engine.dialect.name, s, text)
        if indexed
        else s.c.value.ilike(f"%{escaped(text)}%", escape="\\")
    )
    with engine.connect() as connection:
        return set(connection.execute(select(s.c.value).where(condition)).scalars())


def test_the_index_finds_what_the_scan_finds(engine: Engine) -> None:
    for text in QUERIES:
        assert _found(engine, text, indexed=True) == _found(engine, text, indexed=False), text
    assert _found(engine, "star", indexed=True) == {"SEA STAR 7", "sea star"}
    assert _found(engine, "50%_", indexed=True) == {"50%_off"}  # wildcards are literal
    assert _found(engine, '"hi"', indexed=True) == {'say "hi" there'}


def test_the_index_follows_inserts_updates_and_deletes(engine: Engine) -> None:
    s = tables.statements
    with engine.begin() as connection:
        connection.execute(insert(s).values(_row(100, "Ocean Pearl")))
        connection.execute(update(s).where(s.c.value == "Golden Wave").values(value="Silver Tide"))
        connection.execute(delete(s).where(s.c.value == "SEA STAR 7"))
    assert _found(engine, "pearl", indexed=True) == {"Ocean Pearl"}
    assert _found(engine, "golden", indexed=True) == set()
    assert _found(engine, "silver", indexed=True) == {"Silver Tide"}
    assert _found(engine, "star", indexed=True) == {"sea star"}
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:  # the index agrees with its content table
            connection.exec_driver_sql(
                f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rank) VALUES ('integrity-check', 1)"
            )


def test_the_query_plan_uses_the_index(engine: Engine) -> None:
    s = tables.statements
    query = select(s.c.id).where(value_contains(engine.dialect.name, s, "star"))
    with engine.connect() as connection:
        sql = str(query.compile(connection, compile_kwargs={"literal_binds": True}))
        if engine.dialect.name == "sqlite":
            plan = " ".join(
                str(row[-1]) for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}")
            )
            assert FTS_TABLE in plan and "VIRTUAL TABLE INDEX" in plan, plan
        else:
            connection.exec_driver_sql("SET LOCAL enable_seqscan = off")  # a tiny table
            plan = " ".join(str(row[0]) for row in connection.exec_driver_sql(f"EXPLAIN {sql}"))
            assert TRIGRAM_INDEX in plan, plan
