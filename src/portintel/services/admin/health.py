"""Is the node well? What load balancers and operators ask.

Health is answered without a login, so it says only whether the stores
answer, never what they hold.
"""

from __future__ import annotations

from dataclasses import dataclass

from portintel.services.workspace import Workspace


@dataclass(frozen=True, slots=True)
class Health:
    database_reachable: bool

    @property
    def ok(self) -> bool:
        return self.database_reachable


def check_health(ws: Workspace) -> Health:
    """Ask each store a trivial question now."""
    return Health(database_reachable=ws.store_probe.reachable())


def database_label(ws: Workspace) -> str:
    """Where the relational store is, safe to print (no password)."""
    return ws.store_probe.label()
