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


async def refuse_nul_characters(request: Request) -> None:
    """App-wide dependency: InvalidInput (422) naming the first field that holds a NUL."""
    for name, value in request.path_params.items():
        refuse_nul(str(value), name)
    for name, value in request.query_params.multi_items():
        refuse_nul(name, name)
        refuse_nul(value, name)
    content_type = request.headers.get("content-type", "")
    if request.method in {"GET", "HEAD", "OPTIONS"}:
        return
    if content_type.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
        form = await request.form()  # parsed once: the handler gets the same, cached
        for name, field_value in form.multi_items():
            refuse_nul(name, name)
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
