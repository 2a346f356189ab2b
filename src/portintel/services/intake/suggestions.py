"""Suggestions from a report's text: propose them, and accept, edit or reject each one.

Extraction (:mod:`portintel.domain.extraction`) runs on the report's text
each time suggestions are asked for: its rules are pure and versioned, so the
same text gives the same suggestions with the same ids. Decisions are stored
(``report_suggestions``): a rejected suggestion is not proposed again, an
accepted one is shown as accepted with the statements it became.

Who sees and decides:

- suggestions are read through the reader's scoped view: a report the actor
  may not read is NotFound, exactly as a missing one; the names the node
  already knows (the dictionary of the person-name rule) are only those the
  actor may read, so a suggestion never reveals a name from a report outside
  their scope;
- the report's author while they may edit it, and analysts and supervisors
  who may read it, decide (the people the issue proposes suggestions to);
- an accepted suggestion becomes statements of the report through the one
  statement-writing path of reports (checked, cleaned, invalid values kept
  with their reason, strong identifiers joining entities the actor may read),
  in the same transaction as its decision and its audit entry.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Row, insert, select

from portintel.adapters.database import tables
from portintel.adapters.database.scope import (
    readable_reports,
    statement_condition,
    statements_with_reports,
)
from portintel.adapters.places import load_places
from portintel.domain.access import reader_scope
from portintel.domain.actors import Actor, Role
from portintel.domain.extraction import (
    EXTRACTION_RULES_VERSION,
    ExtractionContext,
    PlaceIndex,
    Suggestion,
    extract,
    index_names,
    index_places,
    stated_pairs,
    suggestion_facts,
)
from portintel.domain.reports import ReportStatus, may_edit
from portintel.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from portintel.services import audit
from portintel.services.events import transaction
from portintel.services.intake.entity_scope import writer_scope
from portintel.services.intake.fact_statements import make_fact_statements
from portintel.services.intake.statements import write_statements
from portintel.services.workspace import Workspace

__all__ = [
    "KNOWN_NAMES_LIMIT",
    "Decision",
    "SuggestionList",
    "SuggestionStatus",
    "SuggestionView",
    "decide_suggestion",
    "list_suggestions",
]

KNOWN_NAMES_LIMIT = 20_000
"""At most this many person names the actor may read feed the dictionary rule."""


class Decision(StrEnum):
    ACCEPT = "accept"
    REJECT = "reject"


class SuggestionStatus(StrEnum):
    PROPOSED = "proposed"
    """Nobody decided yet."""
    STATED = "stated"
    """The report states this value already (filing extracted it, or a fact gave it)."""
    ACCEPTED = "accepted"
    REJECTED = "rejected"


@dataclass(frozen=True, slots=True)
class SuggestionView:
    """One suggestion of a report with its status and, once decided, the decision."""

    suggestion: Suggestion
    status: SuggestionStatus
    decided_value: str | None = None
    decided_by: str | None = None
    statement_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SuggestionList:
    report_id: str
    rules_version: str
    items: tuple[SuggestionView, ...]
    may_decide: bool
    refused_places: tuple[str, ...] = field(default=())


@functools.lru_cache(maxsize=8)
def _place_index(data_dir: str, stamp: float) -> tuple[PlaceIndex, tuple[str, ...]]:
    """The compiled gazetteer, rebuilt when the node's places file changes (``stamp``)."""
    table = load_places(Path(data_dir))
    return index_places(table.places), table.refused


def _places(ws: Workspace) -> tuple[PlaceIndex, tuple[str, ...]]:
    data_dir = ws.settings.data_dir
    stamps = []
    for name in ("places.csv", "ports.csv"):
        try:
            stamps.append((data_dir / name).stat().st_mtime)
        except OSError:
            stamps.append(0.0)
    return _place_index(str(data_dir), sum(stamps))


def _known_names(connection: Connection, actor: Actor) -> tuple[str, ...]:
    """Person names the actor may read (scoped in the database), the dictionary rule's words."""
    statements = tables.statements.c
    query = (
        select(statements.value)
        .select_from(statements_with_reports())
        .where(
            statements.schema == "Person",
            statements.prop == "name",
            statements.invalid_reason.is_(None),
            statement_condition(reader_scope(actor).statements),
        )
        .distinct()
        .order_by(statements.value)
        .limit(KNOWN_NAMES_LIMIT)
    )
    return tuple(connection.execute(query).scalars())


def _report(connection: Connection, actor: Actor, report_id: str) -> Row[Any]:
    row = connection.execute(
        readable_reports(reader_scope(actor).reports).where(tables.reports.c.id == report_id)
    ).first()
    if row is None:
        raise NotFound(f"report {report_id} not found", hint="check the id, or ask its author")
    return row


def _may_decide(actor: Actor, row: Row[Any]) -> bool:
    if may_edit(actor, ReportStatus(row.status), row.author_id):
        return True
    return actor.has(Role.ANALYST) or actor.has(Role.SUPERVISOR)


def _suggestions(
    ws: Workspace, connection: Connection, actor: Actor, row: Row[Any]
) -> tuple[Suggestion, ...]:
    places, _ = _places(ws)
    context = ExtractionContext(
        country=ws.settings.country,
        places=places,
        known_names=index_names(_known_names(connection, actor)),
    )
    return extract(row.text, context)


def _decisions(connection: Connection, report_id: str) -> dict[str, Row[Any]]:
    decided = tables.report_suggestions
    rows = connection.execute(select(decided).where(decided.c.report_id == report_id)).all()
    return {row.suggestion_id: row for row in rows}


def _stated(connection: Connection, actor: Actor, report_id: str) -> set[tuple[str, str]]:
    statements = tables.statements.c
    rows = connection.execute(
        select(statements.prop, statements.value)
        .select_from(statements_with_reports())
        .where(statements.origin == report_id, statement_condition(reader_scope(actor).statements))
    ).all()
    return {(row.prop, row.value) for row in rows}


def _view(
    suggestion: Suggestion, decision: Row[Any] | None, stated: set[tuple[str, str]]
) -> SuggestionView:
    if decision is not None:
        return SuggestionView(
            suggestion=suggestion,
            status=SuggestionStatus.ACCEPTED
            if decision.decision == Decision.ACCEPT.value
            else SuggestionStatus.REJECTED,
            decided_value=decision.decided_value,
            decided_by=decision.decided_by,
            statement_ids=tuple(decision.statement_ids or ()),
        )
    try:
        pairs = stated_pairs(suggestion)
    except InvalidInput:  # a value that is no position is simply not stated
        pairs = ()
    if pairs and all(pair in stated for pair in pairs):
        return SuggestionView(suggestion=suggestion, status=SuggestionStatus.STATED)
    return SuggestionView(suggestion=suggestion, status=SuggestionStatus.PROPOSED)


@audit.audits_denial("report", id_parameter="report_id")
def list_suggestions(
    ws: Workspace, actor: Actor, report_id: str, *, include_rejected: bool = False
) -> SuggestionList:
    """What extraction proposes for a report the actor may read, with each one's status.

    Rejected suggestions are left out unless ``include_rejected``: a rejected
    suggestion is not proposed again.
    """
    with ws.engine.begin() as connection:
        row = _report(connection, actor, report_id)
        suggestions = _suggestions(ws, connection, actor, row)
        decisions = _decisions(connection, report_id)
        stated = _stated(connection, actor, report_id)
        audit.record(
            connection,
            actor,
            "report.suggestions.read",
            object_type="report",
            object_id=report_id,
            detail={"rules_version": EXTRACTION_RULES_VERSION, "suggestions": len(suggestions)},
            at=ws.clock(),
        )
        may_decide = _may_decide(actor, row)
    views = [_view(s, decisions.get(s.id), stated) for s in suggestions]
    if not include_rejected:
        views = [view for view in views if view.status is not SuggestionStatus.REJECTED]
    _, refused = _places(ws)
    return SuggestionList(
        report_id=report_id,
        rules_version=EXTRACTION_RULES_VERSION,
        items=tuple(views),
        may_decide=may_decide,
        refused_places=refused,
    )


def decide_suggestion(
    ws: Workspace,
    actor: Actor,
    report_id: str,
    suggestion_id: str,
    decision: Decision,
    *,
    value: str | None = None,
) -> SuggestionView:
    """Accept (with ``value``: edit, then accept) or reject one suggestion of a report.

    Raises NotFound for a report the actor may not read or a suggestion the
    report's text does not yield, PermissionDenied for an actor who may read
    but not decide, Conflict for a suggestion decided already, InvalidInput
    for an edited value that cannot be stated (an empty one, a position that
    is not "lat,lon").
    """
    now = ws.clock()
    with transaction(ws) as connection:
        row = _report(connection, actor, report_id)
        if not _may_decide(actor, row):
            raise PermissionDenied(
                "only the report's author (while they may edit it), analysts and supervisors "
                "decide on its suggestions"
            )
        wanted = [s for s in _suggestions(ws, connection, actor, row) if s.id == suggestion_id]
        if not wanted:
            raise NotFound(
                f"suggestion {suggestion_id} not found in report {report_id}",
                hint="list the report's suggestions again: its text or the rules may have changed",
            )
        suggestion = wanted[0]
        previous = _decisions(connection, report_id).get(suggestion_id)
        if previous is not None:
            done = f"{previous.decision}ed"
            raise Conflict(f"suggestion {suggestion_id} of report {report_id} was {done} already")
        edited = value is not None and " ".join(value.split()) != suggestion.value
        statement_ids: list[str] = []
        records = []
        if decision is Decision.ACCEPT:
            facts = list(suggestion_facts(suggestion, value if edited else None))
            scope = writer_scope(connection, actor, facts, region=ws.settings.country)
            records = make_fact_statements(
                facts,
                origin=report_id,
                dataset=ws.settings.node_id,
                seen_at=row.occurred_at or row.reported_at,
                region=ws.settings.country,
                grading_scheme=row.grading_scheme,
                readable=scope.readable,
                namesakes=scope.namesakes,
            )
            write_statements(connection, records)
            statement_ids = [record.id for record in records]
        connection.execute(
            insert(tables.report_suggestions).values(
                report_id=report_id,
                suggestion_id=suggestion.id,
                kind=suggestion.kind.value,
                span_start=suggestion.start,
                span_end=suggestion.end,
                raw=suggestion.raw,
                value=suggestion.value,
                decision=decision.value,
                decided_value=" ".join(value.split()) if edited and value is not None else None,
                rule_id=suggestion.rule_id,
                rule_version=suggestion.rule_version,
                rules_version=EXTRACTION_RULES_VERSION,
                decided_by=None if actor.is_system else actor.user_id,
                decided_at=now,
                statement_ids=statement_ids or None,
            )
        )
        action = "edit" if decision is Decision.ACCEPT and edited else decision.value
        audit.record(
            connection,
            actor,
            f"report.suggestion.{action}",
            object_type="report",
            object_id=report_id,
            detail={
                "suggestion": suggestion.id,
                "kind": suggestion.kind.value,
                "rule": f"{suggestion.rule_id}@{suggestion.rule_version}",
                "valid": suggestion.valid,
                "statements": len(statement_ids),
                "invalid_values": sum(1 for record in records if record.invalid_reason),
            },
            at=now,
        )
    return SuggestionView(
        suggestion=suggestion,
        status=SuggestionStatus.ACCEPTED
        if decision is Decision.ACCEPT
        else SuggestionStatus.REJECTED,
        decided_value=" ".join(value.split()) if edited and value is not None else None,
        decided_by=None if actor.is_system else actor.user_id,
        statement_ids=tuple(statement_ids),
    )
