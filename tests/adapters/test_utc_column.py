"""One time column type: aware UTC in, aware UTC out, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import Column, DateTime, Engine, Integer, MetaData, Table, insert, select
from sqlalchemy.exc import StatementError

from portintel.adapters.database import create_database_engine, tables
from portintel.adapters.database.types import NaiveDatetimeError, UtcDateTime

PHNOM_PENH = timezone(timedelta(hours=7))

scratch = MetaData()
times = Table(
    "times",
    scratch,
    Column("id", Integer, primary_key=True),
    Column("at", UtcDateTime(), nullable=True),
)


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = create_database_engine(database_url)
    scratch.create_all(engine)
    yield engine
    engine.dispose()


def _read(engine: Engine, row_id: int) -> datetime | None:
    with engine.connect() as connection:
        value: datetime | None = connection.execute(
            select(times.c.at).where(times.c.id == row_id)
        ).scalar_one()
    return value


def test_a_time_in_another_zone_comes_back_as_the_same_instant_in_utc(engine: Engine) -> None:
    local = datetime(2026, 3, 1, 15, 30, 12, 345678, tzinfo=PHNOM_PENH)
    with engine.begin() as connection:
        connection.execute(insert(times).values(id=1, at=local))
    read = _read(engine, 1)
    assert read == local
    assert read is not None and read.tzinfo is UTC
    assert read == datetime(2026, 3, 1, 8, 30, 12, 345678, tzinfo=UTC)


def test_null_stays_null(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(insert(times).values(id=1, at=None))
    assert _read(engine, 1) is None


def test_comparisons_use_the_instant_not_the_digits(engine: Engine) -> None:
    """A bound parameter in another zone is converted too, so SQLite's text order is right."""
    with engine.begin() as connection:
        connection.execute(insert(times).values(id=1, at=datetime(2026, 3, 1, 8, 0, tzinfo=UTC)))
    same_instant = datetime(2026, 3, 1, 15, 0, tzinfo=PHNOM_PENH)
    with engine.connect() as connection:
        at_or_after = connection.execute(select(times.c.id).where(times.c.at >= same_instant))
        assert at_or_after.scalars().all() == [1]
        later = connection.execute(
            select(times.c.id).where(times.c.at > same_instant + timedelta(microseconds=1))
        )
        assert later.scalars().all() == []


def test_a_naive_time_is_refused_with_a_clear_error(engine: Engine) -> None:
    with engine.begin() as connection, pytest.raises(StatementError) as info:
        connection.execute(insert(times).values(id=1, at=datetime(2026, 3, 1, 8, 0)))
    assert isinstance(info.value.orig, NaiveDatetimeError)
    assert "naive datetime 2026-03-01T08:00:00" in str(info.value.orig)
    assert "timezone-aware" in str(info.value.orig)


def test_every_time_column_of_the_store_uses_the_utc_type() -> None:
    time_columns = [
        column
        for table in tables.metadata.tables.values()
        for column in table.columns
        if isinstance(column.type, (DateTime, UtcDateTime))
    ]
    assert len(time_columns) > 20
    plain = [str(column) for column in time_columns if not isinstance(column.type, UtcDateTime)]
    assert plain == []
