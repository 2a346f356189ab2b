"""Browser sessions: sign in, find the session of a cookie, sign out.

The browser holds a random session id; the store (:class:`portintel.ports.SessionStore`)
holds only its sha256, so a copy of the database does not yield live
sessions. Each session carries its own CSRF token, checked by the web face on
every state-changing request made with the cookie. Signing out revokes the
session; expired or revoked sessions authenticate nobody.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from portintel.domain.actors import Actor
from portintel.domain.secret import Secret
from portintel.ports import SessionRecord
from portintel.services import audit
from portintel.services.admin.credentials import authenticate_password
from portintel.services.workspace import Workspace

SESSION_LIFETIME = timedelta(hours=12)
MAX_SESSION_ID = 128
"""Longer cookie values are not ours: refused before hashing."""


@dataclass(frozen=True, slots=True)
class SignedIn:
    """A new session: ``session_id`` goes into the cookie and nowhere else."""

    actor: Actor
    session_id: Secret
    session: SessionRecord


def hash_session_id(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("utf-8")).hexdigest()


def start_session(
    ws: Workspace, user_id: str, *, second_factor_done: bool
) -> tuple[Secret, SessionRecord]:
    """Open a session for ``user_id``: the raw id (for the cookie only) and the stored record."""
    session_id = secrets.token_urlsafe(32)
    now = ws.clock()
    session = SessionRecord(
        id_hash=hash_session_id(session_id),
        user_id=user_id,
        csrf_token=secrets.token_urlsafe(32),
        created_at=now,
        expires_at=now + SESSION_LIFETIME,
        second_factor_done=second_factor_done,
    )
    ws.sessions.add(session)
    return Secret(session_id), session


def sign_in(
    ws: Workspace, username: str, password: str | Secret, *, totp_code: str | None = None
) -> SignedIn:
    """Check the password (and one-time code) and open a session.

    Failures raise as :func:`authenticate_password` does (recorded in the
    audit log, lockout applied); no session is opened for them.
    """
    actor = authenticate_password(ws, username, password, totp_code=totp_code)
    session_id, session = start_session(ws, actor.user_id, second_factor_done=totp_code is not None)
    return SignedIn(actor=actor, session_id=session_id, session=session)


def find_session(ws: Workspace, session_id: str) -> SessionRecord | None:
    """The live session of ``session_id``, or None when unknown, revoked or expired."""
    if not session_id or len(session_id) > MAX_SESSION_ID:
        return None
    session = ws.sessions.get(hash_session_id(session_id))
    if session is None or session.revoked_at is not None:
        return None
    if session.expires_at <= ws.clock():
        return None
    return session


def sign_out(ws: Workspace, actor: Actor, session_id: str) -> None:
    """End the caller's session and record the logout; harmless when it is already gone."""
    now = ws.clock()
    if session_id and len(session_id) <= MAX_SESSION_ID:
        ws.sessions.revoke(hash_session_id(session_id), now)
    with ws.engine.begin() as connection:
        audit.record(connection, actor, "logout", at=now)


def revoke_user_sessions(ws: Workspace, user_id: str) -> int:
    """End every session of one user (account disabled, password changed); how many ended."""
    return ws.sessions.revoke_user(user_id, ws.clock())
