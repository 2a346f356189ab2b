"""Analysts add and correct entries of the ports gazetteer in the app.

The shipped gazetteer (``vocabularies/ports.csv``) and the node's own file
are never edited in place: each addition or correction is one new row of
``port_edits`` (who, when, from which source, why), audited as ``port.add``
or ``port.correct``; the latest row of a port id is the entry in force. After
each edit the entries in force are written to ``<data_dir>/ports-analysts.csv``,
which the gazetteer loads over the shipped and node files, so detection and
the map use them from then on (see ``adapters/behaviour_config.py``).

Ports are not intelligence: every role that works with the maritime picture
reads them; analysts and supervisors change them.
"""

from __future__ import annotations

import csv
import io
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime

from followthemoney.types import registry
from sqlalchemy import select

from portintel.adapters.behaviour_config import load_gazetteer, write_analyst_ports
from portintel.adapters.database import tables
from portintel.domain.actors import Actor, Role
from portintel.domain.maritime.behaviour.ports import COLUMNS, Port
from portintel.domain.maritime.port_entries import KIND_LABELS, PortEntry
from portintel.errors import NotFound, PermissionDenied
from portintel.services import audit
from portintel.services.maritime.picture import require_picture
from portintel.services.workspace import Workspace

NEW_ID_PREFIX = "PI-"
"""Ids of entries analysts add (the shipped ones are UN/LOCODE-like: ``KHKOS``)."""

_EXPORT = threading.Lock()


@dataclass(frozen=True, slots=True)
class GazetteerEntry:
    """One entry in force, with labels and who last changed it in the app (if anyone)."""

    id: str
    name: str
    country: str
    country_label: str
    kind: str
    kind_label: str
    lat: float
    lon: float
    source: str
    licence: str
    edited_by: str | None = None
    edited_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class PortEdit:
    """One addition or correction, as stored."""

    id: str
    port_id: str
    action: str
    entry: PortEntry
    created_by: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class PortHistory:
    """An entry in force, what it was before any analyst's edit, and each edit, newest first."""

    current: GazetteerEntry
    original: GazetteerEntry | None
    edits: list[PortEdit]


def may_edit_ports(actor: Actor) -> bool:
    return actor.is_system or actor.has(Role.ANALYST) or actor.has(Role.SUPERVISOR)


def require_port_editor(actor: Actor) -> None:
    require_picture(actor)
    if not may_edit_ports(actor):
        raise PermissionDenied(
            "adding or correcting ports is for analysts and supervisors",
            hint="ask an analyst of your unit to make the change",
        )


def _label(port: Port, edit: tuple[str, datetime] | None = None) -> GazetteerEntry:
    country = port.country.lower()
    return GazetteerEntry(
        id=port.id,
        name=port.name,
        country=port.country.upper(),
        country_label=registry.country.caption(country) or port.country,
        kind=port.kind,
        kind_label=KIND_LABELS.get(port.kind, port.kind),
        lat=port.lat,
        lon=port.lon,
        source=port.source,
        licence=port.licence,
        edited_by=edit[0] if edit else None,
        edited_at=edit[1] if edit else None,
    )


def _edits(ws: Workspace, port_id: str | None = None) -> list[PortEdit]:
    e, u = tables.port_edits.c, tables.users.c
    query = (
        select(tables.port_edits, u.username)
        .join_from(tables.port_edits, tables.users, e.created_by == u.id)
        .order_by(e.created_at.desc(), e.id.desc())
    )
    if port_id is not None:
        query = query.where(e.port_id == port_id)
    with ws.engine.connect() as connection:
        rows = connection.execute(query).all()
    return [
        PortEdit(
            id=row.id,
            port_id=row.port_id,
            action=row.action,
            entry=PortEntry(
                row.name, row.country, row.kind, row.lat, row.lon, row.source, row.licence, row.note
            ),
            created_by=row.username,
            created_at=row.created_at,
        )
        for row in rows
    ]


def _latest(edits: list[PortEdit]) -> dict[str, PortEdit]:
    latest: dict[str, PortEdit] = {}
    for edit in edits:  # newest first
        latest.setdefault(edit.port_id, edit)
    return latest


def list_port_entries(ws: Workspace, actor: Actor) -> list[GazetteerEntry]:
    """Every entry in force (shipped, the node's file, the analysts'), by country and name."""
    require_picture(actor)
    latest = _latest(_edits(ws))
    entries = [
        _label(port, (e.created_by, e.created_at) if (e := latest.get(port.id)) else None)
        for port in load_gazetteer(ws.settings.data_dir).ports
    ]
    return sorted(entries, key=lambda entry: (entry.country_label, entry.name, entry.id))


def port_history(ws: Workspace, actor: Actor, port_id: str) -> PortHistory:
    """One entry in force with its original and its edits; ``NotFound`` for an unknown id."""
    require_picture(actor)
    current = {p.id: p for p in load_gazetteer(ws.settings.data_dir).ports}.get(port_id)
    if current is None:
        raise NotFound(f"no port {port_id!r} in the gazetteer", hint="see the ports page")
    original = {p.id: p for p in load_gazetteer(ws.settings.data_dir, analysts=False).ports}
    edits = _edits(ws, port_id)
    latest = (edits[0].created_by, edits[0].created_at) if edits else None
    before = original.get(port_id)
    return PortHistory(_label(current, latest), _label(before) if before else None, edits)


def _store(ws: Workspace, actor: Actor, port_id: str, action: str, entry: PortEntry) -> PortEdit:
    edit = PortEdit(
        id="portedit-" + secrets.token_hex(12),
        port_id=port_id,
        action=action,
        entry=entry,
        created_by=actor.username,
        created_at=ws.clock(),
    )
    with ws.engine.begin() as connection:
        connection.execute(
            tables.port_edits.insert().values(
                id=edit.id,
                port_id=port_id,
                action=action,
                name=entry.name,
                country=entry.country,
                kind=entry.kind,
                lat=entry.lat,
                lon=entry.lon,
                source=entry.source,
                licence=entry.licence,
                note=entry.note,
                created_by=actor.user_id,
                agency_id=actor.agency_id,
                created_at=edit.created_at,
            )
        )
        audit.record(
            connection,
            actor,
            f"port.{action}",
            object_type="port",
            object_id=port_id,
            detail={"edit": edit.id, "name": entry.name, "kind": entry.kind, "note": entry.note},
            at=edit.created_at,
        )
    export_ports(ws)
    return edit


def add_port(ws: Workspace, actor: Actor, entry: PortEntry) -> PortEdit:
    """Add an entry the gazetteer lacks (a small fishing harbour, a landing beach)."""
    require_port_editor(actor)
    return _store(ws, actor, NEW_ID_PREFIX + secrets.token_hex(5).upper(), "add", entry)


def correct_port(ws: Workspace, actor: Actor, port_id: str, entry: PortEntry) -> PortEdit:
    """Correct an entry in force (shipped or added); the earlier values stay in its history."""
    require_port_editor(actor)
    if port_id not in {p.id for p in load_gazetteer(ws.settings.data_dir).ports}:
        raise NotFound(f"no port {port_id!r} in the gazetteer", hint="add it as a new entry")
    return _store(ws, actor, port_id, "correct", entry)


def export_ports(ws: Workspace) -> None:
    """Write the entries in force from the app where the gazetteer reads them (or repair it)."""
    with _EXPORT:
        latest = _latest(_edits(ws))
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([*COLUMNS, "note"])
        for port_id, edit in sorted(latest.items()):
            entry = edit.entry
            by = f"entered in portintel by {edit.created_by}, {edit.created_at:%Y-%m-%d}"
            source = f"{entry.source} ({by})"
            writer.writerow(
                [port_id, entry.name, entry.country, entry.kind, entry.lat, entry.lon, source,
                 entry.licence, entry.note or ""]
            )  # fmt: skip
        write_analyst_ports(ws.settings.data_dir, out.getvalue())
