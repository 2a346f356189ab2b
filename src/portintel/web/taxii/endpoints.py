"""The TAXII 2.1 endpoints: discovery, the API root, collections, objects, manifest, versions,
status, and the push of a partner into its inbox collection.

Every endpoint needs a partner (:func:`~portintel.web.taxii.application.partner_reader`)
and reads through :mod:`portintel.services.sharing` scoped to it. Pages of
objects are written as text around the stored JSON of each object, which is
never parsed on the way out: what a partner receives is byte for byte what
the signed bundle held.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from portintel.domain.sharing.taxii import (
    STIX_MEDIA_TYPE,
    TAXII_MEDIA_TYPE,
    ObjectQuery,
    VersionFilter,
    VersionSelection,
    format_timestamp,
    parse_object_query,
)
from portintel.errors import InvalidInput, NotFound, PermissionDenied
from portintel.services import sharing
from portintel.services.workspace import Workspace
from portintel.web.taxii.application import (
    API_ROOT,
    MOUNT,
    TaxiiResponse,
    UnsupportedMediaType,
    is_taxii_body,
    partner_reader,
    workspace_of,
)

router = APIRouter()

ROOT_PATH = f"{MOUNT}/{API_ROOT}/"


class _Filters:
    """The TAXII query parameters of a paged read, as sent."""

    def __init__(
        self,
        added_after: str | None = Query(None),
        limit: str | None = Query(None),
        next: str | None = Query(None),
        match_id: str | None = Query(None, alias="match[id]"),
        match_type: str | None = Query(None, alias="match[type]"),
        match_version: str | None = Query(None, alias="match[version]"),
        match_spec_version: str | None = Query(None, alias="match[spec_version]"),
    ) -> None:
        self.added_after = added_after
        self.limit = limit
        self.next = next
        self.match_id = match_id
        self.match_type = match_type
        self.match_version = match_version
        self.match_spec_version = match_spec_version

    def query(self, default_versions: VersionFilter | None = None) -> ObjectQuery:
        return parse_object_query(
            added_after=self.added_after,
            limit=self.limit,
            next_value=self.next,
            match_id=self.match_id,
            match_type=self.match_type,
            match_version=self.match_version,
            match_spec_version=self.match_spec_version,
            default_versions=default_versions,
        )


def _json(body: object, headers: dict[str, str] | None = None, status: int = 200) -> Response:
    return TaxiiResponse(
        json.dumps(body, ensure_ascii=False, separators=(",", ":")),
        status_code=status,
        headers=headers,
    )


def _page_headers(page: sharing.Page) -> dict[str, str]:
    if page.first_added is None or page.last_added is None:
        return {}
    return {
        "X-TAXII-Date-Added-First": format_timestamp(page.first_added),
        "X-TAXII-Date-Added-Last": format_timestamp(page.last_added),
    }


def _envelope(page: sharing.Page, key: str, items: Iterable[str]) -> Response:
    """A page as TAXII text: ``more``, ``next`` and the items' JSON as given."""
    if not page.records:
        return TaxiiResponse("{}")
    head = '{"more":' + ("true" if page.more else "false")
    if page.next is not None:
        head += ',"next":' + json.dumps(page.next)
    body = head + ',"' + key + '":[' + ",".join(items) + "]}"
    return TaxiiResponse(body, headers=_page_headers(page))


@router.get("/")
async def discovery(
    request: Request,
    reader: sharing.PartnerReader = Depends(partner_reader),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    return _json(
        {
            "title": f"portintel {ws.settings.node_code}",
            "description": f"TAXII 2.1 server of {ws.settings.node_name} "
            f"({ws.settings.node_code}): the intelligence it sends {reader.partner_name}.",
            "default": ROOT_PATH,
            "api_roots": [ROOT_PATH],
        }
    )


def _check_root(api_root: str) -> None:
    if api_root != API_ROOT:
        raise NotFound(f"no API root {api_root!r}", hint=f"the API root is {ROOT_PATH}")


@router.get("/{api_root}/")
async def api_root(
    api_root: str,
    reader: sharing.PartnerReader = Depends(partner_reader),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    _check_root(api_root)
    return _json(
        {
            "title": f"Sharing of {ws.settings.node_code}",
            "description": "One collection per agreement between this node and yours.",
            "versions": [TAXII_MEDIA_TYPE],
            "max_content_length": ws.settings.max_body_mb * 1024 * 1024,
        }
    )


def _collection(view: sharing.CollectionView | sharing.InboxCollection) -> dict[str, object]:
    inbox = isinstance(view, sharing.InboxCollection)
    return {
        "id": view.id,
        "title": view.title,
        "description": view.description,
        "can_read": not inbox,
        "can_write": inbox,
        "media_types": [STIX_MEDIA_TYPE],
    }


def _all_collections(
    ws: Workspace, reader: sharing.PartnerReader
) -> list[sharing.CollectionView | sharing.InboxCollection]:
    views: list[sharing.CollectionView | sharing.InboxCollection] = list(
        sharing.list_collections(ws, reader)
    )
    inbox = sharing.inbox_of(ws, reader)
    if inbox is not None:
        views.append(inbox)
    return views


@router.get("/{api_root}/collections/")
async def collections(
    api_root: str,
    reader: sharing.PartnerReader = Depends(partner_reader),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    _check_root(api_root)
    views = await run_in_threadpool(_all_collections, ws, reader)
    return _json({"collections": [_collection(view) for view in views]} if views else {})


def _one_collection(
    ws: Workspace, reader: sharing.PartnerReader, wanted: str
) -> sharing.CollectionView | sharing.InboxCollection:
    inbox = sharing.inbox_of(ws, reader)
    if inbox is not None and inbox.id == wanted.strip():
        return inbox
    return sharing.get_collection(ws, reader, wanted)


async def _readable(ws: Workspace, reader: sharing.PartnerReader, wanted: str) -> None:
    """403 for the reader's inbox (write only); a collection it may not reach stays 404."""
    if await run_in_threadpool(sharing.is_inbox, ws, reader, wanted):
        raise PermissionDenied(
            "your inbox collection here is write only: you push into it",
            hint="read what this node sends you from your other collections",
        )


@router.get("/{api_root}/collections/{collection_id}/")
async def collection(
    api_root: str,
    collection_id: str,
    reader: sharing.PartnerReader = Depends(partner_reader),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    _check_root(api_root)
    view = await run_in_threadpool(_one_collection, ws, reader, collection_id)
    return _json(_collection(view))


@router.get("/{api_root}/collections/{collection_id}/objects/")
async def objects(
    api_root: str,
    collection_id: str,
    filters: _Filters = Depends(),
    reader: sharing.PartnerReader = Depends(partner_reader),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    _check_root(api_root)
    await _readable(ws, reader, collection_id)
    query = filters.query()
    page = await run_in_threadpool(sharing.read_objects, ws, reader, collection_id, query)
    return _envelope(page, "objects", (record.text for record in page.records))


@router.post("/{api_root}/collections/{collection_id}/objects/")
async def add_objects(
    api_root: str,
    collection_id: str,
    request: Request,
    reader: sharing.PartnerReader = Depends(partner_reader),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    """A partner pushes into its inbox collection (``can_write``), an envelope of STIX
    objects: verified and received like a pull, answered 202 with the push's status.
    Its other collections hold what this node sends: 403 there, after the checks TAXII
    orders before it (the collection exists for this partner, the body's type). The body
    is read only now, after authentication, and the size limit holds before any of it is
    read (``RequestLimitsMiddleware``)."""
    _check_root(api_root)
    view = await run_in_threadpool(_one_collection, ws, reader, collection_id)
    if not is_taxii_body(request.headers.get("content-type")):
        raise UnsupportedMediaType()
    if not isinstance(view, sharing.InboxCollection):
        raise PermissionDenied(
            "this collection is read-only: it holds what this node sends you",
            hint="push into your inbox collection here (the one with can_write), if your "
            "agreement with this node says push",
        )
    objects = _envelope_objects(await request.body())
    status = await run_in_threadpool(sharing.receive_push, ws, reader, collection_id, objects)
    return _json(_push_status(status), status=202)


def _envelope_objects(body: bytes) -> list[object]:
    try:
        envelope = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInput(
            f"the body is not JSON: {exc}", hint='send a TAXII envelope {"objects": [...]}'
        ) from exc
    objects = envelope.get("objects") if isinstance(envelope, dict) else None
    if not isinstance(objects, list) or not objects:
        raise InvalidInput(
            "the body is not a TAXII envelope with objects",
            field="objects",
            hint='send a TAXII envelope {"objects": [...]} of STIX 2.1 objects',
        )
    return objects


def _push_status(status: sharing.PushStatus) -> dict[str, object]:
    return {
        "id": status.id,
        "status": "pending" if status.pending else "complete",
        "request_timestamp": format_timestamp(status.requested_at),
        "total_count": status.total,
        "success_count": len(status.successes),
        "successes": list(status.successes),
        "failure_count": len(status.failures),
        "failures": list(status.failures),
        "pending_count": len(status.pending),
        "pendings": list(status.pending),
    }


@router.get("/{api_root}/collections/{collection_id}/manifest/")
async def manifest(
    api_root: str,
    collection_id: str,
    filters: _Filters = Depends(),
    reader: sharing.PartnerReader = Depends(partner_reader),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    _check_root(api_root)
    await _readable(ws, reader, collection_id)
    query = filters.query()
    page = await run_in_threadpool(
        lambda: sharing.read_objects(ws, reader, collection_id, query, endpoint="manifest")
    )
    return _envelope(
        page,
        "objects",
        (
            json.dumps(
                {
                    "id": record.id,
                    "date_added": format_timestamp(record.date_added),
                    "version": record.version,
                    "media_type": STIX_MEDIA_TYPE,
                },
                separators=(",", ":"),
            )
            for record in page.records
        ),
    )


@router.get("/{api_root}/collections/{collection_id}/objects/{object_id}/")
async def get_object(
    api_root: str,
    collection_id: str,
    object_id: str,
    filters: _Filters = Depends(),
    reader: sharing.PartnerReader = Depends(partner_reader),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    _check_root(api_root)
    await _readable(ws, reader, collection_id)
    query = filters.query()
    page = await run_in_threadpool(
        lambda: sharing.read_objects(
            ws, reader, collection_id, query, endpoint="object", object_id=object_id
        )
    )
    return _envelope(page, "objects", (record.text for record in page.records))


@router.get("/{api_root}/collections/{collection_id}/objects/{object_id}/versions/")
async def versions(
    api_root: str,
    collection_id: str,
    object_id: str,
    filters: _Filters = Depends(),
    reader: sharing.PartnerReader = Depends(partner_reader),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    _check_root(api_root)
    await _readable(ws, reader, collection_id)
    query = filters.query(VersionFilter(frozenset({VersionSelection.ALL})))
    page = await run_in_threadpool(
        lambda: sharing.read_objects(
            ws, reader, collection_id, query, endpoint="versions", object_id=object_id
        )
    )
    return _envelope(page, "versions", (json.dumps(record.version) for record in page.records))


@router.get("/{api_root}/status/{status_id}/")
async def status(
    api_root: str,
    status_id: str,
    reader: sharing.PartnerReader = Depends(partner_reader),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    _check_root(api_root)
    pushed = await run_in_threadpool(sharing.push_status, ws, reader, status_id)
    if pushed is not None:
        return _json(_push_status(pushed))
    found = await run_in_threadpool(sharing.publication_status, ws, reader, status_id)
    return _json(
        {
            "id": found.id,
            "status": "complete",
            "request_timestamp": format_timestamp(found.published_at),
            "total_count": len(found.objects),
            "success_count": len(found.objects),
            "successes": [{"id": i, "version": v} for i, v in found.objects],
            "failure_count": 0,
            "pending_count": 0,
        }
    )
