"""Errors to HTTP: one table from error class to status, JSON on the API, pages elsewhere.

The most specific class in an error's MRO decides its status, so a new
subclass inherits its parent's status until it is given its own row.
Every row is tested (tests/web/test_errors.py).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from portintel.errors import (
    AuthenticationFailed,
    ConfigurationError,
    Conflict,
    ImportRowError,
    InvalidInput,
    NotFound,
    PeerRefused,
    PermissionDenied,
    PortintelError,
    RateLimited,
    StorageFull,
    UpstreamFailure,
)

logger = logging.getLogger(__name__)

STATUS_BY_ERROR: dict[type[PortintelError], int] = {
    InvalidInput: 422,
    ImportRowError: 422,
    NotFound: 404,
    PermissionDenied: 403,
    AuthenticationFailed: 401,
    RateLimited: 429,
    Conflict: 409,
    UpstreamFailure: 503,
    PeerRefused: 502,
    StorageFull: 503,
    ConfigurationError: 500,
    PortintelError: 500,
}

CODE_BY_HTTP_STATUS = {
    400: "bad_request",
    401: "authentication_failed",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    408: "timeout",
    409: "conflict",
    413: "too_large",
    422: "invalid_input",
    429: "rate_limited",
}


class LoginRequired(Exception):
    """Raised by page dependencies when nobody is logged in: answered by a redirect."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


def status_for(error: PortintelError) -> int:
    """The HTTP status of ``error``: the row of the most specific class that has one."""
    for klass in type(error).__mro__:
        if klass in STATUS_BY_ERROR:
            return STATUS_BY_ERROR[klass]
    return 500


def is_api_request(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def error_body(
    code: str, message: str, *, field: str | None = None, hint: str | None = None
) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "field": field, "hint": hint}}


def _field_of(location: Sequence[Any]) -> str | None:
    """``("body", "grading", "reliability")`` -> ``"grading.reliability"``."""
    parts = [str(part) for part in location]
    if parts and parts[0] in {"body", "query", "path", "header", "cookie", "form"}:
        parts = parts[1:]
    return ".".join(parts) or None


def render_error(
    request: Request,
    status: int,
    code: str,
    message: str,
    *,
    field: str | None = None,
    hint: str | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    if status == 401:
        headers = {**(headers or {}), "WWW-Authenticate": "Bearer"}
    if is_api_request(request):
        body = error_body(code, message, field=field, hint=hint)
        return JSONResponse(body, status_code=status, headers=headers)
    from portintel.web.templating import render

    page = render(
        request,
        "error.html",
        {"status": status, "code": code, "message": message, "field": field, "hint": hint},
        status_code=status,
    )
    page.headers.update(headers or {})
    return page


async def _portintel_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, PortintelError)
    status = status_for(exc)
    if status == 401 and not is_api_request(request):
        return _login_redirect(request.url.path)
    if status >= 500:
        logger.error("%s on %s %s: %s", exc.code, request.method, request.url.path, exc.message)
    retry_after = getattr(exc, "retry_after_seconds", None)
    return render_error(
        request,
        status,
        exc.code,
        exc.message,
        field=getattr(exc, "field", None),
        hint=exc.hint,
        headers={"Retry-After": str(retry_after)} if retry_after is not None else None,
    )


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    first = errors[0] if errors else {"loc": (), "msg": "invalid request"}
    field = _field_of(first.get("loc", ()))
    message = f"{field}: {first.get('msg')}" if field else str(first.get("msg"))
    return render_error(request, 422, InvalidInput.code, message, field=field)


HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def allowed_methods(request: Request) -> str:
    """Every method some route of this path answers, for the ``Allow`` header of a 405.

    Why not Starlette's own: it names the methods of the first route that
    matched the path only, so ``/reports`` (GET and POST, two routes) said
    ``Allow: GET``. Each method is tried against the app's routes as they
    match a request (included routers too).
    """
    allowed = [
        method
        for method in HTTP_METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] == Match.FULL
            for route in request.app.router.routes
        )
    ]
    return ", ".join(allowed)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    code = CODE_BY_HTTP_STATUS.get(exc.status_code, "error")
    response = render_error(request, exc.status_code, code, str(exc.detail))
    if exc.headers:
        response.headers.update(exc.headers)
    if exc.status_code == 405:
        response.headers["Allow"] = allowed_methods(request)
    return response


def _login_redirect(next_path: str) -> Response:
    from urllib.parse import quote

    return RedirectResponse(f"/login?next={quote(next_path, safe='/')}", status_code=303)


async def _login_required(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, LoginRequired)
    return _login_redirect(exc.next_path)


async def _unexpected_error(request: Request, exc: Exception) -> Response:
    """The request boundary: log the failure, answer without internals."""
    logger.exception("unexpected error on %s %s", request.method, request.url.path)
    return render_error(
        request, 500, "internal_error", "an unexpected error occurred; it has been logged"
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(PortintelError, _portintel_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(LoginRequired, _login_required)
    app.add_exception_handler(Exception, _unexpected_error)
