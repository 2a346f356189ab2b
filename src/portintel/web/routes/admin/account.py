"""The user's own account: password, second factor (TOTP) and API tokens.

Secrets (a new token, a TOTP secret) are shown once, in the response to the
form that created them, and never again.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from portintel.domain.languages import COMMON_TIME_ZONES
from portintel.errors import AuthenticationFailed, Conflict, InvalidInput
from portintel.services import admin
from portintel.services.workspace import Workspace
from portintel.web.authentication import Principal, page_principal, workspace_of
from portintel.web.qr_codes import qr_svg
from portintel.web.templating import offered_languages, render

router = APIRouter(prefix="/account")


def _page(
    request: Request,
    ws: Workspace,
    principal: Principal,
    *,
    status: int = 200,
    **shown: Any,
) -> Response:
    username = principal.actor.username
    context = {
        "user": admin.get_user(ws, principal.actor, username),
        "tokens": admin.list_tokens(ws, principal.actor, username),
        "new_token": None,
        "totp": None,
        "error": None,
        "done": None,
        "languages": offered_languages(),
        "time_zones": COMMON_TIME_ZONES,
        "node_time_zone": request.app.state.settings.time_zone,
        "preferences": principal.preferences,
        **shown,
    }
    return render(request, "admin/account.html", context, status_code=status)


@router.get("")
async def account(
    request: Request,
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    return await run_in_threadpool(_page, request, ws, principal)


@router.post("/password")
async def change_password(
    request: Request,
    current_password: str = Form(..., max_length=1024),
    new_password: str = Form(..., max_length=1024),
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    actor = principal.actor
    this_session = principal.session.id_hash if principal.session is not None else None
    try:
        await run_in_threadpool(
            lambda: admin.set_password(
                ws,
                actor,
                actor.username,
                new_password,
                current_password=current_password,
                keep_session=this_session,
            )
        )
    except (InvalidInput, AuthenticationFailed) as exc:
        message = exc.message
        return await run_in_threadpool(
            lambda: _page(request, ws, principal, status=422, error=message)
        )
    return await run_in_threadpool(lambda: _page(request, ws, principal, done="password"))


@router.post("/preferences")
async def change_preferences(
    request: Request,
    locale: str = Form("", max_length=16),
    time_zone: str = Form("", max_length=64),
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    """The language pages speak and the zone they show times in, for this user."""
    if locale and locale not in offered_languages():
        locale = "?" + locale  # refused below with the list of languages
    try:
        chosen = await run_in_threadpool(
            lambda: admin.set_preferences(ws, principal.actor, locale=locale, time_zone=time_zone)
        )
    except InvalidInput as exc:
        message = exc.message
        return await run_in_threadpool(
            lambda: _page(request, ws, principal, status=422, error=message)
        )
    # this very response is already in the new language and zone
    request.state.principal = replace(principal, preferences=chosen)
    return await run_in_threadpool(
        lambda: _page(request, ws, request.state.principal, done="preferences")
    )


@router.post("/totp")
async def enable_totp(
    request: Request,
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    enrolment = await run_in_threadpool(
        admin.enable_totp, ws, principal.actor, principal.actor.username
    )
    shown = {
        "secret": enrolment.secret.reveal(),
        "uri": enrolment.uri,
        "qr": qr_svg(enrolment.uri),
    }
    return await run_in_threadpool(lambda: _page(request, ws, principal, totp=shown))


@router.post("/totp/confirm")
async def confirm_totp(
    request: Request,
    totp_code: str = Form(..., max_length=16),
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    """The first code from the app switches the pending secret on."""
    actor = principal.actor
    try:
        await run_in_threadpool(admin.confirm_totp, ws, actor, actor.username, totp_code)
    except (InvalidInput, Conflict) as exc:
        message = exc.message
        status = 422 if isinstance(exc, InvalidInput) else 409
        return await run_in_threadpool(
            lambda: _page(request, ws, principal, status=status, error=message)
        )
    return await run_in_threadpool(lambda: _page(request, ws, principal, done="totp"))


@router.post("/tokens")
async def issue_token(
    request: Request,
    name: str = Form(..., max_length=200),
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    issued = await run_in_threadpool(
        admin.issue_token, ws, principal.actor, principal.actor.username, name
    )
    return await run_in_threadpool(
        lambda: _page(request, ws, principal, new_token=issued.secret.reveal())
    )


@router.post("/tokens/{token_id}/revoke")
async def revoke_token(
    token_id: str,
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    await run_in_threadpool(admin.revoke_token, ws, principal.actor, token_id)
    return RedirectResponse("/account", status_code=303)
