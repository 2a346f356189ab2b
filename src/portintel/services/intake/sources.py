"""Sources: where reports come from, with the informant's identity protected.

Every source has a codename (``reference``) that report readers may see. An
informant's real identity (``protected_identity``) is returned only to
source handlers (need-to-know rule 6 in :mod:`portintel.domain.access`), and
never travels in report views, entity provenance or exports: only
:func:`get_source` and :func:`list_sources` ever select that column.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection, Row, Select, insert, select

from portintel.adapters.database import tables
from portintel.adapters.vocabularies import load_grading_schemes
from portintel.domain.access import (
    may_keep_source_register,
    may_see_protected_identity,
    may_work_with_intelligence,
)
from portintel.domain.actors import Actor
from portintel.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from portintel.services import audit
from portintel.services.workspace import Workspace


class SourceKind(StrEnum):
    INFORMANT = "informant"
    OFFICER = "officer"
    AIS_RECEIVER = "ais_receiver"
    PARTNER_NODE = "partner_node"
    OPEN_SOURCE = "open_source"
    PUBLIC_TIP = "public_tip"


@dataclass(frozen=True, slots=True)
class SourceView:
    """A source as one reader may see it; ``protected_identity`` is None unless allowed."""

    id: str
    kind: str
    reference: str
    grading_scheme: str
    reliability: str
    agency_id: str | None
    handler_id: str | None
    active: bool
    notes: str | None
    protected_identity: str | None = None


@dataclass(frozen=True, slots=True)
class SourceGrading:
    """What a report inherits from its source: no identity, by construction."""

    id: str
    kind: str
    reference: str
    grading_scheme: str
    reliability: str
    active: bool


def _view(row: Row[Any], actor: Actor) -> SourceView:
    return SourceView(
        id=row.id,
        kind=row.kind,
        reference=row.reference,
        grading_scheme=row.grading_scheme,
        reliability=row.reliability,
        agency_id=row.agency_id,
        handler_id=row.handler_id,
        active=row.active,
        notes=row.notes,
        protected_identity=row.protected_identity if may_see_protected_identity(actor) else None,
    )


def create_source(
    ws: Workspace,
    actor: Actor,
    *,
    kind: SourceKind | str,
    reference: str,
    reliability: str,
    grading_scheme: str | None = None,
    protected_identity: str | None = None,
    notes: str | None = None,
    handler_id: str | None = None,
) -> str:
    """Register a source; informants only by source handlers. Returns the source id."""
    try:
        source_kind = SourceKind(kind)
    except ValueError as exc:
        choices = ", ".join(k.value for k in SourceKind)
        raise InvalidInput(f"unknown source kind {kind!r}", field="kind", hint=choices) from exc
    if not may_keep_source_register(actor):
        raise PermissionDenied(
            "only source handlers register sources", hint="ask your unit's source handler"
        )
    if protected_identity and source_kind is not SourceKind.INFORMANT:
        raise InvalidInput("only informants have a protected identity", field="protected_identity")
    reference = reference.strip()
    if not reference:
        raise InvalidInput("a source needs a reference (codename)", field="reference")
    scheme_id = grading_scheme or ws.settings.grading_scheme
    scheme = load_grading_schemes().get(scheme_id)
    scheme.reliability_grade(reliability)
    source_id = "S-" + secrets.token_hex(5)
    now = ws.clock()
    with ws.engine.begin() as connection:
        taken = connection.execute(
            select(tables.sources.c.id).where(tables.sources.c.reference == reference)
        ).first()
        if taken is not None:
            raise Conflict(f"a source with reference {reference!r} exists already")
        connection.execute(
            insert(tables.sources).values(
                id=source_id,
                kind=source_kind.value,
                reference=reference,
                protected_identity=protected_identity or None,
                handler_id=handler_id or (None if actor.is_system else actor.user_id),
                agency_id=actor.agency_id or None,
                grading_scheme=scheme_id,
                reliability=reliability,
                notes=notes,
                active=True,
                created_at=now,
                created_by=None if actor.is_system else actor.user_id,
            )
        )
        audit.record(
            connection,
            actor,
            "source.create",
            object_type="source",
            object_id=source_id,
            detail={"kind": source_kind.value, "reference": reference},
            at=now,
        )
    return source_id


@audit.audits_denial("source", id_parameter="source_id")
def get_source(ws: Workspace, actor: Actor, source_id: str) -> SourceView:
    """One source of the register, with its identity: source handlers only. Audited."""
    if not may_keep_source_register(actor):
        raise NotFound(f"source {source_id} not found")
    with ws.engine.begin() as connection:
        row = connection.execute(
            select(tables.sources).where(tables.sources.c.id == source_id)
        ).first()
        if row is None:
            raise NotFound(f"source {source_id} not found")
        audit.record(
            connection,
            actor,
            "source.read",
            object_type="source",
            object_id=source_id,
            detail={"identity_shown": may_see_protected_identity(actor)},
            at=ws.clock(),
        )
    return _view(row, actor)


@audit.audits_denial("source")
def list_sources(ws: Workspace, actor: Actor) -> list[SourceView]:
    """The source register, identities included: source handlers only. Audited.

    Listing the register shows every informant's identity at once, so it is
    recorded like a read of each (``source.list``); a refusal is recorded too.
    """
    if not may_keep_source_register(actor):
        raise PermissionDenied(
            "the source register is for source handlers only",
            hint="to cite a source in a report, pick its codename in the report form",
        )
    with ws.engine.begin() as connection:
        rows = connection.execute(select(tables.sources).order_by(tables.sources.c.reference)).all()
        audit.record(
            connection,
            actor,
            "source.list",
            object_type="source",
            detail={"shown": len(rows), "identities_shown": may_see_protected_identity(actor)},
            at=ws.clock(),
        )
    return [_view(row, actor) for row in rows]


def sources_to_cite(ws: Workspace, actor: Actor) -> list[SourceGrading]:
    """Active sources by codename, kind and reliability, for filing a report.

    This is all a report's author needs to cite a source: never the identity,
    the handler or the handler's notes (rule 7 of ``domain.access``).
    """
    if not may_work_with_intelligence(actor):
        raise PermissionDenied("only officers, analysts, supervisors and source handlers")
    columns = tables.sources.c
    with ws.engine.connect() as connection:
        rows = connection.execute(
            _citable_columns().where(columns.active.is_(True)).order_by(columns.reference)
        )
        return [_grading_of(row) for row in rows]


def _citable_columns() -> Select[Any]:
    """What may be known of a source without keeping the register: never the identity."""
    columns = tables.sources.c
    return select(
        columns.id,
        columns.kind,
        columns.reference,
        columns.grading_scheme,
        columns.reliability,
        columns.active,
    )


def _grading_of(row: Row[Any]) -> SourceGrading:
    return SourceGrading(
        row.id, row.kind, row.reference, row.grading_scheme, row.reliability, row.active
    )


def source_grading(connection: Connection, source_id: str) -> SourceGrading:
    """What a report carries over from its source (never the identity)."""
    row = connection.execute(_citable_columns().where(tables.sources.c.id == source_id)).first()
    if row is None:
        raise InvalidInput(f"unknown source {source_id!r}", field="source_id")
    return _grading_of(row)


def find_source_id(connection: Connection, reference_or_id: str) -> str:
    """The id of the source named by its id or its reference (import files use either)."""
    columns = tables.sources.c
    row = connection.execute(
        select(columns.id).where(
            (columns.id == reference_or_id) | (columns.reference == reference_or_id)
        )
    ).first()
    if row is None:
        raise InvalidInput(
            f"unknown source {reference_or_id!r}",
            field="source",
            hint="name a registered source by its reference or id",
        )
    return str(row.id)
