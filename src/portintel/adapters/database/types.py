"""Column types of the relational store that both backends must read back alike.

:class:`UtcDateTime` is every time column. ``DateTime(timezone=True)`` alone
does not give the same value back on both backends: PostgreSQL's
``timestamptz`` returns an aware time in the session's zone, and SQLite, which
has no zone in its text format, returns a naive one (and stores an aware time
in another zone as its wall-clock digits, silently shifted). Converting at
the column once, on the way in and on the way out, spares every reader its
own fix-up: a time read from the store is always aware and in UTC.

A naive time is refused on the way in rather than guessed at: which zone it
meant is exactly what the store cannot know.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class NaiveDatetimeError(ValueError):
    """A time without a zone was given for a UTC column (a programming error)."""


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware time stored as UTC and read back aware, in UTC, on every backend.

    The schema is ``DateTime(timezone=True)`` (``timestamptz`` on PostgreSQL),
    so the type changes what the code sees, not what the database holds.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"a UTC time column takes a datetime, not {type(value).__name__}")
        if value.tzinfo is None or value.utcoffset() is None:
            raise NaiveDatetimeError(
                f"naive datetime {value.isoformat()} given for a UTC time column: "
                "give a timezone-aware time, e.g. datetime.now(UTC) or value.replace(tzinfo=UTC)"
            )
        return value.astimezone(UTC)

    def process_result_value(self, value: Any | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):  # pragma: no cover - a driver returning text
            value = datetime.fromisoformat(str(value))
        if value.tzinfo is None:  # SQLite keeps no zone: what was written is UTC
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
