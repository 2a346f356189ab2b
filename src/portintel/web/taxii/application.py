"""The TAXII 2.1 server as its own small application, mounted at ``/taxii2``.

Why a mounted application and not more routes of the API: TAXII has its own
media types, its own error body (the TAXII error message resource) and its
own callers (partner nodes, never users), so it gets its own error handlers
and authentication, and stays out of the JSON API's OpenAPI document.

Authentication (:func:`partner_reader`): the token this node issued to the
partner (``portintel partner token NAME``), as ``Authorization: Bearer
<token>`` or HTTP Basic with the partner's name as user name and the token
as password (how the OASIS ``taxii2-client`` sends ``user=``/``password=``).
Users' API tokens and session cookies are never accepted here, and partner
tokens are never accepted by the API (they are kept in different tables).

Content negotiation: every response is ``application/taxii+json;version=2.1``;
a request whose ``Accept`` admits neither it nor a wildcard is answered 406,
and a body that is not ``application/taxii+json;version=2.1`` 415.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from portintel.domain.secret import Secret
from portintel.domain.sharing.taxii import TAXII_MEDIA_TYPE
from portintel.errors import AuthenticationFailed, InvalidInput, PortintelError
from portintel.services import sharing
from portintel.services.workspace import Workspace
from portintel.web.error_responses import status_for

logger = logging.getLogger(__name__)

MOUNT = "/taxii2"
API_ROOT = "sharing"
"""The one API root: ``/taxii2/sharing/``."""

CHALLENGE = 'Basic realm="TAXII", Bearer realm="TAXII"'


def is_taxii_path(path: str) -> bool:
    return path == MOUNT or path.startswith(f"{MOUNT}/")


class NotAcceptable(Exception):
    """The client accepts no media type this server answers with (406)."""


class UnsupportedMediaType(Exception):
    """The request body is not of the TAXII media type (415)."""


class TaxiiResponse(Response):
    media_type = TAXII_MEDIA_TYPE


def error_response(
    status: int,
    title: str,
    description: str | None = None,
    *,
    details: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """The TAXII 2.1 error message resource (section 3.6.1)."""
    body: dict[str, Any] = {"title": title, "http_status": str(status)}
    if description:
        body["description"] = description
    if details:
        body["details"] = details
    if status == 401:
        headers = {**(headers or {}), "WWW-Authenticate": CHALLENGE}
    return TaxiiResponse(json.dumps(body), status_code=status, headers=headers)


def workspace_of(request: Request) -> Workspace:
    """The workspace of the node application this one is mounted in."""
    workspace: Workspace = request.app.state.parent.state.workspace
    return workspace


def _credentials(request: Request) -> tuple[str | None, str] | None:
    """``(user name or None, token)`` from the Authorization header, or None."""
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    value = value.strip()
    if scheme.lower() == "bearer" and value:
        return None, value
    if scheme.lower() == "basic" and value:
        try:
            decoded = base64.b64decode(value, validate=True).decode("utf-8")
        except (binascii.Error, ValueError):
            return None
        user, separator, password = decoded.partition(":")
        if separator and password:
            return user, password
    return None


def _authenticate(ws: Workspace, request: Request) -> sharing.PartnerReader:
    found = _credentials(request)
    if found is None:
        raise AuthenticationFailed(
            "a partner token is required",
            hint="send 'Authorization: Bearer <token>' or HTTP Basic with your node's name "
            "and the token this node issued to you",
        )
    username, token = found
    parent = request.app.state.parent
    return sharing.authenticate_partner(
        ws,
        Secret(token),
        username=username,
        limiter=parent.state.token_failures,
        client=request.client.host if request.client else "unknown",
    )


async def partner_reader(
    request: Request, ws: Workspace = Depends(workspace_of)
) -> sharing.PartnerReader:
    """The partner calling; AuthenticationFailed (401) for anyone else."""
    return await run_in_threadpool(_authenticate, ws, request)


def _media_ranges(header: str) -> list[tuple[str, dict[str, str]]]:
    ranges = []
    for part in header.split(","):
        pieces = [piece.strip() for piece in part.split(";") if piece.strip()]
        if not pieces:
            continue
        parameters = {}
        for piece in pieces[1:]:
            key, _, value = piece.partition("=")
            parameters[key.strip().lower()] = value.strip().strip('"')
        ranges.append((pieces[0].lower(), parameters))
    return ranges


def accepts_taxii(header: str | None) -> bool:
    """Whether an ``Accept`` header admits ``application/taxii+json;version=2.1``."""
    if header is None or not header.strip():
        return True
    for media, parameters in _media_ranges(header):
        if parameters.get("q") in ("0", "0.0", "0.00", "0.000"):
            continue
        if media in ("*/*", "application/*"):
            return True
        if media == "application/taxii+json" and parameters.get("version", "2.1") == "2.1":
            return True
    return False


def is_taxii_body(header: str | None) -> bool:
    """Whether a ``Content-Type`` is the TAXII 2.1 media type."""
    ranges = _media_ranges(header or "")
    return bool(ranges) and (
        ranges[0][0] == "application/taxii+json" and ranges[0][1].get("version") == "2.1"
    )


async def negotiate(request: Request) -> None:
    """406 unless the client accepts the TAXII media type."""
    if not accepts_taxii(request.headers.get("accept")):
        raise NotAcceptable()


async def _portintel_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, PortintelError)
    status = status_for(exc)
    if isinstance(exc, InvalidInput):
        status = 400  # TAXII answers a bad parameter with 400
    if status >= 500:
        logger.error("%s on %s %s: %s", exc.code, request.method, request.url.path, exc.message)
    retry_after = getattr(exc, "retry_after_seconds", None)
    details = {
        key: value
        for key, value in (("field", getattr(exc, "field", None)), ("hint", exc.hint))
        if value
    }
    return error_response(
        status,
        exc.message,
        details=details or None,
        headers={"Retry-After": str(retry_after)} if retry_after is not None else None,
    )


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    first = exc.errors()[0] if exc.errors() else {"msg": "invalid request"}
    return error_response(400, str(first.get("msg")))


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    return error_response(
        exc.status_code, str(exc.detail), headers=dict(exc.headers) if exc.headers else None
    )


async def _not_acceptable(request: Request, exc: Exception) -> Response:
    return error_response(
        406,
        "this server answers with application/taxii+json;version=2.1 only",
        details={"hint": f"send 'Accept: {TAXII_MEDIA_TYPE}'"},
    )


async def _unsupported(request: Request, exc: Exception) -> Response:
    return error_response(
        415,
        "the request body must be application/taxii+json;version=2.1",
        details={"hint": f"send 'Content-Type: {TAXII_MEDIA_TYPE}'"},
    )


async def _unexpected_error(request: Request, exc: Exception) -> Response:
    logger.exception("unexpected error on %s %s", request.method, request.url.path)
    return error_response(500, "an unexpected error occurred; it has been logged")


def create_taxii_app(parent: FastAPI) -> FastAPI:
    """The TAXII application of the node ``parent`` (its workspace, settings and limiter)."""
    from portintel.web.taxii import endpoints

    taxii = FastAPI(
        title="portintel TAXII 2.1",
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
        dependencies=[Depends(negotiate)],
    )
    taxii.state.parent = parent
    taxii.add_exception_handler(PortintelError, _portintel_error)
    taxii.add_exception_handler(RequestValidationError, _validation_error)
    taxii.add_exception_handler(StarletteHTTPException, _http_error)
    taxii.add_exception_handler(NotAcceptable, _not_acceptable)
    taxii.add_exception_handler(UnsupportedMediaType, _unsupported)
    taxii.add_exception_handler(Exception, _unexpected_error)
    taxii.include_router(endpoints.router)
    return taxii
