"""Who acts: users with an agency and roles, and the system itself."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    """Roles a user can hold; a user may hold several."""

    OFFICER = "officer"
    ANALYST = "analyst"
    SUPERVISOR = "supervisor"
    SOURCE_HANDLER = "source_handler"
    ADMINISTRATOR = "administrator"


@dataclass(frozen=True, slots=True)
class Actor:
    """The user (or system job) on whose behalf a service acts."""

    user_id: str
    username: str
    agency_id: str
    roles: frozenset[Role] = field(default_factory=frozenset)
    operator: str | None = None
    """The operating-system user acting through this identity at the node's console
    (``portintel ... --as USER``); every audit entry the actor causes names them."""

    def has(self, role: Role) -> bool:
        return role in self.roles

    @property
    def is_system(self) -> bool:
        return self.user_id == SYSTEM.user_id


SYSTEM = Actor(
    user_id="system",
    username="system",
    agency_id="",
    roles=frozenset(Role),
)
