"""Partners and agreements: registered and read by administrators, audited.

A partner's TAXII credential is sealed with a key derived from the node
secret (``portintel.adapters.node_keys.CredentialVault``) before it reaches
the database; it is never returned, printed or logged: reads say only
whether one is set. An agreement is validated against the handling
vocabularies, so the policy never meets a code it does not know. A new
agreement for a partner supersedes the one before (agreements are
renegotiated, not merged): :func:`current_agreement` is the latest.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import insert, select

from portintel.adapters.database import tables
from portintel.adapters.node_keys import CredentialVault, decode_public_key, fingerprint
from portintel.adapters.vocabularies import load_handling
from portintel.domain.access import may_work_with_intelligence
from portintel.domain.actors import Actor, Role
from portintel.domain.secret import Secret
from portintel.domain.sharing import Agreement, Category, Delivery, NodeKind, Partner
from portintel.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from portintel.services import audit
from portintel.services.events import transaction
from portintel.services.workspace import Workspace

_NAME = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,99}$")


def require_administrator(actor: Actor, what: str) -> None:
    _require(actor, Role.ADMINISTRATOR, what=what)


def _require(actor: Actor, *roles: Role, what: str) -> None:
    if actor.is_system or any(actor.has(role) for role in roles):
        return
    raise PermissionDenied(f"only an administrator may {what}")


def credential_vault(ws: Workspace) -> CredentialVault:
    return CredentialVault(ws.settings.data_dir)


def partner_columns() -> list[Any]:
    columns = tables.partners.c
    return [
        columns.id,
        columns.name,
        columns.kind,
        columns.country,
        columns.taxii_url,
        columns.public_key,
        columns.fingerprint,
        columns.credential_sealed.is_not(None).label("has_credential"),
        columns.created_at,
    ]


def partner_of(row: Any) -> Partner:
    return Partner(
        id=row.id,
        name=row.name,
        kind=NodeKind(row.kind),
        country=row.country,
        taxii_url=row.taxii_url,
        public_key=row.public_key,
        fingerprint=row.fingerprint,
        credential_set=bool(row.has_credential),
        created_at=row.created_at,
    )


def _clean_name(name: str) -> str:
    cleaned = name.strip().upper()
    if not _NAME.fullmatch(cleaned):
        raise InvalidInput(
            f"partner name {name!r} is not a node name",
            field="name",
            hint="letters, digits and hyphens, e.g. TH-PIU-RNG",
        )
    return cleaned


def clean_kind(kind: str) -> NodeKind:
    """The node kind named by ``kind`` (its value, any case); InvalidInput otherwise."""
    text = kind.strip()
    for member in NodeKind:
        if text.casefold() == member.value.casefold():
            return member
    raise InvalidInput(
        f"partner kind {kind!r} is unknown",
        field="kind",
        hint=f"one of {', '.join(member.value for member in NodeKind)}",
    )


def clean_country_code(country: str) -> str:
    cleaned = country.strip().upper()
    if len(cleaned) != 2 or not cleaned.isalpha() or not cleaned.isascii():
        raise InvalidInput(
            f"country {country!r} is not an ISO 3166-1 alpha-2 code",
            field="country",
            hint="two letters, e.g. TH",
        )
    return cleaned


def checked_public_key(
    public_key: str | None, expected_fingerprint: str | None
) -> tuple[str | None, str | None]:
    """The key as stored and its fingerprint, checked against the one given by another
    channel when there is one; ``(None, None)`` without a key."""
    if public_key and public_key.strip():
        raw = decode_public_key(public_key)
        key_text, key_print = public_key.strip(), fingerprint(raw)
        if expected_fingerprint and expected_fingerprint.strip() != key_print:
            raise InvalidInput(
                f"the public key's fingerprint is {key_print}, not {expected_fingerprint}",
                field="fingerprint",
                hint="compare the fingerprint with the partner by another channel",
            )
        return key_text, key_print
    if expected_fingerprint and expected_fingerprint.strip():
        raise InvalidInput("a fingerprint needs its public key", field="fingerprint")
    return None, None


def clean_url(url: str | None) -> str | None:
    if url is None or not url.strip():
        return None
    parts = urlsplit(url.strip())
    if parts.scheme not in ("https", "http") or not parts.netloc:
        raise InvalidInput(
            f"TAXII base URL {url!r} is not an http(s) URL",
            field="taxii_url",
            hint="e.g. https://taxii.partner.example/api/",
        )
    return url.strip()


def add_partner(
    ws: Workspace,
    actor: Actor,
    *,
    name: str,
    kind: str,
    country: str,
    taxii_url: str | None = None,
    public_key: str | None = None,
    expected_fingerprint: str | None = None,
    credential: Secret | None = None,
) -> Partner:
    """Register a partner node; audited (without the credential)."""
    _require(actor, Role.ADMINISTRATOR, what="register partners")
    clean_name = _clean_name(name)
    node_kind = clean_kind(kind)
    clean_country = clean_country_code(country)
    key_text, key_print = checked_public_key(public_key, expected_fingerprint)
    partner_id = f"partner-{secrets.token_hex(8)}"
    sealed = credential_vault(ws).seal(credential, partner_id) if credential else None
    at = ws.clock()
    with transaction(ws) as connection:
        taken = connection.execute(
            select(tables.partners.c.id).where(tables.partners.c.name == clean_name)
        ).first()
        if taken is not None:
            raise Conflict(f"partner {clean_name} is registered already")
        connection.execute(
            insert(tables.partners).values(
                id=partner_id,
                name=clean_name,
                kind=node_kind.value,
                country=clean_country,
                taxii_url=clean_url(taxii_url),
                public_key=key_text,
                fingerprint=key_print,
                credential_sealed=sealed,
                created_at=at,
                created_by=actor.username,
            )
        )
        audit.record(
            connection,
            actor,
            "partner.add",
            object_type="partner",
            object_id=partner_id,
            detail={
                "name": clean_name,
                "kind": node_kind.value,
                "country": clean_country,
                "fingerprint": key_print,
                "credential_set": sealed is not None,
            },
            at=at,
        )
    return get_partner(ws, actor, clean_name, audited=False)


def list_partners(ws: Workspace, actor: Actor) -> list[Partner]:
    _require(actor, Role.ADMINISTRATOR, Role.SUPERVISOR, what="list partners")
    with ws.engine.connect() as connection:
        rows = connection.execute(select(*partner_columns()).order_by(tables.partners.c.name)).all()
    return [partner_of(row) for row in rows]


def partners_to_share_with(ws: Workspace, actor: Actor) -> list[Partner]:
    """The partners an analyst may choose as recipients (names, kinds and countries are
    known to the node's staff; agreements and credentials stay with administrators)."""
    if not may_work_with_intelligence(actor):
        raise PermissionDenied("only those who work with intelligence may share")
    with ws.engine.connect() as connection:
        rows = connection.execute(select(*partner_columns()).order_by(tables.partners.c.name)).all()
    return [partner_of(row) for row in rows]


def get_partner(ws: Workspace, actor: Actor, name: str, *, audited: bool = True) -> Partner:
    """The partner of this name; NotFound otherwise."""
    _require(actor, Role.ADMINISTRATOR, Role.SUPERVISOR, what="read partners")
    clean = name.strip().upper()
    with transaction(ws) as connection:
        row = connection.execute(
            select(*partner_columns()).where(tables.partners.c.name == clean)
        ).first()
        if row is None:
            raise NotFound(f"no partner {name!r}", hint="see `portintel partner list`")
        if audited:
            audit.record(
                connection,
                actor,
                "partner.read",
                object_type="partner",
                object_id=row.id,
                at=ws.clock(),
            )
    return partner_of(row)


def find_partner(ws: Workspace, name: str) -> Partner:
    """The partner of this name for a service that has checked its caller; NotFound otherwise."""
    with ws.engine.connect() as connection:
        row = connection.execute(
            select(*partner_columns()).where(tables.partners.c.name == name.strip().upper())
        ).first()
    if row is None:
        raise NotFound(f"no partner {name!r}", hint="see `portintel partner list`")
    return partner_of(row)


def partner_credential(ws: Workspace, partner_id: str) -> Secret | None:
    """The partner's credential, opened: for the sync adapter only, never for display."""
    with ws.engine.connect() as connection:
        sealed = connection.execute(
            select(tables.partners.c.credential_sealed).where(tables.partners.c.id == partner_id)
        ).scalar_one_or_none()
    return None if sealed is None else credential_vault(ws).open(sealed, partner_id)


# -- agreements ----------------------------------------------------------------------


def _canonical_handling(texts: Iterable[str]) -> frozenset[str]:
    vocabularies = load_handling()
    known = {
        f"{vocabulary}:{definition.code}": definition
        for vocabulary in vocabularies.ids
        for definition in vocabularies.codes(vocabulary)
    }
    found = set()
    for text in texts:
        cleaned = text.strip()
        if ":" in cleaned:
            prefix, _, code = cleaned.partition(":")
            candidates = [f"{prefix.strip().lower()}:{code.strip().upper()}"]
        else:
            candidates = [key for key in known if key.split(":", 1)[1] == cleaned.upper()]
        matches = [candidate for candidate in candidates if candidate in known]
        if len(matches) != 1:
            raise InvalidInput(
                f"{text!r} is not a handling code"
                + (" (ambiguous: write it with its vocabulary)" if len(matches) > 1 else ""),
                field="handling",
                hint=f"known codes: {', '.join(known)}",
            )
        found.add(matches[0])
    return frozenset(found)


def _canonical_tlp(texts: Iterable[str]) -> frozenset[str]:
    vocabularies = load_handling()
    levels = {definition.code for definition in vocabularies.codes(vocabularies.tlp_vocabulary)}
    found = set()
    for text in texts:
        cleaned = text.strip().upper().removeprefix("TLP:")
        if cleaned not in levels:
            raise InvalidInput(
                f"{text!r} is not a TLP 2.0 level",
                field="tlp",
                hint=f"one of {', '.join(sorted(levels))}",
            )
        found.add(cleaned)
    return frozenset(found)


def agreement_of(row: Any) -> Agreement:
    return Agreement(
        id=row.id,
        partner_id=row.partner_id,
        handling_codes=frozenset(row.handling_codes),
        tlp_levels=frozenset(row.tlp_levels),
        categories=frozenset(Category(value) for value in row.categories),
        personal_data=bool(row.personal_data),
        delivery=Delivery(row.delivery),
        expires_at=row.expires_at,
        created_at=row.created_at,
    )


def add_agreement(
    ws: Workspace,
    actor: Actor,
    partner_name: str,
    *,
    handling_codes: Iterable[str],
    tlp_levels: Iterable[str],
    categories: Iterable[str],
    personal_data: bool = False,
    delivery: str = "pull",
    expires_at: datetime | None = None,
) -> Agreement:
    """Record what a partner may receive; it supersedes the partner's previous agreement."""
    _require(actor, Role.ADMINISTRATOR, what="record agreements")
    partner = get_partner(ws, actor, partner_name, audited=False)
    codes = _canonical_handling(handling_codes)
    levels = _canonical_tlp(tlp_levels)
    try:
        kinds = frozenset(Category(value.strip().lower()) for value in categories)
        how = Delivery(delivery.strip().lower())
    except ValueError as exc:
        raise InvalidInput(
            f"{exc}",
            field="agreement",
            hint=f"categories: {', '.join(c.value for c in Category)}; delivery: pull or push",
        ) from exc
    if not codes or not levels or not kinds:
        raise InvalidInput(
            "an agreement names at least one handling code, TLP level and category",
            field="agreement",
        )
    at = ws.clock()
    if expires_at is not None and expires_at.tzinfo is None:
        raise InvalidInput("the expiry must carry a time zone", field="expires_at")
    agreement = Agreement(
        id=f"agreement-{secrets.token_hex(8)}",
        partner_id=partner.id,
        handling_codes=codes,
        tlp_levels=levels,
        categories=kinds,
        personal_data=personal_data,
        delivery=how,
        expires_at=expires_at,
        created_at=at,
    )
    with transaction(ws) as connection:
        connection.execute(
            insert(tables.partner_agreements).values(
                id=agreement.id,
                partner_id=partner.id,
                handling_codes=sorted(codes),
                tlp_levels=sorted(levels),
                categories=sorted(kind.value for kind in kinds),
                personal_data=personal_data,
                delivery=how.value,
                expires_at=expires_at,
                created_at=at,
                created_by=actor.username,
            )
        )
        audit.record(
            connection,
            actor,
            "agreement.add",
            object_type="agreement",
            object_id=agreement.id,
            detail={
                "partner": partner.id,
                "handling": sorted(codes),
                "tlp": sorted(levels),
                "categories": sorted(kind.value for kind in kinds),
                "personal_data": personal_data,
                "delivery": how.value,
                "expires_at": expires_at.isoformat() if expires_at else None,
            },
            at=at,
        )
    return agreement


def list_agreements(
    ws: Workspace, actor: Actor, partner_name: str | None = None
) -> list[Agreement]:
    """Agreements, newest first (of one partner when named)."""
    _require(actor, Role.ADMINISTRATOR, Role.SUPERVISOR, what="read agreements")
    query = select(tables.partner_agreements).order_by(
        tables.partner_agreements.c.created_at.desc(), tables.partner_agreements.c.id
    )
    if partner_name is not None:
        partner = get_partner(ws, actor, partner_name, audited=False)
        query = query.where(tables.partner_agreements.c.partner_id == partner.id)
    with ws.engine.connect() as connection:
        return [agreement_of(row) for row in connection.execute(query)]


def get_agreement(ws: Workspace, actor: Actor, agreement_id: str) -> Agreement:
    _require(actor, Role.ADMINISTRATOR, Role.SUPERVISOR, what="read agreements")
    with ws.engine.connect() as connection:
        row = connection.execute(
            select(tables.partner_agreements).where(tables.partner_agreements.c.id == agreement_id)
        ).first()
    if row is None:
        raise NotFound(f"no agreement {agreement_id!r}", hint="see `portintel agreement list`")
    return agreement_of(row)


def current_agreement(ws: Workspace, partner_id: str) -> Agreement | None:
    """The partner's latest agreement (in force or not: the policy says if it has expired)."""
    with ws.engine.connect() as connection:
        row = connection.execute(
            select(tables.partner_agreements)
            .where(tables.partner_agreements.c.partner_id == partner_id)
            .order_by(
                tables.partner_agreements.c.created_at.desc(),
                tables.partner_agreements.c.id.desc(),
            )
            .limit(1)
        ).first()
    return None if row is None else agreement_of(row)
