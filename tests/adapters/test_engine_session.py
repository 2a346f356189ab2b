"""Sessions of the relational store are set up for small indexed reads."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import DBAPIError

from portintel.adapters.database import create_database_engine
from portintel.errors import StorageFull


def test_postgresql_sessions_plan_for_small_indexed_reads(database_url: str) -> None:
    engine = create_database_engine(database_url)
    try:
        with engine.connect() as connection:
            if engine.dialect.name != "postgresql":
                assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1
                return
            workers = connection.exec_driver_sql("SHOW max_parallel_workers_per_gather")
            assert workers.scalar_one() == "0"
            assert connection.exec_driver_sql("SHOW random_page_cost").scalar_one() == "1.1"
            # the setting is the session's, outside any transaction the caller opens
            connection.rollback()
            workers = connection.exec_driver_sql("SHOW max_parallel_workers_per_gather")
            assert workers.scalar_one() == "0"
    finally:
        engine.dispose()


def test_a_full_disk_is_storage_full_on_either_backend(database_url: str) -> None:
    """The store's own "disk full" error becomes StorageFull (a 503 saying what to do).

    SQLite's comes from a page limit, as a full disk gives it; PostgreSQL's
    is its server's SQLSTATE 53100, raised here by the server itself, since a
    test cannot fill the server's disk.
    """
    engine = create_database_engine(database_url)
    try:
        with (
            pytest.raises(StorageFull, match="disk is full") as raised,
            engine.begin() as connection,
        ):
            if engine.dialect.name == "postgresql":
                connection.exec_driver_sql(
                    "DO $$ BEGIN RAISE EXCEPTION 'could not extend file: "
                    "No space left on device' USING ERRCODE = 'disk_full'; END $$"
                )
            else:
                connection.exec_driver_sql("CREATE TABLE filler (blob BLOB)")
                page_count = connection.exec_driver_sql("PRAGMA page_count").scalar_one()
                connection.exec_driver_sql(f"PRAGMA max_page_count = {page_count + 1}")
                connection.exec_driver_sql("INSERT INTO filler VALUES (zeroblob(1000000))")
        assert raised.value.hint is not None and "free space" in raised.value.hint
        # any other error of the store is left as it is
        with pytest.raises(DBAPIError), engine.connect() as connection:
            connection.exec_driver_sql("SELECT * FROM no_such_table")
    finally:
        engine.dispose()
