"""Sessions of the relational store are set up for small indexed reads."""

from __future__ import annotations

from portintel.adapters.database import create_database_engine


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
