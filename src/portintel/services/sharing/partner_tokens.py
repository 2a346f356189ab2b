"""Credentials this node issues to its partners for its TAXII server.

A partner pulls its collections with a token an administrator issued to it
(``portintel partner token NAME``): 32 random bytes shown once, only their
sha256 stored. The token is the partner's and reaches nothing but TAXII: it
is kept apart from users' API tokens (``api_tokens``), so the JSON API never
accepts it, and TAXII accepts nothing else (no user token, no session).

Not to be confused with ``partners.credential_sealed``: that is the
credential the *partner* gave *this* node for the partner's own server.

Failed tokens count in the web application's limiter per client address,
like users' tokens (:mod:`portintel.services.admin.token_failures`).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import insert, select, update

from portintel.adapters.database import tables
from portintel.adapters.passwords import new_token, token_digest
from portintel.domain.actors import Actor, Role
from portintel.domain.secret import Secret
from portintel.errors import AuthenticationFailed, Conflict, NotFound, PermissionDenied, RateLimited
from portintel.services import admin, audit
from portintel.services.events import transaction
from portintel.services.sharing.partners import find_partner
from portintel.services.workspace import Workspace

ANONYMOUS = Actor(user_id="anonymous", username="anonymous", agency_id="")
"""Who a failed TAXII sign-in is recorded as when no token matches."""

LAST_USED_PRECISION = timedelta(minutes=1)
"""``last_used_at`` is written at most once a minute: a partner paging through a
collection must not turn every read into a write."""


@dataclass(frozen=True, slots=True)
class IssuedPartnerToken:
    id: str
    partner: str
    secret: Secret
    """Shown once; only its sha256 is stored."""


@dataclass(frozen=True, slots=True)
class PartnerTokenView:
    id: str
    partner: str
    created_at: datetime
    created_by: str
    last_used_at: datetime | None
    revoked_at: datetime | None


@dataclass(frozen=True, slots=True)
class PartnerReader:
    """A partner authenticated at the TAXII server: the one reader its collections know."""

    partner_id: str
    partner_name: str
    token_id: str

    @property
    def actor(self) -> Actor:
        """Who the audit log names for this partner's reads (no role: it is no user)."""
        return Actor(user_id=self.partner_id, username=f"partner:{self.partner_name}", agency_id="")


def _require_administrator(actor: Actor, what: str) -> None:
    if not (actor.is_system or actor.has(Role.ADMINISTRATOR)):
        raise PermissionDenied(f"only an administrator may {what}")


def issue_partner_token(ws: Workspace, actor: Actor, partner_name: str) -> IssuedPartnerToken:
    """A new TAXII token for the partner; audited (without the token)."""
    _require_administrator(actor, "issue partner tokens")
    partner = find_partner(ws, partner_name)
    secret = new_token()
    token_id = f"PT-{secrets.token_hex(6)}"
    at = ws.clock()
    with transaction(ws) as connection:
        connection.execute(
            insert(tables.taxii_tokens).values(
                id=token_id,
                partner_id=partner.id,
                token_hash=token_digest(secret),
                created_at=at,
                created_by=actor.username,
            )
        )
        audit.record(
            connection,
            actor,
            "partner.token_issued",
            object_type="partner",
            object_id=partner.id,
            detail={"partner": partner.name, "token_id": token_id},
            at=at,
        )
    return IssuedPartnerToken(id=token_id, partner=partner.name, secret=secret)


def list_partner_tokens(
    ws: Workspace, actor: Actor, partner_name: str | None = None
) -> list[PartnerTokenView]:
    """Tokens issued to partners (to one, when named); never the token itself."""
    _require_administrator(actor, "list partner tokens")
    query = (
        select(tables.taxii_tokens, tables.partners.c.name)
        .join(tables.partners, tables.partners.c.id == tables.taxii_tokens.c.partner_id)
        .order_by(tables.taxii_tokens.c.created_at, tables.taxii_tokens.c.id)
    )
    if partner_name is not None:
        query = query.where(tables.partners.c.id == find_partner(ws, partner_name).id)
    with ws.engine.connect() as connection:
        rows = connection.execute(query).all()
    return [
        PartnerTokenView(
            id=row.id,
            partner=row.name,
            created_at=row.created_at,
            created_by=row.created_by,
            last_used_at=row.last_used_at,
            revoked_at=row.revoked_at,
        )
        for row in rows
    ]


def revoke_partner_token(ws: Workspace, actor: Actor, token_id: str) -> None:
    """Revoke a partner's token at once; its next request is refused."""
    _require_administrator(actor, "revoke partner tokens")
    at = ws.clock()
    with transaction(ws) as connection:
        row = connection.execute(
            select(tables.taxii_tokens.c.partner_id, tables.taxii_tokens.c.revoked_at).where(
                tables.taxii_tokens.c.id == token_id.strip()
            )
        ).first()
        if row is None:
            raise NotFound(
                f"no partner token {token_id!r}", hint="see `portintel partner tokens NAME`"
            )
        if row.revoked_at is not None:
            raise Conflict(f"partner token {token_id} is already revoked")
        connection.execute(
            update(tables.taxii_tokens)
            .where(tables.taxii_tokens.c.id == token_id.strip())
            .values(revoked_at=at)
        )
        audit.record(
            connection,
            actor,
            "partner.token_revoked",
            object_type="partner",
            object_id=row.partner_id,
            detail={"token_id": token_id.strip()},
            at=at,
        )


def authenticate_partner(
    ws: Workspace,
    token: Secret,
    *,
    username: str | None = None,
    limiter: admin.TokenFailureLimiter | None = None,
    client: str = "unknown",
) -> PartnerReader:
    """The partner this token was issued to (unrevoked); AuthenticationFailed otherwise.

    ``username`` is the user name of HTTP Basic: when given it must be the
    partner's name (so a token pasted for the wrong partner is refused).
    """
    now = ws.clock()
    if limiter is not None:
        admin.record_token_failures(ws, limiter.ended(now))
        refused_until = limiter.admit(client, now)
        if refused_until is not None:
            raise RateLimited(
                "too many failed tokens from this address",
                retry_after_seconds=max(1, int((refused_until - now).total_seconds())),
                hint=f"wait until {refused_until:%H:%M:%S} UTC, then use a valid token",
            )
    tokens = tables.taxii_tokens
    with ws.engine.connect() as connection:
        row = connection.execute(
            select(
                tokens.c.id,
                tokens.c.partner_id,
                tokens.c.revoked_at,
                tokens.c.last_used_at,
                tables.partners.c.name,
            )
            .join(tables.partners, tables.partners.c.id == tokens.c.partner_id)
            .where(tokens.c.token_hash == token_digest(token))
        ).first()
    name_matches = username is None or (row is not None and username.strip().upper() == row.name)
    if row is None or row.revoked_at is not None or not name_matches:
        if limiter is not None:
            limiter.failed(client, now, unknown=row is None)
        if row is not None:
            with transaction(ws) as connection:
                audit.record(
                    connection,
                    PartnerReader(row.partner_id, row.name, row.id).actor,
                    "login.failure",
                    object_type="partner",
                    object_id=row.partner_id,
                    detail={
                        "method": "taxii",
                        "reason": "revoked token"
                        if row.revoked_at is not None
                        else "user name is not the token's partner",
                    },
                    at=now,
                )
        elif limiter is None:
            with transaction(ws) as connection:
                audit.record(
                    connection,
                    ANONYMOUS,
                    "login.failure",
                    detail={"method": "taxii", "reason": "unknown token"},
                    at=now,
                )
        raise AuthenticationFailed(
            "invalid or revoked partner token",
            hint="ask the node's administrator for a token (portintel partner token NAME)",
        )
    if row.last_used_at is None or now - row.last_used_at >= LAST_USED_PRECISION:
        with ws.engine.begin() as connection:
            connection.execute(update(tokens).where(tokens.c.id == row.id).values(last_used_at=now))
    return PartnerReader(partner_id=row.partner_id, partner_name=row.name, token_id=row.id)
