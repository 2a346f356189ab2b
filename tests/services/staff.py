"""People for the intelligence-core tests: agencies and users inserted directly.

Users are inserted as rows (no argon2 hashing) because these tests are about
reports and need-to-know, not passwords; the admin service has its own tests.
"""

from __future__ import annotations

from sqlalchemy import insert

from portintel.adapters.database import tables
from portintel.domain.actors import Actor, Role
from portintel.services.admin.users import ensure_agencies
from portintel.services.workspace import Workspace

IMMIGRATION = "immigration"
MARITIME = "maritime-police"
SECURITY = "internal-security"


def make_user(ws: Workspace, username: str, agency: str, *roles: Role) -> Actor:
    ensure_agencies(ws)
    user_id = f"U-{username}"
    with ws.engine.begin() as connection:
        connection.execute(
            insert(tables.users).values(
                id=user_id,
                username=username,
                display_name=username.title(),
                agency_id=agency,
                password_hash="not-a-hash",
                active=True,
                failed_logins=0,
                created_at=ws.clock(),
            )
        )
        if roles:
            connection.execute(
                insert(tables.user_roles),
                [{"user_id": user_id, "role": role.value} for role in sorted(set(roles))],
            )
    return Actor(user_id, username, agency, frozenset(roles))
