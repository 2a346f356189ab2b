"""``/api/v1/reports/{id}/suggestions``: what extraction proposes from a report's text.

The service reads through the caller's scoped view: a report the caller may
not read is a 404 like one that does not exist. Accepting (optionally with an
edited ``value``) writes statements of the report; rejecting keeps the
suggestion from being proposed again.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from portintel.domain.actors import Actor
from portintel.services.intake import (
    Decision,
    SuggestionList,
    SuggestionView,
    decide_suggestion,
    list_suggestions,
)
from portintel.services.workspace import Workspace
from portintel.web.api.responses import errors
from portintel.web.authentication import api_actor, workspace_of

router = APIRouter(tags=["reports"])

SUGGESTION_ID = Path(..., min_length=1, max_length=40, pattern=r"^[0-9a-f]+$")


class SuggestionOut(BaseModel):
    """One suggestion: where in the text, what, how sure, whether it checks, which rule."""

    id: str
    kind: str
    start: int = Field(description="offset of the first character in the report's text")
    end: int = Field(description="offset after the last character")
    raw: str
    value: str = Field(description="the normalised value (IMO9074729, +85512345678, ...)")
    confidence: float
    valid: bool
    reason: str | None = Field(description="why the value does not check, when it does not")
    rule_id: str
    rule_version: int
    details: dict[str, str]
    status: str = Field(description="proposed, stated (by the report already), accepted, rejected")
    decided_value: str | None = None
    statement_ids: list[str] = []

    @classmethod
    def of(cls, view: SuggestionView) -> SuggestionOut:
        s = view.suggestion
        return cls(
            id=s.id,
            kind=s.kind.value,
            start=s.start,
            end=s.end,
            raw=s.raw,
            value=s.value,
            confidence=s.confidence,
            valid=s.valid,
            reason=s.reason,
            rule_id=s.rule_id,
            rule_version=s.rule_version,
            details=s.detail,
            status=view.status.value,
            decided_value=view.decided_value,
            statement_ids=list(view.statement_ids),
        )


class SuggestionListOut(BaseModel):
    report_id: str
    rules_version: str
    may_decide: bool = Field(description="whether the caller may accept or reject them")
    items: list[SuggestionOut]

    @classmethod
    def of(cls, listed: SuggestionList) -> SuggestionListOut:
        return cls(
            report_id=listed.report_id,
            rules_version=listed.rules_version,
            may_decide=listed.may_decide,
            items=[SuggestionOut.of(view) for view in listed.items],
        )


class AcceptIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    value: str | None = Field(
        None, min_length=1, max_length=1_000, description="an edited value to state instead"
    )


@router.get(
    "/reports/{report_id}/suggestions", response_model=SuggestionListOut, responses=errors(404)
)
async def get_suggestions(
    report_id: str,
    include_rejected: bool = Query(False, description="also list rejected suggestions"),
    actor: Actor = Depends(api_actor),
    ws: Workspace = Depends(workspace_of),
) -> SuggestionListOut:
    """Suggestions from the report's text, each with its status; rejected ones left out."""
    listed = await run_in_threadpool(
        lambda: list_suggestions(ws, actor, report_id, include_rejected=include_rejected)
    )
    return SuggestionListOut.of(listed)


@router.post(
    "/reports/{report_id}/suggestions/{suggestion_id}/accept",
    response_model=SuggestionOut,
    responses=errors(403, 404, 409, write=True),
)
async def accept_suggestion(
    report_id: str,
    suggestion_id: str = SUGGESTION_ID,
    body: AcceptIn | None = None,
    actor: Actor = Depends(api_actor),
    ws: Workspace = Depends(workspace_of),
) -> SuggestionOut:
    """Accept a suggestion (with ``value``: as edited): it becomes statements of the report."""
    value = body.value if body else None
    view = await run_in_threadpool(
        lambda: decide_suggestion(ws, actor, report_id, suggestion_id, Decision.ACCEPT, value=value)
    )
    return SuggestionOut.of(view)


@router.post(
    "/reports/{report_id}/suggestions/{suggestion_id}/reject",
    response_model=SuggestionOut,
    responses=errors(403, 404, 409, write=True),
)
async def reject_suggestion(
    report_id: str,
    suggestion_id: str = SUGGESTION_ID,
    actor: Actor = Depends(api_actor),
    ws: Workspace = Depends(workspace_of),
) -> SuggestionOut:
    """Reject a suggestion: it is not proposed again."""
    view = await run_in_threadpool(
        lambda: decide_suggestion(ws, actor, report_id, suggestion_id, Decision.REJECT)
    )
    return SuggestionOut.of(view)
