"""Triage of public tips in the workspace, and the leaflet that asks for them.

``/tips`` is the queue (new tips first, with their count; reported and
discarded ones a click away), ``/tips/{id}`` one tip with its two ways out:
a draft report prefilled with the tip's text, graded as a public tip, or
discarded with a reason. The tip's text is a stranger's: it is shown
escaped, in a ``<pre>``, never as HTML. ``/admin/leaflet`` prints the
leaflet (PDF, one per language) with the tip page's address and its QR code.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from portintel.domain.tips import LANGUAGES, TipStatus
from portintel.errors import Conflict, InvalidInput, NotFound
from portintel.services.intake import tips
from portintel.services.workspace import Workspace
from portintel.web.authentication import Principal, page_principal, workspace_of
from portintel.web.public import PREFIX as TIP_PAGE
from portintel.web.public.languages import environment as public_environment
from portintel.web.qr_codes import qr_svg
from portintel.web.templating import render

router = APIRouter()
PAGE_SIZE = 50
LANGUAGE_NAMES = dict(LANGUAGES)


@router.get("/tips")
async def tip_queue(
    request: Request,
    status: str = "new",
    page: int = 1,
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    try:
        chosen = TipStatus(status)
    except ValueError:
        chosen = TipStatus.NEW
    page = max(1, page)

    def work() -> Response:
        listed, total = tips.list_tips(
            ws, principal.actor, status=chosen, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
        )
        context = {
            "tips": listed,
            "total": total,
            "status": chosen.value,
            "statuses": [s.value for s in TipStatus],
            "new_count": tips.count_new_tips(ws, principal.actor),
            "page": page,
            "pages": max(1, -(-total // PAGE_SIZE)),
            "language_names": LANGUAGE_NAMES,
        }
        return render(request, "intake/tip_list.html", context)

    return await run_in_threadpool(work)


def _tip_page(
    request: Request,
    ws: Workspace,
    principal: Principal,
    tip_id: str,
    *,
    form: dict[str, str] | None = None,
    error: InvalidInput | Conflict | None = None,
    status: int = 200,
) -> Response:
    tip = tips.get_tip(ws, principal.actor, tip_id)
    pickers = request.app.state.pickers
    grading = tips.public_tip_grading(ws)
    first_line = tip.text.strip().splitlines()[0] if tip.text.strip() else ""
    context: dict[str, Any] = {
        "tip": tip,
        "language_name": LANGUAGE_NAMES.get(tip.language, tip.language),
        "pickers": pickers,
        "grading": grading,
        "form": form
        or {
            "title": f"Public tip: {first_line[:120]}",
            "text": tip.text,
            "handling": pickers.default_handling,
            "handling_conditions": "",
            "credibility": grading.credibility,
            "reason": "",
        },
        "error": error,
    }
    return render(request, "intake/tip_view.html", context, status_code=status)


@router.get("/tips/{tip_id}")
async def tip_view(
    request: Request,
    tip_id: str,
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    return await run_in_threadpool(_tip_page, request, ws, principal, tip_id)


@router.post("/tips/{tip_id}/report")
async def report_from_tip(
    request: Request,
    tip_id: str,
    title: str = Form("", max_length=1_000),
    text: str = Form("", max_length=100_000),
    credibility: str = Form("", max_length=8),
    handling: str = Form("", max_length=64),
    handling_conditions: str = Form("", max_length=5_000),
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    typed = {
        "title": title,
        "text": text,
        "credibility": credibility,
        "handling": handling,
        "handling_conditions": handling_conditions,
        "reason": "",
    }

    def work() -> Response:
        try:
            report_id = tips.report_from_tip(
                ws,
                principal.actor,
                tip_id,
                title=title,
                text=text,
                credibility=credibility or None,
                handling=handling,
                handling_conditions=handling_conditions,
            )
        except (InvalidInput, Conflict) as exc:
            refused = exc
            return _tip_page(
                request,
                ws,
                principal,
                tip_id,
                form=typed,
                error=refused,
                status=409 if isinstance(exc, Conflict) else 422,
            )
        return RedirectResponse(f"/reports/{quote(report_id)}", status_code=303)

    return await run_in_threadpool(work)


@router.post("/tips/{tip_id}/discard")
async def discard_tip(
    request: Request,
    tip_id: str,
    reason: str = Form("", max_length=5_000),
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    def work() -> Response:
        try:
            tips.discard_tip(ws, principal.actor, tip_id, reason=reason)
        except (InvalidInput, Conflict) as exc:
            refused = exc
            page = _tip_page(
                request,
                ws,
                principal,
                tip_id,
                error=refused,
                status=409 if isinstance(exc, Conflict) else 422,
            )
            return page
        return RedirectResponse("/tips", status_code=303)

    return await run_in_threadpool(work)


def tip_page_address(request: Request) -> str | None:
    """Where the public finds the tip page: the setting, else the node's public address."""
    settings = request.app.state.settings
    if settings.tip_page_url:
        return str(settings.tip_page_url)
    if settings.public_url:
        return str(settings.public_url).rstrip("/") + TIP_PAGE
    return None


def _checked_address(given: str) -> str:
    address = given.strip()
    if (
        not (address.startswith(("https://", "http://")) and " " not in address)
        or len(address) > 300
    ):
        raise InvalidInput(
            "the tip page's address must be a web address",
            field="address",
            hint="e.g. https://tips.piu.example/tip",
        )
    return address


@router.get("/admin/leaflet")
async def leaflet_page(
    request: Request,
    principal: Principal = Depends(page_principal),
) -> Response:
    tips.require_leaflet_printer(principal.actor)
    context = {"address": tip_page_address(request) or "", "languages": LANGUAGES}
    return render(request, "admin/leaflet.html", context)


@router.get("/admin/leaflet.pdf")
async def leaflet_pdf(
    request: Request,
    lang: str = "en",
    address: str = "",
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    tips.require_leaflet_printer(principal.actor)
    if lang not in LANGUAGE_NAMES:
        raise NotFound(
            f"no leaflet in language {lang!r}",
            hint="choose one of: " + ", ".join(LANGUAGE_NAMES),
        )
    chosen = _checked_address(address or tip_page_address(request) or "")
    target = f"{chosen}?lang={lang}" if "?" not in chosen else chosen
    html = (
        public_environment(lang)
        .get_template("leaflet.html")
        .render(
            language=lang,
            node_name=request.app.state.settings.node_name,
            address=chosen,
            qr=qr_svg(target, scale=7),
        )
    )
    title = f"Tip leaflet ({LANGUAGE_NAMES[lang]})"
    data = await run_in_threadpool(tips.leaflet_pdf, ws, principal.actor, html, title)
    return Response(
        data,
        media_type="application/pdf",
        headers={"content-disposition": f'attachment; filename="tip-leaflet-{lang}.pdf"'},
    )
