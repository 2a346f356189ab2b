"""CLI: ``portintel search QUERY``: entities by name (in any script or spelling),
identifier (however written) or any value's text, with the total and counts by type.

``--json`` prints the page as data: ``total``, ``types`` and ``entities``.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Annotated

import typer

from portintel.cli.context import console, context_of
from portintel.cli.reports import AsUser, acting_user


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
) -> None:
    """Search the entities you may see: names across scripts, identifiers, any value."""
    from rich.markup import escape
    from rich.table import Column, Table

    from portintel.services.collation.search import search

    ws = context_of(ctx).workspace()
    page = search(ws, acting_user(ws, as_user), query, schema=schema, limit=limit, offset=offset)
    if as_json:
        console.print_json(
            json.dumps(
                {
                    "query": page.query,
                    "total": page.total,
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
    console.print(f"{first}-{page.offset + len(page.entities)} of {page.total} entities")
    if page.types:
        console.print(
            "by type: " + ", ".join(f"{facet.value} {facet.count}" for facet in page.types)
        )
    if page.next_offset is not None:
        console.print(f"next page: --offset {page.next_offset}")
