"""Administration: agencies, users, roles and passwords.

Every change is written to the audit log in the same transaction. Only
administrators (and the system, which the CLI acts as) manage users; a user
may change their own password. Sign-in (passwords with lockout, TOTP) and API
tokens live in :mod:`portintel.services.admin.credentials` and are re-exported here,
so callers use one package: ``portintel.services.admin``; the user record's
checks and views shared by both are in :mod:`portintel.services.admin.accounts`.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Connection, func, insert, select, update

from portintel.adapters.database.tables import agencies, user_roles, users
from portintel.domain.actors import SYSTEM, Actor, Role
from portintel.domain.languages import LANGUAGES, is_time_zone
from portintel.domain.secret import Secret
from portintel.errors import (
    AuthenticationFailed,
    Conflict,
    InvalidInput,
    NotFound,
)
from portintel.services import audit
from portintel.services.admin.accounts import (
    MIN_PASSWORD_LENGTH,
    UserView,
    actor_of,
    as_secret,
    check_password_policy,
    normalise_username,
    parse_roles,
    require_administrator,
    roles_by_user,
    roles_of,
    user_row,
    view_of,
    write_roles,
)
from portintel.services.admin.credentials import (
    WRONG_CREDENTIALS,
    IssuedToken,
    TokenView,
    TotpEnrolment,
    authenticate_password,
    authenticate_token,
    confirm_totp,
    create_token,
    disable_totp,
    enable_totp,
    end_sign_ins,
    issue_token,
    list_tokens,
    revoke_token,
)
from portintel.services.workspace import Workspace


@dataclass(frozen=True, slots=True)
class AgencyView:
    id: str
    name: str


# --- agencies ------------------------------------------------------------------------


def agency_id_for(name: str) -> str:
    """A stable, readable id from an agency name: "Maritime Police" -> "maritime-police"."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    if not slug:
        raise InvalidInput(f"agency name {name!r} has no letters or digits", field="agencies")
    return slug[:64]


def ensure_agencies(ws: Workspace) -> None:
    """Create the agencies named in ``settings.agencies`` that do not exist yet."""
    now = ws.clock()
    with ws.engine.begin() as connection:
        existing = set(connection.execute(select(agencies.c.id)).scalars())
        for name in ws.settings.agencies:
            agency_id = agency_id_for(name)
            if agency_id in existing:
                continue
            connection.execute(insert(agencies).values(id=agency_id, name=name, created_at=now))
            existing.add(agency_id)
            audit.record(
                connection,
                SYSTEM,
                "agency.create",
                object_type="agency",
                object_id=agency_id,
                detail={"name": name},
                at=now,
            )


def list_agencies(ws: Workspace) -> list[AgencyView]:
    with ws.engine.connect() as connection:
        rows = connection.execute(select(agencies).order_by(agencies.c.name)).all()
    return [AgencyView(id=row.id, name=row.name) for row in rows]


def _resolve_agency(connection: Connection, agency: str) -> str:
    wanted = agency.strip().lower()
    for row in connection.execute(select(agencies.c.id, agencies.c.name)).all():
        if wanted in (row.id, row.name.lower()):
            return str(row.id)
    known = ", ".join(
        connection.execute(select(agencies.c.name).order_by(agencies.c.name)).scalars()
    )
    raise InvalidInput(
        f"unknown agency {agency!r}",
        field="agency",
        hint=f"agencies are: {known}" if known else "run portintel init first",
    )


# --- users ---------------------------------------------------------------------------


def create_user(
    ws: Workspace,
    actor: Actor,
    *,
    username: str,
    display_name: str,
    agency: str,
    roles: Iterable[Role | str],
    password: str | Secret,
) -> UserView:
    """Create an active user; administrators only. ``agency`` is an id or a name."""
    require_administrator(actor, "create users")
    name = normalise_username(username)
    display = display_name.strip()
    if not display or len(display) > 200:
        raise InvalidInput("the display name must have 1 to 200 characters", field="display_name")
    role_set = parse_roles(roles)
    secret = as_secret(password)
    check_password_policy(secret)
    password_hash = ws.passwords.hash(secret)
    now = ws.clock()
    with ws.engine.begin() as connection:
        agency_id = _resolve_agency(connection, agency)
        if connection.execute(select(users.c.id).where(users.c.username == name)).first():
            raise Conflict(f"a user named {name!r} already exists", hint="choose another username")
        user_id = f"U-{secrets.token_hex(6)}"
        connection.execute(
            insert(users).values(
                id=user_id,
                username=name,
                display_name=display,
                agency_id=agency_id,
                password_hash=password_hash,
                active=True,
                totp_secret=None,
                failed_logins=0,
                locked_until=None,
                created_at=now,
            )
        )
        write_roles(connection, user_id, role_set)
        audit.record(
            connection,
            actor,
            "user.create",
            object_type="user",
            object_id=user_id,
            detail={
                "username": name,
                "agency": agency_id,
                "roles": sorted(role.value for role in role_set),
            },
            at=now,
        )
        return view_of(
            connection, connection.execute(select(users).where(users.c.id == user_id)).one()
        )


def list_users(ws: Workspace, actor: Actor) -> list[UserView]:
    """Every user, active or not, by username; administrators only."""
    require_administrator(actor, "list users")
    with ws.engine.connect() as connection:
        rows = connection.execute(select(users).order_by(users.c.username)).all()
        roles = roles_by_user(connection)
    return [view_of(connection, row, roles.get(row.id, frozenset())) for row in rows]


def get_user(ws: Workspace, actor: Actor, username: str) -> UserView:
    """One user; administrators, or the user themself."""
    if actor.username != username.strip().lower():
        require_administrator(actor, "see other users")
    with ws.engine.connect() as connection:
        return view_of(connection, user_row(connection, username))


def get_actor(ws: Workspace, user_id: str) -> Actor:
    """The actor of an active user (for sessions); NotFound if there is no such user."""
    with ws.engine.connect() as connection:
        row = connection.execute(select(users).where(users.c.id == user_id)).first()
        actor = None if row is None else actor_of(connection, row)
    if row is None or actor is None:
        raise NotFound(f"no user with id {user_id!r}")
    if not row.active:
        raise AuthenticationFailed(
            "this account is disabled", hint="ask an administrator of the node"
        )
    return actor


def count_active_administrators(connection: Connection) -> int:
    held = user_roles.c
    return int(
        connection.execute(
            select(func.count())
            .select_from(users.join(user_roles, held.user_id == users.c.id))
            .where(users.c.active.is_(True), held.role == Role.ADMINISTRATOR.value)
        ).scalar_one()
    )


def has_users(ws: Workspace) -> bool:
    with ws.engine.connect() as connection:
        return bool(connection.execute(select(func.count()).select_from(users)).scalar_one())


def deactivate_user(ws: Workspace, actor: Actor, username: str) -> UserView:
    """Disable an account: its sessions and tokens stop working at once."""
    require_administrator(actor, "disable users")
    now = ws.clock()
    with ws.engine.begin() as connection:
        row = user_row(connection, username)
        if not row.active:
            raise Conflict(f"user {row.username!r} is already disabled")
        last_admin = (
            Role.ADMINISTRATOR in roles_of(connection, row.id)
            and count_active_administrators(connection) <= 1
        )
        if last_admin:
            raise Conflict(
                f"{row.username!r} is the last active administrator",
                hint="create another administrator first",
            )
        connection.execute(update(users).where(users.c.id == row.id).values(active=False))
        audit.record(
            connection, actor, "user.disable", object_type="user", object_id=row.id, at=now
        )
        return view_of(connection, user_row(connection, username))


def set_password(
    ws: Workspace,
    actor: Actor,
    username: str,
    password: str | Secret,
    *,
    current_password: str | Secret | None = None,
    keep_session: str | None = None,
) -> None:
    """Set a new password; also lifts a lockout and ends the user's other sign-ins.

    A user changing their own password must give the current one;
    administrators may set anyone's. Whoever learnt the old password may
    already hold a session or have made a token with it, so in the same
    transaction every web session of the user ends, except ``keep_session``
    (the hash of the session making a self-service change), and every API
    token of the user is revoked.
    """
    new = as_secret(password)
    check_password_policy(new)
    new_hash = ws.passwords.hash(new)
    now = ws.clock()
    with ws.engine.begin() as connection:
        row = user_row(connection, username)
        own = actor.user_id == row.id
        if own and not actor.is_system:
            if current_password is None or not ws.passwords.verify(
                row.password_hash, as_secret(current_password)
            ):
                raise AuthenticationFailed(
                    "the current password is wrong", hint="type your current password again"
                )
        elif not own:
            require_administrator(actor, "set other users' passwords")
            keep_session = None  # a reset ends every session of the user
        connection.execute(
            update(users)
            .where(users.c.id == row.id)
            .values(password_hash=new_hash, failed_logins=0, locked_until=None)
        )
        sessions_ended, tokens_revoked = end_sign_ins(
            connection, row.id, now, keep_session=keep_session
        )
        audit.record(
            connection,
            actor,
            "user.password",
            object_type="user",
            object_id=row.id,
            detail={
                "by": "self" if own else "administrator",
                "sessions_ended": sessions_ended,
                "tokens_revoked": tokens_revoked,
            },
            at=now,
        )


def unlock_user(ws: Workspace, actor: Actor, username: str) -> None:
    """Lift a lockout before it expires; administrators only."""
    require_administrator(actor, "unlock accounts")
    now = ws.clock()
    with ws.engine.begin() as connection:
        row = user_row(connection, username)
        connection.execute(
            update(users).where(users.c.id == row.id).values(failed_logins=0, locked_until=None)
        )
        audit.record(connection, actor, "user.unlock", object_type="user", object_id=row.id, at=now)


__all__ = [
    "MIN_PASSWORD_LENGTH",
    "WRONG_CREDENTIALS",
    "AgencyView",
    "IssuedToken",
    "TokenView",
    "TotpEnrolment",
    "UserView",
    "agency_id_for",
    "authenticate_password",
    "authenticate_token",
    "check_password_policy",
    "confirm_totp",
    "create_token",
    "create_user",
    "deactivate_user",
    "disable_totp",
    "enable_totp",
    "ensure_agencies",
    "get_actor",
    "get_user",
    "has_users",
    "issue_token",
    "list_agencies",
    "list_tokens",
    "list_users",
    "require_administrator",
    "revoke_token",
    "set_password",
    "unlock_user",
]


@dataclass(frozen=True, slots=True)
class Preferences:
    """What a user chose on their account page; ``None``: not chosen (the defaults apply)."""

    locale: str | None = None
    time_zone: str | None = None


def get_preferences(ws: Workspace, user_id: str) -> Preferences:
    """The language and time zone a user chose (none for an unknown user)."""
    with ws.engine.connect() as connection:
        row = connection.execute(
            select(users.c.locale, users.c.time_zone).where(users.c.id == user_id)
        ).first()
    if row is None:
        return Preferences()
    return Preferences(locale=row.locale, time_zone=row.time_zone)


def set_preferences(
    ws: Workspace, actor: Actor, *, locale: str | None, time_zone: str | None
) -> Preferences:
    """Store the actor's own language and time zone (empty or ``None``: back to the default)."""
    locale = (locale or "").strip() or None
    time_zone = (time_zone or "").strip() or None
    if locale is not None and locale not in LANGUAGES:
        raise InvalidInput(
            f"no interface language {locale!r}",
            hint=f"choose one of: {', '.join(LANGUAGES)}",
        )
    if time_zone is not None and not is_time_zone(time_zone):
        raise InvalidInput(
            f"{time_zone!r} is not a time zone",
            hint="choose a zone from the list, such as Asia/Phnom_Penh",
        )
    if actor.user_id is None or actor.is_system:
        raise InvalidInput("only a person signed in has preferences", hint="log in first")
    with ws.engine.begin() as connection:
        connection.execute(
            update(users)
            .where(users.c.id == actor.user_id)
            .values(locale=locale, time_zone=time_zone)
        )
        audit.record(
            connection,
            actor,
            "user.preferences",
            object_type="user",
            object_id=actor.user_id,
            detail={"locale": locale, "time_zone": time_zone},
            at=ws.clock(),
        )
    return Preferences(locale=locale, time_zone=time_zone)
