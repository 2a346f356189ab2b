"""``/api/v1/me``: who the caller is, and the CSRF token for cookie-authenticated scripts."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from portintel.web.api.responses import errors
from portintel.web.authentication import Principal, api_principal

router = APIRouter(tags=["session"])


class Me(BaseModel):
    user_id: str
    username: str
    agency_id: str
    roles: list[str]
    authenticated_by: str
    csrf_token: str | None


@router.get("/me", response_model=Me, responses=errors())
def me(principal: Principal = Depends(api_principal)) -> Me:
    actor = principal.actor
    return Me(
        user_id=actor.user_id,
        username=actor.username,
        agency_id=actor.agency_id,
        roles=sorted(role.value for role in actor.roles),
        authenticated_by=principal.method,
        csrf_token=principal.csrf_token or None,
    )
