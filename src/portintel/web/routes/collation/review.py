"""The review queue page: two entities side by side, each value with its provenance.

The analyst answers same, not same or unsure (or skips); the buttons carry
access keys (s, d, u, k), so the queue is worked from the keyboard. Pairs
come from the kept cross-referencing candidates, decided again within the
reader's scope (:func:`~portintel.services.collation.xref_queue.review_queue`);
both sides are read through the same scoped entity read as the entity page.
"""

from __future__ import annotations

from typing import Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from portintel.domain.resolution import Verdict
from portintel.services.collation import entities, judgements, profile
from portintel.services.collation.canonical import canonical_entity
from portintel.services.collation.xref_queue import review_queue
from portintel.services.workspace import Workspace
from portintel.web.authentication import Principal, page_principal, workspace_of
from portintel.web.templating import render

router = APIRouter()


@router.get("/review")
async def review_page(
    request: Request,
    skip: int = Query(0, ge=0, le=1000),
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    def work() -> dict[str, Any]:
        queue = review_queue(ws, principal.actor, limit=skip + 1)
        if len(queue) <= skip:
            return {"pair": None, "skip": skip}
        pair = queue[skip]
        return {
            "pair": pair,
            "left": entities.get_entity(ws, principal.actor, pair.left),
            "right": entities.get_entity(ws, principal.actor, pair.right),
            "skip": skip,
        }

    return render(request, "collation/review.html", await run_in_threadpool(work))


@router.post("/review/judge")
async def review_judge(
    left: str = Form(..., min_length=1, max_length=128),
    right: str = Form(..., min_length=1, max_length=128),
    verdict: Literal["same", "different", "unsure", "skip"] = Form(...),
    skip: int = Form(0, ge=0, le=1000),
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    if verdict == "skip":
        return RedirectResponse(f"/review?skip={skip + 1}", status_code=303)
    await run_in_threadpool(
        lambda: judgements.judge(ws, principal.actor, left, right, Verdict(verdict))
    )
    return RedirectResponse(f"/review?skip={skip}", status_code=303)


@router.get("/entities/{entity_id}/history")
async def history_page(
    request: Request,
    entity_id: str,
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    """The merge history of an entity: its members and every judgement on them, each one
    in force with a button that undoes it (undoing a *same* splits what it merged)."""

    def work() -> dict[str, Any]:
        history = judgements.entity_judgements(ws, principal.actor, entity_id)
        entity = canonical_entity(ws, principal.actor, entity_id)
        ids = {entity.canonical_id, *entity.member_ids}
        ids |= {side for view in history for side in view.judgement.pair}
        return {
            "entity_id": entity_id,
            "entity": entity,
            "history": list(reversed(history)),
            "names": profile.entity_names(ws, principal.actor, ids),
        }

    return render(request, "collation/history.html", await run_in_threadpool(work))


@router.post("/entities/{entity_id}/history/undo")
async def history_undo(
    entity_id: str,
    left: str = Form(..., min_length=1, max_length=128),
    right: str = Form(..., min_length=1, max_length=128),
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    """Undo the judgement in force on the pair (it stays in the history), then show the
    history again."""
    await run_in_threadpool(lambda: judgements.undo(ws, principal.actor, left, right))
    return RedirectResponse(f"/entities/{quote(entity_id, safe='')}/history", status_code=303)
