"""Partner and agreement pages: administrators register and edit, supervisors read.

The credential field is write-only: it is never filled in, never shown, and
a refused form brings back everything else as typed (a password field is not
refilled, the page says so). The public key's fingerprint is shown, so an
administrator can compare it with the partner by another channel.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from portintel.domain.actors import Role
from portintel.domain.secret import Secret
from portintel.domain.sharing import Category, Delivery, NodeKind
from portintel.errors import InvalidInput
from portintel.services import sharing
from portintel.services.workspace import Workspace
from portintel.web.authentication import Principal, page_principal, workspace_of
from portintel.web.routes.sharing.labels import SharingLabels
from portintel.web.templating import render

router = APIRouter(prefix="/sharing")

PARTNER_FIELDS = ("name", "kind", "country", "taxii_url", "public_key", "fingerprint")
EMPTY_AGREEMENT: dict[str, Any] = {
    "handling": [],
    "tlp": [],
    "categories": [],
    "personal_data": False,
    "delivery": Delivery.PULL.value,
    "expires": "",
}


def labels_of(request: Request) -> SharingLabels:
    return SharingLabels(request.app.state.handling)


def _choices(request: Request) -> dict[str, Any]:
    return {
        "labels": labels_of(request),
        "kinds": [kind.value for kind in NodeKind],
        "categories": [category.value for category in Category],
        "deliveries": [delivery.value for delivery in Delivery],
    }


def _is_admin(principal: Principal) -> bool:
    return principal.actor.has(Role.ADMINISTRATOR)


def _partners_page(
    request: Request,
    ws: Workspace,
    principal: Principal,
    *,
    form: dict[str, Any] | None = None,
    error: InvalidInput | None = None,
    status: int = 200,
) -> Response:
    partners = sharing.list_partners(ws, principal.actor)
    agreements = sharing.list_agreements(ws, principal.actor)
    latest: dict[str, Any] = {}
    for agreement in agreements:  # newest first: the first one met is the current one
        latest.setdefault(agreement.partner_id, agreement)
    context = {
        "partners": partners,
        "current": latest,
        "now": ws.clock(),
        "may_edit": _is_admin(principal),
        "form": form or dict.fromkeys(PARTNER_FIELDS, ""),
        "error": error,
        **_choices(request),
    }
    return render(request, "sharing/partners.html", context, status_code=status)


@router.get("/partners")
async def partners_page(
    request: Request,
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    return await run_in_threadpool(_partners_page, request, ws, principal)


def _secret(text: str) -> Secret | None:
    return Secret(text) if text else None


@router.post("/partners")
async def register_partner(
    request: Request,
    name: str = Form("", max_length=100),
    kind: str = Form("", max_length=32),
    country: str = Form("", max_length=8),
    taxii_url: str = Form("", max_length=500),
    public_key: str = Form("", max_length=200),
    fingerprint: str = Form("", max_length=100),
    credential: str = Form("", max_length=4096),
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    try:
        partner = await run_in_threadpool(
            lambda: sharing.add_partner(
                ws,
                principal.actor,
                name=name,
                kind=kind,
                country=country,
                taxii_url=taxii_url or None,
                public_key=public_key or None,
                expected_fingerprint=fingerprint or None,
                credential=_secret(credential),
            )
        )
    except InvalidInput as exc:
        refused: InvalidInput = exc
        form = {
            "name": name,
            "kind": kind,
            "country": country,
            "taxii_url": taxii_url,
            "public_key": public_key,
            "fingerprint": fingerprint,
            "credential_typed": bool(credential),
        }
        return await run_in_threadpool(
            lambda: _partners_page(request, ws, principal, form=form, error=refused, status=422)
        )
    return RedirectResponse(f"/sharing/partners/{partner.name}", status_code=303)


def _partner_page(
    request: Request,
    ws: Workspace,
    principal: Principal,
    name: str,
    *,
    form: dict[str, Any] | None = None,
    agreement_form: dict[str, Any] | None = None,
    error: InvalidInput | None = None,
    agreement_error: InvalidInput | None = None,
    recipient_form: str | None = None,
    recipient_error: InvalidInput | None = None,
    status: int = 200,
) -> Response:
    partner = sharing.get_partner(ws, principal.actor, name)
    agreements = sharing.list_agreements(ws, principal.actor, partner.name)
    recipient = sharing.push_recipient(ws, principal.actor, partner.name)
    context = {
        "partner": partner,
        "agreements": agreements,
        "pushes": bool(agreements)
        and agreements[0].delivery is Delivery.PUSH
        and agreements[0].in_force(ws.clock()),
        "recipient": recipient,
        "recipient_choices": sharing.push_recipient_choices(ws, principal.actor)
        if _is_admin(principal)
        else [],
        "recipient_form": recipient_form
        if recipient_form is not None
        else (recipient.username if recipient else ""),
        "recipient_error": recipient_error,
        "now": ws.clock(),
        "may_edit": _is_admin(principal),
        "form": form
        or {
            "kind": partner.kind.value,
            "country": partner.country,
            "taxii_url": partner.taxii_url or "",
            "public_key": partner.public_key or "",
            "fingerprint": "",
        },
        "agreement_form": agreement_form or EMPTY_AGREEMENT,
        "error": error,
        "agreement_error": agreement_error,
        **_choices(request),
    }
    return render(request, "sharing/partner.html", context, status_code=status)


@router.get("/partners/{name}")
async def partner_page(
    request: Request,
    name: str,
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    return await run_in_threadpool(_partner_page, request, ws, principal, name)


@router.post("/partners/{name}")
async def edit_partner(
    request: Request,
    name: str,
    kind: str = Form("", max_length=32),
    country: str = Form("", max_length=8),
    taxii_url: str = Form("", max_length=500),
    public_key: str = Form("", max_length=200),
    fingerprint: str = Form("", max_length=100),
    credential: str = Form("", max_length=4096),
    remove_credential: bool = Form(False),
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    try:
        partner = await run_in_threadpool(
            lambda: sharing.update_partner(
                ws,
                principal.actor,
                name,
                kind=kind,
                country=country,
                taxii_url=taxii_url or None,
                public_key=public_key or None,
                expected_fingerprint=fingerprint or None,
                credential=_secret(credential),
                remove_credential=remove_credential,
            )
        )
    except InvalidInput as exc:
        refused: InvalidInput = exc
        form = {
            "kind": kind,
            "country": country,
            "taxii_url": taxii_url,
            "public_key": public_key,
            "fingerprint": fingerprint,
            "credential_typed": bool(credential),
        }
        return await run_in_threadpool(
            lambda: _partner_page(
                request, ws, principal, name, form=form, error=refused, status=422
            )
        )
    return RedirectResponse(f"/sharing/partners/{partner.name}", status_code=303)


@router.post("/partners/{name}/recipient")
async def choose_push_recipient(
    request: Request,
    name: str,
    recipient: str = Form("", max_length=100),
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    """Who receives what the partner pushes (empty: nobody, its pushes are refused)."""
    try:
        chosen = await run_in_threadpool(
            sharing.set_push_recipient, ws, principal.actor, name, recipient or None
        )
    except InvalidInput as exc:
        refused: InvalidInput = exc
        return await run_in_threadpool(
            lambda: _partner_page(
                request,
                ws,
                principal,
                name,
                recipient_form=recipient,
                recipient_error=refused,
                status=422,
            )
        )
    partner = chosen.partner if chosen is not None else name.strip().upper()
    return RedirectResponse(f"/sharing/partners/{partner}#push", status_code=303)


def parse_expiry(text: str) -> datetime | None:
    """A day (``2027-12-31``, the end of it is meant: midnight after) or a time, in UTC."""
    cleaned = text.strip()
    if not cleaned:
        return None
    try:
        value = datetime.fromisoformat(cleaned)
    except ValueError as exc:
        raise InvalidInput(
            f"expiry {text!r} is not a date", field="expires_at", hint="e.g. 2027-12-31"
        ) from exc
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


@router.post("/partners/{name}/agreements")
async def add_agreement(
    request: Request,
    name: str,
    handling: list[str] = Form(default=[]),
    tlp: list[str] = Form(default=[]),
    categories: list[str] = Form(default=[]),
    personal_data: bool = Form(False),
    delivery: str = Form("pull", max_length=8),
    expires: str = Form("", max_length=40),
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    try:
        agreement = await run_in_threadpool(
            lambda: sharing.add_agreement(
                ws,
                principal.actor,
                name,
                handling_codes=handling,
                tlp_levels=tlp,
                categories=categories,
                personal_data=personal_data,
                delivery=delivery,
                expires_at=parse_expiry(expires),
            )
        )
    except InvalidInput as exc:
        refused: InvalidInput = exc
        typed = {
            "handling": handling,
            "tlp": tlp,
            "categories": categories,
            "personal_data": personal_data,
            "delivery": delivery,
            "expires": expires,
        }
        return await run_in_threadpool(
            lambda: _partner_page(
                request,
                ws,
                principal,
                name,
                agreement_form=typed,
                agreement_error=refused,
                status=422,
            )
        )
    return RedirectResponse(f"/sharing/agreements/{agreement.id}", status_code=303)


def _agreements_page(request: Request, ws: Workspace, principal: Principal) -> Response:
    partners = {p.id: p for p in sharing.list_partners(ws, principal.actor)}
    context = {
        "agreements": sharing.list_agreements(ws, principal.actor),
        "partners": partners,
        "now": ws.clock(),
        **_choices(request),
    }
    return render(request, "sharing/agreements.html", context)


@router.get("/agreements")
async def agreements_page(
    request: Request,
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    return await run_in_threadpool(_agreements_page, request, ws, principal)


def _agreement_page(
    request: Request, ws: Workspace, principal: Principal, agreement_id: str
) -> Response:
    agreement = sharing.get_agreement(ws, principal.actor, agreement_id)
    partners = {p.id: p for p in sharing.list_partners(ws, principal.actor)}
    current = sharing.current_agreement(ws, agreement.partner_id)
    context = {
        "agreement": agreement,
        "partner": partners.get(agreement.partner_id),
        "superseded": current is not None and current.id != agreement.id,
        "now": ws.clock(),
        "may_edit": _is_admin(principal),
        **_choices(request),
    }
    return render(request, "sharing/agreement.html", context)


@router.get("/agreements/{agreement_id}")
async def agreement_page(
    request: Request,
    agreement_id: str,
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    return await run_in_threadpool(_agreement_page, request, ws, principal, agreement_id)


@router.post("/agreements/{agreement_id}/expire")
async def expire_agreement(
    agreement_id: str,
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    await run_in_threadpool(sharing.expire_agreement, ws, principal.actor, agreement_id)
    return RedirectResponse(f"/sharing/agreements/{agreement_id}", status_code=303)
