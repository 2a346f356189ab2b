"""``/api/v1/judgements`` and ``/api/v1/entities/{id}/judgements``: merges and splits.

A judgement says two entities are the same, different, or that the judge is
unsure; ``POST /judgements/undo`` retracts the one in force on a pair. The
answer says what changed (``merge``, ``split`` or ``none``) and the two
canonical entities as the caller sees them. Entities the caller may not
read are 404, like ids that do not exist; a *same* that a *different*
judgement blocks is 409.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from portintel.domain.actors import Actor
from portintel.domain.resolution import Judgement, Verdict
from portintel.services.collation import judgements
from portintel.services.collation.canonical import CanonicalEntity, canonical_entity
from portintel.services.workspace import Workspace
from portintel.web.api.responses import errors
from portintel.web.authentication import api_actor, workspace_of

router = APIRouter(tags=["judgements"])

EntityId = Field(min_length=1, max_length=128, description="an entity id (ent-...)")


class JudgementIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    left: str = EntityId
    right: str = EntityId
    verdict: Literal["same", "different", "unsure"]
    reason: str | None = Field(default=None, max_length=2000)


class PairIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    left: str = EntityId
    right: str = EntityId


class JudgementOut(BaseModel):
    id: str
    left: str
    right: str
    verdict: str
    judged_by: str = Field(description="a user id, or system for an automatic rule")
    rule: str | None = Field(description="the automatic rule, id@version")
    reason: str | None
    judged_at: datetime
    retracted_at: datetime | None
    retracted_by: str | None

    @classmethod
    def of(cls, judgement: Judgement) -> JudgementOut:
        return cls(
            id=judgement.id,
            left=judgement.left,
            right=judgement.right,
            verdict=judgement.verdict.value,
            judged_by=judgement.judged_by,
            rule=judgement.rule,
            reason=judgement.reason,
            judged_at=judgement.judged_at,
            retracted_at=judgement.retracted_at,
            retracted_by=judgement.retracted_by,
        )


class CanonicalOut(BaseModel):
    canonical_id: str
    member_ids: list[str] = Field(description="the members the caller may read, in id order")

    @classmethod
    def of(cls, entity: CanonicalEntity) -> CanonicalOut:
        return cls(canonical_id=entity.canonical_id, member_ids=list(entity.member_ids))


class OutcomeOut(BaseModel):
    judgement: JudgementOut
    change: Literal["merge", "split", "none"]
    left: CanonicalOut
    right: CanonicalOut

    @classmethod
    def of(cls, outcome: judgements.JudgementOutcome) -> OutcomeOut:
        return cls(
            judgement=JudgementOut.of(outcome.judgement),
            change=outcome.change,
            left=CanonicalOut.of(outcome.left),
            right=CanonicalOut.of(outcome.right),
        )


class HistoryItemOut(JudgementOut):
    in_force: bool
    blocked: bool = Field(description="a same judgement that a different judgement blocks")


class HistoryOut(CanonicalOut):
    judgements: list[HistoryItemOut]


@router.post(
    "/judgements",
    response_model=OutcomeOut,
    status_code=201,
    responses=errors(403, 404, 409, write=True),
)
async def post_judgement(
    body: JudgementIn,
    actor: Actor = Depends(api_actor),
    ws: Workspace = Depends(workspace_of),
) -> OutcomeOut:
    """Judge two entities same, different or unsure (audited; reversible with undo)."""
    outcome = await run_in_threadpool(
        lambda: judgements.judge(
            ws, actor, body.left, body.right, Verdict(body.verdict), reason=body.reason
        )
    )
    return OutcomeOut.of(outcome)


@router.post(
    "/judgements/undo",
    response_model=OutcomeOut,
    responses=errors(403, 404, write=True),
)
async def undo_judgement(
    body: PairIn,
    actor: Actor = Depends(api_actor),
    ws: Workspace = Depends(workspace_of),
) -> OutcomeOut:
    """Retract the judgement in force on the pair (it stays in the history)."""
    outcome = await run_in_threadpool(lambda: judgements.undo(ws, actor, body.left, body.right))
    return OutcomeOut.of(outcome)


@router.get(
    "/entities/{entity_id}/judgements",
    response_model=HistoryOut,
    responses=errors(403, 404),
)
async def get_entity_judgements(
    entity_id: str,
    actor: Actor = Depends(api_actor),
    ws: Workspace = Depends(workspace_of),
) -> HistoryOut:
    """The merge history of an entity: its canonical id, members and every judgement."""

    def read() -> HistoryOut:
        views = judgements.entity_judgements(ws, actor, entity_id)
        entity = canonical_entity(ws, actor, entity_id)
        return HistoryOut(
            canonical_id=entity.canonical_id,
            member_ids=list(entity.member_ids),
            judgements=[
                HistoryItemOut(
                    **JudgementOut.of(view.judgement).model_dump(),
                    in_force=view.in_force,
                    blocked=view.blocked,
                )
                for view in views
            ],
        )

    return await run_in_threadpool(read)
