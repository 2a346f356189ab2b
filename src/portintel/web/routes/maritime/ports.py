"""The ports pages: the gazetteer in force, and the forms analysts add and correct entries with."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from portintel.domain.maritime.port_entries import (
    KIND_LABELS,
    UNIT_LICENCE,
    PortEntry,
    clean_port_entry,
    country_choices,
)
from portintel.errors import InvalidInput
from portintel.services import maritime
from portintel.services.workspace import Workspace
from portintel.web.authentication import Principal, page_principal, workspace_of
from portintel.web.templating import render

router = APIRouter()

FIELDS = ("name", "country", "kind", "lat", "lon", "source", "licence", "note")


def _countries() -> list[tuple[str, str]]:
    return [(code.upper(), label) for code, label in country_choices().items()]


def _form_context(form: dict[str, str], error: InvalidInput | None) -> dict[str, Any]:
    return {
        "form": form,
        "error": error,
        "countries": _countries(),
        "kinds": KIND_LABELS,
        "unit_licence": UNIT_LICENCE,
    }


@router.get("/ports")
async def ports_page(
    request: Request,
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    entries = await run_in_threadpool(maritime.list_port_entries, ws, principal.actor)
    context = {"entries": entries, "may_edit": maritime.may_edit_ports(principal.actor)}
    return render(request, "maritime/ports.html", context)


def _new_page(
    request: Request, form: dict[str, str], error: InvalidInput | None = None, status: int = 200
) -> Response:
    context = {**_form_context(form, error), "action": "/ports", "history": None}
    return render(request, "maritime/port_form.html", context, status_code=status)


@router.get("/ports/new")
async def new_port(request: Request, principal: Principal = Depends(page_principal)) -> Response:
    maritime.require_port_editor(principal.actor)
    return _new_page(request, {"kind": "landing_site"})


async def _typed(request: Request) -> dict[str, str]:
    """Every field as typed, so a refused form comes back filled in."""
    data = await request.form()
    return {name: str(data.get(name) or "") for name in FIELDS}


def _entry(form: dict[str, str]) -> PortEntry:
    return clean_port_entry(**form)


@router.post("/ports")
async def add_port(
    request: Request,
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    form = await _typed(request)
    try:
        entry = _entry(form)
        edit = await run_in_threadpool(maritime.add_port, ws, principal.actor, entry)
    except InvalidInput as exc:
        return _new_page(request, form, exc, status=422)
    return RedirectResponse(f"/ports/{edit.port_id}", status_code=303)


def _port_page(
    request: Request,
    ws: Workspace,
    principal: Principal,
    port_id: str,
    form: dict[str, str] | None = None,
    error: InvalidInput | None = None,
    status: int = 200,
) -> Response:
    history = maritime.port_history(ws, principal.actor, port_id)
    current = history.current
    if form is None:
        form = {
            "name": current.name,
            "country": current.country,
            "kind": current.kind,
            "lat": f"{current.lat:g}",
            "lon": f"{current.lon:g}",
            "source": "",
            "licence": "",
            "note": "",
        }
    context = {
        **_form_context(form, error),
        "action": f"/ports/{port_id}",
        "history": history,
        "may_edit": maritime.may_edit_ports(principal.actor),
    }
    return render(request, "maritime/port_form.html", context, status_code=status)


@router.get("/ports/{port_id}")
async def port_page(
    request: Request,
    port_id: str,
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    return await run_in_threadpool(_port_page, request, ws, principal, port_id)


@router.post("/ports/{port_id}")
async def correct_port(
    request: Request,
    port_id: str,
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    form = await _typed(request)
    try:
        entry = _entry(form)
        await run_in_threadpool(maritime.correct_port, ws, principal.actor, port_id, entry)
    except InvalidInput as exc:
        refused: InvalidInput = exc
        return await run_in_threadpool(
            lambda: _port_page(request, ws, principal, port_id, form, refused, 422)
        )
    return RedirectResponse(f"/ports/{port_id}", status_code=303)
