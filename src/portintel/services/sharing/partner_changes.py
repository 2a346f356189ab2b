"""Changes to what is registered: a partner edited, an agreement ended early.

A partner's name is its identity among nodes and never changes (its
disseminations and packages name it); its kind, country, TAXII URL, public
key and credential may. A public key left out keeps the registered one; a new
one retires the old (kept to verify what the partner signed before, as
``replace_partner_key`` does). The credential is write-only: an edit either keeps
it, replaces it (sealed as at registration) or removes it, and the audit
entry says only which. A new public key must again match the fingerprint the
partner gave by another channel, when one is given.

An agreement is ended by setting its expiry to now: the policy then lets
nothing go under it (rule 1), exactly as when an expiry passes. Ending is
irreversible (a renewed agreement is a new one, ``add_agreement``), so the
page asks for confirmation.
"""

from __future__ import annotations

from sqlalchemy import select, update

from portintel.adapters.database import tables
from portintel.domain.actors import Actor
from portintel.domain.secret import Secret
from portintel.domain.sharing import Agreement, Partner
from portintel.errors import Conflict, InvalidInput, NotFound
from portintel.services import audit
from portintel.services.events import transaction
from portintel.services.sharing.partner_keys import retire_key
from portintel.services.sharing.partners import (
    agreement_of,
    checked_public_key,
    clean_country_code,
    clean_kind,
    clean_url,
    credential_vault,
    get_partner,
    require_administrator,
)
from portintel.services.workspace import Workspace


def _kept_or_new_key(
    partner: Partner, public_key: str | None, expected_fingerprint: str | None
) -> tuple[str | None, str | None]:
    """The key after an edit: no key given keeps the registered one (``None`` means
    unchanged, never "remove": a partner's signatures must stay verifiable); a fingerprint
    given alone is checked against the registered key."""
    if public_key and public_key.strip():
        return checked_public_key(public_key, expected_fingerprint)
    if expected_fingerprint and expected_fingerprint.strip():
        if partner.fingerprint is None:
            raise InvalidInput("a fingerprint needs its public key", field="fingerprint")
        if expected_fingerprint.strip() != partner.fingerprint:
            raise InvalidInput(
                f"the registered key's fingerprint is {partner.fingerprint}, "
                f"not {expected_fingerprint.strip()}",
                field="fingerprint",
                hint="compare the fingerprint with the partner by another channel",
            )
    return partner.public_key, partner.fingerprint


def update_partner(
    ws: Workspace,
    actor: Actor,
    name: str,
    *,
    kind: str,
    country: str,
    taxii_url: str | None = None,
    public_key: str | None = None,
    expected_fingerprint: str | None = None,
    credential: Secret | None = None,
    remove_credential: bool = False,
) -> Partner:
    """Change a registered partner (not its name); audited, without the credential."""
    require_administrator(actor, "edit partners")
    if credential is not None and remove_credential:
        raise InvalidInput(
            "a new credential and its removal were both asked for", field="credential"
        )
    partner = get_partner(ws, actor, name, audited=False)
    node_kind = clean_kind(kind)
    country_code = clean_country_code(country)
    url = clean_url(taxii_url)
    key_text, key_print = _kept_or_new_key(partner, public_key, expected_fingerprint)
    values: dict[str, object] = {
        "kind": node_kind.value,
        "country": country_code,
        "taxii_url": url,
        "public_key": key_text,
        "fingerprint": key_print,
    }
    key_replaced = key_print != partner.fingerprint and partner.fingerprint is not None
    change = "kept"
    if credential is not None and credential.reveal():
        values["credential_sealed"] = credential_vault(ws).seal(credential, partner.id)
        change = "replaced"
    elif remove_credential:
        values["credential_sealed"] = None
        change = "removed"
    at = ws.clock()
    with transaction(ws) as connection:
        if key_replaced:
            retire_key(connection, partner, actor, at)
        connection.execute(
            update(tables.partners).where(tables.partners.c.id == partner.id).values(**values)
        )
        audit.record(
            connection,
            actor,
            "partner.update",
            object_type="partner",
            object_id=partner.id,
            detail={
                "name": partner.name,
                "kind": node_kind.value,
                "country": country_code,
                "taxii_url": url,
                "fingerprint": key_print,
                "fingerprint_before": partner.fingerprint,
                "credential": change,
            },
            at=at,
        )
    return get_partner(ws, actor, partner.name, audited=False)


def expire_agreement(ws: Workspace, actor: Actor, agreement_id: str) -> Agreement:
    """End an agreement now: nothing more goes under it. Conflict when it has ended."""
    require_administrator(actor, "end agreements")
    agreements = tables.partner_agreements
    at = ws.clock()
    with transaction(ws) as connection:
        row = connection.execute(select(agreements).where(agreements.c.id == agreement_id)).first()
        if row is None:
            raise NotFound(f"no agreement {agreement_id!r}", hint="see the agreements page")
        current = agreement_of(row)
        if not current.in_force(at):
            raise Conflict(f"agreement {agreement_id} has ended already")
        connection.execute(
            update(agreements).where(agreements.c.id == agreement_id).values(expires_at=at)
        )
        audit.record(
            connection,
            actor,
            "agreement.expire",
            object_type="agreement",
            object_id=agreement_id,
            detail={
                "partner": current.partner_id,
                "expires_at_before": current.expires_at.isoformat() if current.expires_at else None,
            },
            at=at,
        )
        expired = connection.execute(
            select(agreements).where(agreements.c.id == agreement_id)
        ).one()
    return agreement_of(expired)
