"""What administration and sign-in share: the user record, its checks and views.

Kept apart from :mod:`portintel.services.admin.users` and
:mod:`portintel.services.admin.credentials` so neither imports the other.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, delete, insert, select

from portintel.adapters.database.tables import user_roles, users
from portintel.domain.actors import Actor, Role
from portintel.domain.secret import Secret
from portintel.errors import InvalidInput, NotFound, PermissionDenied

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024
USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")


@dataclass(frozen=True, slots=True)
class UserView:
    """A user as administrators see it; never carries a hash or secret."""

    id: str
    username: str
    display_name: str
    agency_id: str
    roles: frozenset[Role]
    active: bool
    totp_enabled: bool
    totp_pending: bool
    locked_until: datetime | None
    created_at: datetime
    last_login_at: datetime | None

    @property
    def role_names(self) -> str:
        return ", ".join(sorted(role.value for role in self.roles))


def as_secret(value: str | Secret) -> Secret:
    return value if isinstance(value, Secret) else Secret(value)


def check_password_policy(password: Secret, *, field: str = "password") -> None:
    """Refuse a password the node's policy does not allow, saying why."""
    length = len(password.reveal())
    if length < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            f"the password must be at least {MIN_PASSWORD_LENGTH} characters long "
            f"(this one has {length})",
            field=field,
            hint="a passphrase of several words is easy to remember and hard to guess",
        )
    if length > MAX_PASSWORD_LENGTH:
        raise InvalidInput(
            f"the password must be at most {MAX_PASSWORD_LENGTH} characters long", field=field
        )
    if not password.reveal().strip():
        raise InvalidInput("the password must not be only spaces", field=field)


def normalise_username(username: str) -> str:
    name = username.strip().lower()
    if not USERNAME_PATTERN.fullmatch(name):
        raise InvalidInput(
            f"username {username!r} is not allowed: use 2 to 64 characters a-z, 0-9, "
            "'.', '_' or '-', starting with a letter or digit",
            field="username",
        )
    return name


def parse_roles(roles: Iterable[Role | str]) -> frozenset[Role]:
    """Roles from names ("source handler", "source-handler", "source_handler")."""
    parsed: set[Role] = set()
    for role in roles:
        if isinstance(role, Role):
            parsed.add(role)
            continue
        key = role.strip().lower().replace("-", "_").replace(" ", "_")
        try:
            parsed.add(Role(key))
        except ValueError as exc:
            known = ", ".join(member.value for member in Role)
            raise InvalidInput(
                f"unknown role {role!r}", field="roles", hint=f"roles are: {known}"
            ) from exc
    if not parsed:
        raise InvalidInput("a user needs at least one role", field="roles")
    return frozenset(parsed)


def roles_of(connection: Connection, user_id: str) -> frozenset[Role]:
    """The roles a user holds (rows of ``user_roles``)."""
    column = user_roles.c
    found = connection.execute(select(column.role).where(column.user_id == user_id)).scalars()
    return frozenset(Role(name) for name in found)


def roles_by_user(connection: Connection) -> dict[str, frozenset[Role]]:
    """Every user's roles, by user id, in one query."""
    grouped: dict[str, set[Role]] = {}
    for user_id, role in connection.execute(select(user_roles.c.user_id, user_roles.c.role)):
        grouped.setdefault(user_id, set()).add(Role(role))
    return {user_id: frozenset(roles) for user_id, roles in grouped.items()}


def write_roles(connection: Connection, user_id: str, roles: Iterable[Role]) -> None:
    """Replace the roles of a user."""
    connection.execute(delete(user_roles).where(user_roles.c.user_id == user_id))
    rows = [{"user_id": user_id, "role": role.value} for role in sorted(set(roles))]
    if rows:
        connection.execute(insert(user_roles), rows)


def require_administrator(actor: Actor, what: str) -> None:
    if not actor.has(Role.ADMINISTRATOR):
        raise PermissionDenied(
            f"only administrators may {what}", hint="ask an administrator of the node"
        )


def actor_of(connection: Connection, row: Row[Any]) -> Actor:
    """The actor of a ``users`` row, with its roles."""
    return Actor(
        user_id=row.id,
        username=row.username,
        agency_id=row.agency_id,
        roles=roles_of(connection, row.id),
    )


def user_row(connection: Connection, username: str) -> Row[Any]:
    row = connection.execute(
        select(users).where(users.c.username == username.strip().lower())
    ).first()
    if row is None:
        raise NotFound(f"no user named {username!r}", hint="see portintel user list")
    return row


def view_of(
    connection: Connection, row: Row[Any], roles: frozenset[Role] | None = None
) -> UserView:
    """The administrators' view of a ``users`` row (``roles`` when already read)."""
    created = row.created_at
    assert created is not None
    return UserView(
        id=row.id,
        username=row.username,
        display_name=row.display_name,
        agency_id=row.agency_id,
        roles=roles_of(connection, row.id) if roles is None else roles,
        active=bool(row.active),
        totp_enabled=row.totp_secret is not None,
        totp_pending=row.totp_pending_secret is not None,
        locked_until=row.locked_until,
        created_at=created,
        last_login_at=row.last_login_at,
    )
