"""Every text a request brings (query, path, form, JSON body) is refused with a NUL character.

Why here as well as in the domain: a NUL in a search term, a filter, a
user's display name or a source's notes reached PostgreSQL, which refuses
it, and the client got a server error (SQLite stored it). One check at the
edge, run before any handler, answers 422 naming the field for every route,
whichever service the value would have reached. Uploaded files are bytes
and are not checked; their names are (a multipart field's filename).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from fastapi import Request
from starlette.datastructures import UploadFile

from portintel.domain.storable_text import NUL, refuse_nul


def _strings(value: Any, field: str) -> Iterator[tuple[str, str]]:
    """Every string in a decoded JSON value, with its dotted field name."""
    if isinstance(value, str):
        yield field, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(str(key), field)  # a key is text too
            yield from _strings(item, f"{field}.{key}" if field else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{field}.{index}" if field else str(index))


def _query_parameters(request: Request) -> set[str]:
    """The query parameters the matched route reads, its dependencies' included."""
    names: set[str] = set()
    pending = [getattr(request.scope.get("route"), "dependant", None)]
    while pending:
        dependant = pending.pop()
        if dependant is not None:
            names.update(field.alias for field in dependant.query_params)
            pending.extend(dependant.dependencies)
    return names


def _form_fields(request: Request) -> set[str]:
    """The form fields the matched route reads (its ``Form`` and ``File`` parameters)."""
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None:
        return set()
    return {field.alias for field in dependant.body_params}


async def refuse_nul_characters(request: Request) -> None:
    """App-wide dependency: InvalidInput (422) naming the first field that holds a NUL."""
    for name, value in request.path_params.items():
        refuse_nul(str(value), name)
    declared = _query_parameters(request)
    for name, value in request.query_params.multi_items():
        if name in declared:  # a parameter the route does not read is never stored
            refuse_nul(value, name)
    content_type = request.headers.get("content-type", "")
    if request.method in {"GET", "HEAD", "OPTIONS"}:
        return
    if content_type.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
        declared = _form_fields(request)
        form = await request.form()  # parsed once: the handler gets the same, cached
        for name, field_value in form.multi_items():
            if name not in declared:
                continue  # a field the route does not read is never stored
            if isinstance(field_value, UploadFile):
                refuse_nul(field_value.filename, name)
            else:
                refuse_nul(field_value, name)
    elif "json" in content_type:
        body = await request.body()  # cached by the request: read from the stream once
        if NUL.encode() not in body and b"\\u0000" not in body:
            return
        try:
            decoded = json.loads(body)
        except ValueError:
            return  # the handler answers a broken body
        for field, text in _strings(decoded, ""):
            refuse_nul(text, field or "body")


NO_NUL = "^[^\\u0000]*$"
"""The JSON Schema pattern of a string without NUL, as the document states it."""

_SHAPED = ("pattern", "enum", "const", "format")


def document_nul_refusal(document: dict[str, Any]) -> None:
    """Give every free string a request may carry the pattern :data:`NO_NUL`.

    So the OpenAPI document says what :func:`refuse_nul_characters` does: the
    parameters and request bodies of every operation, and the component
    schemas they refer to. Responses are left as they are. A string already
    shaped (a pattern, an enum, a format) admits no NUL already.
    """
    components = document.get("components", {}).get("schemas", {})
    seen: set[str] = set()

    def patch(node: Any) -> None:
        if isinstance(node, dict):
            reference = node.get("$ref")
            if isinstance(reference, str) and reference not in seen:
                seen.add(reference)
                patch(components.get(reference.rsplit("/", 1)[-1]))
            if node.get("type") == "string" and not any(key in node for key in _SHAPED):
                node["pattern"] = NO_NUL
            for value in node.values():
                patch(value)
        elif isinstance(node, list):
            for value in node:
                patch(value)

    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            patch(operation.get("parameters", []))
            patch(operation.get("requestBody", {}))


NON_BLANK = r"^[^\x00]*[^\s\x00][^\x00]*$"
"""The pattern of a text that must say something: one character besides spaces, no NUL."""
