"""Login and logout pages.

The password (argon2) and the optional TOTP code are checked, and the
session opened, by ``services.admin.sign_in``, which also applies lockout
after repeated failures. Before a session exists the login form is protected
against cross-site submission by a double-submit token (cookie + field).
"""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from portintel.errors import AuthenticationFailed, PermissionDenied
from portintel.services import admin
from portintel.services.workspace import Workspace
from portintel.web.authentication import (
    SESSION_COOKIE,
    Principal,
    page_principal,
    tokens_match,
    workspace_of,
)
from portintel.web.templating import render

router = APIRouter()
LOGIN_COOKIE = "portintel_login"


def safe_next(target: str | None) -> str:
    """Only local paths: an open redirect would let a phishing link borrow our login page."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _login_page(
    request: Request,
    *,
    next_path: str,
    username: str = "",
    error: str | None = None,
    hint: str | None = None,
    status: int,
) -> Response:
    login_token = secrets.token_urlsafe(32)
    response = render(
        request,
        "admin/login.html",
        {
            "next": next_path,
            "username": username,
            "error": error,
            "hint": hint,
            "login_token": login_token,
        },
        status_code=status,
    )
    response.set_cookie(
        LOGIN_COOKIE,
        login_token,
        httponly=True,
        samesite="strict",
        secure=request.app.state.settings.secure_cookies,
        path="/login",
        max_age=3600,
    )
    return response


@router.get("/login")
def login_form(
    request: Request, next: str = "/", ws: Workspace = Depends(workspace_of)
) -> Response:
    raw_id = request.cookies.get(SESSION_COOKIE)
    if raw_id and admin.find_session(ws, raw_id) is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return _login_page(request, next_path=safe_next(next), status=200)


@router.post("/login")
async def login(
    request: Request,
    username: str = Form(..., max_length=100),
    password: str = Form(..., max_length=1000),
    totp_code: str = Form("", max_length=16),
    login_token: str = Form(""),
    next: str = Form("/"),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    target = safe_next(next)
    if not tokens_match(request.cookies.get(LOGIN_COOKIE, ""), login_token):
        raise PermissionDenied(
            "this login form has expired or did not come from portintel",
            hint="reload the login page and try again",
        )
    code = totp_code.strip() or None
    try:
        signed_in = await run_in_threadpool(
            admin.sign_in, ws, username.strip(), password, totp_code=code
        )
    except AuthenticationFailed as exc:
        return _login_page(
            request,
            next_path=target,
            username=username,
            error=exc.message,
            hint=exc.hint,
            status=401,
        )
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        signed_in.session_id.reveal(),
        httponly=True,
        samesite="strict",
        secure=request.app.state.settings.secure_cookies,
        path="/",
    )
    response.delete_cookie(LOGIN_COOKIE, path="/login")
    return response


@router.post("/logout")
def logout(
    request: Request,
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    admin.sign_out(ws, principal.actor, request.cookies.get(SESSION_COOKIE, ""))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(
        SESSION_COOKIE,
        path="/",
        httponly=True,
        samesite="strict",
        secure=request.app.state.settings.secure_cookies,
    )
    return response
