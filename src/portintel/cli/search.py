"""CLI: ``portintel search QUERY``: entities by name (in any script or spelling),
identifier (however written) or any value's text, with the total and counts by type;
``--reports``: reports by the words of their title and text, with the counts by type,
status, agency, grading, handling and month, narrowed by ``--where FACET=VALUE``.

``--json`` prints the page as data: ``total``, ``total_exact`` (false: more than
``total``, the page of those found first), ``types`` and ``entities`` (with
``--reports``: ``total``, ``total_exact``, ``facets`` and ``reports``).
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import TYPE_CHECKING, Annotated

import typer

from portintel.cli.context import console, context_of
from portintel.cli.reports import AsUser, acting_user
from portintel.errors import InvalidInput

if TYPE_CHECKING:
    from portintel.domain.actors import Actor
    from portintel.services.workspace import Workspace


def search_command(
    ctx: typer.Context,
    query: Annotated[
        str,
        typer.Argument(help="A name in any script or spelling, a number or phone, any text."),
    ],
    as_user: AsUser,
    schema: Annotated[
        str | None, typer.Option("--type", help="Only entities of this type, e.g. Person.")
    ] = None,
    limit: Annotated[int, typer.Option(help="At most this many (up to 500).")] = 50,
    offset: Annotated[int, typer.Option(help="Skip this many (the next page).")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print the page as JSON.")] = False,
    reports: Annotated[
        bool,
        typer.Option("--reports", help="Search the reports' title and text instead."),
    ] = False,
    where: Annotated[
        list[str] | None,
        typer.Option(
            "--where",
            help="With --reports: only reports with this facet value, e.g. status=evaluated "
            "(type, status, agency, grading, handling, month); repeatable.",
        ),
    ] = None,
) -> None:
    """Search the entities you may see: names across scripts, identifiers, any value;
    or, with --reports, the words of the reports you may read."""
    from rich.markup import escape
    from rich.table import Column, Table

    from portintel.services.collation.search import MAX_ENTITIES, search

    ws = context_of(ctx).workspace()
    if reports or where:
        _search_reports(ws, acting_user(ws, as_user), query, limit, offset, where or [], as_json)
        return
    page = search(ws, acting_user(ws, as_user), query, schema=schema, limit=limit, offset=offset)
    if as_json:
        console.print_json(
            json.dumps(
                {
                    "query": page.query,
                    "total": page.total,
                    "total_exact": page.total_exact,
                    "offset": page.offset,
                    "types": {facet.value: facet.count for facet in page.types},
                    "entities": [asdict(summary) for summary in page.entities],
                }
            )
        )
        return
    widest = max((len(summary.id) for summary in page.entities), default=2)
    table = Table(
        Column("id", no_wrap=True, min_width=widest),  # ids are copied: never cut
        *(Column(name, overflow="fold") for name in ("type", "caption", "statements", "reports")),
    )
    for summary in page.entities:
        table.add_row(
            summary.id,
            summary.schema,
            escape(summary.caption),
            str(summary.statement_count),
            str(summary.report_count),
        )
    console.print(table)
    first = page.offset + 1 if page.entities else page.offset
    counted = str(page.total) if page.total_exact else f"more than {page.total}"
    console.print(f"{first}-{page.offset + len(page.entities)} of {counted} entities")
    if not page.total_exact:
        console.print(f"(of the first {page.total} found: add words to narrow the search)")
    if page.types:
        console.print(
            ("by type" if page.types_exact else f"by type, of the first {MAX_ENTITIES} found")
            + ": "
            + ", ".join(f"{facet.value} {facet.count}" for facet in page.types)
        )
    if page.next_offset is not None:
        console.print(f"next page: --offset {page.next_offset}")


def _search_reports(
    ws: Workspace,
    actor: Actor,
    query: str,
    limit: int,
    offset: int,
    where: list[str],
    as_json: bool,
) -> None:
    from rich.markup import escape
    from rich.table import Column, Table

    from portintel.services.collation.search import search_reports

    filters: dict[str, str | None] = {}
    for item in where:
        name, equals, value = item.partition("=")
        if not equals or not name.strip():
            raise InvalidInput(f"--where {item!r}: write FACET=VALUE", field="where")
        filters[name.strip()] = value.strip()
    page = search_reports(ws, actor, query, limit=limit, offset=offset, filters=filters)
    facets = {name: {f.value: f.count for f in found} for name, found in page.facets.items()}
    if as_json:
        console.print_json(
            json.dumps(
                {
                    "query": page.query,
                    "total": page.total,
                    "total_exact": page.total_exact,
                    "offset": page.offset,
                    "filters": page.filters,
                    "facets": facets,
                    "reports": [asdict(hit) for hit in page.reports],
                },
                default=str,
            )
        )
        return
    widest = max((len(hit.id) for hit in page.reports), default=2)
    table = Table(
        Column("id", no_wrap=True, min_width=widest),
        *(Column(name, overflow="fold") for name in ("title", "status", "agency", "reported")),
    )
    for hit in page.reports:
        table.add_row(
            hit.id, escape(hit.title), hit.status, hit.agency_id, f"{hit.reported_at:%Y-%m-%d}"
        )
    console.print(table)
    first = page.offset + 1 if page.reports else page.offset
    counted = str(page.total) if page.total_exact else f"more than {page.total}"
    console.print(f"{first}-{page.offset + len(page.reports)} of {counted} reports")
    for name, found in facets.items():
        if found:
            listed = ", ".join(f"{value or '-'} {count}" for value, count in found.items())
            console.print(f"by {name}: {escape(listed)}")
    if page.next_offset is not None:
        console.print(f"next page: --offset {page.next_offset}")
