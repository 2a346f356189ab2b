"""Dissemination pages: choose reports and partners, the dry run, request, approval, follow-up.

The journey: an analyst selects reports (from a report's page or the list
here) and partners; the **dry run** page shows, per partner, exactly what
would go and, for everything withheld, why, in labels; the analyst requests
(one dissemination per partner that would receive something); a supervisor
other than the requester approves on the dissemination's page (confirmed:
the package leaves the node); acknowledgement and feedback are recorded
there, and the signed package and its MISP event are downloaded from it.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from portintel.domain.actors import Role
from portintel.domain.reports import ReportStatus
from portintel.errors import InvalidInput, NotFound
from portintel.services import intake, sharing
from portintel.services.intake import reports
from portintel.services.workspace import Workspace
from portintel.web.authentication import Principal, page_principal, workspace_of
from portintel.web.routes.sharing.partners import labels_of
from portintel.web.templating import render

router = APIRouter(prefix="/sharing")

MAX_SELECTED = 200
"""Reports one dissemination may name (a page, not a bulk export)."""
CHOOSABLE = 100
"""Shareable reports listed on the selection page, newest first."""


def _clean_ids(values: list[str], what: str) -> list[str]:
    cleaned = sorted({value.strip() for value in values if value.strip()})
    if len(cleaned) > MAX_SELECTED:
        raise InvalidInput(f"at most {MAX_SELECTED} {what} at once", field=what)
    return cleaned


def _list_page(
    request: Request, ws: Workspace, principal: Principal, requested: list[str]
) -> Response:
    found = sharing.list_disseminations(ws, principal.actor)
    context = {
        "pending": [d for d in found if d.status is sharing.DisseminationStatus.PENDING],
        "done": [d for d in found if d.status is not sharing.DisseminationStatus.PENDING],
        "requested": requested,
        "is_supervisor": principal.actor.has(Role.SUPERVISOR),
    }
    return render(request, "sharing/disseminations.html", context)


@router.get("/disseminations")
async def disseminations_page(
    request: Request,
    requested: list[str] = Query(default=[], max_length=50),
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    return await run_in_threadpool(_list_page, request, ws, principal, requested)


def _selection_page(
    request: Request,
    ws: Workspace,
    principal: Principal,
    selected: list[str],
    partners: list[str],
    note: str,
    *,
    error: InvalidInput | None = None,
    status: int = 200,
) -> Response:
    shareable = reports.list_reports(
        ws,
        principal.actor,
        reports.ReportFilters(
            status=(ReportStatus.EVALUATED, ReportStatus.DISSEMINATED), limit=CHOOSABLE
        ),
    )
    listed = {summary.id for summary in shareable}
    extra = []  # selected elsewhere (a report's page) but not among the newest listed
    for report_id in selected:
        if report_id not in listed:
            extra.append(reports.get_report(ws, principal.actor, report_id))
    context = {
        "shareable": shareable,
        "extra": extra,
        "selected": set(selected),
        "partners": sharing.partners_to_share_with(ws, principal.actor),
        "chosen": set(partners),
        "note": note,
        "error": error,
    }
    return render(request, "sharing/select.html", context, status_code=status)


@router.get("/disseminations/new")
async def new_dissemination(
    request: Request,
    report: list[str] = Query(default=[], max_length=MAX_SELECTED),
    partner: list[str] = Query(default=[], max_length=50),
    note: str = Query("", max_length=5_000),
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    selected = _clean_ids(report, "report")
    return await run_in_threadpool(_selection_page, request, ws, principal, selected, partner, note)


def _preview_page(
    request: Request,
    ws: Workspace,
    principal: Principal,
    selected: list[str],
    partners: list[str],
    note: str,
    *,
    error: InvalidInput | None = None,
    status: int = 200,
) -> Response:
    previews = [sharing.preview_share(ws, principal.actor, name, selected) for name in partners]
    context = {
        "previews": previews,
        "selected": selected,
        "partners": [preview.partner for preview in previews],
        "note": note,
        "error": error,
        "labels": labels_of(request),
        "back": "/sharing/disseminations/new?"
        + urlencode(
            [("report", r) for r in selected]
            + [("partner", p) for p in partners]
            + ([("note", note)] if note else [])
        ),
    }
    return render(request, "sharing/preview.html", context, status_code=status)


@router.get("/preview")
async def preview_page(
    request: Request,
    report: list[str] = Query(default=[], max_length=MAX_SELECTED),
    partner: list[str] = Query(default=[], max_length=50),
    note: str = Query("", max_length=5_000),
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    """The dry run: for each partner, exactly what would go and why the rest would not."""
    selected = _clean_ids(report, "report")
    partners = sorted({name.strip().upper() for name in partner if name.strip()})
    if not selected or not partners:
        error = InvalidInput(
            "choose at least one report and one partner for a dry run", field="report"
        )
        return await run_in_threadpool(
            lambda: _selection_page(
                request, ws, principal, selected, partners, note, error=error, status=422
            )
        )
    return await run_in_threadpool(_preview_page, request, ws, principal, selected, partners, note)


@router.post("/disseminations")
async def request_dissemination(
    request: Request,
    report: list[str] = Form(default=[]),
    partner: list[str] = Form(default=[]),
    note: str = Form("", max_length=5_000),
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    """One dissemination per partner that would receive something; the rest are named."""
    selected = _clean_ids(report, "report")
    partners = sorted({name.strip().upper() for name in partner if name.strip()})

    def work() -> tuple[list[str], list[str]]:
        created: list[str] = []
        refused: list[str] = []
        for name in partners:
            try:
                created.append(
                    sharing.request_dissemination(
                        ws, principal.actor, name, selected, note=note.strip() or None
                    )
                )
            except InvalidInput:
                refused.append(name)
        return created, refused

    created, refused = await run_in_threadpool(work)
    if not created:
        error = InvalidInput(
            "nothing of this may go to "
            + (", ".join(refused) if refused else "any partner")
            + ": see why below",
            field="report",
        )
        return await run_in_threadpool(
            lambda: _preview_page(
                request, ws, principal, selected, partners, note, error=error, status=422
            )
        )
    if len(created) == 1 and not refused:
        return RedirectResponse(f"/sharing/disseminations/{created[0]}", status_code=303)
    query = urlencode([("requested", dissemination) for dissemination in created])
    return RedirectResponse(f"/sharing/disseminations?{query}", status_code=303)


def _titles(ws: Workspace, principal: Principal, report_ids: tuple[str, ...]) -> dict[str, str]:
    titles = {}
    for report_id in report_ids:
        try:
            titles[report_id] = intake.get_report(ws, principal.actor, report_id).title
        except NotFound:
            titles[report_id] = ""
    return titles


def _detail_page(
    request: Request,
    ws: Workspace,
    principal: Principal,
    dissemination_id: str,
    *,
    feedback: str = "",
    error: InvalidInput | None = None,
    status: int = 200,
) -> Response:
    view = sharing.get_dissemination(ws, principal.actor, dissemination_id)
    actor = principal.actor
    context = {
        "item": view,
        "titles": _titles(ws, principal, view.reports),
        "may_approve": view.status is sharing.DisseminationStatus.PENDING
        and actor.has(Role.SUPERVISOR)
        and actor.username != view.requested_by,
        "own_request": actor.username == view.requested_by,
        "is_supervisor": actor.has(Role.SUPERVISOR),
        "dry_run": "/sharing/preview?"
        + urlencode([("report", r) for r in view.reports] + [("partner", view.partner)]),
        "feedback": feedback,
        "error": error,
    }
    return render(request, "sharing/dissemination.html", context, status_code=status)


@router.get("/disseminations/{dissemination_id}")
async def dissemination_page(
    request: Request,
    dissemination_id: str,
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    return await run_in_threadpool(_detail_page, request, ws, principal, dissemination_id)


@router.post("/disseminations/{dissemination_id}/approve")
async def approve_dissemination(
    dissemination_id: str,
    note: str = Form("", max_length=5_000),
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    await run_in_threadpool(
        lambda: sharing.approve_dissemination(
            ws, principal.actor, dissemination_id, note=note.strip() or None
        )
    )
    return RedirectResponse(f"/sharing/disseminations/{dissemination_id}", status_code=303)


@router.post("/disseminations/{dissemination_id}/acknowledge")
async def acknowledge(
    dissemination_id: str,
    package: str = Form(..., max_length=64),
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    await run_in_threadpool(sharing.acknowledge_package, ws, principal.actor, package)
    return RedirectResponse(f"/sharing/disseminations/{dissemination_id}", status_code=303)


@router.post("/disseminations/{dissemination_id}/feedback")
async def feedback(
    request: Request,
    dissemination_id: str,
    package: str = Form(..., max_length=64),
    text: str = Form("", max_length=8_000),
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    try:
        await run_in_threadpool(sharing.record_feedback, ws, principal.actor, package, text)
    except InvalidInput as exc:
        refused: InvalidInput = exc
        return await run_in_threadpool(
            lambda: _detail_page(
                request,
                ws,
                principal,
                dissemination_id,
                feedback=text,
                error=refused,
                status=422,
            )
        )
    return RedirectResponse(f"/sharing/disseminations/{dissemination_id}", status_code=303)


def _download(text: str, filename: str) -> Response:
    return Response(
        text.encode("utf-8"),
        media_type="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"; '
            f"filename*=UTF-8''{quote(filename)}",
            "Content-Security-Policy": "sandbox; default-src 'none'",
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.get("/packages/{package_id}/package.json")
async def download_package(
    package_id: str,
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    """The signed package as the partner receives it (audited: it leaves the node)."""
    text = await run_in_threadpool(sharing.package_file, ws, principal.actor, package_id)
    return _download(text + "\n", f"{package_id}.json")


@router.get("/packages/{package_id}/ftm.json")
async def download_ftm(
    package_id: str,
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    """The package as signed FtM JSON, for portintel partners (audited)."""
    text = await run_in_threadpool(sharing.package_ftm_file, ws, principal.actor, package_id)
    return _download(text + "\n", f"{package_id}-ftm.json")


@router.get("/packages/{package_id}/misp.json")
async def download_misp(
    package_id: str,
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    """The package as a MISP event, for partners that run MISP (audited)."""
    text = await run_in_threadpool(sharing.package_misp_event, ws, principal.actor, package_id)
    return _download(text + "\n", f"{package_id}-misp.json")
