"""This node's identity among its partners: name, kind and Ed25519 key pair.

``init_node`` creates the key pair in the data directory, ``rotate_node_key``
replaces it keeping the old public key, ``node_identity`` says who the node
is. None of them ever returns the private key: it stays in its file, read
only to sign (``portintel.adapters.node_keys``). Each change is audited.
"""

from __future__ import annotations

from dataclasses import dataclass

from portintel import ports
from portintel.adapters.node_keys import NodeKeys
from portintel.domain.actors import Actor, Role
from portintel.errors import PermissionDenied
from portintel.services import audit
from portintel.services.events import transaction
from portintel.services.workspace import Workspace


@dataclass(frozen=True, slots=True)
class NodeIdentity:
    """What a partner needs to know about this node: never the private key."""

    name: str
    kind: str
    country: str
    keys: tuple[ports.NodePublicKey, ...]
    """Current key first, then retired keys kept for verification; empty before init."""

    @property
    def current(self) -> ports.NodePublicKey | None:
        return next((key for key in self.keys if key.current), None)


def node_signer(ws: Workspace) -> NodeKeys:
    """The node's key pair, in its data directory."""
    return NodeKeys(ws.settings.data_dir)


def _require_administrator(actor: Actor, what: str) -> None:
    if not (actor.is_system or actor.has(Role.ADMINISTRATOR)):
        raise PermissionDenied(f"only an administrator may {what}")


def node_identity(ws: Workspace) -> NodeIdentity:
    settings = ws.settings
    return NodeIdentity(
        name=settings.node_code,
        kind=settings.node_kind,
        country=settings.country,
        keys=tuple(node_signer(ws).public_keys()),
    )


def init_node(ws: Workspace, actor: Actor) -> NodeIdentity:
    """Create the node's first key pair (Conflict if it has one); audited."""
    _require_administrator(actor, "create the node's key")
    key = node_signer(ws).create()
    with transaction(ws) as connection:
        audit.record(
            connection,
            actor,
            "node.key_created",
            object_type="node",
            object_id=ws.settings.node_code,
            detail={"fingerprint": key.fingerprint},
            at=ws.clock(),
        )
    return node_identity(ws)


def rotate_node_key(ws: Workspace, actor: Actor) -> NodeIdentity:
    """A new current key; the old public key stays for verification. Audited."""
    _require_administrator(actor, "rotate the node's key")
    signer = node_signer(ws)
    previous = next((key.fingerprint for key in signer.public_keys() if key.current), None)
    key = signer.rotate()
    with transaction(ws) as connection:
        audit.record(
            connection,
            actor,
            "node.key_rotated",
            object_type="node",
            object_id=ws.settings.node_code,
            detail={"fingerprint": key.fingerprint, "previous": previous},
            at=ws.clock(),
        )
    return node_identity(ws)
