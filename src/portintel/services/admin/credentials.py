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
from sqlalchemy import Connection, Row, case, insert, or_, select, update

from portintel.adapters.database.sessions import end_user_sessions
from portintel.adapters.database.tables import api_tokens, users
from portintel.adapters.passwords import new_token, token_digest
from portintel.domain.actors import Actor, Role
from portintel.domain.secret import Secret
from portintel.errors import (
    AuthenticationFailed,
    Conflict,
    InvalidInput,
    NotFound,
    PermissionDenied,
    RateLimited,
)
from portintel.services import audit
from portintel.services.admin.accounts import (
    USERNAME_PATTERN,
    actor_of,
    as_secret,
    require_administrator,
    roles_of,
    user_row,
)
from portintel.services.admin.token_failures import TokenFailureLimiter, TokenFailureWindow
from portintel.services.workspace import Workspace

ANONYMOUS = Actor(user_id="anonymous", username="anonymous", agency_id="")
"""Who failed sign-ins are recorded as when no account matches."""

WRONG_CREDENTIALS = "wrong username, password or one-time code, or the account is locked"
"""The one answer to every refused sign-in, whatever the reason.

Why one answer: "this account is locked" or "this account needs its code"
told a guesser which usernames exist (an unknown one never locks and never
asks for a code) and which passwords are right. The reason is in the audit
log, for the administrator; the hint says what a person can do about each.
"""


def sign_in_refused(ws: Workspace) -> AuthenticationFailed:
    """The refusal of any failed sign-in: the same message and hint for every user."""
    settings = ws.settings
    return AuthenticationFailed(
        WRONG_CREDENTIALS,
        hint=(
            "an account with a second factor needs the code from its authenticator app; "
            f"after {settings.login_max_failures} failed sign-ins in a row an account is "
            f"locked for {settings.login_lockout_minutes} minutes (an administrator can "
            "unlock it sooner)"
        ),
    )


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

    Raises :class:`AuthenticationFailed` with one message for every reason
    (:func:`sign_in_refused`): an unknown user, a wrong password, a missing
    or wrong code and a locked account all answer alike.

    Why an attempt is reserved before the password is checked: counting a
    failure after the (slow) check let parallel guesses all pass the "not
    locked yet" test at once. Each attempt first takes one unit of the
    failure count in its own committed transaction (:func:`_reserve_attempt`);
    the attempt that takes the last unit also locks the account. So at most
    ``login_max_failures`` passwords are ever checked between two lockouts,
    however many requests race; a success gives the count back. A right
    password without the code keeps its unit: it is a step, not a success,
    or alternating "no code" and "wrong code" would guess codes for ever.
    """
    secret = as_secret(password)
    now = ws.clock()
    name = username.strip().lower()
    with ws.engine.connect() as connection:
        row = connection.execute(select(users).where(users.c.username == name)).first()
    if row is None:
        ws.passwords.burn_verification_time(secret)
        shown = name if USERNAME_PATTERN.fullmatch(name) else "(not a valid username)"
        with ws.engine.begin() as connection:
            audit.record(
                connection,
                ANONYMOUS,
                "login.failure",
                detail={"username": shown, "reason": "unknown user"},
                at=now,
            )
        raise sign_in_refused(ws)
    attempt = _reserve_attempt(ws, row.id, now)
    if attempt is None:
        raise _refuse_locked(ws, row, now)
    outcome = _check_credentials(ws, row, secret, totp_code, now)
    with ws.engine.begin() as connection:
        result = _settle(ws, connection, row, attempt, outcome, secret, now)
    if isinstance(result, AuthenticationFailed):
        raise result
    return result


@dataclass(frozen=True, slots=True)
class _Attempt:
    """One reserved sign-in attempt: its place in the failure count."""

    number: int
    locks_until: datetime | None


def _reserve_attempt(ws: Workspace, user_id: str, now: datetime) -> _Attempt | None:
    """Take one unit of the failure count, atomically, before any password is checked.

    One conditional ``UPDATE ... RETURNING``: it matches only while the
    account is not locked, adds one to the count (restarting at one after an
    expired lock) and sets the lock when the count reaches the limit. Under
    SQLite's single writer and PostgreSQL's row lock (whose ``WHERE`` is
    re-read after a concurrent update) racing attempts are serialised here.
    Committed at once, so every other attempt sees it. None means locked.
    """
    limit = ws.settings.login_max_failures
    lock_end = now + timedelta(minutes=ws.settings.login_lockout_minutes)
    count = case((users.c.locked_until.is_(None), users.c.failed_logins + 1), else_=1)
    reserve = (
        update(users)
        .where(users.c.id == user_id)
        .where(or_(users.c.locked_until.is_(None), users.c.locked_until <= now))
        .values(
            failed_logins=count,
            locked_until=case((count >= limit, lock_end), else_=None),
        )
        .returning(users.c.failed_logins, users.c.locked_until)
    )
    with ws.engine.begin() as connection:
        reserved = connection.execute(reserve).first()
    if reserved is None:
        return None
    return _Attempt(number=int(reserved.failed_logins), locks_until=reserved.locked_until)


def _refuse_locked(ws: Workspace, row: Row[Any], now: datetime) -> AuthenticationFailed:
    """Record a sign-in refused, unchecked, because the account is locked."""
    with ws.engine.begin() as connection:
        locked_until = connection.execute(
            select(users.c.locked_until).where(users.c.id == row.id)
        ).scalar_one()
        audit.record(
            connection,
            actor_of(connection, row),
            "login.failure",
            object_type="user",
            object_id=row.id,
            detail={"reason": "account locked", "locked_until": locked_until},
            at=now,
        )
    return sign_in_refused(ws)


@dataclass(frozen=True, slots=True)
class _Checked:
    """What the credentials proved: a failure reason, or the TOTP step to consume."""

    failure: str | None = None
    totp_step: int | None = None
    new_hash: str | None = None


def _check_credentials(
    ws: Workspace, row: Row[Any], password: Secret, totp_code: str | None, now: datetime
) -> _Checked:
    """The slow part (argon2), done outside any transaction."""
    if not row.active:
        ws.passwords.burn_verification_time(password)
        return _Checked(failure="account disabled")
    if not ws.passwords.verify(row.password_hash, password):
        return _Checked(failure="wrong password")
    new_hash = ws.passwords.hash(password) if ws.passwords.needs_rehash(row.password_hash) else None
    if row.totp_secret is None:
        return _Checked(new_hash=new_hash)
    if not totp_code:
        return _Checked(failure="one-time code missing")
    step = _totp_step(row.totp_secret, totp_code, now)
    if step is None:
        return _Checked(failure="wrong one-time code")
    return _Checked(totp_step=step, new_hash=new_hash)


def _settle(
    ws: Workspace,
    connection: Connection,
    row: Row[Any],
    attempt: _Attempt,
    checked: _Checked,
    password: Secret,
    now: datetime,
) -> Actor | AuthenticationFailed:
    """Give the reserved unit back on success, keep it on failure; audit either way."""
    if checked.failure is not None:
        return _failure(ws, connection, row, attempt, checked.failure, now)
    values: dict[str, Any] = {"failed_logins": 0, "locked_until": None, "last_login_at": now}
    success = update(users).where(users.c.id == row.id)
    if checked.totp_step is not None:
        # conditional update: of two sign-ins racing with one code, only one wins
        values["totp_last_step"] = checked.totp_step
        success = success.where(
            (users.c.totp_last_step.is_(None)) | (users.c.totp_last_step < checked.totp_step)
        )
    if checked.new_hash is not None:
        values["password_hash"] = checked.new_hash
    if not connection.execute(success.values(**values)).rowcount:
        return _failure(ws, connection, row, attempt, "one-time code used before", now)
    audit.record(
        connection,
        actor_of(connection, row),
        "login.success",
        object_type="user",
        object_id=row.id,
        detail={"method": "password+totp" if row.totp_secret else "password"},
        at=now,
    )
    return actor_of(connection, row)


def _failure(
    ws: Workspace,
    connection: Connection,
    row: Row[Any],
    attempt: _Attempt,
    reason: str,
    now: datetime,
) -> AuthenticationFailed:
    """Audit one failure, already counted by its reservation; the last one locks."""
    actor = actor_of(connection, row)
    if attempt.locks_until is not None:
        # a success racing this attempt may have lifted the lock its reservation set
        connection.execute(
            update(users).where(users.c.id == row.id).values(locked_until=attempt.locks_until)
        )
    audit.record(
        connection,
        actor,
        "login.failure",
        object_type="user",
        object_id=row.id,
        detail={"reason": reason, "consecutive_failures": attempt.number},
        at=now,
    )
    if attempt.locks_until is None:
        return sign_in_refused(ws)
    audit.record(
        connection,
        actor,
        "login.lockout",
        object_type="user",
        object_id=row.id,
        detail={"failures": attempt.number, "locked_until": attempt.locks_until},
        at=now,
    )
    return sign_in_refused(ws)


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
    """Give the user a new TOTP secret, pending until a first code confirms it.

    The user themself or an administrator. The secret and its provisioning
    URI are returned once, for the authenticator app; sign-in goes on as
    before (with any earlier secret) until :func:`confirm_totp` sees a code
    made with the new one. Why: a secret switched on at once locked out a
    user whose app had not taken it (a mistyped secret, a scan that failed).
    """
    if actor.username != username.strip().lower():
        require_administrator(actor, "set up other users' one-time codes")
    secret = pyotp.random_base32()
    now = ws.clock()
    with ws.engine.begin() as connection:
        row = user_row(connection, username)
        connection.execute(
            update(users).where(users.c.id == row.id).values(totp_pending_secret=secret)
        )
        audit.record(
            connection, actor, "user.totp_setup", object_type="user", object_id=row.id, at=now
        )
    uri = pyotp.TOTP(secret).provisioning_uri(name=row.username, issuer_name=ws.settings.node_name)
    return TotpEnrolment(secret=Secret(secret), uri=uri)


def confirm_totp(ws: Workspace, actor: Actor, username: str, code: str) -> None:
    """Switch the pending secret on, once ``code`` shows the app makes its codes.

    The code's time step is consumed, so it cannot also sign in. A wrong code
    leaves the secret pending (the next code from the app may be tried).
    """
    if actor.username != username.strip().lower():
        require_administrator(actor, "set up other users' one-time codes")
    now = ws.clock()
    with ws.engine.begin() as connection:
        row = user_row(connection, username)
        if row.totp_pending_secret is None:
            raise Conflict(
                f"{row.username} has no second factor waiting to be confirmed",
                hint="set up a second factor first; its code confirms it",
            )
        step = _totp_step(row.totp_pending_secret, code, now)
        if step is None:
            raise InvalidInput(
                "that code does not match the new secret",
                field="totp_code",
                hint="enter the 6-digit code the authenticator app shows now",
            )
        connection.execute(
            update(users)
            .where(users.c.id == row.id)
            .values(
                totp_secret=row.totp_pending_secret,
                totp_pending_secret=None,
                totp_last_step=step,
            )
        )
        audit.record(
            connection, actor, "user.totp_enable", object_type="user", object_id=row.id, at=now
        )


def disable_totp(ws: Workspace, actor: Actor, username: str) -> None:
    """Remove the second factor (lost phone); administrators only."""
    require_administrator(actor, "remove one-time codes")
    now = ws.clock()
    with ws.engine.begin() as connection:
        row = user_row(connection, username)
        connection.execute(
            update(users)
            .where(users.c.id == row.id)
            .values(totp_secret=None, totp_pending_secret=None)
        )
        audit.record(
            connection, actor, "user.totp_disable", object_type="user", object_id=row.id, at=now
        )


# --- API tokens ----------------------------------------------------------------------


def issue_token(ws: Workspace, actor: Actor, username: str, name: str) -> IssuedToken:
    """A new API token for ``username``: issued to oneself only.

    A token acts with every right of its owner and every use is audited
    under the owner's name, so a token minted for someone else is
    impersonation; being an administrator does not open another user's
    need-to-know, and does not allow this either. The one exception is the
    node's console (:data:`~portintel.domain.actors.SYSTEM`, which the CLI
    acts as): its operator already holds the data directory, and the audit
    entry names the operating-system user (``cli:<os user>``) and the owner.
    """
    if actor.username != username.strip().lower() and not actor.is_system:
        raise PermissionDenied(
            "API tokens are issued to their owner only; no one may create a token for another user",
            hint="the user creates their own token on their account page or with "
            "POST /api/v1/tokens",
        )
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


def end_sign_ins(
    connection: Connection, user_id: str, now: datetime, *, keep_session: str | None = None
) -> tuple[int, int]:
    """End a user's web sessions (but ``keep_session``, a session id hash) and revoke
    their API tokens, inside the caller's transaction; returns how many of each."""
    ended = end_user_sessions(connection, user_id, now, keep=keep_session)
    revoked = connection.execute(
        update(api_tokens)
        .where(api_tokens.c.user_id == user_id)
        .where(api_tokens.c.revoked_at.is_(None))
        .values(revoked_at=now)
    ).rowcount
    return ended, int(revoked or 0)


def authenticate_token(
    ws: Workspace,
    token: str | Secret,
    *,
    limiter: TokenFailureLimiter | None = None,
    client: str = "unknown",
) -> Actor:
    """The actor owning an unrevoked token of an active account; marks it used.

    With a ``limiter`` (the web application's), failures are limited per
    ``client`` address and unknown tokens are audited once per address and
    minute (see :mod:`portintel.services.admin.token_failures`); without
    one, each failure is audited at once.
    """
    digest = token_digest(as_secret(token))
    now = ws.clock()
    if limiter is not None:
        record_token_failures(ws, limiter.ended(now))
        refused_until = limiter.admit(client, now)
        if refused_until is not None:
            raise RateLimited(
                "too many failed API tokens from this address",
                retry_after_seconds=max(1, int((refused_until - now).total_seconds())),
                hint=f"wait until {refused_until:%H:%M:%S} UTC, then use a valid token",
            )
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
        if limiter is not None and (row is None or row.revoked_at is not None or not row.active):
            limiter.failed(client, now, unknown=row is None)
        if row is None:
            if limiter is None:
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


def record_token_failures(ws: Workspace, windows: list[TokenFailureWindow]) -> None:
    """Audit ended windows of failed tokens: one entry per client address and window."""
    if not windows:
        return
    now = ws.clock()
    with ws.engine.begin() as connection:
        for window in windows:
            audit.record(
                connection,
                ANONYMOUS,
                "login.failure",
                detail={
                    "method": "token",
                    "reason": "unknown token",
                    "client": window.client[:100],
                    "count": window.unknown,
                    "refused": window.refused,
                    "from": window.started,
                    "until": window.ends,
                },
                at=now,
            )
