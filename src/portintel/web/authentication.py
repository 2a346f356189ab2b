"""Who is calling: bearer tokens and session cookies, and the CSRF check.

Two ways in, one result (a :class:`Principal`):

- ``Authorization: Bearer <token>`` for scripts and partners; checked by
  ``services.admin.authenticate_token`` (revoked tokens fail). No CSRF
  check: a browser never attaches it by itself.
- the session cookie for people in a browser; every state-changing request
  made with it must carry the session's CSRF token, in the hidden form
  field ``csrf_token`` (pages) or the ``X-CSRF-Token`` header (API).

Authorisation is not decided here: services receive the actor and decide.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field
from typing import Literal

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from portintel.domain.actors import Actor
from portintel.errors import AuthenticationFailed, NotFound, PermissionDenied
from portintel.services import admin
from portintel.services.workspace import Workspace
from portintel.web.error_responses import LoginRequired

SESSION_COOKIE = "portintel_session"
"""Holds the raw session id; the store keeps only its hash (``services.admin.sessions``)."""
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"


@dataclass(frozen=True, slots=True)
class Principal:
    """An authenticated caller: the actor and how they proved it."""

    actor: Actor
    method: Literal["session", "token"]
    session: admin.SessionRecord | None = None
    preferences: admin.Preferences = field(default_factory=admin.Preferences)

    @property
    def csrf_token(self) -> str:
        return self.session.csrf_token if self.session is not None else ""


def workspace_of(request: Request) -> Workspace:
    """The workspace opened once in the application's lifespan."""
    workspace: Workspace = request.app.state.workspace
    return workspace


def _bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, credentials = header.partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        return credentials.strip()
    return None


def _actor_of_session(ws: Workspace, session: admin.SessionRecord) -> Actor:
    try:
        return admin.get_actor(ws, session.user_id)
    except NotFound as exc:
        raise AuthenticationFailed("the account of this session no longer exists") from exc


def _principal_from_request(ws: Workspace, request: Request) -> Principal | None:
    token = _bearer_token(request)
    if token is not None:
        actor = admin.authenticate_token(
            ws,
            token,
            limiter=request.app.state.token_failures,
            client=request.client.host if request.client else "unknown",
        )
        return Principal(actor=actor, method="token")
    raw_id = request.cookies.get(SESSION_COOKIE)
    if not raw_id:
        return None
    session = admin.find_session(ws, raw_id)
    if session is None:
        return None
    actor = _actor_of_session(ws, session)
    return Principal(
        actor=actor,
        method="session",
        session=session,
        preferences=admin.get_preferences(ws, actor.user_id),
    )


def tokens_match(expected: str, presented: str | None) -> bool:
    return (
        bool(expected)
        and presented is not None
        and hmac.compare_digest(expected.encode("utf-8"), presented.encode("utf-8"))
    )


async def api_principal(request: Request, ws: Workspace = Depends(workspace_of)) -> Principal:
    """The API caller; a cookie-authenticated change must carry ``X-CSRF-Token``."""
    principal = await run_in_threadpool(_principal_from_request, ws, request)
    if principal is None:
        raise AuthenticationFailed(
            "authentication required",
            hint="send 'Authorization: Bearer <token>' (portintel user token NAME) or log in",
        )
    if (
        principal.method == "session"
        and request.method not in SAFE_METHODS
        and not tokens_match(principal.csrf_token, request.headers.get(CSRF_HEADER))
    ):
        raise PermissionDenied(
            "missing or wrong CSRF token",
            hint=f"send the session's token in the {CSRF_HEADER} header",
        )
    request.state.principal = principal
    return principal


async def api_actor(principal: Principal = Depends(api_principal)) -> Actor:
    return principal.actor


async def page_principal(request: Request, ws: Workspace = Depends(workspace_of)) -> Principal:
    """The person behind a page; nobody logged in means a redirect to the login page.

    A state-changing request must carry the session's CSRF token in the form.
    """
    try:
        principal = await run_in_threadpool(_principal_from_request, ws, request)
    except AuthenticationFailed:
        principal = None
    if principal is None or principal.method != "session":
        target = request.url.path if request.method in SAFE_METHODS else "/"
        if request.method in SAFE_METHODS and request.url.query:
            target = f"{target}?{request.url.query}"
        raise LoginRequired(target)
    request.state.principal = principal
    if request.method not in SAFE_METHODS:
        form = await request.form()
        presented = form.get(CSRF_FIELD)
        if not tokens_match(
            principal.csrf_token, presented if isinstance(presented, str) else None
        ):
            raise PermissionDenied(
                "this form has expired or did not come from portintel (CSRF check failed)",
                hint="go back, reload the page and submit again",
            )
    return principal


async def page_actor(principal: Principal = Depends(page_principal)) -> Actor:
    return principal.actor
