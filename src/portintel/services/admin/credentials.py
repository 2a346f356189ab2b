"""Sign-in: passwords with lockout, the optional TOTP second factor, API tokens.

Why lockout counts in the database: the web app may run several workers, and
a guesser must not get five tries per worker. After
``settings.login_max_failures`` consecutive failures (password or one-time
code) the account locks for ``settings.login_lockout_minutes``; while locked,
no password is even checked. Failures, lockouts and successes are audited;
the audit detail never holds a password, code or token.

API tokens are 32 random bytes shown once; only their sha256 is stored.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import pyotp
from sqlalchemy import Connection, Row, insert, select, update

from portintel.adapters.database.tables import api_tokens, users
from portintel.adapters.passwords import new_token, token_digest
from portintel.domain.actors import Actor, Role
from portintel.domain.secret import Secret
from portintel.errors import AuthenticationFailed, Conflict, InvalidInput, NotFound
from portintel.services import audit
from portintel.services.admin.accounts import (
    USERNAME_PATTERN,
    actor_of,
    as_secret,
    require_administrator,
    roles_of,
    user_row,
)
from portintel.services.workspace import Workspace

ANONYMOUS = Actor(user_id="anonymous", username="anonymous", agency_id="")
"""Who failed sign-ins are recorded as when no account matches."""

WRONG_CREDENTIALS = "wrong username or password"


class SecondFactorRequired(AuthenticationFailed):
    """The password was right; the account also needs its one-time code."""

    code = "second_factor_required"


@dataclass(frozen=True, slots=True)
class TotpEnrolment:
    """What a user needs to set up their authenticator app; shown once."""

    secret: Secret
    uri: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class IssuedToken:
    """A new API token: ``secret`` is shown to its owner once and never stored."""

    id: str
    username: str
    name: str
    secret: Secret


@dataclass(frozen=True, slots=True)
class TokenView:
    id: str
    username: str
    name: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


# --- passwords and lockout ----------------------------------------------------------


def authenticate_password(
    ws: Workspace, username: str, password: str | Secret, *, totp_code: str | None = None
) -> Actor:
    """The actor whose username and password (and one-time code, if enrolled) match.

    Raises :class:`AuthenticationFailed` with a message safe to show (it does
    not say whether the username exists), :class:`SecondFactorRequired` when
    the password was right but the account needs a code.
    """
    secret = as_secret(password)
    now = ws.clock()
    with ws.engine.begin() as connection:
        outcome = _sign_in(ws, connection, username, secret, totp_code, now)
    if isinstance(outcome, AuthenticationFailed):
        raise outcome
    return outcome


def _sign_in(
    ws: Workspace,
    connection: Connection,
    username: str,
    password: Secret,
    totp_code: str | None,
    now: datetime,
) -> Actor | AuthenticationFailed:
    """Decide, record and return the outcome; failures are returned so they commit."""
    name = username.strip().lower()
    row = connection.execute(select(users).where(users.c.username == name)).first()
    if row is None:
        ws.passwords.burn_verification_time(password)
        shown = name if USERNAME_PATTERN.fullmatch(name) else "(not a valid username)"
        audit.record(
            connection,
            ANONYMOUS,
            "login.failure",
            detail={"username": shown, "reason": "unknown user"},
            at=now,
        )
        return AuthenticationFailed(WRONG_CREDENTIALS)
    actor = actor_of(connection, row)
    locked_until = row.locked_until
    if locked_until is not None and locked_until > now:
        audit.record(
            connection,
            actor,
            "login.failure",
            object_type="user",
            object_id=row.id,
            detail={"reason": "account locked"},
            at=now,
        )
        return _locked_error(locked_until)
    if not row.active:
        ws.passwords.burn_verification_time(password)
        return _failure(ws, connection, row, "account disabled", now)
    if not ws.passwords.verify(row.password_hash, password):
        return _failure(ws, connection, row, "wrong password", now)
    values: dict[str, Any] = {"failed_logins": 0, "locked_until": None, "last_login_at": now}
    success = update(users).where(users.c.id == row.id)
    if row.totp_secret is not None:
        if not totp_code:
            return SecondFactorRequired(
                "this account needs the one-time code from its authenticator app",
                hint="enter the 6-digit code",
            )
        step = _totp_step(row.totp_secret, totp_code, now)
        if step is None:
            return _failure(ws, connection, row, "wrong one-time code", now)
        # conditional update: of two sign-ins racing with one code, only one wins
        values["totp_last_step"] = step
        success = success.where(
            (users.c.totp_last_step.is_(None)) | (users.c.totp_last_step < step)
        )
    if ws.passwords.needs_rehash(row.password_hash):
        values["password_hash"] = ws.passwords.hash(password)
    if not connection.execute(success.values(**values)).rowcount:
        return _failure(ws, connection, row, "one-time code used before", now)
    audit.record(
        connection,
        actor,
        "login.success",
        object_type="user",
        object_id=row.id,
        detail={"method": "password+totp" if row.totp_secret else "password"},
        at=now,
    )
    return actor


def _failure(
    ws: Workspace, connection: Connection, row: Row[Any], reason: str, now: datetime
) -> AuthenticationFailed:
    """Count one failure; lock the account when the count reaches the threshold."""
    actor = actor_of(connection, row)
    # an atomic increment: concurrent failures on several workers all count
    connection.execute(
        update(users).where(users.c.id == row.id).values(failed_logins=users.c.failed_logins + 1)
    )
    failures = int(
        connection.execute(select(users.c.failed_logins).where(users.c.id == row.id)).scalar_one()
    )
    audit.record(
        connection,
        actor,
        "login.failure",
        object_type="user",
        object_id=row.id,
        detail={"reason": reason, "consecutive_failures": failures},
        at=now,
    )
    if failures < ws.settings.login_max_failures:
        return AuthenticationFailed(WRONG_CREDENTIALS)
    locked_until = now + timedelta(minutes=ws.settings.login_lockout_minutes)
    connection.execute(
        update(users).where(users.c.id == row.id).values(failed_logins=0, locked_until=locked_until)
    )
    audit.record(
        connection,
        actor,
        "login.lockout",
        object_type="user",
        object_id=row.id,
        detail={"failures": failures, "locked_until": locked_until},
        at=now,
    )
    return _locked_error(locked_until)


def _locked_error(locked_until: datetime) -> AuthenticationFailed:
    return AuthenticationFailed(
        "this account is locked after too many failed sign-ins, until "
        f"{locked_until:%Y-%m-%d %H:%M} UTC",
        hint="wait, or ask an administrator to unlock it (portintel user unlock)",
    )


# --- TOTP ------------------------------------------------------------------------------


def _totp_step(secret: str, code: str, now: datetime) -> int | None:
    """The 30-second step whose code this is: now, or one step either side (drift).

    The same window as pyotp's ``verify(valid_window=1)``; the step is
    returned so a code can be refused once used (RFC 6238, section 5.2).
    """
    digits = code.replace(" ", "").strip()
    if not (digits.isdigit() and len(digits) == 6):
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for step in (current - 1, current, current + 1):
        if hmac.compare_digest(totp.generate_otp(step), digits):
            return step
    return None


def enable_totp(ws: Workspace, actor: Actor, username: str) -> TotpEnrolment:
    """Give the user a new TOTP secret; from now on sign-in needs its code.

    The user themself or an administrator. The secret and its provisioning
    URI are returned once for the authenticator app.
    """
    if actor.username != username.strip().lower():
        require_administrator(actor, "set up other users' one-time codes")
    secret = pyotp.random_base32()
    now = ws.clock()
    with ws.engine.begin() as connection:
        row = user_row(connection, username)
        connection.execute(
            update(users)
            .where(users.c.id == row.id)
            .values(totp_secret=secret, totp_last_step=None)
        )
        audit.record(
            connection, actor, "user.totp_enable", object_type="user", object_id=row.id, at=now
        )
    uri = pyotp.TOTP(secret).provisioning_uri(name=row.username, issuer_name=ws.settings.node_name)
    return TotpEnrolment(secret=Secret(secret), uri=uri)


def disable_totp(ws: Workspace, actor: Actor, username: str) -> None:
    """Remove the second factor (lost phone); administrators only."""
    require_administrator(actor, "remove one-time codes")
    now = ws.clock()
    with ws.engine.begin() as connection:
        row = user_row(connection, username)
        connection.execute(update(users).where(users.c.id == row.id).values(totp_secret=None))
        audit.record(
            connection, actor, "user.totp_disable", object_type="user", object_id=row.id, at=now
        )


# --- API tokens ----------------------------------------------------------------------


def issue_token(ws: Workspace, actor: Actor, username: str, name: str) -> IssuedToken:
    """A new API token for ``username``; the user themself or an administrator."""
    if actor.username != username.strip().lower():
        require_administrator(actor, "create tokens for other users")
    label = name.strip()
    if not label or len(label) > 200:
        raise InvalidInput("the token name must have 1 to 200 characters", field="name")
    secret = new_token()
    now = ws.clock()
    with ws.engine.begin() as connection:
        row = user_row(connection, username)
        if not row.active:
            raise Conflict(f"user {row.username!r} is disabled", hint="enable the account first")
        token_id = f"T-{token_digest(new_token())[:12]}"
        connection.execute(
            insert(api_tokens).values(
                id=token_id,
                user_id=row.id,
                name=label,
                token_hash=token_digest(secret),
                created_at=now,
            )
        )
        audit.record(
            connection,
            actor,
            "token.create",
            object_type="token",
            object_id=token_id,
            detail={"user": row.username, "name": label},
            at=now,
        )
    return IssuedToken(id=token_id, username=row.username, name=label, secret=secret)


def create_token(ws: Workspace, actor: Actor, username: str, name: str) -> str:
    """The token text, to be shown once (see :func:`issue_token` for its id)."""
    return issue_token(ws, actor, username, name).secret.reveal()


def list_tokens(ws: Workspace, actor: Actor, username: str | None = None) -> list[TokenView]:
    """Tokens of one user (or all, for administrators); never the token text."""
    if username is None or actor.username != username.strip().lower():
        require_administrator(actor, "see other users' tokens")
    query = (
        select(api_tokens, users.c.username)
        .join(users, users.c.id == api_tokens.c.user_id)
        .order_by(api_tokens.c.created_at, api_tokens.c.id)
    )
    if username is not None:
        query = query.where(users.c.username == username.strip().lower())
    with ws.engine.connect() as connection:
        rows = connection.execute(query).all()
    return [
        TokenView(
            id=row.id,
            username=row.username,
            name=row.name,
            created_at=row.created_at,
            last_used_at=row.last_used_at,
            revoked_at=row.revoked_at,
        )
        for row in rows
    ]


def revoke_token(ws: Workspace, actor: Actor, token_id: str) -> None:
    """Revoke a token at once; its owner or an administrator."""
    now = ws.clock()
    with ws.engine.begin() as connection:
        row = connection.execute(
            select(api_tokens.c.user_id, api_tokens.c.revoked_at).where(api_tokens.c.id == token_id)
        ).first()
        if row is None or (row.user_id != actor.user_id and not actor.has(Role.ADMINISTRATOR)):
            raise NotFound(f"no token {token_id!r}", hint="see portintel user tokens USERNAME")
        if row.revoked_at is not None:
            raise Conflict(f"token {token_id!r} is already revoked")
        connection.execute(
            update(api_tokens).where(api_tokens.c.id == token_id).values(revoked_at=now)
        )
        audit.record(
            connection, actor, "token.revoke", object_type="token", object_id=token_id, at=now
        )


def authenticate_token(ws: Workspace, token: str | Secret) -> Actor:
    """The actor owning an unrevoked token of an active account; marks it used."""
    digest = token_digest(as_secret(token))
    now = ws.clock()
    with ws.engine.begin() as connection:
        row = connection.execute(
            select(
                api_tokens.c.id.label("token_id"),
                api_tokens.c.revoked_at,
                users.c.id.label("user_id"),
                users.c.username,
                users.c.agency_id,
                users.c.active,
            )
            .join(users, users.c.id == api_tokens.c.user_id)
            .where(api_tokens.c.token_hash == digest)
        ).first()
        if row is None:
            audit.record(
                connection,
                ANONYMOUS,
                "login.failure",
                detail={"method": "token", "reason": "unknown token"},
                at=now,
            )
        else:
            owner = Actor(
                user_id=row.user_id,
                username=row.username,
                agency_id=row.agency_id,
                roles=roles_of(connection, row.user_id),
            )
            if row.revoked_at is None and row.active:
                connection.execute(
                    update(api_tokens)
                    .where(api_tokens.c.id == row.token_id)
                    .values(last_used_at=now)
                )
                return owner
            audit.record(
                connection,
                owner,
                "login.failure",
                object_type="token",
                object_id=row.token_id,
                detail={
                    "method": "token",
                    "reason": "revoked token" if row.revoked_at is not None else "account disabled",
                },
                at=now,
            )
    raise AuthenticationFailed(
        "invalid or revoked API token", hint="create a new one with portintel user token USERNAME"
    )
