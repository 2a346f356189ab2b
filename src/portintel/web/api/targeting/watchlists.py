"""``/api/v1/watchlists``: entries, their hits; add and remove.

An entry watches a vessel, person, phone or organisation by names (matched
across scripts) and identifiers (matched exactly); adding one sweeps the
entity store for it at once (later data is matched as it arrives, by the
targeting jobs plugin). Entries with a restrictive handling code are
read by their owner's agency and supervisors only; others' are 404.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from portintel.domain.actors import Actor
from portintel.services.targeting import (
    WatchEntryView,
    add_entry,
    get_entry,
    list_entries,
    list_hits,
    parse_identifiers,
    raise_for_hits,
    remove_entry,
    sweep_entries,
)
from portintel.services.workspace import Workspace
from portintel.web.api.responses import errors
from portintel.web.authentication import api_actor, workspace_of

router = APIRouter(tags=["watchlists"])

Kind = Literal["vessel", "person", "phone", "organisation"]


class WatchEntryIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Kind
    names: list[str] = Field(default_factory=list, max_length=20)
    identifiers: list[str] = Field(
        default_factory=list,
        max_length=20,
        description="KIND:VALUE, e.g. imo:9074729, mmsi:574000001, phone:+85512345678",
    )
    reason: str = Field(min_length=1, max_length=2000)
    handling: str = Field(min_length=1, max_length=64, description="e.g. tlp:AMBER")
    expires_at: datetime | None = Field(default=None, description="default: a year from now")


class WatchEntryOut(BaseModel):
    id: str
    kind: str
    kind_label: str
    names: list[str]
    identifiers: list[str]
    reason: str
    owner_id: str
    handling: str
    handling_label: str
    expires_at: datetime | None
    created_at: datetime
    removed_at: datetime | None
    hits: int

    @classmethod
    def of(cls, view: WatchEntryView) -> WatchEntryOut:
        entry = view.entry
        return cls(
            id=entry.id,
            kind=entry.kind,
            kind_label=view.kind_label,
            names=list(entry.names),
            identifiers=[f"{k}:{v}" for k, v in entry.identifiers],
            reason=entry.reason,
            owner_id=entry.owner_id,
            handling=entry.handling,
            handling_label=view.handling_label,
            expires_at=entry.expires_at,
            created_at=entry.created_at,
            removed_at=entry.removed_at,
            hits=view.hits,
        )


class WatchHitOut(BaseModel):
    cause_key: str
    entity_id: str
    schema_: str = Field(alias="schema")
    method: str = Field(description="identifier or name")
    matched: str
    score: float
    found_by: str = Field(description="entities (a sweep), ais or report")
    origin: str | None
    hit_at: datetime


@router.get("/watchlists", response_model=list[WatchEntryOut], responses=errors(403))
async def entries(
    kind: Kind | None = Query(None),
    include_inactive: bool = Query(False, description="also removed and expired entries"),
    limit: int = Query(200, ge=1, le=1000),
    offset: int = Query(0, ge=0, le=1_000_000),
    actor: Actor = Depends(api_actor),
    ws: Workspace = Depends(workspace_of),
) -> list[WatchEntryOut]:
    """The entries the caller may read, newest first."""

    def work() -> list[WatchEntryOut]:
        views = list_entries(
            ws, actor, kind=kind, include_inactive=include_inactive, limit=limit, offset=offset
        )
        return [WatchEntryOut.of(v) for v in views]

    return await run_in_threadpool(work)


@router.post(
    "/watchlists", response_model=WatchEntryOut, status_code=201, responses=errors(403, write=True)
)
async def add(
    body: WatchEntryIn, actor: Actor = Depends(api_actor), ws: Workspace = Depends(workspace_of)
) -> WatchEntryOut:
    """Put something on the watchlist (analysts and supervisors) and sweep the store for it."""

    def work() -> WatchEntryOut:
        view = add_entry(
            ws,
            actor,
            kind=body.kind,
            names=body.names,
            identifiers=parse_identifiers(body.identifiers),
            reason=body.reason,
            handling=body.handling,
            expires_at=body.expires_at,
        )
        raise_for_hits(ws, sweep_entries(ws, [view.id]))
        return WatchEntryOut.of(get_entry(ws, actor, view.id))

    return await run_in_threadpool(work)


@router.get("/watchlists/{entry_id}", response_model=WatchEntryOut, responses=errors(403, 404))
async def one(
    entry_id: str, actor: Actor = Depends(api_actor), ws: Workspace = Depends(workspace_of)
) -> WatchEntryOut:
    """One entry."""
    return await run_in_threadpool(lambda: WatchEntryOut.of(get_entry(ws, actor, entry_id)))


@router.get(
    "/watchlists/{entry_id}/hits", response_model=list[WatchHitOut], responses=errors(403, 404)
)
async def hits(
    entry_id: str, actor: Actor = Depends(api_actor), ws: Workspace = Depends(workspace_of)
) -> list[WatchHitOut]:
    """What the entry matched: the entity, how, where it was seen first, when."""

    def work() -> list[WatchHitOut]:
        return [
            WatchHitOut.model_validate(
                {
                    "cause_key": h.cause_key,
                    "entity_id": h.entity_id,
                    "schema": h.schema,
                    "method": h.method,
                    "matched": h.matched,
                    "score": h.score,
                    "found_by": h.found_by,
                    "origin": h.origin,
                    "hit_at": h.hit_at,
                }
            )
            for h in list_hits(ws, actor, entry_id)
        ]

    return await run_in_threadpool(work)


@router.delete(
    "/watchlists/{entry_id}", response_model=WatchEntryOut, responses=errors(403, 404, write=True)
)
async def remove(
    entry_id: str, actor: Actor = Depends(api_actor), ws: Workspace = Depends(workspace_of)
) -> WatchEntryOut:
    """Take an entry off the watchlist (kept, with its hits, as removed)."""
    return await run_in_threadpool(lambda: WatchEntryOut.of(remove_entry(ws, actor, entry_id)))
