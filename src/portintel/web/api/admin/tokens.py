"""``/api/v1/tokens``: API tokens of the caller; administrators may list and revoke anyone's.

A token is issued to its caller only: the body has no owner field, and an
unknown field (``username``) is refused rather than ignored.
"""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from portintel.domain.actors import Actor
from portintel.services import admin
from portintel.services.workspace import Workspace
from portintel.web.api.responses import errors
from portintel.web.authentication import api_actor, workspace_of
from portintel.web.text_inputs import NON_BLANK

router = APIRouter(tags=["tokens"])


class TokenOut(BaseModel):
    id: str
    username: str
    name: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenIn(BaseModel):
    """A token for the caller; there is no owner field (see the module docstring)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(
        max_length=200, pattern=NON_BLANK, description="what the token is for, e.g. 'AIS importer'"
    )


class IssuedTokenOut(BaseModel):
    id: str
    username: str
    name: str
    token: str = Field(description="shown once; store it now")


@router.get("/tokens", response_model=list[TokenOut], responses=errors(403))
async def list_tokens(
    username: str | None = Query(None, description="all users when omitted (administrators)"),
    actor: Actor = Depends(api_actor),
    ws: Workspace = Depends(workspace_of),
) -> list[TokenOut]:
    views = await run_in_threadpool(admin.list_tokens, ws, actor, username)
    return [
        TokenOut(
            id=view.id,
            username=view.username,
            name=view.name,
            created_at=view.created_at,
            last_used_at=view.last_used_at,
            revoked_at=view.revoked_at,
        )
        for view in views
    ]


@router.post(
    "/tokens", response_model=IssuedTokenOut, status_code=201, responses=errors(write=True)
)
async def issue_token(
    body: TokenIn, actor: Actor = Depends(api_actor), ws: Workspace = Depends(workspace_of)
) -> IssuedTokenOut:
    issued = await run_in_threadpool(admin.issue_token, ws, actor, actor.username, body.name)
    return IssuedTokenOut(
        id=issued.id, username=issued.username, name=issued.name, token=issued.secret.reveal()
    )


@router.post("/tokens/{token_id}/revoke", status_code=204, responses=errors(404, write=True))
async def revoke_token(
    token_id: str, actor: Actor = Depends(api_actor), ws: Workspace = Depends(workspace_of)
) -> None:
    await run_in_threadpool(admin.revoke_token, ws, actor, token_id)
