"""Product pages: list, write from a template, embed items, submit, approve, print to PDF."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from portintel.domain.analysis.products import ITEM_LABELS, TEMPLATES, ItemKind, ItemSpec
from portintel.domain.analysis.statistics import DIMENSION_LABELS, Dimension
from portintel.errors import InvalidInput, NotFound
from portintel.services import analysis
from portintel.services.workspace import Workspace
from portintel.web.authentication import Principal, page_principal, workspace_of
from portintel.web.routes.analysis.statistics import PERIOD_LABELS
from portintel.web.templating import render

router = APIRouter()


def _choices(request: Request) -> dict[str, Any]:
    return {
        "templates": list(TEMPLATES.values()),
        "handling_groups": request.app.state.pickers.handling,
        "item_labels": {kind.value: label for kind, label in ITEM_LABELS.items()},
        "periods": [(p.value, label) for p, label in PERIOD_LABELS.items()],
        "dimensions": [
            (d.value, label) for d, label in DIMENSION_LABELS.items() if d is not Dimension.NONE
        ],
    }


@router.get("/products")
async def products_page(
    request: Request,
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    products = await run_in_threadpool(analysis.list_products, ws, principal.actor)
    form = {"template": "threat_assessment", "title": "", "handling": ""}
    context = {"products": products, "form": form, "error": None, **_choices(request)}
    return render(request, "analysis/products.html", context)


@router.post("/products")
async def create_product(
    request: Request,
    template: str = Form("", max_length=32),
    title: str = Form("", max_length=300),
    handling: str = Form("", max_length=64),
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    try:
        product_id = await run_in_threadpool(
            analysis.create_product, ws, principal.actor, template, title, handling
        )
    except InvalidInput as error:  # the form keeps what was typed
        products = await run_in_threadpool(analysis.list_products, ws, principal.actor)
        form = {"template": template, "title": title, "handling": handling}
        context = {"products": products, "form": form, "error": error, **_choices(request)}
        return render(request, "analysis/products.html", context, status_code=422)
    return RedirectResponse(f"/products/{quote(product_id)}", status_code=303)


async def _product_page(
    request: Request,
    ws: Workspace,
    principal: Principal,
    product_id: str,
    *,
    error: InvalidInput | NotFound | None = None,
    typed: dict[str, Any] | None = None,
    item: dict[str, str] | None = None,
) -> Response:
    view = await run_in_threadpool(analysis.get_product, ws, principal.actor, product_id)
    form = typed or {
        "title": view.title,
        "handling": view.chosen_handling,
        "texts": [text for _, text in view.sections],
    }
    saved_charts = (
        await run_in_threadpool(analysis.list_saved, ws, principal.actor) if view.may_edit else []
    )
    context = {
        "product": view, "form": form, "error": error, "saved_charts": saved_charts,
        "item": item or {}, **_choices(request),
    }  # fmt: skip
    return render(request, "analysis/product.html", context, status_code=422 if error else 200)


@router.get("/products/{product_id}")
async def product_page(
    request: Request,
    product_id: str,
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    return await _product_page(request, ws, principal, product_id)


@router.post("/products/{product_id}")
async def save_product(
    request: Request,
    product_id: str,
    title: str = Form("", max_length=300),
    handling: str = Form("", max_length=64),
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    submitted = await request.form()
    texts = [str(value) for value in submitted.getlist("text")]
    try:
        await run_in_threadpool(
            lambda: analysis.update_product(
                ws, principal.actor, product_id, title=title, handling=handling, texts=texts
            )
        )
    except InvalidInput as error:
        typed = {"title": title, "handling": handling, "texts": texts}
        return await _product_page(request, ws, principal, product_id, error=error, typed=typed)
    return RedirectResponse(f"/products/{quote(product_id)}", status_code=303)


@router.post("/products/{product_id}/items")
async def add_item(
    request: Request,
    product_id: str,
    kind: str = Form("", max_length=16),
    caption: str = Form("", max_length=300),
    entity_id: str = Form("", max_length=128),
    hops: int = Form(2),
    since: str = Form("", max_length=10),
    until: str = Form("", max_length=10),
    period: str = Form("month", max_length=16),
    dimension: str = Form("route", max_length=32),
    chart_id: str = Form("", max_length=64),
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    typed = {
        "kind": kind, "caption": caption, "entity_id": entity_id, "since": since,
        "until": until, "chart_id": chart_id,
    }  # fmt: skip
    try:
        spec = ItemSpec(
            kind=ItemKind(kind), caption=caption.strip(), entity_id=entity_id.strip() or None,
            hops=hops, since=since or None, until=until or None, period=period,
            dimension=dimension, chart_id=chart_id.strip() or None,
        )  # fmt: skip
        await run_in_threadpool(analysis.add_item, ws, principal.actor, product_id, spec)
    except (InvalidInput, NotFound) as error:  # the item's form keeps what was typed
        return await _product_page(request, ws, principal, product_id, error=error, item=typed)
    except ValueError:  # not one of the kinds offered
        unknown = InvalidInput(
            "choose a chart, a map, statistics, a timeline or a saved chart to embed",
            field="kind",
        )
        return await _product_page(request, ws, principal, product_id, error=unknown)
    return RedirectResponse(f"/products/{quote(product_id)}#items", status_code=303)


@router.post("/products/{product_id}/items/{index}/remove")
async def remove_item(
    product_id: str,
    index: int,
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    await run_in_threadpool(analysis.remove_item, ws, principal.actor, product_id, index)
    return RedirectResponse(f"/products/{quote(product_id)}#items", status_code=303)


@router.post("/products/{product_id}/submit")
async def submit_product(
    product_id: str,
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    await run_in_threadpool(analysis.submit_product, ws, principal.actor, product_id)
    return RedirectResponse(f"/products/{quote(product_id)}", status_code=303)


@router.post("/products/{product_id}/approve")
async def approve_product(
    product_id: str,
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    await run_in_threadpool(analysis.approve_product, ws, principal.actor, product_id)
    return RedirectResponse(f"/products/{quote(product_id)}", status_code=303)


@router.post("/products/{product_id}/return")
async def return_product(
    request: Request,
    product_id: str,
    note: str = Form("", max_length=5_000),
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    try:
        await run_in_threadpool(analysis.return_product, ws, principal.actor, product_id, note)
    except InvalidInput as error:
        return await _product_page(request, ws, principal, product_id, error=error)
    return RedirectResponse(f"/products/{quote(product_id)}", status_code=303)


@router.get("/products/{product_id}/pdf")
async def product_pdf(
    product_id: str,
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    """The product printed (audited by the service)."""
    name, pdf = await run_in_threadpool(analysis.product_pdf, ws, principal.actor, product_id)
    return Response(
        pdf,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}",
            "X-Content-Type-Options": "nosniff",
        },
    )
