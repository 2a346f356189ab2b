"""Users and agencies pages for administrators (the service refuses everyone else)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from portintel.domain.actors import Role
from portintel.errors import InvalidInput
from portintel.services import admin
from portintel.services.workspace import Workspace
from portintel.web.authentication import Principal, page_principal, workspace_of
from portintel.web.templating import render

router = APIRouter(prefix="/admin")


def _page(
    request: Request,
    ws: Workspace,
    principal: Principal,
    *,
    error: InvalidInput | None = None,
    form: dict[str, object] | None = None,
    status: int = 200,
) -> Response:
    users = admin.list_users(ws, principal.actor)
    agencies = admin.list_agencies(ws)
    return render(
        request,
        "admin/users.html",
        {
            "users": users,
            "agencies": agencies,
            "roles": [role.value for role in Role],
            "error": error,
            "form": form or {"username": "", "display_name": "", "agency": "", "roles": []},
        },
        status_code=status,
    )


@router.get("/users")
async def users_page(
    request: Request,
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    return await run_in_threadpool(_page, request, ws, principal)


@router.post("/users")
async def create_user(
    request: Request,
    username: str = Form(..., max_length=64),
    display_name: str = Form(..., max_length=200),
    agency: str = Form(..., max_length=200),
    roles: list[str] = Form(default=[]),
    password: str = Form(..., max_length=1024),
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    try:
        await run_in_threadpool(
            lambda: admin.create_user(
                ws,
                principal.actor,
                username=username,
                display_name=display_name,
                agency=agency,
                roles=roles,
                password=password,
            )
        )
    except InvalidInput as exc:
        refused: InvalidInput = exc
        form: dict[str, object] = {
            "username": username,
            "display_name": display_name,
            "agency": agency,
            "roles": roles,
        }
        return await run_in_threadpool(
            lambda: _page(request, ws, principal, error=refused, form=form, status=422)
        )
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/users/{username}/deactivate")
async def deactivate_user(
    username: str,
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    await run_in_threadpool(admin.deactivate_user, ws, principal.actor, username)
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/users/{username}/unlock")
async def unlock_user(
    username: str,
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    await run_in_threadpool(admin.unlock_user, ws, principal.actor, username)
    return RedirectResponse("/admin/users", status_code=303)
