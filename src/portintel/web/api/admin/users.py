"""``/api/v1/users`` and ``/api/v1/agencies``: administration (the service checks the role)."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field, SecretStr
from starlette.concurrency import run_in_threadpool

from portintel.domain.actors import Actor, Role
from portintel.services import admin
from portintel.services.admin import MIN_PASSWORD_LENGTH
from portintel.services.admin.accounts import USERNAME_PATTERN
from portintel.services.workspace import Workspace
from portintel.web.api.responses import errors
from portintel.web.authentication import api_actor, workspace_of
from portintel.web.text_inputs import NON_BLANK

router = APIRouter(tags=["administration"])


class UserOut(BaseModel):
    id: str
    username: str
    display_name: str
    agency_id: str
    roles: list[Role]
    active: bool
    totp_enabled: bool
    locked_until: datetime | None
    created_at: datetime
    last_login_at: datetime | None

    @classmethod
    def of(cls, view: admin.UserView) -> UserOut:
        return cls(
            id=view.id,
            username=view.username,
            display_name=view.display_name,
            agency_id=view.agency_id,
            roles=sorted(view.roles),
            active=view.active,
            totp_enabled=view.totp_enabled,
            locked_until=view.locked_until,
            created_at=view.created_at,
            last_login_at=view.last_login_at,
        )


class UserIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(
        pattern=USERNAME_PATTERN.pattern,
        description="2 to 64 of a-z, 0-9, '.', '_' or '-', starting with a letter or digit",
    )
    display_name: str = Field(max_length=200, pattern=NON_BLANK)
    agency: str = Field(max_length=200, pattern=NON_BLANK, description="agency id or name")
    roles: list[Role] = Field(min_length=1)
    password: SecretStr = Field(min_length=MIN_PASSWORD_LENGTH, max_length=1024)


class AgencyOut(BaseModel):
    id: str
    name: str


@router.get("/users", response_model=list[UserOut], responses=errors(403))
async def list_users(
    actor: Actor = Depends(api_actor), ws: Workspace = Depends(workspace_of)
) -> list[UserOut]:
    return [UserOut.of(view) for view in await run_in_threadpool(admin.list_users, ws, actor)]


@router.post("/users", response_model=UserOut, status_code=201, responses=errors(409, write=True))
async def create_user(
    body: UserIn, actor: Actor = Depends(api_actor), ws: Workspace = Depends(workspace_of)
) -> UserOut:
    view = await run_in_threadpool(
        lambda: admin.create_user(
            ws,
            actor,
            username=body.username,
            display_name=body.display_name,
            agency=body.agency,
            roles=body.roles,
            password=body.password.get_secret_value(),
        )
    )
    return UserOut.of(view)


@router.get("/users/{username}", response_model=UserOut, responses=errors(403, 404))
async def get_user(
    username: str, actor: Actor = Depends(api_actor), ws: Workspace = Depends(workspace_of)
) -> UserOut:
    return UserOut.of(await run_in_threadpool(admin.get_user, ws, actor, username))


@router.post(
    "/users/{username}/deactivate", response_model=UserOut, responses=errors(404, write=True)
)
async def deactivate_user(
    username: str, actor: Actor = Depends(api_actor), ws: Workspace = Depends(workspace_of)
) -> UserOut:
    return UserOut.of(await run_in_threadpool(admin.deactivate_user, ws, actor, username))


@router.post("/users/{username}/unlock", status_code=204, responses=errors(404, write=True))
async def unlock_user(
    username: str, actor: Actor = Depends(api_actor), ws: Workspace = Depends(workspace_of)
) -> None:
    await run_in_threadpool(admin.unlock_user, ws, actor, username)


@router.get("/agencies", response_model=list[AgencyOut], responses=errors())
async def list_agencies(
    actor: Actor = Depends(api_actor), ws: Workspace = Depends(workspace_of)
) -> list[AgencyOut]:
    """Every agency of the unit (names are not secret to its members)."""
    views = await run_in_threadpool(admin.list_agencies, ws)
    return [AgencyOut(id=view.id, name=view.name) for view in views]
