"""Server-side web sessions in the ``web_sessions`` table.

The browser holds a random session id; the table holds only its sha256, so
a copy of the database does not yield live sessions. Each session carries
its own CSRF token, checked on every state-changing request made with the
cookie. Logging out revokes the row; expired or revoked rows authenticate
nobody.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update

from portintel.adapters.database.tables import web_sessions
from portintel.services.workspace import Workspace

SESSION_COOKIE = "portintel_session"
SESSION_LIFETIME = timedelta(hours=12)


@dataclass(frozen=True, slots=True)
class WebSession:
    id_hash: str
    user_id: str
    csrf_token: str
    created_at: datetime
    expires_at: datetime
    second_factor_done: bool


def hash_session_id(raw_id: str) -> str:
    return hashlib.sha256(raw_id.encode("utf-8")).hexdigest()


def start_session(
    ws: Workspace, user_id: str, *, second_factor_done: bool
) -> tuple[str, WebSession]:
    """Open a session for ``user_id``; returns the raw id (for the cookie only) and the row."""
    raw_id = secrets.token_urlsafe(32)
    now = ws.clock()
    session = WebSession(
        id_hash=hash_session_id(raw_id),
        user_id=user_id,
        csrf_token=secrets.token_urlsafe(32),
        created_at=now,
        expires_at=now + SESSION_LIFETIME,
        second_factor_done=second_factor_done,
    )
    with ws.engine.begin() as connection:
        connection.execute(
            web_sessions.insert().values(
                id_hash=session.id_hash,
                user_id=session.user_id,
                csrf_token=session.csrf_token,
                created_at=session.created_at,
                expires_at=session.expires_at,
                second_factor_done=session.second_factor_done,
            )
        )
    return raw_id, session


def find_session(ws: Workspace, raw_id: str) -> WebSession | None:
    """The live session of ``raw_id``, or None when unknown, revoked or expired."""
    if not raw_id or len(raw_id) > 128:
        return None
    with ws.engine.connect() as connection:
        row = connection.execute(
            select(web_sessions).where(web_sessions.c.id_hash == hash_session_id(raw_id))
        ).first()
    if row is None or row.revoked_at is not None:
        return None
    expires_at = row.expires_at
    if expires_at <= ws.clock():
        return None
    return WebSession(
        id_hash=row.id_hash,
        user_id=row.user_id,
        csrf_token=row.csrf_token,
        created_at=row.created_at,
        expires_at=expires_at,
        second_factor_done=bool(row.second_factor_done),
    )


def revoke_session(ws: Workspace, raw_id: str) -> None:
    """End a session (logout); harmless when it is already gone."""
    with ws.engine.begin() as connection:
        connection.execute(
            update(web_sessions)
            .where(web_sessions.c.id_hash == hash_session_id(raw_id))
            .where(web_sessions.c.revoked_at.is_(None))
            .values(revoked_at=ws.clock())
        )


def revoke_user_sessions(ws: Workspace, user_id: str) -> int:
    """End every session of one user (account disabled, password changed)."""
    with ws.engine.begin() as connection:
        result = connection.execute(
            update(web_sessions)
            .where(web_sessions.c.user_id == user_id)
            .where(web_sessions.c.revoked_at.is_(None))
            .values(revoked_at=ws.clock())
        )
    return int(result.rowcount or 0)
