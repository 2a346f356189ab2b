"""Products: write from a template, embed items, submit, approve (audited), print to PDF.

The rules (readers, handling at least the strictest embedded, items in the
author's scope, frozen at approval) are stated in
:mod:`portintel.domain.analysis.products`. A product's list and reads go
through the reader's scope compiled into SQL, a product being read like a
report at the same stage.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from sqlalchemy import Connection, case, insert, select, update

from portintel.adapters.database import tables
from portintel.adapters.database.scope import report_condition
from portintel.adapters.pdf import render_pdf
from portintel.adapters.vocabularies import load_handling
from portintel.domain.access import may_read_report, reader_scope
from portintel.domain.actors import Actor, Role
from portintel.domain.analysis.products import (
    ITEM_LABELS,
    STATUS_LABELS,
    ItemSpec,
    ProductStatus,
    access_of,
    strictest,
    template_of,
)
from portintel.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from portintel.services import admin, audit
from portintel.services.analysis.product_items import (
    RenderedItem,
    render_item,
    source_reports,
)
from portintel.services.analysis.saved_charts import get_saved
from portintel.services.workspace import Workspace

_P = tables.products.c
MAX_ITEMS = 12
MAX_SECTION = 20_000
TEMPLATES_DIR = Path(__file__).parent / "templates"


@cache
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@dataclass(frozen=True, slots=True)
class ProductSummary:
    id: str
    template: str
    template_label: str
    title: str
    author: str
    status: ProductStatus
    status_label: str
    handling: str
    handling_label: str
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class ProductView:
    id: str
    template: str
    template_label: str
    title: str
    author_id: str
    author: str
    agency_id: str
    status: ProductStatus
    status_label: str
    chosen_handling: str
    handling: str
    handling_label: str
    raised: str | None
    """Why the handling is stricter than the author chose (None when it is not)."""
    sections: tuple[tuple[str, str], ...]
    items: tuple[ItemSpec, ...]
    body: str
    """The HTML body (sections, items, annex): frozen once approved."""
    approved_by: str | None
    approved_at: datetime | None
    note: str | None
    may_edit: bool
    may_submit: bool
    may_approve: bool


def _name(ws: Workspace, user_id: str | None) -> str:
    if user_id is None:
        return ""
    with ws.engine.connect() as connection:
        row = connection.execute(
            select(tables.users.c.display_name).where(tables.users.c.id == user_id)
        ).first()
    return row[0] if row else user_id


def _label(code: str) -> str:
    """``TLP:AMBER: limited disclosure ...``, or ``EUROPOL:H2 (label)`` when the label
    does not name its code: the code is what a reader looks for on a page."""
    label = load_handling().label(code)
    return label if label.upper().startswith(code.upper()) else f"{code.upper()} ({label})"


def _require_writer(actor: Actor) -> None:
    if not actor.roles & {Role.ANALYST, Role.SUPERVISOR}:
        raise PermissionDenied(
            "analysts and supervisors write products",
            hint="ask an analyst of your unit to write it",
        )


def _chosen(handling: str) -> str:
    try:
        return str(load_handling().parse(handling.strip()))
    except InvalidInput as error:
        raise InvalidInput(error.message, field="handling", hint=error.hint) from error


def create_product(ws: Workspace, actor: Actor, template: str, title: str, handling: str) -> str:
    """A new draft from ``template`` with its empty sections; returns its id."""
    _require_writer(actor)
    chosen_template = template_of(template)
    if not title.strip() or len(title) > 300:
        raise InvalidInput("give the product a title of up to 300 characters", field="title")
    code = _chosen(handling)
    product_id = f"P-{uuid.uuid4().hex[:16]}"
    now = ws.clock()
    with ws.engine.begin() as connection:
        connection.execute(
            insert(tables.products).values(
                id=product_id, template=chosen_template.id, title=title.strip(),
                author_id=actor.user_id, agency_id=actor.agency_id,
                status=ProductStatus.DRAFT.value, chosen_handling=code, handling=code,
                restrictive=load_handling().is_restrictive(code),
                sections=[{"heading": h, "text": ""} for h in chosen_template.sections],
                items=[], created_at=now, updated_at=now,
            )
        )  # fmt: skip
        audit.record(
            connection, actor, "product.created", object_type="product", object_id=product_id,
            detail={"template": chosen_template.id, "handling": code}, at=now,
        )  # fmt: skip
    return product_id


def _row(connection: Connection, product_id: str) -> Any:
    row = connection.execute(select(tables.products).where(_P.id == product_id)).first()
    if row is None:
        raise NotFound(f"product {product_id} not found", hint="open it from the products list")
    return row


def _readable(actor: Actor, row: Any) -> bool:
    status = ProductStatus(row.status)
    return may_read_report(actor, access_of(row.author_id, row.agency_id, status, row.restrictive))


def _read(ws: Workspace, actor: Actor, product_id: str) -> Any:
    with ws.engine.connect() as connection:
        row = connection.execute(select(tables.products).where(_P.id == product_id)).first()
    if row is None or not _readable(actor, row):
        if row is not None:
            audit.record_denial(ws, actor, "product", product_id)
        raise NotFound(f"product {product_id} not found", hint="open it from the products list")
    return row


def _editable(ws: Workspace, actor: Actor, product_id: str) -> Any:
    row = _read(ws, actor, product_id)
    if row.author_id != actor.user_id:
        raise PermissionDenied("only the product's author changes it")
    if row.status != ProductStatus.DRAFT.value:
        raise Conflict(
            "the product is not a draft any more",
            hint="a supervisor returns a submitted product to its author for changes",
        )
    return row


def _effective(chosen: str, items: list[RenderedItem]) -> tuple[str, str | None]:
    """The product's handling, and why it is stricter than the chosen one (None if not)."""
    vocabularies = load_handling()
    embedded = [item.handling for item in items if item.handling]
    code = strictest([chosen, *embedded], vocabularies) or chosen
    if code == chosen:
        return code, None
    which = [
        f"figure {n} ({ITEM_LABELS[item.spec.kind].lower()})"
        for n, item in enumerate(items, start=1)
        if item.handling == code
    ]
    rest = "rests" if len(which) == 1 else "rest"
    return code, f"{', '.join(which)} {rest} on information marked {code.upper()}"


def _author(ws: Workspace, row: Any) -> Actor:
    return admin.get_actor(ws, row.author_id)


def _paragraphs(text: str) -> list[str]:
    return [part.strip() for part in text.replace("\r\n", "\n").split("\n\n") if part.strip()]


def _body(ws: Workspace, row: Any, items: list[RenderedItem]) -> str:
    vocabularies = load_handling()
    author = _author(ws, row)
    figures: dict[str, list[str]] = defaultdict(list)
    for number, item in enumerate(items, start=1):
        for source in item.sources:
            figures[source].append(str(number))
    annex = [
        {
            "id": source.id, "title": source.title, "grading": source.grading,
            "handling_label": _label(source.handling),
            "figures": ", ".join(f"figure {n}" for n in figures[source.id]),
        }
        for source in source_reports(ws, author, set(figures))
    ]  # fmt: skip
    del vocabularies
    return _environment().get_template("product_body.html").render(
        sections=[(s["heading"], _paragraphs(s["text"])) for s in row.sections],
        items=[
            {
                "spec": item.spec, "svg": item.svg, "table": item.table, "sources": item.sources,
                "note": item.note, "title": ITEM_LABELS[item.spec.kind], "found": item.found,
                "handling_label": _label(item.handling) if item.handling else "no report",
            }
            for item in items
        ],
        annex=annex, author=_name(ws, row.author_id),
        computed=f"{ws.clock():%Y-%m-%d %H:%M} UTC",
    )  # fmt: skip


def _rendered(ws: Workspace, row: Any) -> list[RenderedItem]:
    author = _author(ws, row)
    return [render_item(ws, author, ItemSpec.from_json(data)) for data in row.items]


def _store_handling(connection: Connection, product_id: str, code: str, at: datetime) -> None:
    connection.execute(
        update(tables.products)
        .where(_P.id == product_id)
        .values(handling=code, restrictive=load_handling().is_restrictive(code), updated_at=at)
    )


def update_product(
    ws: Workspace, actor: Actor, product_id: str, *, title: str, handling: str,
    texts: list[str],
) -> None:  # fmt: skip
    """Save the draft's title, chosen handling and section texts (in the template's order)."""
    row = _editable(ws, actor, product_id)
    if not title.strip() or len(title) > 300:
        raise InvalidInput("give the product a title of up to 300 characters", field="title")
    if len(texts) != len(row.sections):
        raise InvalidInput("every section of the template is sent, in order", field="sections")
    if any(len(text) > MAX_SECTION for text in texts):
        raise InvalidInput(f"a section has at most {MAX_SECTION} characters", field="sections")
    code = _chosen(handling)
    sections = [
        {"heading": s["heading"], "text": text} for s, text in zip(row.sections, texts, strict=True)
    ]
    effective, _ = _effective(code, _rendered(ws, row))
    now = ws.clock()
    with ws.engine.begin() as connection:
        connection.execute(
            update(tables.products)
            .where(_P.id == product_id)
            .values(title=title.strip(), chosen_handling=code, sections=sections, updated_at=now)
        )
        _store_handling(connection, product_id, effective, now)
        audit.record(
            connection, actor, "product.updated", object_type="product", object_id=product_id,
            detail={"handling": effective}, at=now,
        )  # fmt: skip


def _refuse_missing(ws: Workspace, author: Actor, spec: ItemSpec) -> None:
    """NotFound saying what the author may not read (a saved chart, or an entity)."""
    if spec.chart_id:
        try:
            saved = get_saved(ws, author, spec.chart_id)
        except NotFound:
            raise NotFound(
                "no such saved chart among those you may open",
                hint="choose one of your saved charts or one shared with you",
            ) from None
        raise NotFound(
            f"the entity of the saved chart {saved.name!r} is no longer among what you may read",
            hint="draw the chart again from an entity you may read, and save it",
        )
    raise NotFound(
        f"no entity {spec.entity_id} among what you may read",
        hint="copy the id from the entity's profile",
    )


def add_item(ws: Workspace, actor: Actor, product_id: str, spec: ItemSpec) -> None:
    """Embed a chart, map, statistics table, timeline or saved chart; the handling is raised
    if it must be."""
    spec.check()
    row = _editable(ws, actor, product_id)
    if len(row.items) >= MAX_ITEMS:
        raise InvalidInput(f"a product embeds at most {MAX_ITEMS} items", field="kind")
    author = _author(ws, row)
    if not render_item(ws, author, spec).found:  # refused now, not found empty at print
        _refuse_missing(ws, author, spec)
    items = [*row.items, spec.as_json()]
    rendered = [render_item(ws, author, ItemSpec.from_json(data)) for data in items]
    effective, _ = _effective(row.chosen_handling, rendered)
    now = ws.clock()
    with ws.engine.begin() as connection:
        connection.execute(update(tables.products).where(_P.id == product_id).values(items=items))
        _store_handling(connection, product_id, effective, now)
        audit.record(
            connection, actor, "product.item_added", object_type="product",
            object_id=product_id, detail={"kind": spec.kind.value, "handling": effective}, at=now,
        )  # fmt: skip


def remove_item(ws: Workspace, actor: Actor, product_id: str, index: int) -> None:
    row = _editable(ws, actor, product_id)
    if not 0 <= index < len(row.items):
        raise InvalidInput("no such item in this product", field="index")
    items = [data for n, data in enumerate(row.items) if n != index]
    author = _author(ws, row)
    rendered = [render_item(ws, author, ItemSpec.from_json(data)) for data in items]
    effective, _ = _effective(row.chosen_handling, rendered)
    now = ws.clock()
    with ws.engine.begin() as connection:
        connection.execute(update(tables.products).where(_P.id == product_id).values(items=items))
        _store_handling(connection, product_id, effective, now)
        audit.record(
            connection, actor, "product.item_removed", object_type="product",
            object_id=product_id, detail={"index": index}, at=now,
        )  # fmt: skip


def submit_product(ws: Workspace, actor: Actor, product_id: str) -> None:
    """The author hands the draft to a supervisor for approval."""
    _editable(ws, actor, product_id)
    _move(ws, actor, product_id, ProductStatus.SUBMITTED, "product.submitted")


def _require_approver(actor: Actor, row: Any) -> None:
    if Role.SUPERVISOR not in actor.roles:
        raise PermissionDenied("a supervisor approves products")
    if row.author_id == actor.user_id:
        raise PermissionDenied(
            "the author of a product does not approve it", hint="another supervisor approves it"
        )
    if row.status != ProductStatus.SUBMITTED.value:
        raise Conflict("only a submitted product is approved or returned")


def approve_product(ws: Workspace, actor: Actor, product_id: str) -> None:
    """A supervisor approves: the body is computed in the author's scope and frozen."""
    row = _read(ws, actor, product_id)
    _require_approver(actor, row)
    rendered = _rendered(ws, row)
    effective, _ = _effective(row.chosen_handling, rendered)
    body = _body(ws, row, rendered)
    now = ws.clock()
    with ws.engine.begin() as connection:
        changed = connection.execute(
            update(tables.products)
            .where(_P.id == product_id, _P.status == ProductStatus.SUBMITTED.value)
            .values(
                status=ProductStatus.APPROVED.value, approved_body=body, approved_by=actor.user_id,
                approved_at=now, note=None,
            )
        ).rowcount  # fmt: skip
        if changed != 1:
            raise Conflict("the product changed meanwhile", hint="reload the page")
        _store_handling(connection, product_id, effective, now)
        audit.record(
            connection, actor, "product.approved", object_type="product", object_id=product_id,
            detail={"handling": effective}, at=now,
        )  # fmt: skip


def return_product(ws: Workspace, actor: Actor, product_id: str, note: str) -> None:
    """A supervisor returns a submitted product to its author, saying what to change."""
    row = _read(ws, actor, product_id)
    _require_approver(actor, row)
    if not note.strip():
        raise InvalidInput("say what the author should change", field="note")
    _move(ws, actor, product_id, ProductStatus.DRAFT, "product.returned", note=note.strip())


def _move(
    ws: Workspace, actor: Actor, product_id: str, status: ProductStatus, action: str,
    note: str | None = None,
) -> None:  # fmt: skip
    now = ws.clock()
    with ws.engine.begin() as connection:
        connection.execute(
            update(tables.products)
            .where(_P.id == product_id)
            .values(status=status.value, note=note, updated_at=now)
        )
        audit.record(
            connection, actor, action, object_type="product", object_id=product_id,
            detail={"note": note} if note else None, at=now,
        )  # fmt: skip


def get_product(ws: Workspace, actor: Actor, product_id: str) -> ProductView:
    """The product as its reader sees it; NotFound (audited) if they may not read it."""
    row = _read(ws, actor, product_id)
    status = ProductStatus(row.status)
    if status is ProductStatus.APPROVED and row.approved_body:
        body, raised = row.approved_body, None
        if row.handling != row.chosen_handling:
            raised = f"it embeds information marked {row.handling.upper()}"
    else:
        rendered = _rendered(ws, row)
        _, raised = _effective(row.chosen_handling, rendered)
        body = _body(ws, row, rendered)
    author = row.author_id == actor.user_id
    return ProductView(
        id=row.id, template=row.template, template_label=template_of(row.template).label,
        title=row.title, author_id=row.author_id, author=_name(ws, row.author_id),
        agency_id=row.agency_id, status=status, status_label=STATUS_LABELS[status],
        chosen_handling=row.chosen_handling, handling=row.handling,
        handling_label=_label(row.handling), raised=raised,
        sections=tuple((s["heading"], s["text"]) for s in row.sections),
        items=tuple(ItemSpec.from_json(data) for data in row.items), body=body,
        approved_by=_name(ws, row.approved_by) or None, approved_at=row.approved_at,
        note=row.note, may_edit=author and status is ProductStatus.DRAFT,
        may_submit=author and status is ProductStatus.DRAFT,
        may_approve=(
            Role.SUPERVISOR in actor.roles and not author and status is ProductStatus.SUBMITTED
        ),
    )  # fmt: skip


def list_products(ws: Workspace, actor: Actor) -> list[ProductSummary]:
    """The products the reader may read, newest first (scoped in the query)."""
    as_report = (
        select(
            _P.id, _P.author_id, _P.agency_id, _P.restrictive,
            case(
                (_P.status == ProductStatus.APPROVED.value, "evaluated"), else_=_P.status
            ).label("status"),
        ).subquery("products_as_reports")
    )  # fmt: skip
    scope = reader_scope(actor)
    with ws.engine.connect() as connection:
        rows = connection.execute(
            select(tables.products, tables.users.c.display_name)
            .join(as_report, as_report.c.id == _P.id)
            .join(tables.users, tables.users.c.id == _P.author_id)
            .where(report_condition(scope.reports, as_report))
            .order_by(_P.updated_at.desc(), _P.id)
        ).all()
    return [
        ProductSummary(
            id=row.id, template=row.template, template_label=template_of(row.template).label,
            title=row.title, author=row.display_name, status=ProductStatus(row.status),
            status_label=STATUS_LABELS[ProductStatus(row.status)], handling=row.handling,
            handling_label=_label(row.handling), updated_at=row.updated_at,
        )
        for row in rows
    ]  # fmt: skip


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


PRINT_CSS = """
@page {
  size: A4; margin: 24mm 16mm 22mm;
  @top-center { content: %(banner)s; font-weight: 700; color: #a1261b; font-size: 10pt; }
  @bottom-center { content: %(banner)s " · page " counter(page) " of " counter(pages);
                   font-size: 9pt; color: #a1261b; }
}
body { font-size: 10.5pt; line-height: 1.45; color: #16202b; }
.cover { page-break-after: always; padding-top: 40mm; }
.cover h1 { font-size: 24pt; margin: 6mm 0; }
.cover-handling { font-size: 14pt; font-weight: 700; color: #a1261b; }
.cover-kind { text-transform: uppercase; letter-spacing: .08em; color: #52606d; }
.cover dl { display: grid; grid-template-columns: 30mm auto; }
.cover dt { font-weight: 700; }
h2 { font-size: 14pt; margin-top: 8mm; }
.product-item { margin: 6mm 0; page-break-inside: avoid; }
.product-item[data-kind=timeline] { page-break-inside: auto; }
.product-item svg { width: 100%%; height: auto; }
.item-handling { font-size: 9pt; color: #a1261b; }
figcaption { font-size: 9pt; color: #52606d; }
.product-table { border-collapse: collapse; font-size: 8pt; width: 100%%; }
.product-table th, .product-table td { border: .5pt solid #9aa5b1; padding: 1mm 1.5mm; }
.source-annex { page-break-before: always; }
"""


def product_pdf(ws: Workspace, actor: Actor, product_id: str) -> tuple[str, bytes]:
    """The product printed: cover, handling banner on every page, body, source annex."""
    view = get_product(ws, actor, product_id)
    printed = ws.clock()
    html = _environment().get_template("product_document.html").render(
        title=view.title, template_label=view.template_label, author=view.author,
        status_label=view.status_label, approved_by=view.approved_by,
        approved_at=f"{view.approved_at:%Y-%m-%d}" if view.approved_at else "",
        handling_label=view.handling_label, raised=view.raised,
        chosen_label=_label(view.chosen_handling), printed=f"{printed:%Y-%m-%d %H:%M} UTC",
        printed_by=actor.username, body=view.body,
    )  # fmt: skip
    css = PRINT_CSS % {"banner": _css_string(view.handling_label)}
    pdf = render_pdf(html, stylesheets=[css])
    with ws.engine.begin() as connection:
        audit.record(
            connection, actor, "product.printed", object_type="product", object_id=product_id,
            detail={"handling": view.handling, "status": view.status.value}, at=printed,
        )  # fmt: skip
    return f"{product_id}.pdf", pdf


__all__ = [
    "ProductSummary",
    "ProductView",
    "add_item",
    "approve_product",
    "create_product",
    "get_product",
    "list_products",
    "product_pdf",
    "remove_item",
    "return_product",
    "submit_product",
    "update_product",
]
