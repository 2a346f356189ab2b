"""A partner's key rotation: the new key verifies from now on, the old one stays.

When a partner node rotates its key (``portintel node rotate-key`` there),
an administrator here registers the new public key. The old one moves to
``partner_keys`` as retired: objects the partner signed before, and that
arrive later (a TAXII collection keeps old objects), still verify.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, insert, select, update

from portintel.adapters.database import tables
from portintel.adapters.node_keys import decode_public_key, fingerprint
from portintel.domain.actors import Actor, Role
from portintel.domain.sharing import Partner
from portintel.errors import Conflict, InvalidInput, PermissionDenied
from portintel.services import audit
from portintel.services.events import transaction
from portintel.services.sharing.partners import find_partner, get_partner
from portintel.services.workspace import Workspace


def retire_key(connection: Connection, partner: Partner, actor: Actor, at: datetime) -> None:
    """Keep the partner's current key (if any) as retired, to verify what it signed before."""
    if not (partner.public_key and partner.fingerprint):
        return
    retired = tables.partner_keys.c
    held = connection.execute(
        select(retired.fingerprint).where(
            retired.partner_id == partner.id, retired.fingerprint == partner.fingerprint
        )
    ).first()
    if held is None:
        connection.execute(
            insert(tables.partner_keys).values(
                partner_id=partner.id,
                fingerprint=partner.fingerprint,
                public_key=partner.public_key,
                retired_at=at,
                retired_by=actor.username,
            )
        )


def replace_partner_key(
    ws: Workspace,
    actor: Actor,
    name: str,
    public_key: str,
    *,
    expected_fingerprint: str | None = None,
) -> Partner:
    """Register ``public_key`` as the partner's key, retiring the previous one; audited."""
    if not (actor.is_system or actor.has(Role.ADMINISTRATOR)):
        raise PermissionDenied("only an administrator may change a partner's key")
    partner = find_partner(ws, name)
    raw = decode_public_key(public_key)
    new_print = fingerprint(raw)
    if expected_fingerprint and expected_fingerprint.strip() != new_print:
        raise InvalidInput(
            f"the public key's fingerprint is {new_print}, not {expected_fingerprint}",
            field="fingerprint",
            hint="compare the fingerprint with the partner by another channel",
        )
    if new_print == partner.fingerprint:
        raise Conflict(f"{partner.name} has this key already")
    at = ws.clock()
    with transaction(ws) as connection:
        retire_key(connection, partner, actor, at)
        connection.execute(
            update(tables.partners)
            .where(tables.partners.c.id == partner.id)
            .values(public_key=public_key.strip(), fingerprint=new_print)
        )
        audit.record(
            connection,
            actor,
            "partner.key_replaced",
            object_type="partner",
            object_id=partner.id,
            detail={"fingerprint": new_print, "previous": partner.fingerprint},
            at=at,
        )
    return get_partner(ws, actor, partner.name, audited=False)
