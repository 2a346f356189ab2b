"""``/api/v1/reports`` and ``/api/v1/attachments``: intake and lifecycle of reports.

Need-to-know and the lifecycle rules are applied by ``services.reports``; a
report the caller may not read is a 404 like one that does not exist.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, File, Query, UploadFile
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from portintel.domain.actors import Actor
from portintel.domain.reports import ReportStatus
from portintel.errors import InvalidInput
from portintel.services.intake import reports
from portintel.services.workspace import Workspace
from portintel.web.api.intake.report_models import (
    AttachmentOut,
    EvaluationIn,
    ReportIn,
    ReportList,
    ReportOut,
    ReportSummaryOut,
    ReturnedOut,
    ReturnIn,
    StepIn,
)
from portintel.web.api.responses import errors
from portintel.web.api.times import IsoDateTime
from portintel.web.authentication import api_actor, workspace_of
from portintel.web.downloads import attachment_response

router = APIRouter(tags=["reports"])


def report_filters(
    status: list[ReportStatus] = Query(default=[]),
    agency: str | None = Query(None, max_length=64),
    author: str | None = Query(None, max_length=64, description="author's user id"),
    text: str | None = Query(None, max_length=200),
    handling: str | None = Query(None, max_length=64),
    reliability: str | None = Query(None, max_length=8),
    credibility: str | None = Query(None, max_length=8),
    since: IsoDateTime | None = Query(None),
    until: IsoDateTime | None = Query(None),
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0),
) -> reports.ReportFilters:
    return reports.ReportFilters(
        status=tuple(status),
        agency_id=agency or None,
        author_id=author or None,
        text=text or None,
        handling=handling or None,
        reliability=reliability or None,
        credibility=credibility or None,
        since=since,
        until=until,
        limit=limit,
        offset=offset,
    )


@router.get("/reports", response_model=ReportList, responses=errors(403))
async def list_reports(
    filters: reports.ReportFilters = Depends(report_filters),
    actor: Actor = Depends(api_actor),
    ws: Workspace = Depends(workspace_of),
) -> ReportList:
    """Reports the caller may read, newest first; ``total`` counts only those too."""

    def work() -> ReportList:
        found = reports.list_reports(ws, actor, filters)
        total = reports.count_reports(ws, actor, filters)
        return ReportList(total=total, items=[ReportSummaryOut.of(item) for item in found])

    return await run_in_threadpool(work)


@router.post(
    "/reports", response_model=ReportOut, status_code=201, responses=errors(404, write=True)
)
async def create_report(
    body: ReportIn, actor: Actor = Depends(api_actor), ws: Workspace = Depends(workspace_of)
) -> ReportOut:
    def work() -> ReportOut:
        report_id = reports.create_report(ws, actor, body.draft(), submit=body.submit)
        return ReportOut.of(reports.get_report(ws, actor, report_id))

    return await run_in_threadpool(work)


async def _report_out(ws: Workspace, actor: Actor, report_id: str) -> ReportOut:
    """The report as the actor may see it now (after a step, too)."""
    return ReportOut.of(await run_in_threadpool(reports.get_report, ws, actor, report_id))


@router.get("/reports/{report_id}", response_model=ReportOut, responses=errors(403, 404))
async def get_report(
    report_id: str, actor: Actor = Depends(api_actor), ws: Workspace = Depends(workspace_of)
) -> ReportOut:
    return await _report_out(ws, actor, report_id)


@router.post(
    "/reports/{report_id}/submit", response_model=ReportOut, responses=errors(404, 409, write=True)
)
async def submit_report(
    report_id: str,
    body: StepIn | None = None,
    actor: Actor = Depends(api_actor),
    ws: Workspace = Depends(workspace_of),
) -> ReportOut:
    note = body.note if body else None
    await run_in_threadpool(lambda: reports.submit_report(ws, actor, report_id, note=note))
    return await _report_out(ws, actor, report_id)


@router.post(
    "/reports/{report_id}/evaluate",
    response_model=ReportOut,
    responses=errors(404, 409, write=True),
)
async def evaluate_report(
    report_id: str,
    body: EvaluationIn,
    actor: Actor = Depends(api_actor),
    ws: Workspace = Depends(workspace_of),
) -> ReportOut:
    await run_in_threadpool(
        lambda: reports.evaluate_report(ws, actor, report_id, **body.changes(), note=body.note)
    )
    return await _report_out(ws, actor, report_id)


@router.post(
    "/reports/{report_id}/archive", response_model=ReportOut, responses=errors(404, 409, write=True)
)
async def archive_report(
    report_id: str,
    body: StepIn | None = None,
    actor: Actor = Depends(api_actor),
    ws: Workspace = Depends(workspace_of),
) -> ReportOut:
    note = body.note if body else None
    await run_in_threadpool(lambda: reports.archive_report(ws, actor, report_id, note=note))
    return await _report_out(ws, actor, report_id)


@router.post(
    "/reports/{report_id}/return",
    response_model=ReturnedOut,
    responses=errors(404, 409, 422, write=True),
)
async def return_report(
    report_id: str,
    body: ReturnIn,
    actor: Actor = Depends(api_actor),
    ws: Workspace = Depends(workspace_of),
) -> ReturnedOut:
    """A supervisor returns a submitted report to its author with the reason.

    The report is a draft again: its author corrects it and submits it anew.
    """
    author = (await run_in_threadpool(reports.get_report, ws, actor, report_id)).author_id
    status = await run_in_threadpool(
        lambda: reports.return_report(ws, actor, report_id, note=body.note)
    )
    # a draft is its author's alone: the supervisor gets the outcome, not the report
    return ReturnedOut(id=report_id, status=status.value, returned_to=author)


async def read_upload(ws: Workspace, upload: UploadFile) -> bytes:
    """The uploaded bytes, refused past the node's limit without reading everything."""
    limit = ws.settings.attachment_max_bytes
    content = await upload.read(limit + 1)
    if len(content) > limit:
        raise InvalidInput(
            f"{upload.filename or 'the file'} is larger than {limit} bytes",
            field="file",
            hint="split or compress it",
        )
    return content


@router.post(
    "/reports/{report_id}/attachments",
    response_model=AttachmentOut,
    status_code=201,
    responses=errors(404, 409, write=True),
)
async def add_attachment(
    report_id: str,
    file: UploadFile = File(...),
    actor: Actor = Depends(api_actor),
    ws: Workspace = Depends(workspace_of),
) -> AttachmentOut:
    content = await read_upload(ws, file)
    view = await run_in_threadpool(
        reports.add_attachment,
        ws,
        actor,
        report_id,
        file.filename or "attachment",
        file.content_type,
        content,
    )
    return AttachmentOut.of(view)


@router.get("/attachments/{attachment_id}", response_class=Response, responses=errors(403, 404))
async def download_attachment(
    attachment_id: str, actor: Actor = Depends(api_actor), ws: Workspace = Depends(workspace_of)
) -> Response:
    view, content = await run_in_threadpool(reports.read_attachment, ws, actor, attachment_id)
    return attachment_response(view, content)
