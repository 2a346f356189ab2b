"""CLI: ``portintel watchlist add|list|remove|hits``.

An entry watches a vessel, a person, a phone or an organisation: names
(matched across scripts and spellings) and identifiers (``imo:9074729``,
``mmsi:574000001``, ``phone:+85512345678``, ``passport:N1234567``,
matched exactly), with a reason, a handling code and an expiry (a year
unless given). Adding one sweeps the entity store for it at once; after
that, AIS static data and reports are matched as they arrive (the targeting
jobs plugin).
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated

import typer

from portintel.cli.context import console, context_of
from portintel.cli.help_format import FlagHelpGroup
from portintel.cli.reports import AsUser, acting_user

if TYPE_CHECKING:
    from portintel.services.targeting import WatchEntryView

app = typer.Typer(
    cls=FlagHelpGroup,
    help="Watchlists: vessels, persons, phones and organisations of interest.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


def _need_user(as_user: str) -> None:
    if not as_user:
        raise typer.BadParameter("name the user to act as: --as USER or PORTINTEL_USER")


def _expiry(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise typer.BadParameter(
            f"{value!r} is not a date; write 2027-06-30", param_hint="--expires"
        ) from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _entry_json(view: WatchEntryView) -> dict[str, object]:
    entry = view.entry
    return {
        "id": entry.id,
        "kind": entry.kind,
        "names": list(entry.names),
        "identifiers": [f"{k}:{v}" for k, v in entry.identifiers],
        "reason": entry.reason,
        "owner": entry.owner_id,
        "handling": entry.handling,
        "expires_at": entry.expires_at.isoformat() if entry.expires_at else None,
        "removed_at": entry.removed_at.isoformat() if entry.removed_at else None,
        "hits": view.hits,
    }


@app.command("add")
def add_command(
    ctx: typer.Context,
    kind: Annotated[str, typer.Argument(help="vessel, person, phone or organisation.")],
    reason: Annotated[str, typer.Option(help="Why it is watched (shown with every hit).")],
    handling: Annotated[
        str, typer.Option(help="Handling code of the entry, e.g. tlp:AMBER or 3x5x2:P.")
    ],
    as_user: AsUser = "",
    name: Annotated[
        list[str] | None, typer.Option("--name", help="A name (repeat for aliases).")
    ] = None,
    identifier: Annotated[
        list[str] | None,
        typer.Option("--id", help="KIND:VALUE, e.g. imo:9074729 or phone:+85512345678 (repeat)."),
    ] = None,
    expires: Annotated[
        str | None, typer.Option(help="Expiry date (default: a year from now).")
    ] = None,
) -> None:
    """Put a vessel, person, phone or organisation on the watchlist; sweep the store for it."""
    _need_user(as_user)
    from portintel.services.targeting import (
        add_entry,
        parse_identifiers,
        raise_for_hits,
        sweep_entries,
    )

    ws = context_of(ctx).workspace()
    actor = acting_user(ws, as_user)
    view = add_entry(
        ws,
        actor,
        kind=kind,
        names=name or [],
        identifiers=parse_identifiers(identifier or []),
        reason=reason,
        handling=handling,
        expires_at=_expiry(expires),
    )
    hits = sweep_entries(ws, [view.id])
    raised = raise_for_hits(ws, hits)
    console.print(
        f"added {view.id} ({view.kind_label}): {len(hits)} hit(s) in the entity store, "
        f"{len(raised)} alert(s) raised"
    )


@app.command("list")
def list_command(
    ctx: typer.Context,
    as_user: AsUser = "",
    kind: Annotated[str | None, typer.Option(help="Only this kind.")] = None,
    all_entries: Annotated[
        bool, typer.Option("--all", help="Also removed and expired entries.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="JSON for scripts.")] = False,
) -> None:
    """The entries you may read, newest first."""
    _need_user(as_user)
    from portintel.services.targeting import list_entries

    ws = context_of(ctx).workspace()
    views = list_entries(ws, acting_user(ws, as_user), kind=kind, include_inactive=all_entries)
    if as_json:
        sys.stdout.write(json.dumps([_entry_json(v) for v in views], indent=2) + "\n")
        return
    from rich.table import Table

    table = Table("Id", "Kind", "Names", "Identifiers", "Reason", "Handling", "Expires", "Hits")
    for v in views:
        e = v.entry
        table.add_row(
            e.id,
            v.kind_label,
            "; ".join(e.names),
            " ".join(f"{k}:{val}" for k, val in e.identifiers),
            e.reason,
            v.handling_label,
            f"{e.expires_at:%Y-%m-%d}" if e.expires_at else "",
            str(v.hits),
        )
    console.print(table)


@app.command("remove")
def remove_command(
    ctx: typer.Context,
    entry_id: Annotated[str, typer.Argument(help="The entry's id (watch-...).")],
    as_user: AsUser = "",
) -> None:
    """Take an entry off the watchlist (kept, with its hits, as removed)."""
    _need_user(as_user)
    from portintel.services.targeting import remove_entry

    ws = context_of(ctx).workspace()
    view = remove_entry(ws, acting_user(ws, as_user), entry_id)
    console.print(f"removed {view.id}")


@app.command("hits")
def hits_command(
    ctx: typer.Context,
    entry_id: Annotated[str, typer.Argument(help="The entry's id (watch-...).")],
    as_user: AsUser = "",
) -> None:
    """What an entry matched: the entity, how, where it was seen, when."""
    _need_user(as_user)
    from portintel.services.targeting import list_hits

    ws = context_of(ctx).workspace()
    for hit in list_hits(ws, acting_user(ws, as_user), entry_id):
        console.print(
            f"{hit.hit_at:%Y-%m-%d %H:%M} {hit.entity_id} ({hit.schema}) by {hit.method}: "
            f"{hit.matched} [{hit.found_by}{' ' + hit.origin if hit.origin else ''}]",
            highlight=False,
        )
