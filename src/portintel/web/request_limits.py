"""Limits on request bodies, enforced before anything reads them (a plain ASGI middleware).

Why a middleware and not the routes: FastAPI reads and parses a body before
it runs any dependency, authentication included, and Starlette spools a
multipart upload to disk as it reads. A route's own check comes too late: an
anonymous client could make the server hold a 300 MB JSON body in memory or
write a 1 GB upload to disk before the 401. So, in this order and before the
application sees the request:

1. a declared ``Content-Length`` over the limit is refused (413) unread;
2. a request that changes state, on a route that needs a session or a token,
   and that carries neither (no ``Authorization`` header, no session cookie)
   is refused unread: 401 on the API, the login page for pages. This is only a
   cheap look at the headers: whether the credentials are valid is decided
   later, as before, and such a body is still held to the limit;
3. the body is counted as it streams (chunked bodies have no length): past the
   limit, reading stops with 413;
4. a body that stops arriving for ``body_timeout_seconds`` ends with 408.

The limit is ``max_body_mb`` for every request, and ``max_upload_mb`` for the
routes that take attachments (:data:`UPLOAD_ROUTES`). Errors have the house
shape (:mod:`portintel.web.error_responses`): JSON under ``/api/``, the error
page elsewhere.
"""

from __future__ import annotations

import asyncio
import re
from urllib.parse import quote

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from portintel.settings import Settings
from portintel.web.authentication import SESSION_COOKIE
from portintel.web.error_responses import CODE_BY_HTTP_STATUS, is_api_request, render_error
from portintel.web.taxii.application import error_response as taxii_error
from portintel.web.taxii.application import is_taxii_path

MIB = 1024 * 1024
BODYLESS_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

UPLOAD_ROUTES = re.compile(r"/reports|(/api/v1)?/reports/[^/]+/attachments")
"""Routes that accept a file (POST): the report form's page and attachments, page and API."""

PUBLIC_ROUTES = frozenset({"/login", "/tip"})
"""Routes that take a body from someone not signed in; every other one needs credentials."""

PUBLIC_TIP_LIMIT = 64 * 1024
"""The body of the public tip form: 5,000 characters of any script, form-encoded, fit in it."""


class RequestLimitsMiddleware:
    """Refuse oversized, anonymous or stalled request bodies before they are read."""

    def __init__(self, app: ASGIApp, *, settings: Settings) -> None:
        self.app = app
        self.max_body = settings.max_body_mb * MIB
        self.max_upload = settings.max_upload_mb * MIB
        self.timeout = settings.body_timeout_seconds

    def limit_for(self, method: str, path: str) -> int:
        if path == "/tip":  # a stranger's tip: its text and contact, never a file
            return min(self.max_body, PUBLIC_TIP_LIMIT)
        if method == "POST" and UPLOAD_ROUTES.fullmatch(path):
            return self.max_upload
        return self.max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method: str = scope["method"]
        path: str = scope["path"]
        headers = Headers(scope=scope)
        limit = self.limit_for(method, path)
        declared = headers.get("content-length")
        if declared is not None:
            if not declared.isdigit():
                await self._refuse(scope, send, 400, "the Content-Length header is not a number")
                return
            if int(declared) > limit:
                await self._refuse(scope, send, 413, _too_large(limit), hint=_SMALLER)
                return
        if (
            method not in BODYLESS_METHODS
            and path not in PUBLIC_ROUTES
            and not _carries_credentials(headers)
        ):
            await self._refuse_anonymous(scope, send)
            return
        await self.app(scope, self._limited(receive, limit), send)

    def _limited(self, receive: Receive, limit: int) -> Receive:
        """``receive`` that counts the body and waits at most ``timeout`` for each part."""
        received = 0
        complete = False
        timeout = self.timeout

        async def limited_receive() -> Message:
            nonlocal received, complete
            if complete:  # the body is in; later calls only wait for a disconnect
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), timeout)
            except TimeoutError:
                raise HTTPException(
                    408, f"the request body did not arrive within {timeout:g} seconds"
                ) from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise HTTPException(413, _too_large(limit))  # the house shape, by _http_error
                complete = not message.get("more_body", False)
            else:
                complete = True
            return message

        return limited_receive

    async def _refuse(
        self, scope: Scope, send: Send, status: int, message: str, *, hint: str | None = None
    ) -> None:
        request = Request(scope)
        code = CODE_BY_HTTP_STATUS.get(status, "error")
        if is_taxii_path(request.url.path):  # partners get TAXII's error message resource
            response = taxii_error(status, message, details={"hint": hint} if hint else None)
        else:
            response = render_error(request, status, code, message, hint=hint)
        response.headers["connection"] = "close"
        await response(scope, _no_body, send)

    async def _refuse_anonymous(self, scope: Scope, send: Send) -> None:
        request = Request(scope)
        if is_api_request(request) or is_taxii_path(request.url.path):
            await self._refuse(
                scope,
                send,
                401,
                "authentication required",
                hint="send 'Authorization: Bearer <token>' (portintel user token NAME) or log in",
            )
            return
        response = RedirectResponse(f"/login?next={quote('/', safe='/')}", status_code=303)
        response.headers["connection"] = "close"
        await response(scope, _no_body, send)


def _carries_credentials(headers: Headers) -> bool:
    """Whether the request presents a token or a session cookie at all (not whether valid)."""
    if headers.get("authorization", "").strip():
        return True
    return f"{SESSION_COOKIE}=" in headers.get("cookie", "")


_SMALLER = "send less at once; the operator sets the limits (max_body_mb, max_upload_mb)"


def _too_large(limit: int) -> str:
    if limit < MIB:
        return f"the request body is larger than the limit of {limit // 1024} KiB"
    return f"the request body is larger than the limit of {limit // MIB} MiB"


async def _no_body() -> Message:
    """A responder never reads the refused body."""
    return {"type": "http.disconnect"}
