"""Failed sign-ins over a period, for the administrator's home page.

Read from the audit log, where every failure is recorded (a window of unknown
API tokens from one address is one entry that counts them: see
:mod:`portintel.services.admin.token_failures`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from portintel.adapters.database.tables import audit_log
from portintel.domain.actors import Actor
from portintel.services.admin.accounts import require_administrator
from portintel.services.workspace import Workspace


@dataclass(frozen=True, slots=True)
class SignInFailures:
    failures: int
    """Audit entries of failed sign-ins (passwords, one-time codes, tokens)."""
    lockouts: int
    """Accounts locked after too many failures."""


def sign_in_failures(ws: Workspace, actor: Actor, *, since: datetime) -> SignInFailures:
    """How many sign-ins failed, and how many lockouts followed, since ``since``."""
    require_administrator(actor, "see failed sign-ins")
    counts = (
        select(audit_log.c.action, func.count())
        .where(audit_log.c.action.in_(("login.failure", "login.lockout")), audit_log.c.at >= since)
        .group_by(audit_log.c.action)
    )
    with ws.engine.connect() as connection:
        found = {action: int(n) for action, n in connection.execute(counts).all()}
    return SignInFailures(found.get("login.failure", 0), found.get("login.lockout", 0))
