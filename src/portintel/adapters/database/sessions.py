"""Web sessions in the ``web_sessions`` table (:class:`portintel.ports.SessionStore`).

The table holds only the sha256 of a session id, so a copy of the database
does not yield live sessions; the raw id exists only in the browser's cookie.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, Row, select, update

from portintel.adapters.database.tables import web_sessions
from portintel.ports import SessionRecord


def _aware(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _record_of(row: Row[Any]) -> SessionRecord:
    return SessionRecord(
        id_hash=row.id_hash,
        user_id=row.user_id,
        csrf_token=row.csrf_token,
        created_at=_aware(row.created_at),
        expires_at=_aware(row.expires_at),
        second_factor_done=bool(row.second_factor_done),
        revoked_at=None if row.revoked_at is None else _aware(row.revoked_at),
    )


class SqlSessionStore:
    """Sessions of one node in its relational store; each call is its own transaction."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def add(self, session: SessionRecord) -> None:
        with self._engine.begin() as connection:
            connection.execute(
                web_sessions.insert().values(
                    id_hash=session.id_hash,
                    user_id=session.user_id,
                    csrf_token=session.csrf_token,
                    created_at=session.created_at,
                    expires_at=session.expires_at,
                    revoked_at=session.revoked_at,
                    second_factor_done=session.second_factor_done,
                )
            )

    def get(self, id_hash: str) -> SessionRecord | None:
        with self._engine.connect() as connection:
            row = connection.execute(
                select(web_sessions).where(web_sessions.c.id_hash == id_hash)
            ).first()
        return None if row is None else _record_of(row)

    def revoke(self, id_hash: str, at: datetime) -> bool:
        with self._engine.begin() as connection:
            result = connection.execute(
                update(web_sessions)
                .where(web_sessions.c.id_hash == id_hash)
                .where(web_sessions.c.revoked_at.is_(None))
                .values(revoked_at=at)
            )
        return bool(result.rowcount)

    def revoke_user(self, user_id: str, at: datetime) -> int:
        with self._engine.begin() as connection:
            return end_user_sessions(connection, user_id, at)


def end_user_sessions(
    connection: Connection, user_id: str, at: datetime, *, keep: str | None = None
) -> int:
    """End every live session of one user but ``keep`` (a session id hash), in the
    caller's transaction (a password change ends them in its own); how many ended."""
    sessions = (
        update(web_sessions)
        .where(web_sessions.c.user_id == user_id)
        .where(web_sessions.c.revoked_at.is_(None))
    )
    if keep is not None:
        sessions = sessions.where(web_sessions.c.id_hash != keep)
    return int(connection.execute(sessions.values(revoked_at=at)).rowcount or 0)
