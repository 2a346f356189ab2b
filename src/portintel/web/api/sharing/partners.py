"""``/api/v1/partners`` and ``/api/v1/agreements``: partner nodes and what each may receive.

Administrators register and edit partners and record or end agreements;
supervisors read them (the service checks the role). A partner's credential
is write-only: it is accepted in a body and never returned, only whether one
is set. Partner names are the node names (``TH-PIU-RNG``).
"""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field, SecretStr
from starlette.concurrency import run_in_threadpool

from portintel.domain.actors import Actor
from portintel.domain.secret import Secret
from portintel.domain.sharing import Agreement, Category, Delivery, NodeKind, Partner
from portintel.services import sharing
from portintel.services.workspace import Workspace
from portintel.web.api.responses import errors
from portintel.web.authentication import api_actor, workspace_of
from portintel.web.text_inputs import NON_BLANK

router = APIRouter(tags=["sharing"])

PartnerName = Field(min_length=2, max_length=100, pattern=NON_BLANK, description="e.g. TH-PIU-RNG")


class PartnerOut(BaseModel):
    name: str
    kind: NodeKind
    country: str
    taxii_url: str | None
    fingerprint: str | None = Field(description="SHA256 fingerprint of the partner's key")
    public_key: str | None
    credential_set: bool = Field(description="whether a credential is stored (never returned)")
    created_at: datetime

    @classmethod
    def of(cls, partner: Partner) -> PartnerOut:
        return cls(
            name=partner.name,
            kind=partner.kind,
            country=partner.country,
            taxii_url=partner.taxii_url,
            fingerprint=partner.fingerprint,
            public_key=partner.public_key,
            credential_set=partner.credential_set,
            created_at=partner.created_at,
        )


class PartnerFields(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: str = Field(max_length=32, pattern=NON_BLANK, description="PIU, CAU, BLO, international")
    country: str = Field(max_length=8, pattern=NON_BLANK, description="ISO 3166-1 alpha-2")
    taxii_url: str | None = Field(default=None, max_length=500)
    public_key: str | None = Field(default=None, max_length=200)
    fingerprint: str | None = Field(
        default=None, max_length=100, description="checked against the key when given"
    )
    credential: SecretStr | None = Field(
        default=None, max_length=4096, description="write-only: stored sealed, never returned"
    )


class PartnerIn(PartnerFields):
    name: str = PartnerName


class PartnerUpdate(PartnerFields):
    remove_credential: bool = False


def _secret(value: SecretStr | None) -> Secret | None:
    return Secret(value.get_secret_value()) if value is not None else None


class AgreementOut(BaseModel):
    id: str
    partner: str
    handling_codes: list[str]
    tlp_levels: list[str]
    categories: list[Category]
    personal_data: bool
    delivery: Delivery
    expires_at: datetime | None
    in_force: bool
    created_at: datetime


class AgreementIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    handling_codes: list[str] = Field(min_length=1, max_length=50)
    tlp_levels: list[str] = Field(min_length=1, max_length=5)
    categories: list[Category] = Field(min_length=1)
    personal_data: bool = False
    delivery: Delivery = Delivery.PULL
    expires_at: datetime | None = Field(default=None, description="with a time zone")


def agreement_out(ws: Workspace, actor: Actor, agreement: Agreement) -> AgreementOut:
    names = {partner.id: partner.name for partner in sharing.list_partners(ws, actor)}
    return AgreementOut(
        id=agreement.id,
        partner=names.get(agreement.partner_id, agreement.partner_id),
        handling_codes=sorted(agreement.handling_codes),
        tlp_levels=sorted(agreement.tlp_levels),
        categories=sorted(agreement.categories),
        personal_data=agreement.personal_data,
        delivery=agreement.delivery,
        expires_at=agreement.expires_at,
        in_force=agreement.in_force(ws.clock()),
        created_at=agreement.created_at,
    )


@router.get("/partners", response_model=list[PartnerOut], responses=errors(403))
async def list_partners(
    actor: Actor = Depends(api_actor), ws: Workspace = Depends(workspace_of)
) -> list[PartnerOut]:
    found = await run_in_threadpool(sharing.list_partners, ws, actor)
    return [PartnerOut.of(partner) for partner in found]


@router.post(
    "/partners", response_model=PartnerOut, status_code=201, responses=errors(409, write=True)
)
async def add_partner(
    body: PartnerIn, actor: Actor = Depends(api_actor), ws: Workspace = Depends(workspace_of)
) -> PartnerOut:
    partner = await run_in_threadpool(
        lambda: sharing.add_partner(
            ws,
            actor,
            name=body.name,
            kind=body.kind,
            country=body.country,
            taxii_url=body.taxii_url,
            public_key=body.public_key,
            expected_fingerprint=body.fingerprint,
            credential=_secret(body.credential),
        )
    )
    return PartnerOut.of(partner)


@router.get("/partners/{name}", response_model=PartnerOut, responses=errors(403, 404))
async def get_partner(
    name: str, actor: Actor = Depends(api_actor), ws: Workspace = Depends(workspace_of)
) -> PartnerOut:
    return PartnerOut.of(await run_in_threadpool(sharing.get_partner, ws, actor, name))


@router.put("/partners/{name}", response_model=PartnerOut, responses=errors(404, write=True))
async def update_partner(
    name: str,
    body: PartnerUpdate,
    actor: Actor = Depends(api_actor),
    ws: Workspace = Depends(workspace_of),
) -> PartnerOut:
    """Replace a partner's fields (not its name); an absent credential keeps the one set."""
    partner = await run_in_threadpool(
        lambda: sharing.update_partner(
            ws,
            actor,
            name,
            kind=body.kind,
            country=body.country,
            taxii_url=body.taxii_url,
            public_key=body.public_key,
            expected_fingerprint=body.fingerprint,
            credential=_secret(body.credential),
            remove_credential=body.remove_credential,
        )
    )
    return PartnerOut.of(partner)


@router.get("/agreements", response_model=list[AgreementOut], responses=errors(403, 404))
async def list_agreements(
    partner: str | None = Query(None, max_length=100, description="only this partner's"),
    actor: Actor = Depends(api_actor),
    ws: Workspace = Depends(workspace_of),
) -> list[AgreementOut]:
    """Agreements, newest first; a partner's newest is the one that counts."""

    def work() -> list[AgreementOut]:
        found = sharing.list_agreements(ws, actor, partner)
        return [agreement_out(ws, actor, agreement) for agreement in found]

    return await run_in_threadpool(work)


@router.post(
    "/partners/{name}/agreements",
    response_model=AgreementOut,
    status_code=201,
    responses=errors(404, write=True),
)
async def add_agreement(
    name: str,
    body: AgreementIn,
    actor: Actor = Depends(api_actor),
    ws: Workspace = Depends(workspace_of),
) -> AgreementOut:
    """Record what the partner may receive; it supersedes the partner's current agreement."""

    def work() -> AgreementOut:
        agreement = sharing.add_agreement(
            ws,
            actor,
            name,
            handling_codes=body.handling_codes,
            tlp_levels=body.tlp_levels,
            categories=[category.value for category in body.categories],
            personal_data=body.personal_data,
            delivery=body.delivery.value,
            expires_at=body.expires_at,
        )
        return agreement_out(ws, actor, agreement)

    return await run_in_threadpool(work)


@router.get("/agreements/{agreement_id}", response_model=AgreementOut, responses=errors(403, 404))
async def get_agreement(
    agreement_id: str, actor: Actor = Depends(api_actor), ws: Workspace = Depends(workspace_of)
) -> AgreementOut:
    return await run_in_threadpool(
        lambda: agreement_out(ws, actor, sharing.get_agreement(ws, actor, agreement_id))
    )


@router.post(
    "/agreements/{agreement_id}/expire",
    response_model=AgreementOut,
    responses=errors(404, 409, write=True),
)
async def expire_agreement(
    agreement_id: str, actor: Actor = Depends(api_actor), ws: Workspace = Depends(workspace_of)
) -> AgreementOut:
    """End the agreement now: nothing more goes under it (irreversible)."""
    return await run_in_threadpool(
        lambda: agreement_out(ws, actor, sharing.expire_agreement(ws, actor, agreement_id))
    )
