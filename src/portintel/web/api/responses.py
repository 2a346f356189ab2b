"""The error responses each API operation documents, one table of meanings.

Every error the API returns has the same body (:class:`ErrorBody`, built by
:func:`portintel.web.error_responses.error_body`). An operation lists the
statuses it can give with :func:`errors`; schemathesis holds the document to
what the server does (tests/web/test_schemathesis.py), so a status missing
here fails the suite.

What every operation can give (:data:`EVERY_OPERATION`): 401 without valid
credentials, 422 for a parameter that is not valid (a NUL character is refused
in any of them), 429 after too many failed tokens from one address, 503 when
the store is unreachable or its disk is full. What every write adds
(:data:`EVERY_WRITE`): 400 for a body that cannot be parsed, 403 for a
session cookie without its CSRF token, 408 for a body that stalls, 413 for a
body over the limit.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class ErrorDetail(BaseModel):
    code: str
    message: str
    field: str | None
    hint: str | None


class ErrorBody(BaseModel):
    """The body of every error response."""

    error: ErrorDetail


MEANINGS: dict[int, str] = {
    400: "The request body could not be parsed (not valid JSON, form or text encoding).",
    401: "No valid credentials: a bearer token or a session cookie.",
    403: "The caller may not do this (role, need-to-know, or a session cookie "
    "without its X-CSRF-Token header on a write).",
    404: "No such object, or one the caller may not know exists.",
    408: "The request body stalled before it was complete.",
    409: "The object's state forbids this (its status, a duplicate).",
    413: "The request body is larger than the server accepts.",
    422: "A parameter or field is not valid; `error.field` names it.",
    429: "Too many failed tokens from this address; retry after `Retry-After` seconds.",
    503: "The store is unavailable or its disk is full; nothing was saved.",
}

EVERY_OPERATION = (401, 422, 429, 503)
EVERY_WRITE = (400, 403, 408, 413)


def errors(*statuses: int, write: bool = False) -> dict[int | str, dict[str, Any]]:
    """The ``responses=`` of an operation: the common statuses and ``statuses``."""
    every = EVERY_OPERATION + (EVERY_WRITE if write else ())
    return {
        status: {"model": ErrorBody, "description": MEANINGS[status]}
        for status in sorted({*every, *statuses})
    }
